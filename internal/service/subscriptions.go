package service

import (
	"context"
	"errors"

	"github.com/porticohq/portico/internal/billing"
)

// ItemParams is one entry of items[] on a subscription create or update.
type ItemParams struct {
	ID       string // an existing item (update only)
	Price    string
	Quantity Field[int64]
	Deleted  bool
	Metadata billing.MetadataUpdate
}

// DiscountParams is one entry of discounts[].
type DiscountParams struct {
	Coupon        string
	PromotionCode string
	Discount      string // keep an existing discount
}

// SubscriptionParams are the parameters of a subscription create or update.
type SubscriptionParams struct {
	Customer             string
	Items                Field[[]ItemParams]
	DefaultPaymentMethod Field[string]
	Discounts            Field[[]DiscountParams]
	TrialPeriodDays      Field[int64]
	TrialEnd             Field[int64]
	TrialEndNow          bool
	TrialFromPlan        bool
	TrialEndBehavior     string // missing_payment_method: create_invoice, pause, cancel
	BillingCycleAnchor   Field[int64]
	AnchorNow            bool
	CancelAtPeriodEnd    Field[bool]
	CancelAt             Field[*int64]
	CollectionMethod     Field[string]
	DaysUntilDue         Field[int64]
	PaymentBehavior      string
	ProrationBehavior    string // create_prorations (default), always_invoice, none
	ProrationDate        Field[int64]
	PauseCollection      Field[*billing.PauseCollection]
	CancellationDetails  Field[billing.CancellationDetails]
	Description          Field[string]
	Metadata             billing.MetadataUpdate
}

// CreateSubscription starts a subscription: it bills the first period (or
// starts the trial) at once, as Stripe does.
func (s *Service) CreateSubscription(ctx context.Context, p SubscriptionParams) (*billing.Subscription, error) {
	var sub *billing.Subscription
	err := s.update(ctx, func(tx billing.Tx) error {
		c, err := tx.Customer(p.Customer)
		if err != nil || c.Deleted {
			if err == nil || errors.Is(err, billing.ErrNotFound) {
				return billing.NoSuchParam("customer", "customer", p.Customer)
			}
			return err
		}
		now, err := customerNow(tx, c)
		if err != nil {
			return err
		}
		sub, err = s.createSubscription(tx, c, p, now)
		return err
	})
	return sub, err
}

