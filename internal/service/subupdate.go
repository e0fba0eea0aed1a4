package service

import (
	"context"

	"github.com/porticohq/portico/internal/billing"
)

// UpdateSubscription changes a subscription: items (with prorations per
// proration_behavior), cancellation, pause, discounts, trial and anchor.
func (s *Service) UpdateSubscription(ctx context.Context, id string, p SubscriptionParams) (*billing.Subscription, error) {
	var sub *billing.Subscription
	err := s.update(ctx, func(tx billing.Tx) error {
		var c *billing.Customer
		var now int64
		var err error
		if sub, c, now, err = subscriptionAt(tx, id); err != nil {
			return err
		}
		return s.updateSubscription(tx, sub, c, p, now)
	})
	return sub, err
}

func (s *Service) updateSubscription(tx billing.Tx, sub *billing.Subscription, c *billing.Customer, p SubscriptionParams, now int64) error {
	if sub.Ended() {
		return billing.Invalid("", "", "A canceled subscription can only update its cancellation_details and metadata.")
	}
	prev := cloneSub(sub)
	md, err := p.Metadata.Apply(sub.Metadata, "metadata")
	if err != nil {
		return err
	}
	sub.Metadata = md
	apply(&sub.Description, p.Description)
	apply(&sub.CollectionMethod, p.CollectionMethod)
	if p.DaysUntilDue.Set {
		d := p.DaysUntilDue.Value
		sub.DaysUntilDue = &d
	}
	if p.DefaultPaymentMethod.Set {
		sub.DefaultPaymentMethod = ""
		if p.DefaultPaymentMethod.Value != "" {
			pm, err := s.attach(tx, p.DefaultPaymentMethod.Value, c, "default_payment_method")
			if err != nil {
				return err
			}
			sub.DefaultPaymentMethod = pm.ID
		}
	}
	if err := s.applyCancelParams(sub, p, now); err != nil {
		return err
	}
	if p.PauseCollection.Set {
		sub.PauseCollection = p.PauseCollection.Value
	}
	if p.Discounts.Set {
		if err := s.setDiscounts(tx, sub, c, p.Discounts.Value, now); err != nil {
			return err
		}
	}
	behavior := p.ProrationBehavior
	if behavior == "" {
		behavior = "create_prorations"
	}
	t := now
	if p.ProrationDate.Set {
		t = p.ProrationDate.Value
		if t < periodStart(sub) || t > periodEnd(sub) {
			return billing.Invalid("proration_date", "", "proration_date must be within the current billing period.")
		}
	}
	if p.Items.Set {
		// A direct change of items replaces one scheduled for later.
		sub.ScheduledChange = nil
	}
	oldItems := append([]billing.SubscriptionItem(nil), sub.Items...)
	newItems, resetAnchor, err := s.changedItems(tx, sub, p, now)
	if err != nil {
		return err
	}
	trialing := sub.Status == billing.SubTrialing
	endTrial := trialing && p.TrialEndNow
	if trialing && p.TrialEnd.Set && !p.TrialEndNow {
		if p.TrialEnd.Value <= now {
			return billing.Invalid("trial_end", "", "Invalid timestamp: must be an integer Unix timestamp in the future.")
		}
		te := p.TrialEnd.Value
		sub.TrialEnd = &te
		sub.BillingCycleAnchor = te
		for i := range newItems {
			newItems[i].CurrentPeriodEnd = te
		}
	}
	if p.AnchorNow {
		resetAnchor = true
	}
	if p.PaymentBehavior == "pending_if_incomplete" {
		// Marks the update's own payment attempt, which must leave the
		// subscription's status alone (see afterPayment).
		sub.PendingUpdate = &billing.PendingUpdate{}
	}
	var latest *billing.Invoice
	switch {
	case endTrial || (resetAnchor && trialing):
		sub.Items = newItems
		sub.Status = billing.SubActive
		sub.TrialEnd = &now
		if err := s.resetPeriod(tx, sub, now); err != nil {
			return err
		}
		if latest, err = s.invoicePending(tx, sub, c, billing.ReasonSubscriptionUpdate, now, true); err != nil {
			return err
		}
	case resetAnchor:
		if behavior != "none" {
			if _, err := s.prorationItems(tx, sub, nil, now, true); err != nil {
				return err
			}
		}
		sub.Items = newItems
		if err := s.resetPeriod(tx, sub, now); err != nil {
			return err
		}
		if latest, err = s.invoicePending(tx, sub, c, billing.ReasonSubscriptionUpdate, now, true); err != nil {
			return err
		}
	default:
		sub.Items = newItems
		if behavior != "none" && !trialing && itemsChanged(oldItems, newItems) {
			old := *sub
			old.Items = oldItems
			if _, err := s.prorationPair(tx, &old, sub, t); err != nil {
				return err
			}
			if behavior == "always_invoice" {
				if latest, err = s.invoicePending(tx, sub, c, billing.ReasonSubscriptionUpdate, now, false); err != nil {
					return err
				}
			}
		}
	}
	if latest != nil && p.PaymentBehavior == "error_if_incomplete" {
		if err := unpaidUpdateError(tx, latest); err != nil {
			return err
		}
	}
	if p.PaymentBehavior == "pending_if_incomplete" {
		sub.PendingUpdate = nil
		if latest != nil && unpaidUpdateError(tx, latest) != nil {
			return s.keepPendingUpdate(tx, sub, prev, latest, p, now)
		}
	}
	if latest == nil && sub.LatestInvoice != "" {
		if latest, err = tx.Invoice(sub.LatestInvoice); err != nil {
			return err
		}
	}
	sub.NextDue = nextDue(sub, latest)
	return s.saveSub(tx, sub, prev)
}

