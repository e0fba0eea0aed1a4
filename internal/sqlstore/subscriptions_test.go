package sqlstore

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/porticohq/portico/internal/billing"
)

func TestDueSubscriptionsAndItemIndex(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	sub := func(id, clock string, due int64) *billing.Subscription {
		return &billing.Subscription{ID: id, Customer: "cus_1", Status: billing.SubActive, TestClock: clock, NextDue: due,
			Items: []billing.SubscriptionItem{{ID: "si_" + id, Price: "price_1", Quantity: 1}}}
	}
	err := db.Update(ctx, func(tx billing.Tx) error {
		for _, s := range []*billing.Subscription{sub("a", "", 300), sub("b", "", 100), sub("c", "", 0), sub("d", "clock_1", 50), sub("e", "", 200)} {
			if err := tx.InsertSubscription(s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	db.View(ctx, func(tx billing.Tx) error {
		// Real time, due by 250, earliest first; never-due (0) left out.
		if ids, err := tx.DueSubscriptions("", 250, 10); err != nil || !slices.Equal(ids, []string{"b", "e"}) {
			t.Errorf("due on real time: %v %v", ids, err)
		}
		if ids, _ := tx.DueSubscriptions("", 1000, 1); !slices.Equal(ids, []string{"b"}) {
			t.Errorf("limit: %v", ids)
		}
		if ids, _ := tx.DueSubscriptions("clock_1", 1000, 10); !slices.Equal(ids, []string{"d"}) {
			t.Errorf("due on clock: %v", ids)
		}
		if id, err := tx.SubscriptionOfItem("si_e"); err != nil || id != "e" {
			t.Errorf("item index: %q %v", id, err)
		}
		if _, err := tx.SubscriptionOfItem("si_zz"); !errors.Is(err, billing.ErrNotFound) {
			t.Errorf("unknown item: %v", err)
		}
		return nil
	})
	// Moving NextDue on takes a subscription out of the due set; a new item
	// added by an update is indexed.
	err = db.Update(ctx, func(tx billing.Tx) error {
		s, err := tx.Subscription("b")
		if err != nil {
			return err
		}
		s.NextDue = 5000
		s.Items = append(s.Items, billing.SubscriptionItem{ID: "si_b2", Price: "price_2", Quantity: 1})
		return tx.UpdateSubscription(s)
	})
	if err != nil {
		t.Fatal(err)
	}
	db.View(ctx, func(tx billing.Tx) error {
		if ids, _ := tx.DueSubscriptions("", 250, 10); !slices.Equal(ids, []string{"e"}) {
			t.Errorf("after update: %v", ids)
		}
		if id, _ := tx.SubscriptionOfItem("si_b2"); id != "b" {
			t.Errorf("new item: %q", id)
		}
		return nil
	})
}

// PricesOnClock lists each price of the live subscriptions on a clock once:
// not those of ended subscriptions, nor of other clocks.
func TestPricesOnClock(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	sub := func(id, clock, status string, prices ...string) *billing.Subscription {
		s := &billing.Subscription{ID: id, Customer: "cus_1", Status: status, TestClock: clock}
		for i, p := range prices {
			s.Items = append(s.Items, billing.SubscriptionItem{ID: "si_" + id + string(rune('0'+i)), Price: p, Quantity: 1})
		}
		return s
	}
	err := db.Update(ctx, func(tx billing.Tx) error {
		for _, s := range []*billing.Subscription{
			sub("a", "clock_1", billing.SubActive, "price_m", "price_w"), sub("b", "clock_1", billing.SubPastDue, "price_m"),
			sub("c", "clock_1", billing.SubCanceled, "price_d"), sub("d", "clock_2", billing.SubActive, "price_y"),
		} {
			if err := tx.InsertSubscription(s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	db.View(ctx, func(tx billing.Tx) error {
		prices, err := tx.PricesOnClock("clock_1")
		slices.Sort(prices)
		if err != nil || !slices.Equal(prices, []string{"price_m", "price_w"}) {
			t.Errorf("prices on clock_1: %v %v", prices, err)
		}
		return nil
	})
}
