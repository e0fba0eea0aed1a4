package service

import (
	"context"

	"github.com/porticohq/portico/internal/billing"
)

// endSubscription cancels sub now.
func (s *Service) endSubscription(tx billing.Tx, sub *billing.Subscription, now int64, reason string) error {
	prev := cloneSub(sub)
	sub.Status = billing.SubCanceled
	sub.EndedAt = &now
	if sub.CanceledAt == nil {
		sub.CanceledAt = &now
	}
	if reason != "" && sub.CancellationDetails.Reason == "" {
		sub.CancellationDetails.Reason = reason
	}
	sub.NextDue = 0
	if err := tx.UpdateSubscription(sub); err != nil {
		return err
	}
	_ = prev
	return emit(tx, "customer.subscription.deleted", "subscription", sub, nil)
}

// CancelParams are the parameters of DELETE /v1/subscriptions/{id}.
type CancelParams struct {
	InvoiceNow          bool
	Prorate             bool
	CancellationDetails Field[billing.CancellationDetails]
}

// CancelSubscription cancels a subscription at once. With prorate, the
// unused time is credited as a pending invoice item (invoiced at once with
// invoice_now).
func (s *Service) CancelSubscription(ctx context.Context, id string, p CancelParams) (*billing.Subscription, error) {
	var sub *billing.Subscription
	err := s.update(ctx, func(tx billing.Tx) error {
		var c *billing.Customer
		var now int64
		var err error
		if sub, c, now, err = subscriptionAt(tx, id); err != nil {
			return err
		}
		if sub.Ended() {
			return billing.Invalid("", "resource_missing", "A canceled subscription can only update its cancellation_details and metadata.")
		}
		if p.CancellationDetails.Set {
			sub.CancellationDetails = p.CancellationDetails.Value
		}
		if p.Prorate && sub.Status != billing.SubTrialing {
			if _, err := s.prorationItems(tx, sub, nil, now, true); err != nil {
				return err
			}
		}
		if p.InvoiceNow {
			if _, err := s.invoicePending(tx, sub, c, billing.ReasonSubscriptionUpdate, now, false); err != nil {
				return err
			}
		}
		if sub.CancellationDetails.Reason == "" {
			sub.CancellationDetails.Reason = "cancellation_requested"
		}
		sub.CanceledAt = &now
		return s.endSubscription(tx, sub, now, "cancellation_requested")
	})
	return sub, err
}

// ResumeSubscription resumes a paused subscription, starting a new period
// now and billing it.
func (s *Service) ResumeSubscription(ctx context.Context, id string) (*billing.Subscription, error) {
	var sub *billing.Subscription
	err := s.update(ctx, func(tx billing.Tx) error {
		var c *billing.Customer
		var now int64
		var err error
		if sub, c, now, err = subscriptionAt(tx, id); err != nil {
			return err
		}
		if sub.Status != billing.SubPaused {
			return billing.Invalid("", "subscription_unexpected_state", "Only a paused subscription can be resumed; this one is %s.", sub.Status)
		}
		prev := cloneSub(sub)
		sub.Status = billing.SubActive
		if err := s.resetPeriod(tx, sub, now); err != nil {
			return err
		}
		in, err := s.invoicePending(tx, sub, c, billing.ReasonSubscriptionUpdate, now, true)
		if err != nil {
			return err
		}
		sub.NextDue = nextDue(sub, in)
		if err := s.saveSub(tx, sub, prev); err != nil {
			return err
		}
		return emit(tx, "customer.subscription.resumed", "subscription", sub, nil)
	})
	return sub, err
}
