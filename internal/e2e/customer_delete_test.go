package e2e

import (
	"testing"

	stripe "github.com/stripe/stripe-go/v85"
)

// Deleting a customer cancels its subscriptions as Stripe does: at once (at
// the customer's clock time), with no proration and no final invoice, each
// with customer.subscription.deleted. Nothing renews afterwards.
func TestDeleteCustomerCancelsSubscriptions(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 1, 1), "pm_card_visa")
	basic := e.subscribe(f.cus.ID, f.basic.ID)
	pro := e.subscribe(f.cus.ID, f.pro.ID)
	e.advance(f.clock.ID, date(2026, 1, 11))
	if _, err := e.sc.V1Customers.Delete(e.ctx, f.cus.ID, nil); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*stripe.Subscription{basic, pro} {
		got := e.sub(s.ID)
		if got.Status != stripe.SubscriptionStatusCanceled || got.EndedAt != date(2026, 1, 11) || got.CanceledAt != date(2026, 1, 11) {
			t.Fatalf("%s after deleting its customer: %s ended %d canceled %d", s.ID, got.Status, got.EndedAt, got.CanceledAt)
		}
	}
	if n := e.eventCount("customer.subscription.deleted"); n != 2 {
		t.Fatalf("%d customer.subscription.deleted events, want 2", n)
	}
	e.advance(f.clock.ID, date(2026, 2, 2))
	wantTotals(t, e.totals(basic.ID), 1000)
	wantTotals(t, e.totals(pro.ID), 3000)
}

// Deleting a test clock deletes its customers, and so cancels their
// subscriptions.
func TestDeleteTestClockCancelsSubscriptions(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 1, 1), "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.basic.ID)
	if _, err := e.sc.V1TestHelpersTestClocks.Delete(e.ctx, f.clock.ID, nil); err != nil {
		t.Fatal(err)
	}
	if got := e.sub(s.ID); got.Status != stripe.SubscriptionStatusCanceled || got.EndedAt != date(2026, 1, 1) {
		t.Fatalf("subscription after deleting its clock: %s ended %d", got.Status, got.EndedAt)
	}
	if n := e.eventCount("customer.subscription.deleted"); n != 1 {
		t.Fatalf("%d customer.subscription.deleted events, want 1", n)
	}
	cus, err := e.sc.V1Customers.Retrieve(e.ctx, f.cus.ID, nil)
	if err != nil || !cus.Deleted {
		t.Fatalf("customer after deleting its clock: %v %+v", err, cus)
	}
}
