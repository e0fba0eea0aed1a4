package service

import (
	"fmt"

	"github.com/porticohq/portico/internal/billing"
)

// The scheduler moves subscriptions through time: renewals, trial ends,
// period-end cancellations, cancel_at, pause resumes_at, drafts to
// finalize, payment retries and incomplete expiry. Each subscription keeps
// NextDue, the next time something is due; a step re-reads the
// subscription inside its transaction and does only what is due by then,
// so running the scheduler twice (or concurrently with itself) never bills
// a period twice: the second run finds NextDue already moved on.

// incompleteExpiry is how long an incomplete subscription waits for its
// first payment before it expires.
const incompleteExpiry = 23 * 3600

// NoticeLead is how long before a renewal invoice.upcoming is recorded, and
// before a trial ends customer.subscription.trial_will_end (Stripe's
// default: 3 days).
const NoticeLead = 3 * 86400

// maxStepsPerRun bounds the steps of one subscription in one run, against
// a bug that would not move NextDue forward.
const maxStepsPerRun = 1000

// nextDue returns when the scheduler must next look at sub, given its
// latest invoice (nil when none); 0 when never.
func nextDue(sub *billing.Subscription, latest *billing.Invoice) int64 {
	if sub.Ended() || sub.Status == billing.SubPaused {
		return 0 // a paused subscription waits for resume
	}
	var due int64
	consider := func(t int64) {
		if t > 0 && (due == 0 || t < due) {
			due = t
		}
	}
	if sub.Status == billing.SubIncomplete {
		consider(sub.Created + incompleteExpiry)
	} else {
		consider(periodEnd(sub))
	}
	if sub.CancelAt != nil {
		consider(*sub.CancelAt)
	}
	if t, ok := upcomingDue(sub); ok {
		consider(t)
	}
	if t, ok := trialNoticeDue(sub); ok {
		consider(t)
	}
	if sub.PauseCollection != nil && sub.PauseCollection.ResumesAt != nil {
		consider(*sub.PauseCollection.ResumesAt)
	}
	if pu := sub.PendingUpdate; pu != nil && pu.Invoice != "" {
		consider(pu.ExpiresAt)
	}
	for _, c := range sub.Collecting {
		consider(c.At)
	}
	if t, ok := overdueDue(sub, latest); ok {
		consider(t)
	}
	if latest != nil {
		if latest.Status == billing.InvoiceDraft && latest.AutoAdvance && latest.AutomaticallyFinalizesAt != nil {
			consider(*latest.AutomaticallyFinalizesAt)
		}
		if latest.Status == billing.InvoiceOpen && latest.NextPaymentAttempt != nil {
			consider(*latest.NextPaymentAttempt)
		}
	}
	return due
}

// upcomingDue tells when invoice.upcoming is due for sub's next renewal.
func upcomingDue(sub *billing.Subscription) (int64, bool) {
	pe := periodEnd(sub)
	if sub.Status == billing.SubIncomplete || sub.Status == billing.SubTrialing || sub.CancelAtPeriodEnd ||
		(sub.CancelAt != nil && *sub.CancelAt <= pe) || sub.UpcomingSentFor == pe || pe-NoticeLead <= sub.Created {
		return 0, false
	}
	return pe - NoticeLead, true
}

// trialNoticeDue tells when customer.subscription.trial_will_end is due.
func trialNoticeDue(sub *billing.Subscription) (int64, bool) {
	if sub.Status != billing.SubTrialing || sub.TrialEnd == nil || sub.TrialWillEndSentFor == *sub.TrialEnd {
		return 0, false
	}
	return max(*sub.TrialEnd-NoticeLead, sub.Created), true
}

// advanceSubscription does, in order, everything due on sub up to now,
// each step at its own due time.
func (s *Service) advanceSubscription(tx billing.Tx, sub *billing.Subscription, now int64) error {
	for n := 0; sub.NextDue > 0 && sub.NextDue <= now; n++ {
		if n >= maxStepsPerRun {
			return fmt.Errorf("service: subscription %s did not settle after %d steps", sub.ID, n)
		}
		if err := s.step(tx, sub, sub.NextDue); err != nil {
			return err
		}
	}
	return nil
}

