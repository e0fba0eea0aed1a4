package service

import (
	"slices"

	"github.com/porticohq/portico/internal/billing"
)

// A subscription collects every open invoice it has, not only its latest:
// when a renewal (or an invoiced update) takes the latest's place while it
// is still being collected, the old one moves to the subscription's
// Collecting list, and the scheduler goes on retrying it (or, for
// send_invoice, watching its due date) at its own times. A send_invoice
// invoice whose due date passes unpaid makes the subscription past_due, as
// a failed automatic payment does; paying what is overdue makes it active
// again. When an older invoice's retries run out, the subscription gets the
// same end as for its latest (canceled, or unpaid per settings).

// collectAt is when the scheduler must next look at an open invoice: its
// next automatic payment attempt or, for send_invoice, its due date unless
// already overdue (overdueFor); 0 when never.
func collectAt(in *billing.Invoice, overdueFor string) int64 {
	switch {
	case in.Status != billing.InvoiceOpen:
		return 0
	case in.NextPaymentAttempt != nil:
		return *in.NextPaymentAttempt
	case in.CollectionMethod == "send_invoice" && in.DueDate != nil && overdueFor != in.ID:
		return *in.DueDate
	}
	return 0
}

// replaceLatestInvoice makes id sub's latest invoice, moving the one it
// replaces to sub.Collecting when it is still being collected.
func replaceLatestInvoice(tx billing.Tx, sub *billing.Subscription, id string) error {
	if sub.LatestInvoice != "" && sub.LatestInvoice != id && !isPreview(tx) {
		old, err := tx.Invoice(sub.LatestInvoice)
		if err != nil {
			return err
		}
		if at := collectAt(old, sub.OverdueFor); at > 0 {
			sub.Collecting = append(slices.Clone(sub.Collecting), billing.CollectingInvoice{Invoice: old.ID, At: at})
		}
	}
	sub.LatestInvoice = id
	return nil
}

// overdueDue tells when sub's latest invoice, sent for manual payment,
// falls due and makes the subscription past_due.
func overdueDue(sub *billing.Subscription, latest *billing.Invoice) (int64, bool) {
	if latest == nil || latest.Status != billing.InvoiceOpen || latest.CollectionMethod != "send_invoice" ||
		latest.DueDate == nil || sub.OverdueFor == latest.ID {
		return 0, false
	}
	return *latest.DueDate, true
}

// dueCollecting returns the index of the earliest of sub's older invoices
// due by t, or -1.
func dueCollecting(sub *billing.Subscription, t int64) int {
	best := -1
	for i, c := range sub.Collecting {
		if c.At <= t && (best < 0 || c.At < sub.Collecting[best].At) {
			best = i
		}
	}
	return best
}

// collectOlder does what is due at t on sub's older invoice i: a payment
// retry, or its due date passing. It re-reads the invoice, so one paid,
// voided or retried meanwhile only updates (or leaves) the list. changed
// reports a status change for the caller to record.
func (s *Service) collectOlder(tx billing.Tx, sub *billing.Subscription, i int, t int64) (changed bool, err error) {
	entry := sub.Collecting[i]
	sub.Collecting = slices.Delete(slices.Clone(sub.Collecting), i, i+1)
	in, err := tx.Invoice(entry.Invoice)
	if err != nil {
		return false, err
	}
	switch {
	case in.Status == billing.InvoiceOpen && in.NextPaymentAttempt != nil && *in.NextPaymentAttempt <= t:
		// The payment updates the stored subscription: store ours first,
		// then take its result back.
		if err := tx.UpdateSubscription(sub); err != nil {
			return false, err
		}
		if _, _, err := s.attemptPayment(tx, in, "", true, *in.NextPaymentAttempt); err != nil {
			return false, err
		}
		stored, err := tx.Subscription(sub.ID)
		if err != nil {
			return false, err
		}
		*sub = *stored
	case in.Status == billing.InvoiceOpen && in.NextPaymentAttempt == nil && in.CollectionMethod == "send_invoice" &&
		in.DueDate != nil && *in.DueDate <= t:
		if sub.Status == billing.SubActive {
			sub.Status = billing.SubPastDue
			changed = true
		}
		return changed, nil // nothing more to watch on it
	}
	if at := collectAt(in, ""); at > 0 && !sub.Ended() {
		sub.Collecting = append(sub.Collecting, billing.CollectingInvoice{Invoice: in.ID, At: at})
	}
	return changed, nil
}

// retriesExhausted tells whether a failed invoice has no retry left.
func retriesExhausted(in *billing.Invoice) bool {
	return in.NextPaymentAttempt == nil && in.BillingReason != billing.ReasonSubscriptionCreate && in.AttemptCount > int64(len(RetrySchedule))
}

// afterOlderPayment moves sub after a payment attempt on one of its open
// invoices other than the latest: paying the last overdue one makes it
// active again; exhausting its retries ends it (or makes it unpaid) as for
// the latest. Other failures leave the status as it is.
func (s *Service) afterOlderPayment(tx billing.Tx, sub *billing.Subscription, in *billing.Invoice, outcome payOutcome, now int64) error {
	prev := cloneSub(sub)
	switch {
	case outcome == paySucceeded:
		if sub.Status != billing.SubPastDue && sub.Status != billing.SubUnpaid {
			return nil
		}
		overdue, err := s.hasOverdueInvoice(tx, sub, in.ID, now)
		if err != nil || overdue {
			return err
		}
		sub.Status = billing.SubActive
	case outcome == payFailed && retriesExhausted(in) && in.CollectionMethod == "charge_automatically":
		action, _ := tx.Setting(SettingFailedPaymentAction)
		if action != "unpaid" {
			return s.endSubscription(tx, sub, now, "payment_failed")
		}
		sub.Status = billing.SubUnpaid
	}
	if sub.Status == prev.Status {
		return nil
	}
	if err := s.refreshNextDue(tx, sub); err != nil {
		return err
	}
	return s.saveSub(tx, sub, prev)
}

// hasOverdueInvoice tells whether sub has an open invoice, other than
// except, that has failed a payment or passed its due date by now.
func (s *Service) hasOverdueInvoice(tx billing.Tx, sub *billing.Subscription, except string, now int64) (bool, error) {
	ids := []string{sub.LatestInvoice}
	for _, c := range sub.Collecting {
		ids = append(ids, c.Invoice)
	}
	for _, id := range ids {
		if id == "" || id == except {
			continue
		}
		in, err := tx.Invoice(id)
		if err != nil {
			return false, err
		}
		if in.Status == billing.InvoiceOpen && (in.AttemptCount > 0 || (in.DueDate != nil && *in.DueDate <= now)) {
			return true, nil
		}
	}
	return false, nil
}