// unpaidUpdateError refuses an update whose invoice could not be paid at
// once, for payment_behavior error_if_incomplete: the card error rolls the
// whole update back, so the subscription stays as it was. For
// pending_if_incomplete it tells that the update must wait as a
// pending_update.
func unpaidUpdateError(tx billing.Tx, in *billing.Invoice) error {
	if in.Status != billing.InvoiceOpen || in.CollectionMethod != "charge_automatically" || isPreview(tx) {
		return nil
	}
	e := billing.CardDeclined("card_declined", "generic_decline", "Your card was declined.")
	if in.PaymentIntent != "" {
		if pi, err := tx.PaymentIntent(in.PaymentIntent); err == nil && pi.LastPaymentError != nil {
			e = billing.CardDeclined(pi.LastPaymentError.Code, pi.LastPaymentError.DeclineCode, pi.LastPaymentError.Message)
			e.PaymentMethod = pi.PaymentMethod
		} else if err == nil && pi.Status == billing.PIRequiresAction {
			e = billing.CardDeclined("authentication_required", "authentication_required", "Your card was declined. This transaction requires authentication.")
		}
	}
	return e
}

// changedItems applies items[] to a copy of the subscription's items.
// resetAnchor reports an interval change, which restarts the period.
func (s *Service) changedItems(tx billing.Tx, sub *billing.Subscription, p SubscriptionParams, now int64) ([]billing.SubscriptionItem, bool, error) {
	items := append([]billing.SubscriptionItem(nil), sub.Items...)
	if !p.Items.Set {
		return items, false, nil
	}
	old, err := tx.Price(sub.Items[0].Price)
	if err != nil {
		return nil, false, err
	}
	for i, ip := range p.Items.Value {
		param := "items[" + itoa(int64(i)) + "]"
		idx := -1
		if ip.ID != "" {
			for j := range items {
				if items[j].ID == ip.ID {
					idx = j
				}
			}
			if idx < 0 {
				return nil, false, billing.NoSuchParam(param+"[id]", "subscription item", ip.ID)
			}
		}
		if ip.Deleted {
			if idx < 0 {
				return nil, false, billing.Missing(param + "[id]")
			}
			items = append(items[:idx], items[idx+1:]...)
			continue
		}
		if idx < 0 {
			if ip.Price == "" {
				return nil, false, billing.Missing(param + "[price]")
			}
			items = append(items, billing.SubscriptionItem{ID: billing.NewID("si"), Created: now, Quantity: 1,
				CurrentPeriodStart: periodStart(sub), CurrentPeriodEnd: periodEnd(sub)})
			idx = len(items) - 1
		}
		it := &items[idx]
		if ip.Price != "" {
			it.Price = ip.Price
		}
		if ip.Quantity.Set {
			if ip.Quantity.Value < 0 {
				return nil, false, billing.Invalid(param+"[quantity]", "parameter_invalid_integer", "Invalid quantity: must be at least 0.")
			}
			it.Quantity = ip.Quantity.Value
		}
		if it.Metadata, err = ip.Metadata.Apply(it.Metadata, "metadata"); err != nil {
			return nil, false, err
		}
	}
	if len(items) == 0 {
		return nil, false, billing.Invalid("items", "", "A subscription must have at least one active plan.")
	}
	reset := false
	for i := range items {
		param := "items[" + itoa(int64(i)) + "][price]"
		price, err := tx.Price(items[i].Price)
		if err != nil {
			return nil, false, noSuchParam(err, param, "price", items[i].Price)
		}
		if price.Recurring == nil {
			return nil, false, billing.Invalid(param, "", "The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.")
		}
		if price.Currency != sub.Currency {
			return nil, false, billing.Invalid(param, "", "All prices on a subscription must have the same currency.")
		}
		if price.Recurring.Interval != old.Recurring.Interval || price.Recurring.IntervalCount != old.Recurring.IntervalCount {
			reset = true
		}
	}
	return items, reset, nil
}