// step does what is due on sub at t and stores it with its new NextDue.
func (s *Service) step(tx billing.Tx, sub *billing.Subscription, t int64) error {
	var latest *billing.Invoice
	if sub.LatestInvoice != "" {
		var err error
		if latest, err = tx.Invoice(sub.LatestInvoice); err != nil {
			return err
		}
	}
	customer := func() (*billing.Customer, error) { return tx.Customer(sub.Customer) }
	prev := cloneSub(sub)
	changed := false
	switch {
	case latest != nil && latest.Status == billing.InvoiceDraft && latest.AutoAdvance && latest.AutomaticallyFinalizesAt != nil && *latest.AutomaticallyFinalizesAt <= t:
		// A status change the payment makes records its own event.
		if err := s.finalizeAndCharge(tx, sub, latest, t, true); err != nil {
			return err
		}
	case latest != nil && latest.Status == billing.InvoiceOpen && latest.NextPaymentAttempt != nil && *latest.NextPaymentAttempt <= t:
		if err := tx.UpdateSubscription(sub); err != nil {
			return err
		}
		if _, _, err := s.attemptPayment(tx, latest, "", true, t); err != nil {
			return err
		}
		stored, err := tx.Subscription(sub.ID)
		if err != nil {
			return err
		}
		*sub = *stored
		if sub.Ended() {
			return nil
		}
	case dueAt(overdueDue(sub, latest)) <= t:
		sub.OverdueFor = latest.ID
		if sub.Status == billing.SubActive {
			sub.Status = billing.SubPastDue
			changed = true
		}
	case dueCollecting(sub, t) >= 0:
		c, err := s.collectOlder(tx, sub, dueCollecting(sub, t), t)
		if err != nil {
			return err
		}
		if sub.Ended() {
			return nil
		}
		changed = c
	case sub.Status == billing.SubIncomplete && t >= sub.Created+incompleteExpiry:
		sub.Status = billing.SubIncompleteExpired
		sub.EndedAt = &t
		if latest != nil && latest.Status == billing.InvoiceOpen {
			if err := voidInvoice(tx, latest, t); err != nil {
				return err
			}
		}
		changed = true
	case sub.PendingUpdate != nil && sub.PendingUpdate.Invoice != "" && sub.PendingUpdate.ExpiresAt <= t:
		if err := s.expirePendingUpdate(tx, sub, t); err != nil {
			return err
		}
		changed = true
	case sub.PauseCollection != nil && sub.PauseCollection.ResumesAt != nil && *sub.PauseCollection.ResumesAt <= t:
		sub.PauseCollection = nil
		changed = true
	case dueAt(trialNoticeDue(sub)) <= t:
		sub.TrialWillEndSentFor = *sub.TrialEnd
		if err := emit(tx, "customer.subscription.trial_will_end", "subscription", sub, nil); err != nil {
			return err
		}
	case dueAt(upcomingDue(sub)) <= t:
		sub.UpcomingSentFor = periodEnd(sub)
		c, err := customer()
		if err != nil {
			return err
		}
		up, err := s.upcomingInvoice(tx, sub, c)
		if err != nil {
			return err
		}
		if err := emit(tx, "invoice.upcoming", "invoice", up, nil); err != nil {
			return err
		}
	case sub.CancelAt != nil && *sub.CancelAt <= t:
		sub.NextDue = 0
		return s.endSubscription(tx, sub, *sub.CancelAt, "cancellation_requested")
	case periodEnd(sub) <= t:
		if sub.CancelAtPeriodEnd {
			return s.endSubscription(tx, sub, periodEnd(sub), "cancellation_requested")
		}
		c, err := customer()
		if err != nil {
			return err
		}
		if sub.Status == billing.SubTrialing && sub.TrialEndBehavior != "" && sub.TrialEndBehavior != "create_invoice" {
			if pm, err := subscriptionPaymentMethod(tx, sub, c); err != nil {
				return err
			} else if pm == "" {
				return s.endTrialWithoutCard(tx, sub, prev, periodEnd(sub))
			}
		}
		if latest, err = s.renew(tx, sub, c, periodEnd(sub)); err != nil {
			return err
		}
		changed = true
	}
	// latest was changed in place by what ran; reload it only when the
	// subscription moved on to another invoice.
	if sub.LatestInvoice != "" && (latest == nil || latest.ID != sub.LatestInvoice) {
		var err error
		if latest, err = tx.Invoice(sub.LatestInvoice); err != nil {
			return err
		}
	}
	sub.NextDue = nextDue(sub, latest)
	if sub.NextDue == prev.NextDue && sub.NextDue <= t && sub.NextDue != 0 {
		return fmt.Errorf("service: nothing due on subscription %s at %d", sub.ID, t)
	}
	if changed {
		return s.saveSub(tx, sub, prev)
	}
	return tx.UpdateSubscription(sub)
}

func dueAt(t int64, ok bool) int64 {
	if !ok {
		return 1<<63 - 1
	}
	return t
}

// upcomingInvoice builds the next renewal invoice of sub as a preview.
func (s *Service) upcomingInvoice(tx billing.Tx, sub *billing.Subscription, c *billing.Customer) (*billing.Invoice, error) {
	ptx := newPreviewTx(tx)
	in, err := s.renew(ptx, cloneSub(sub), c, periodEnd(sub))
	if err != nil {
		return nil, err
	}
	if err := previewTotals(ptx, in); err != nil {
		return nil, err
	}
	in.ID, in.BillingReason, in.AutomaticallyFinalizesAt = "", billing.ReasonUpcoming, nil
	return in, nil
}

