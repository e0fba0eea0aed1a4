package e2e

import (
	"testing"

	"github.com/porticohq/portico/internal/demo"
	stripe "github.com/stripe/stripe-go/v85"
)

// The demo customer has a trialing, an active and a canceling subscription,
// with paid and open invoices, for the portal to show.
func TestDemoSeedsSubscriptions(t *testing.T) {
	e := start(t)
	res, err := demo.Seed(e.ctx, e.app.Service)
	if err != nil || !res.Seeded {
		t.Fatalf("seed: %v", err)
	}
	states := map[stripe.SubscriptionStatus]int{}
	canceling := 0
	for s, err := range e.sc.V1Subscriptions.List(e.ctx, &stripe.SubscriptionListParams{Customer: stripe.String(res.Customer.ID)}).All(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		states[s.Status]++
		if s.CancelAtPeriodEnd {
			canceling++
		}
	}
	if states[stripe.SubscriptionStatusTrialing] != 1 || states[stripe.SubscriptionStatusActive] != 2 || canceling != 1 {
		t.Fatalf("states %v canceling %d", states, canceling)
	}
	inv := map[stripe.InvoiceStatus]int{}
	for in, err := range e.sc.V1Invoices.List(e.ctx, &stripe.InvoiceListParams{Customer: stripe.String(res.Customer.ID)}).All(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		inv[in.Status]++
	}
	if inv[stripe.InvoiceStatusPaid] < 2 || inv[stripe.InvoiceStatusOpen] != 1 {
		t.Fatalf("invoices %v", inv)
	}
}
