package e2e

import (
	"testing"

	stripe "github.com/stripe/stripe-go/v85"
)

// A declined explicit payment answers 402 card_error and keeps its record:
// the failed charge, the payment intent's last_payment_error and status, the
// invoice's attempt and the events. A retry with the same Idempotency-Key
// replays the 402 without charging again.
func TestDeclinedInvoicePaymentIsRecorded(t *testing.T) {
	e := start(t)
	f := e.billingSetup(0, "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.basic.ID, func(p *stripe.SubscriptionCreateParams) {
		p.CollectionMethod = stripe.String("send_invoice")
		p.DaysUntilDue = stripe.Int64(14)
	})
	in := s.LatestInvoice
	pay := "/v1/invoices/" + in.ID + "/pay"
	r := e.do("POST", pay, "payment_method=pm_card_chargeCustomerFail", "Idempotency-Key: pay-1")
	if r.Status != 402 || r.ErrorField(t, "type") != "card_error" || r.ErrorField(t, "code") != "card_declined" {
		t.Fatalf("pay with a declining card: %d %s", r.Status, r.Body)
	}
	if again := e.do("POST", pay, "payment_method=pm_card_chargeCustomerFail", "Idempotency-Key: pay-1"); again.Status != 402 || string(again.Body) != string(r.Body) {
		t.Fatalf("idempotent retry: %d %s\nfirst: %s", again.Status, again.Body, r.Body)
	}
	got, err := e.sc.V1Invoices.Retrieve(e.ctx, in.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != stripe.InvoiceStatusOpen || got.AttemptCount != 1 || !got.Attempted {
		t.Fatalf("invoice after the decline: %s, %d attempts", got.Status, got.AttemptCount)
	}
	checkDeclinedIntent(e, in.ID)
	for _, typ := range []string{"charge.failed", "payment_intent.payment_failed", "invoice.payment_failed"} {
		if n := e.eventCount(typ); n != 1 {
			t.Fatalf("%d %s events, want 1", n, typ)
		}
	}
	// A good card then pays it.
	if _, err := e.sc.V1Invoices.Pay(e.ctx, in.ID, &stripe.InvoicePayParams{PaymentMethod: stripe.String("pm_card_visa")}); err != nil {
		t.Fatal(err)
	}
	if got, _ = e.sc.V1Invoices.Retrieve(e.ctx, in.ID, nil); got.Status != stripe.InvoiceStatusPaid || got.AttemptCount != 2 {
		t.Fatalf("invoice after paying: %s, %d attempts", got.Status, got.AttemptCount)
	}
}

// Confirming a payment intent with a declining card does the same.
func TestDeclinedConfirmIsRecorded(t *testing.T) {
	e := start(t)
	f := e.billingSetup(0, "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.basic.ID, func(p *stripe.SubscriptionCreateParams) {
		p.PaymentBehavior = stripe.String("default_incomplete")
	})
	pi := s.LatestInvoice.Payments.Data[0].Payment.PaymentIntent
	_, err := e.once.V1PaymentIntents.Confirm(e.ctx, pi.ID, &stripe.PaymentIntentConfirmParams{PaymentMethod: stripe.String("pm_card_chargeDeclinedInsufficientFunds")})
	wantErr(t, err, 402, stripe.ErrorTypeCard, stripe.ErrorCodeCardDeclined, "")
	checkDeclinedIntent(e, s.LatestInvoice.ID)
	if n := e.eventCount("charge.failed"); n != 1 {
		t.Fatalf("%d charge.failed events, want 1", n)
	}
	if got := e.sub(s.ID); got.Status != stripe.SubscriptionStatusIncomplete {
		t.Fatalf("subscription after a declined confirm: %s", got.Status)
	}
}

// checkDeclinedIntent checks that the invoice's payment intent kept the
// decline: status, last_payment_error and a failed latest charge.
func checkDeclinedIntent(e *env, invoice string) {
	e.t.Helper()
	in, err := e.sc.V1Invoices.Retrieve(e.ctx, invoice, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	pi, err := e.sc.V1PaymentIntents.Retrieve(e.ctx, in.Payments.Data[0].Payment.PaymentIntent.ID, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	if pi.Status != stripe.PaymentIntentStatusRequiresPaymentMethod || pi.LastPaymentError == nil || pi.LastPaymentError.Code != stripe.ErrorCodeCardDeclined {
		e.t.Fatalf("payment intent after the decline: %s %+v", pi.Status, pi.LastPaymentError)
	}
	if pi.LatestCharge == nil {
		e.t.Fatal("no latest charge after the decline")
	}
	ch, err := e.sc.V1Charges.Retrieve(e.ctx, pi.LatestCharge.ID, nil)
	if err != nil || ch.Status != stripe.ChargeStatusFailed || ch.FailureCode != "card_declined" {
		e.t.Fatalf("latest charge after the decline: %v %+v", err, ch)
	}
}