func itemsChanged(a, b []billing.SubscriptionItem) bool {
	if len(a) != len(b) {
		return true
	}
	for i := range a {
		if a[i].ID != b[i].ID || a[i].Price != b[i].Price || a[i].Quantity != b[i].Quantity {
			return true
		}
	}
	return false
}

// resetPeriod restarts the subscription's period at now (a new anchor).
func (s *Service) resetPeriod(tx billing.Tx, sub *billing.Subscription, now int64) error {
	p, err := tx.Price(sub.Items[0].Price)
	if err != nil {
		return err
	}
	sub.BillingCycleAnchor = now
	end := billing.AddInterval(now, p.Recurring.Interval, p.Recurring.IntervalCount, 1)
	for i := range sub.Items {
		sub.Items[i].CurrentPeriodStart, sub.Items[i].CurrentPeriodEnd = now, end
	}
	return nil
}

// prorationPair credits the unused time of old's items and charges the
// remaining time of sub's items from t, for the items that changed.
func (s *Service) prorationPair(tx billing.Tx, old, sub *billing.Subscription, t int64) ([]*billing.InvoiceItem, error) {
	var out []*billing.InvoiceItem
	for _, o := range old.Items {
		n, ok := sub.Item(o.ID)
		if ok && n.Price == o.Price && n.Quantity == o.Quantity {
			continue
		}
		ii, err := s.prorationItem(tx, sub, &o, t, true)
		if err != nil {
			return nil, err
		}
		out = append(out, ii)
	}
	for _, n := range sub.Items {
		o, ok := old.Item(n.ID)
		if ok && n.Price == o.Price && n.Quantity == o.Quantity {
			continue
		}
		ii, err := s.prorationItem(tx, sub, &n, t, false)
		if err != nil {
			return nil, err
		}
		out = append(out, ii)
	}
	return out, nil
}

// prorationItems credits the unused time of every item of sub from t.
func (s *Service) prorationItems(tx billing.Tx, sub *billing.Subscription, _ []billing.SubscriptionItem, t int64, credit bool) ([]*billing.InvoiceItem, error) {
	var out []*billing.InvoiceItem
	for i := range sub.Items {
		ii, err := s.prorationItem(tx, sub, &sub.Items[i], t, credit)
		if err != nil {
			return nil, err
		}
		out = append(out, ii)
	}
	return out, nil
}