func (s *Service) createSubscription(tx billing.Tx, c *billing.Customer, p SubscriptionParams, now int64) (*billing.Subscription, error) {
	if !p.Items.Set || len(p.Items.Value) == 0 {
		return nil, billing.Missing("items")
	}
	sub := &billing.Subscription{
		ID: billing.NewID("sub"), Created: now, Livemode: tx.Livemode(), Customer: c.ID, Status: billing.SubActive,
		StartDate: now, BillingCycleAnchor: now, CollectionMethod: "charge_automatically", TestClock: c.TestClock,
		PaymentBehavior: p.PaymentBehavior,
	}
	if sub.PaymentBehavior == "" {
		sub.PaymentBehavior = "allow_incomplete"
	}
	apply(&sub.CollectionMethod, p.CollectionMethod)
	if p.DaysUntilDue.Set {
		d := p.DaysUntilDue.Value
		sub.DaysUntilDue = &d
	}
	if sub.CollectionMethod == "send_invoice" && sub.DaysUntilDue == nil {
		return nil, billing.Invalid("days_until_due", "parameter_missing", "Missing required param: days_until_due (required when collection_method is send_invoice).")
	}
	apply(&sub.Description, p.Description)
	sub.TrialEndBehavior = p.TrialEndBehavior
	md, err := p.Metadata.Apply(nil, "metadata")
	if err != nil {
		return nil, err
	}
	sub.Metadata = md
	var interval string
	var count int64
	var trialDays int64
	for i, ip := range p.Items.Value {
		param := "items[" + itoa(int64(i)) + "][price]"
		if ip.Price == "" {
			return nil, billing.Missing(param)
		}
		price, err := tx.Price(ip.Price)
		if err != nil {
			return nil, noSuchParam(err, param, "price", ip.Price)
		}
		if price.Type != billing.PriceRecurring || price.Recurring == nil {
			return nil, billing.Invalid(param, "", "The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.")
		}
		if !price.Active {
			return nil, billing.Invalid(param, "", "The price specified is inactive. This field only accepts active prices.")
		}
		if sub.Currency == "" {
			sub.Currency, interval, count = price.Currency, price.Recurring.Interval, price.Recurring.IntervalCount
		} else if price.Currency != sub.Currency {
			return nil, billing.Invalid(param, "", "All prices on a subscription must have the same currency.")
		} else if price.Recurring.Interval != interval || price.Recurring.IntervalCount != count {
			return nil, billing.Invalid(param, "", "All prices on a subscription must have the same `recurring.interval` and `recurring.interval_count`.")
		}
		if price.Recurring.TrialPeriodDays != nil && p.TrialFromPlan {
			trialDays = *price.Recurring.TrialPeriodDays
		}
		q := int64(1)
		if ip.Quantity.Set {
			q = ip.Quantity.Value
		}
		if q < 0 {
			return nil, billing.Invalid("items["+itoa(int64(i))+"][quantity]", "parameter_invalid_integer", "Invalid quantity: must be at least 0.")
		}
		imd, err := ip.Metadata.Apply(nil, "metadata")
		if err != nil {
			return nil, err
		}
		sub.Items = append(sub.Items, billing.SubscriptionItem{ID: billing.NewID("si"), Created: now, Price: price.ID, Quantity: q, Metadata: imd})
	}
	if c.Currency != "" && c.Currency != sub.Currency {
		return nil, billing.Invalid("currency", "", "You cannot combine currencies on a single customer. This customer has had a subscription or payment in %s, but you are trying to pay in %s.", c.Currency, sub.Currency)
	}
	if p.DefaultPaymentMethod.Set && p.DefaultPaymentMethod.Value != "" {
		pm, err := s.attach(tx, p.DefaultPaymentMethod.Value, c, "default_payment_method")
		if err != nil {
			return nil, err
		}
		sub.DefaultPaymentMethod = pm.ID
	}
	if p.TrialPeriodDays.Set {
		trialDays = p.TrialPeriodDays.Value
	}
	var trialEnd int64
	switch {
	case p.TrialEnd.Set:
		if p.TrialEnd.Value <= now {
			return nil, billing.Invalid("trial_end", "", "Invalid timestamp: must be an integer Unix timestamp in the future.")
		}
		trialEnd = p.TrialEnd.Value
	case trialDays > 0:
		trialEnd = now + trialDays*86400
	}
	if p.BillingCycleAnchor.Set {
		if p.BillingCycleAnchor.Value < now {
			return nil, billing.Invalid("billing_cycle_anchor", "", "billing_cycle_anchor cannot be in the past.")
		}
		sub.BillingCycleAnchor = p.BillingCycleAnchor.Value
	}
	if trialEnd == 0 && sub.CollectionMethod == "charge_automatically" {
		// Until its first invoice is paid, as on Stripe: the created event
		// shows incomplete, and the payment's update shows active.
		sub.Status = billing.SubIncomplete
	}
	if trialEnd > 0 {
		sub.TrialStart, sub.TrialEnd = &now, &trialEnd
		sub.Status = billing.SubTrialing
		if !p.BillingCycleAnchor.Set {
			sub.BillingCycleAnchor = trialEnd
		}
	}
	// The first period: the trial, or up to the anchor (a prorated first
	// period), or a whole interval.
	periodEnd := billing.NextBoundary(sub.BillingCycleAnchor, now, interval, count)
	if trialEnd > 0 {
		periodEnd = trialEnd
	}
	for i := range sub.Items {
		sub.Items[i].CurrentPeriodStart, sub.Items[i].CurrentPeriodEnd = now, periodEnd
	}
	if err := s.applyCancelParams(sub, p, now); err != nil {
		return nil, err
	}
	if p.Discounts.Set {
		if err := s.setDiscounts(tx, sub, c, p.Discounts.Value, now); err != nil {
			return nil, err
		}
	}
	if c.Currency == "" {
		cprev := *c
		c.Currency = sub.Currency
		if err := tx.UpdateCustomer(c); err != nil {
			return nil, err
		}
		if err := emit(tx, "customer.updated", "customer", c, &cprev); err != nil {
			return nil, err
		}
	}
	if err := tx.InsertSubscription(sub); err != nil {
		return nil, err
	}
	if err := emit(tx, "customer.subscription.created", "subscription", sub, nil); err != nil {
		return nil, err
	}
	// The first invoice: the first period (prorated up to a later anchor),
	// or zero for a trial.
	in := newInvoice(tx, c, sub, sub.Currency, billing.ReasonSubscriptionCreate, now)
	for i := range sub.Items {
		it := &sub.Items[i]
		l, err := itemLine(tx, sub, it, now, periodEnd)
		if err != nil {
			return nil, err
		}
		if trialEnd > 0 {
			l.Amount = 0
			l.Description = "Trial period for " + productName(tx, l.Product)
		} else if p.BillingCycleAnchor.Set {
			// A prorated first period up to the anchor.
			// With proration_behavior=none the stub period is free.
			full := billing.AddInterval(periodEnd, interval, -count, 1)
			if p.ProrationBehavior == "none" {
				l.Amount = 0
				l.Description = "Free period until " + formatDate(periodEnd)
			} else if full < now {
				l.Amount = billing.Prorate(l.Amount, full, periodEnd, now)
				l.Proration = true
				l.Description = "Remaining time on " + l.Description
			}
		}
		in.Lines = append(in.Lines, l)
	}
	items, err := pendingItemsFor(tx, c.ID, sub.ID)
	if err != nil {
		return nil, err
	}
	claimItems(in, items)
	in.PeriodStart, in.PeriodEnd = now, now
	sub.LatestInvoice = in.ID
	if err := insertInvoice(tx, in, now); err != nil {
		return nil, err
	}
	if err := storeClaimed(tx, items); err != nil {
		return nil, err
	}
	if isPreview(tx) {
		return sub, previewTotals(tx, in)
	}
	if err := finalizeInvoice(tx, in, now); err != nil {
		return nil, err
	}
	if in.Status == billing.InvoicePaid && sub.Status == billing.SubIncomplete {
		// Nothing to pay (a 100% discount, a credit balance).
		prev := cloneSub(sub)
		sub.Status = billing.SubActive
		if err := s.saveSub(tx, sub, prev); err != nil {
			return nil, err
		}
	}
	if in.Status == billing.InvoiceOpen && sub.CollectionMethod == "charge_automatically" {
		if sub.PaymentBehavior == "default_incomplete" {
			if _, err := ensurePaymentIntent(tx, in, now); err != nil {
				return nil, err
			}
			if err := tx.UpdateInvoice(in); err != nil {
				return nil, err
			}
		} else {
			if err := s.saveSubQuiet(tx, sub); err != nil {
				return nil, err
			}
			outcome, cardErr, err := s.attemptPayment(tx, in, "", false, now)
			if err != nil {
				return nil, err
			}
			if outcome != paySucceeded && sub.PaymentBehavior == "error_if_incomplete" {
				if cardErr == nil {
					cardErr = billing.CardDeclined("card_declined", "generic_decline", "Your card was declined.")
				}
				return nil, cardErr
			}
			if sub, err = tx.Subscription(sub.ID); err != nil {
				return nil, err
			}
		}
	}
	sub.NextDue = nextDue(sub, in)
	return sub, s.saveSubQuiet(tx, sub)
}

