package service

import (
	"context"

	"github.com/porticohq/portico/internal/billing"
)

// SubscriptionItem is one item with its subscription, for
// /v1/subscription_items.
type SubscriptionItem struct {
	Sub  *billing.Subscription
	Item *billing.SubscriptionItem
}

// itemSub loads the subscription an item belongs to.
func itemSub(tx billing.Tx, id string) (*billing.Subscription, error) {
	subID, err := tx.SubscriptionOfItem(id)
	if err != nil {
		return nil, notFound(err, "subscription_item", id)
	}
	sub, err := tx.Subscription(subID)
	if err != nil {
		return nil, err
	}
	if _, ok := sub.Item(id); !ok {
		return nil, billing.NotFound("subscription_item", id)
	}
	return sub, nil
}

// ItemChange is a change made through /v1/subscription_items: the item and
// the subscription-wide proration and payment parameters.
type ItemChange struct {
	Subscription      string
	Item              ItemParams
	ProrationBehavior string
	ProrationDate     Field[int64]
	PaymentBehavior   string
}

// changeItem applies one item change through UpdateSubscription's code and
// returns the item (by id, or the last one for a new item).
func (s *Service) changeItem(ctx context.Context, subID string, ch ItemChange) (SubscriptionItem, error) {
	var out SubscriptionItem
	err := s.update(ctx, func(tx billing.Tx) error {
		sub, err := tx.Subscription(subID)
		if err != nil {
			return noSuchParam(err, "subscription", "subscription", subID)
		}
		c, err := tx.Customer(sub.Customer)
		if err != nil {
			return err
		}
		now, err := customerNow(tx, c)
		if err != nil {
			return err
		}
		p := SubscriptionParams{Items: Set([]ItemParams{ch.Item}), ProrationBehavior: ch.ProrationBehavior,
			ProrationDate: ch.ProrationDate, PaymentBehavior: ch.PaymentBehavior}
		if err := s.updateSubscription(tx, sub, c, p, now); err != nil {
			return err
		}
		out.Sub = sub
		// An update left pending answers with the item as it will be.
		items := sub.Items
		if pu := sub.PendingUpdate; pu != nil && ch.PaymentBehavior == "pending_if_incomplete" && len(pu.SubscriptionItems) > 0 {
			items = pu.SubscriptionItems
		}
		out.Item = &items[len(items)-1]
		for i := range items {
			if ch.Item.ID != "" && items[i].ID == ch.Item.ID {
				out.Item = &items[i]
			}
		}
		return nil
	})
	return out, err
}

// CreateSubscriptionItem adds an item to a subscription.
func (s *Service) CreateSubscriptionItem(ctx context.Context, ch ItemChange) (SubscriptionItem, error) {
	ch.Item.ID = ""
	if ch.Item.Price == "" {
		return SubscriptionItem{}, billing.Missing("price")
	}
	return s.changeItem(ctx, ch.Subscription, ch)
}

// UpdateSubscriptionItem changes an item's price or quantity.
func (s *Service) UpdateSubscriptionItem(ctx context.Context, id string, ch ItemChange) (SubscriptionItem, error) {
	var subID string
	err := s.view(ctx, func(tx billing.Tx) error {
		sub, err := itemSub(tx, id)
		if err == nil {
			subID = sub.ID
		}
		return err
	})
	if err != nil {
		return SubscriptionItem{}, err
	}
	ch.Item.ID = id
	return s.changeItem(ctx, subID, ch)
}

// DeleteSubscriptionItem removes an item (not the last one).
func (s *Service) DeleteSubscriptionItem(ctx context.Context, id string, ch ItemChange) error {
	ch.Item = ItemParams{ID: id, Deleted: true}
	_, err := s.UpdateSubscriptionItem(ctx, id, ch)
	return err
}

// SubscriptionItem returns an item.
func (s *Service) SubscriptionItem(ctx context.Context, id string) (SubscriptionItem, error) {
	var out SubscriptionItem
	err := s.view(ctx, func(tx billing.Tx) error {
		sub, err := itemSub(tx, id)
		if err != nil {
			return err
		}
		out.Sub = sub
		out.Item, _ = sub.Item(id)
		return nil
	})
	return out, err
}