// prorationItem makes the pending invoice item for one item's unused
// (credit) or remaining time from t to the end of its period, rounded on its
// own.
func (s *Service) prorationItem(tx billing.Tx, sub *billing.Subscription, it *billing.SubscriptionItem, t int64, credit bool) (*billing.InvoiceItem, error) {
	p, err := tx.Price(it.Price)
	if err != nil {
		return nil, err
	}
	full := billing.LineAmount(p, it.Quantity)
	name := productName(tx, p.Product)
	desc := "Remaining time on " + quantityOf(it.Quantity) + name + " after " + formatDate(t)
	if credit {
		full = -full
		desc = "Unused time on " + quantityOf(it.Quantity) + name + " after " + formatDate(t)
	}
	amount := billing.Prorate(full, it.CurrentPeriodStart, it.CurrentPeriodEnd, t)
	ii := &billing.InvoiceItem{
		ID: billing.NewID("ii"), Created: t, Livemode: tx.Livemode(), Customer: sub.Customer, Amount: amount,
		Currency: p.Currency, Description: desc, Quantity: it.Quantity, UnitAmount: unitAmount(p), Price: p.ID, Product: p.Product,
		PeriodStart: t, PeriodEnd: it.CurrentPeriodEnd, Proration: true, Discountable: true,
		Subscription: sub.ID, SubscriptionItem: it.ID, TestClock: sub.TestClock,
	}
	if err := tx.InsertInvoiceItem(ii); err != nil {
		return nil, err
	}
	return ii, emit(tx, "invoiceitem.created", "invoiceitem", ii, nil)
}

// invoicePending invoices, now, the subscription's pending items and (with
// withPeriod) its current period, then finalizes and charges the invoice.
func (s *Service) invoicePending(tx billing.Tx, sub *billing.Subscription, c *billing.Customer, reason string, now int64, withPeriod bool) (*billing.Invoice, error) {
	in := newInvoice(tx, c, sub, sub.Currency, reason, now)
	items, err := pendingItemsFor(tx, c.ID, sub.ID)
	if err != nil {
		return nil, err
	}
	claimItems(in, items)
	if withPeriod {
		for i := range sub.Items {
			l, err := itemLine(tx, sub, &sub.Items[i], periodStart(sub), periodEnd(sub))
			if err != nil {
				return nil, err
			}
			in.Lines = append(in.Lines, l)
		}
	}
	if err := replaceLatestInvoice(tx, sub, in.ID); err != nil {
		return nil, err
	}
	if err := insertInvoice(tx, in, now); err != nil {
		return nil, err
	}
	if err := storeClaimed(tx, items); err != nil {
		return nil, err
	}
	if err := s.finalizeAndCharge(tx, sub, in, now, false); err != nil {
		return nil, err
	}
	return in, nil
}

// finalizeAndCharge finalizes in and, for automatic collection, charges
// it; sub (in memory) is refreshed with what the payment did to it.
func (s *Service) finalizeAndCharge(tx billing.Tx, sub *billing.Subscription, in *billing.Invoice, now int64, offSession bool) error {
	if isPreview(tx) {
		return previewTotals(tx, in)
	}
	if err := finalizeInvoice(tx, in, now); err != nil {
		return err
	}
	if in.Status != billing.InvoiceOpen || in.CollectionMethod != "charge_automatically" {
		return nil
	}
	// The payment updates the stored subscription: store ours first, then
	// take its result back.
	if err := tx.UpdateSubscription(sub); err != nil {
		return err
	}
	if _, _, err := s.attemptPayment(tx, in, "", offSession, now); err != nil {
		return err
	}
	stored, err := tx.Subscription(sub.ID)
	if err != nil {
		return err
	}
	sub.Status = stored.Status
	sub.EndedAt, sub.CanceledAt = stored.EndedAt, stored.CanceledAt
	sub.CancellationDetails = stored.CancellationDetails
	return nil
}

// subscriptionAt loads the subscription with id (a 404 when there is none),
// its customer, and the customer's "now" (its test clock's time, if any).
func subscriptionAt(tx billing.Tx, id string) (*billing.Subscription, *billing.Customer, int64, error) {
	sub, err := tx.Subscription(id)
	if err != nil {
		return nil, nil, 0, notFound(err, "subscription", id)
	}
	c, err := tx.Customer(sub.Customer)
	if err != nil {
		return nil, nil, 0, err
	}
	now, err := customerNow(tx, c)
	return sub, c, now, err
}
