package service

import (
	"github.com/porticohq/portico/internal/billing"
)

// An update with payment_behavior=pending_if_incomplete whose invoice is
// not paid at once changes nothing yet, as on Stripe: the subscription
// keeps its items, anchor and trial, and the change waits as its
// pending_update, with the open invoice as latest_invoice. Paying that
// invoice (a retry, POST /v1/invoices/{id}/pay, the hosted page) applies it
// (customer.subscription.pending_update_applied); after 23 hours it expires
// (customer.subscription.pending_update_expired) and its invoice, which
// billed a change that never happened, is voided. Only what Stripe allows in
// a pending update is kept; other parameters of such an update (metadata,
// say) are dropped with it.

// pendingUpdateLifetime is how long a pending update waits for payment.
const pendingUpdateLifetime = 23 * 3600

// keepPendingUpdate stores sub as it was before the update (prev), with
// the update's items, anchor and trial end as its pending_update, waiting
// for in.
func (s *Service) keepPendingUpdate(tx billing.Tx, sub, prev *billing.Subscription, in *billing.Invoice, p SubscriptionParams, now int64) error {
	pu := &billing.PendingUpdate{Invoice: in.ID, ExpiresAt: now + pendingUpdateLifetime, TrialFromPlan: p.TrialFromPlan,
		SubscriptionItems: cloneSub(sub).Items}
	if sub.BillingCycleAnchor != prev.BillingCycleAnchor {
		a := sub.BillingCycleAnchor
		pu.BillingCycleAnchor = &a
	}
	if sub.TrialEnd != nil && (prev.TrialEnd == nil || *prev.TrialEnd != *sub.TrialEnd) {
		te := *sub.TrialEnd
		pu.TrialEnd = &te
	}
	kept := cloneSub(prev)
	kept.PendingUpdate = pu
	kept.LatestInvoice = in.ID
	kept.Collecting = sub.Collecting // the invoice it replaced as latest
	kept.NextDue = nextDue(kept, in)
	*sub = *kept
	return s.saveSub(tx, sub, prev)
}

// applyPendingUpdate applies sub's pending update, whose invoice was just
// paid.
func (s *Service) applyPendingUpdate(tx billing.Tx, sub *billing.Subscription, now int64) error {
	prev := cloneSub(sub)
	pu := sub.PendingUpdate
	items := cloneSub(&billing.Subscription{Items: pu.SubscriptionItems}).Items
	if pu.BillingCycleAnchor == nil && len(sub.Items) > 0 {
		// A renewal may have come in between: the items keep the
		// subscription's current period.
		for i := range items {
			items[i].CurrentPeriodStart, items[i].CurrentPeriodEnd = sub.Items[0].CurrentPeriodStart, sub.Items[0].CurrentPeriodEnd
		}
	} else if pu.BillingCycleAnchor != nil {
		sub.BillingCycleAnchor = *pu.BillingCycleAnchor
	}
	sub.Items = items
	if pu.TrialEnd != nil {
		te := *pu.TrialEnd
		sub.TrialEnd = &te
		if sub.Status == billing.SubTrialing && te <= now {
			sub.Status = billing.SubActive
		}
	}
	sub.PendingUpdate = nil
	if err := s.refreshNextDue(tx, sub); err != nil {
		return err
	}
	if err := s.saveSub(tx, sub, prev); err != nil {
		return err
	}
	return emit(tx, "customer.subscription.pending_update_applied", "subscription", sub, prev)
}

// expirePendingUpdate drops sub's pending update, unpaid after 23 hours,
// and voids its invoice.
func (s *Service) expirePendingUpdate(tx billing.Tx, sub *billing.Subscription, t int64) error {
	in, err := tx.Invoice(sub.PendingUpdate.Invoice)
	if err != nil {
		return err
	}
	if in.Status == billing.InvoiceOpen {
		if err := voidInvoice(tx, in, t); err != nil {
			return err
		}
	}
	prev := cloneSub(sub)
	sub.PendingUpdate = nil
	if err := emit(tx, "customer.subscription.pending_update_expired", "subscription", sub, prev); err != nil {
		return err
	}
	return nil
}

// refreshNextDue recomputes sub.NextDue from its latest invoice.
func (s *Service) refreshNextDue(tx billing.Tx, sub *billing.Subscription) error {
	var latest *billing.Invoice
	if sub.LatestInvoice != "" {
		var err error
		if latest, err = tx.Invoice(sub.LatestInvoice); err != nil {
			return err
		}
	}
	sub.NextDue = nextDue(sub, latest)
	return nil
}