// applyCancelParams applies cancel_at_period_end and cancel_at.
func (s *Service) applyCancelParams(sub *billing.Subscription, p SubscriptionParams, now int64) error {
	if p.CancelAtPeriodEnd.Set {
		sub.CancelAtPeriodEnd = p.CancelAtPeriodEnd.Value
		if p.CancelAtPeriodEnd.Value {
			sub.CancelAt = nil
			t := periodEnd(sub)
			sub.CancelAt = &t
			sub.CanceledAt = &now
		} else {
			sub.CancelAt, sub.CanceledAt = nil, nil
			sub.CancellationDetails = billing.CancellationDetails{}
		}
	}
	if p.CancelAt.Set {
		if v := p.CancelAt.Value; v != nil {
			if *v <= now {
				return billing.Invalid("cancel_at", "", "cancel_at must be in the future.")
			}
			t := *v
			sub.CancelAt, sub.CanceledAt = &t, &now
			sub.CancelAtPeriodEnd = false
		} else {
			sub.CancelAt, sub.CanceledAt = nil, nil
			sub.CancelAtPeriodEnd = false
		}
	}
	if p.CancellationDetails.Set && (sub.CancelAt != nil || sub.CancelAtPeriodEnd) {
		sub.CancellationDetails = p.CancellationDetails.Value
		if sub.CancellationDetails.Reason == "" {
			sub.CancellationDetails.Reason = "cancellation_requested"
		}
	} else if sub.CancelAt != nil && sub.CancellationDetails.Reason == "" {
		sub.CancellationDetails.Reason = "cancellation_requested"
	}
	return nil
}

// periodEnd is the end of the subscription's current period.
func periodEnd(sub *billing.Subscription) int64 {
	if len(sub.Items) == 0 {
		return 0
	}
	return sub.Items[0].CurrentPeriodEnd
}

func periodStart(sub *billing.Subscription) int64 {
	if len(sub.Items) == 0 {
		return 0
	}
	return sub.Items[0].CurrentPeriodStart
}

// saveSub stores sub and records customer.subscription.updated against prev.
func (s *Service) saveSub(tx billing.Tx, sub, prev *billing.Subscription) error {
	if err := tx.UpdateSubscription(sub); err != nil {
		return err
	}
	return emit(tx, "customer.subscription.updated", "subscription", sub, prev)
}

// saveSubQuiet stores sub without an event (bookkeeping fields only).
func (s *Service) saveSubQuiet(tx billing.Tx, sub *billing.Subscription) error {
	return tx.UpdateSubscription(sub)
}

// Subscription returns a subscription.
func (s *Service) Subscription(ctx context.Context, id string) (*billing.Subscription, error) {
	return getByID(s, ctx, "subscription", id, billing.Tx.Subscription)
}

// ListSubscriptions lists subscriptions.
func (s *Service) ListSubscriptions(ctx context.Context, f billing.SubscriptionFilter, p billing.Page) (billing.List[*billing.Subscription], error) {
	return listPage(s, ctx, func(tx billing.Tx) (billing.List[*billing.Subscription], error) { return tx.ListSubscriptions(f, p) })
}
