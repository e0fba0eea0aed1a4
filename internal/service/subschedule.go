package service

import (
	"context"

	"github.com/porticohq/portico/internal/billing"
)

// ScheduleSubscriptionChange schedules a change of items for the end of the
// current period (a downgrade at period end): nothing is prorated, and the
// renewal bills the new items. It replaces any change already scheduled;
// an empty items list clears it. The change is checked now (prices exist,
// share the currency) and applied by the renewal.
func (s *Service) ScheduleSubscriptionChange(ctx context.Context, id string, items []ItemParams) (*billing.Subscription, error) {
	var sub *billing.Subscription
	err := s.update(ctx, func(tx billing.Tx) error {
		var now int64
		var err error
		if sub, _, now, err = subscriptionAt(tx, id); err != nil {
			return err
		}
		if sub.Ended() {
			return billing.Invalid("", "", "A canceled subscription cannot be changed.")
		}
		prev := cloneSub(sub)
		if len(items) == 0 {
			sub.ScheduledChange = nil
		} else {
			// Validate by applying to a copy, as an update would.
			if _, _, err := s.changedItems(tx, sub, SubscriptionParams{Items: Set(items)}, now); err != nil {
				return err
			}
			ch := &billing.ScheduledChange{EffectiveAt: periodEnd(sub)}
			for _, ip := range items {
				si := billing.ScheduledItem{ID: ip.ID, Price: ip.Price, Deleted: ip.Deleted, Quantity: -1}
				if ip.Quantity.Set {
					si.Quantity = ip.Quantity.Value
				}
				ch.Items = append(ch.Items, si)
			}
			sub.ScheduledChange = ch
		}
		return s.saveSub(tx, sub, prev)
	})
	return sub, err
}

// applyScheduledChange applies sub's scheduled change at the period end pe,
// before the renewal bills it; a change of interval restarts the billing
// cycle at pe.
func (s *Service) applyScheduledChange(tx billing.Tx, sub *billing.Subscription, pe int64) error {
	ch := sub.ScheduledChange
	if ch == nil || ch.EffectiveAt > pe {
		return nil
	}
	sub.ScheduledChange = nil
	var items []ItemParams
	for _, si := range ch.Items {
		ip := ItemParams{ID: si.ID, Price: si.Price, Deleted: si.Deleted}
		if si.Quantity >= 0 {
			ip.Quantity = Set(si.Quantity)
		}
		items = append(items, ip)
	}
	newItems, reset, err := s.changedItems(tx, sub, SubscriptionParams{Items: Set(items)}, pe)
	if err != nil {
		return err
	}
	sub.Items = newItems
	if reset {
		sub.BillingCycleAnchor = pe
	}
	return nil
}