// renew starts the next period at pe and bills it with a draft invoice
// that is finalized and charged an hour later.
func (s *Service) renew(tx billing.Tx, sub *billing.Subscription, c *billing.Customer, pe int64) (*billing.Invoice, error) {
	if err := s.applyScheduledChange(tx, sub, pe); err != nil {
		return nil, err
	}
	p, err := tx.Price(sub.Items[0].Price)
	if err != nil {
		return nil, err
	}
	reason := billing.ReasonSubscriptionCycle
	if sub.Status == billing.SubTrialing {
		sub.Status = billing.SubActive
	}
	prevStart := periodStart(sub)
	next := billing.NextBoundary(sub.BillingCycleAnchor, pe, p.Recurring.Interval, p.Recurring.IntervalCount)
	for i := range sub.Items {
		sub.Items[i].CurrentPeriodStart, sub.Items[i].CurrentPeriodEnd = pe, next
	}
	if err := dropEndedDiscounts(tx, sub, pe); err != nil {
		return nil, err
	}
	in := newInvoice(tx, c, sub, sub.Currency, reason, pe)
	items, err := pendingItemsFor(tx, c.ID, sub.ID)
	if err != nil {
		return nil, err
	}
	claimItems(in, items)
	for i := range sub.Items {
		l, err := itemLine(tx, sub, &sub.Items[i], pe, next)
		if err != nil {
			return nil, err
		}
		in.Lines = append(in.Lines, l)
	}
	// As Stripe: a renewal invoice's period is the one just ended (when
	// its pending items accrued), not the one it bills in advance.
	in.PeriodStart, in.PeriodEnd = prevStart, pe
	fin := pe + draftFinalizeDelay
	in.AutomaticallyFinalizesAt = &fin
	if pc := sub.PauseCollection; pc != nil && pc.Behavior == "keep_as_draft" {
		in.AutoAdvance = false
		in.AutomaticallyFinalizesAt = nil
	}
	if err := replaceLatestInvoice(tx, sub, in.ID); err != nil {
		return nil, err
	}
	if err := insertInvoice(tx, in, pe); err != nil {
		return nil, err
	}
	if err := storeClaimed(tx, items); err != nil {
		return nil, err
	}
	if pc := sub.PauseCollection; pc != nil && pc.Behavior != "keep_as_draft" {
		in.AutoAdvance = false
		if err := finalizeInvoice(tx, in, pe); err != nil {
			return nil, err
		}
		if in.Status == billing.InvoiceOpen {
			if pc.Behavior == "void" {
				err = voidInvoice(tx, in, pe)
			} else {
				err = markUncollectible(tx, in, pe)
			}
			if err != nil {
				return nil, err
			}
		}
	}
	return in, nil
}

// dropEndedDiscounts removes the discounts that have ended by t (a repeating
// coupon's months are over, a once coupon was used) from sub, recording
// customer.discount.deleted for each, as Stripe does when a discount ends.
func dropEndedDiscounts(tx billing.Tx, sub *billing.Subscription, t int64) error {
	kept := sub.Discounts[:0:0]
	for _, id := range sub.Discounts {
		d, err := tx.Discount(id)
		if err != nil {
			return err
		}
		if d.End == nil || *d.End > t {
			kept = append(kept, id)
			continue
		}
		if err := emit(tx, "customer.discount.deleted", "discount", d, nil); err != nil {
			return err
		}
	}
	sub.Discounts = kept
	return nil
}

// subscriptionPaymentMethod is the card a subscription's invoices are
// charged with: its own default, or its customer's.
func subscriptionPaymentMethod(tx billing.Tx, sub *billing.Subscription, c *billing.Customer) (string, error) {
	if sub.DefaultPaymentMethod != "" {
		return sub.DefaultPaymentMethod, nil
	}
	return c.InvoiceSettings.DefaultPaymentMethod, nil
}

// endTrialWithoutCard pauses or cancels a subscription whose trial ends
// with no payment method, per trial_settings.end_behavior. A paused
// subscription bills nothing until it is resumed (POST .../resume).
func (s *Service) endTrialWithoutCard(tx billing.Tx, sub, prev *billing.Subscription, te int64) error {
	if sub.TrialEndBehavior == "cancel" {
		sub.NextDue = 0
		return s.endSubscription(tx, sub, te, "")
	}
	sub.Status = billing.SubPaused
	sub.NextDue = 0
	if err := s.saveSub(tx, sub, prev); err != nil {
		return err
	}
	return emit(tx, "customer.subscription.paused", "subscription", sub, nil)
}
