package e2e

import (
	"testing"

	stripe "github.com/stripe/stripe-go/v85"
)

// An invoice still being retried when the next renewal takes its place as
// latest goes on being retried on its own schedule. Paying it does not make
// the subscription active while the new latest is overdue; paying that one
// does.
func TestOlderOpenInvoiceIsRetried(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 1, 1), "pm_card_visa")
	weekly := e.newPrice(&stripe.PriceCreateParams{Product: stripe.String(f.productBasic.ID), Currency: stripe.String("usd"),
		UnitAmount: stripe.Int64(700), Recurring: &stripe.PriceCreateRecurringParams{Interval: stripe.String("week")}})
	s := e.subscribe(f.cus.ID, weekly.ID)
	bad, err := e.sc.V1PaymentMethods.Attach(e.ctx, "pm_card_chargeCustomerFail", &stripe.PaymentMethodAttachParams{Customer: stripe.String(f.cus.ID)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sc.V1Subscriptions.Update(e.ctx, s.ID, &stripe.SubscriptionUpdateParams{DefaultPaymentMethod: stripe.String(bad.ID)}); err != nil {
		t.Fatal(err)
	}
	// The Jan 8 renewal fails at 01:00 and on its retry 3 days later; its
	// next retry is 5 days after that, Jan 16 01:00.
	e.advance(f.clock.ID, date(2026, 1, 12))
	first := e.invoices(s.ID)[1]
	if first.AttemptCount != 2 || first.NextPaymentAttempt != date(2026, 1, 16)+3600 || e.sub(s.ID).Status != stripe.SubscriptionStatusPastDue {
		t.Fatalf("Jan 8 renewal: %d attempts, next %d", first.AttemptCount, first.NextPaymentAttempt)
	}
	// The Jan 15 renewal takes its place as latest (and fails too); the
	// Jan 8 invoice is still retried on Jan 16, then 7 days later.
	e.advance(f.clock.ID, date(2026, 1, 17))
	ins := e.invoices(s.ID)
	if ins[1].Status != stripe.InvoiceStatusOpen || ins[1].AttemptCount != 3 || ins[1].NextPaymentAttempt != date(2026, 1, 23)+3600 {
		t.Fatalf("Jan 8 renewal after its retry: %s, %d attempts, next %d", ins[1].Status, ins[1].AttemptCount, ins[1].NextPaymentAttempt)
	}
	if ins[2].Status != stripe.InvoiceStatusOpen || ins[2].AttemptCount != 1 {
		t.Fatalf("Jan 15 renewal: %s, %d attempts", ins[2].Status, ins[2].AttemptCount)
	}
	// Paying the older one leaves the subscription past_due: the latest is
	// overdue. Paying the latest makes it active.
	for i, want := range []stripe.SubscriptionStatus{stripe.SubscriptionStatusPastDue, stripe.SubscriptionStatusActive} {
		if _, err := e.sc.V1Invoices.Pay(e.ctx, ins[i+1].ID, &stripe.InvoicePayParams{PaymentMethod: stripe.String("pm_card_visa")}); err != nil {
			t.Fatal(err)
		}
		if got := e.sub(s.ID).Status; got != want {
			t.Fatalf("after paying invoice %d: %s, want %s", i+1, got, want)
		}
	}
	// Nothing is retried any more.
	e.advance(f.clock.ID, date(2026, 1, 24))
	ins = e.invoices(s.ID)
	if ins[1].AttemptCount != 4 || ins[2].AttemptCount != 2 || ins[3].Status != stripe.InvoiceStatusOpen {
		t.Fatalf("attempts after paying: %d, %d; Jan 22 renewal %s", ins[1].AttemptCount, ins[2].AttemptCount, ins[3].Status)
	}
	wantTotals(t, e.totals(s.ID), 700, 700, 700, 700)
}

// A send_invoice invoice unpaid past its due date makes the subscription
// past_due; paying it makes it active again.
func TestSendInvoicePastDue(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 1, 1), "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.basic.ID, func(p *stripe.SubscriptionCreateParams) {
		p.CollectionMethod = stripe.String("send_invoice")
		p.DaysUntilDue = stripe.Int64(7)
	})
	e.advance(f.clock.ID, date(2026, 1, 7))
	if got := e.sub(s.ID); got.Status != stripe.SubscriptionStatusActive {
		t.Fatalf("before the due date: %s", got.Status)
	}
	e.advance(f.clock.ID, date(2026, 1, 9))
	if got := e.sub(s.ID); got.Status != stripe.SubscriptionStatusPastDue {
		t.Fatalf("after the due date: %s", got.Status)
	}
	if _, err := e.sc.V1Invoices.Pay(e.ctx, s.LatestInvoice.ID, &stripe.InvoicePayParams{PaidOutOfBand: stripe.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if got := e.sub(s.ID); got.Status != stripe.SubscriptionStatusActive {
		t.Fatalf("after paying: %s", got.Status)
	}
	// The next renewal's invoice falls due a week later too.
	e.advance(f.clock.ID, date(2026, 2, 9))
	if got := e.sub(s.ID); got.Status != stripe.SubscriptionStatusPastDue {
		t.Fatalf("after the second due date: %s", got.Status)
	}
}
