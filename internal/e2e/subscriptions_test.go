package e2e

import (
	"testing"
	"time"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
	stripe "github.com/stripe/stripe-go/v85"
)

func (e *env) totals(sub string) []int64 {
	var out []int64
	for _, in := range e.invoices(sub) {
		out = append(out, in.Total)
	}
	return out
}

func wantTotals(t *testing.T, got []int64, want ...int64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("invoice totals %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("invoice totals %v, want %v", got, want)
		}
	}
}

func (e *env) sub(id string) *stripe.Subscription {
	e.t.Helper()
	s, err := e.sc.V1Subscriptions.Retrieve(e.ctx, id, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

func TestTrialToPaid(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 1, 1), "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.basic.ID, func(p *stripe.SubscriptionCreateParams) { p.TrialPeriodDays = stripe.Int64(14) })
	if s.Status != stripe.SubscriptionStatusTrialing || s.TrialEnd != date(2026, 1, 15) || s.LatestInvoice.Total != 0 || s.LatestInvoice.Status != stripe.InvoiceStatusPaid {
		t.Fatalf("trial: %s end %d invoice %d %s", s.Status, s.TrialEnd, s.LatestInvoice.Total, s.LatestInvoice.Status)
	}
	e.advance(f.clock.ID, date(2026, 1, 15)+2*3600)
	s = e.sub(s.ID)
	if s.Status != stripe.SubscriptionStatusActive || s.Items.Data[0].CurrentPeriodEnd != date(2026, 2, 15) {
		t.Fatalf("after trial: %s period end %d", s.Status, s.Items.Data[0].CurrentPeriodEnd)
	}
	wantTotals(t, e.totals(s.ID), 0, 1000)
}

func TestTrialEndNowBillsAtOnce(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 1, 1), "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.basic.ID, func(p *stripe.SubscriptionCreateParams) { p.TrialPeriodDays = stripe.Int64(30) })
	e.advance(f.clock.ID, date(2026, 1, 10))
	s, err := e.sc.V1Subscriptions.Update(e.ctx, s.ID, &stripe.SubscriptionUpdateParams{TrialEndNow: stripe.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != stripe.SubscriptionStatusActive || s.BillingCycleAnchor != date(2026, 1, 10) || s.Items.Data[0].CurrentPeriodEnd != date(2026, 2, 10) {
		t.Fatalf("%s anchor %d end %d", s.Status, s.BillingCycleAnchor, s.Items.Data[0].CurrentPeriodEnd)
	}
	wantTotals(t, e.totals(s.ID), 0, 1000)
}

// Monthly $10 → yearly $300 on Apr 16: credit 500 for the unused half of
// April, charge the year in full from a new anchor: 29500.
func TestIntervalChangeResetsAnchor(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 4, 1), "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.basic.ID)
	e.advance(f.clock.ID, date(2026, 4, 16))
	s, err := e.sc.V1Subscriptions.Update(e.ctx, s.ID, &stripe.SubscriptionUpdateParams{
		Items: []*stripe.SubscriptionUpdateItemParams{{ID: stripe.String(s.Items.Data[0].ID), Price: stripe.String(f.yearly.ID)}}})
	if err != nil {
		t.Fatal(err)
	}
	if s.BillingCycleAnchor != date(2026, 4, 16) || s.Items.Data[0].CurrentPeriodEnd != date(2027, 4, 16) {
		t.Fatalf("anchor %d end %d", s.BillingCycleAnchor, s.Items.Data[0].CurrentPeriodEnd)
	}
	wantTotals(t, e.totals(s.ID), 1000, 29500)
}

// Quantity 1 → 3 on Jan 11 with create_prorations: the prorations wait for
// the Feb 1 invoice: -1000×21/31 = -677, +3000×21/31 = 2032, then 3000.
func TestQuantityChangeProratesOnNextInvoice(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 1, 1), "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.basic.ID)
	e.advance(f.clock.ID, date(2026, 1, 11))
	if _, err := e.sc.V1Subscriptions.Update(e.ctx, s.ID, &stripe.SubscriptionUpdateParams{
		Items: []*stripe.SubscriptionUpdateItemParams{{ID: stripe.String(s.Items.Data[0].ID), Quantity: stripe.Int64(3)}}}); err != nil {
		t.Fatal(err)
	}
	var pending int64
	for ii, err := range e.sc.V1InvoiceItems.List(e.ctx, &stripe.InvoiceItemListParams{Customer: stripe.String(f.cus.ID), Pending: stripe.Bool(true)}).All(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		pending += ii.Amount
	}
	if pending != -677+2032 {
		t.Fatalf("pending %d", pending)
	}
	e.advance(f.clock.ID, date(2026, 2, 1)+2*3600)
	wantTotals(t, e.totals(s.ID), 1000, -677+2032+3000)
}

// A 20% coupon repeating for 3 months: 800, 800, 800, then 1000.
func TestRepeatingCoupon(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 1, 1), "pm_card_visa")
	c, err := e.sc.V1Coupons.Create(e.ctx, &stripe.CouponCreateParams{PercentOff: stripe.Float64(20), Duration: stripe.String("repeating"), DurationInMonths: stripe.Int64(3)})
	if err != nil {
		t.Fatal(err)
	}
	s := e.subscribe(f.cus.ID, f.basic.ID, func(p *stripe.SubscriptionCreateParams) {
		p.Discounts = []*stripe.SubscriptionCreateDiscountParams{{Coupon: stripe.String(c.ID)}}
	})
	if len(s.Discounts) != 1 {
		t.Fatalf("discounts %+v", s.Discounts)
	}
	for m := time.February; m <= time.April; m++ {
		e.advance(f.clock.ID, date(2026, m, 1)+2*3600)
	}
	wantTotals(t, e.totals(s.ID), 800, 800, 800, 1000)
	if s = e.sub(s.ID); len(s.Discounts) != 0 {
		t.Fatalf("ended discount still on the subscription: %v", s.Discounts)
	}
	if n := e.eventCount("customer.discount.deleted"); n != 1 {
		t.Fatalf("%d customer.discount.deleted events", n)
	}
}

// A $50 amount-off coupon on a $10 invoice makes it 0, not negative; a
// once coupon applies to the first invoice only.
func TestAmountOffLargerThanInvoice(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 1, 1), "pm_card_visa")
	c, err := e.sc.V1Coupons.Create(e.ctx, &stripe.CouponCreateParams{AmountOff: stripe.Int64(5000), Currency: stripe.String("usd"), Duration: stripe.String("once")})
	if err != nil {
		t.Fatal(err)
	}
	s := e.subscribe(f.cus.ID, f.basic.ID, func(p *stripe.SubscriptionCreateParams) {
		p.Discounts = []*stripe.SubscriptionCreateDiscountParams{{Coupon: stripe.String(c.ID)}}
	})
	if in := s.LatestInvoice; in.Total != 0 || in.Subtotal != 1000 || in.AmountDue != 0 || in.Status != stripe.InvoiceStatusPaid || in.TotalDiscountAmounts[0].Amount != 1000 {
		t.Fatalf("invoice total %d subtotal %d due %d %s", in.Total, in.Subtotal, in.AmountDue, in.Status)
	}
	e.advance(f.clock.ID, date(2026, 2, 1)+2*3600)
	wantTotals(t, e.totals(s.ID), 0, 1000)
}

// JPY is zero-decimal: ¥1000 → ¥3000 on Jan 11 (21 of 31 days left),
// always_invoice: -677 + 2032 = ¥1355.
func TestJPYProration(t *testing.T) {
	e := start(t)
	clock := e.newClock(date(2026, 1, 1), "jpy")
	prod := e.newProduct("Tokyo plan")
	cheap := e.newPrice(&stripe.PriceCreateParams{Product: stripe.String(prod.ID), Currency: stripe.String("jpy"), UnitAmount: stripe.Int64(1000), Recurring: &stripe.PriceCreateRecurringParams{Interval: stripe.String("month")}})
	dear := e.newPrice(&stripe.PriceCreateParams{Product: stripe.String(prod.ID), Currency: stripe.String("jpy"), UnitAmount: stripe.Int64(3000), Recurring: &stripe.PriceCreateRecurringParams{Interval: stripe.String("month")}})
	cus, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{TestClock: stripe.String(clock.ID), PaymentMethod: stripe.String("pm_card_visa")})
	if err != nil {
		t.Fatal(err)
	}
	s := e.subscribe(cus.ID, cheap.ID, func(p *stripe.SubscriptionCreateParams) { p.DefaultPaymentMethod = stripe.String("pm_card_visa") })
	e.advance(clock.ID, date(2026, 1, 11))
	if _, err := e.sc.V1Subscriptions.Update(e.ctx, s.ID, &stripe.SubscriptionUpdateParams{ProrationBehavior: stripe.String("always_invoice"),
		Items: []*stripe.SubscriptionUpdateItemParams{{ID: stripe.String(s.Items.Data[0].ID), Price: stripe.String(dear.ID)}}}); err != nil {
		t.Fatal(err)
	}
	wantTotals(t, e.totals(s.ID), 1000, 1355)
}

func TestCancelAtPeriodEndAndRenew(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 1, 1), "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.basic.ID)
	s, _ = e.sc.V1Subscriptions.Update(e.ctx, s.ID, &stripe.SubscriptionUpdateParams{CancelAtPeriodEnd: stripe.Bool(true)})
	if !s.CancelAtPeriodEnd || s.CancelAt != date(2026, 2, 1) {
		t.Fatalf("cancel_at %d", s.CancelAt)
	}
	// Renew: turning it off keeps the subscription.
	s, _ = e.sc.V1Subscriptions.Update(e.ctx, s.ID, &stripe.SubscriptionUpdateParams{CancelAtPeriodEnd: stripe.Bool(false)})
	if s.CancelAtPeriodEnd || s.CancelAt != 0 {
		t.Fatal("still canceling")
	}
	e.advance(f.clock.ID, date(2026, 2, 1)+2*3600)
	if s = e.sub(s.ID); s.Status != stripe.SubscriptionStatusActive {
		t.Fatalf("status %s", s.Status)
	}
	// cancel_at in the middle of a period ends it then.
	at := date(2026, 2, 20)
	e.sc.V1Subscriptions.Update(e.ctx, s.ID, &stripe.SubscriptionUpdateParams{CancelAt: stripe.Int64(at)})
	e.advance(f.clock.ID, date(2026, 2, 21))
	if s = e.sub(s.ID); s.Status != stripe.SubscriptionStatusCanceled || s.EndedAt != at {
		t.Fatalf("status %s ended %d", s.Status, s.EndedAt)
	}
}

// Cancel now with prorate and invoice_now credits the unused time: on
// Jan 11, 21/31 of $10 is 677, which goes to the customer's balance.
func TestCancelNowProrated(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 1, 1), "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.basic.ID)
	e.advance(f.clock.ID, date(2026, 1, 11))
	s, err := e.sc.V1Subscriptions.Cancel(e.ctx, s.ID, &stripe.SubscriptionCancelParams{Prorate: stripe.Bool(true), InvoiceNow: stripe.Bool(true),
		CancellationDetails: &stripe.SubscriptionCancelCancellationDetailsParams{Feedback: stripe.String("too_expensive")}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != stripe.SubscriptionStatusCanceled || s.CancellationDetails.Feedback != "too_expensive" {
		t.Fatalf("%s %+v", s.Status, s.CancellationDetails)
	}
	wantTotals(t, e.totals(s.ID), 1000, -677)
	cus, _ := e.sc.V1Customers.Retrieve(e.ctx, f.cus.ID, nil)
	if cus.Balance != -677 {
		t.Fatalf("balance %d", cus.Balance)
	}
}

// Retries exhausted: 3, 5 and 7 days after the failed renewal, then the
// subscription is canceled.
func TestRetriesExhaustedCancels(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 1, 1), "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.basic.ID)
	bad, _ := e.sc.V1PaymentMethods.Attach(e.ctx, "pm_card_chargeCustomerFail", &stripe.PaymentMethodAttachParams{Customer: stripe.String(f.cus.ID)})
	e.sc.V1Subscriptions.Update(e.ctx, s.ID, &stripe.SubscriptionUpdateParams{DefaultPaymentMethod: stripe.String(bad.ID)})
	e.advance(f.clock.ID, date(2026, 2, 1)+2*3600)
	in := e.invoices(s.ID)[1]
	if in.AttemptCount != 1 || in.NextPaymentAttempt != date(2026, 2, 1)+3600+3*86400 {
		t.Fatalf("attempts %d next %d", in.AttemptCount, in.NextPaymentAttempt)
	}
	e.advance(f.clock.ID, date(2026, 2, 20))
	if s = e.sub(s.ID); s.Status != stripe.SubscriptionStatusCanceled || s.CancellationDetails.Reason != "payment_failed" {
		t.Fatalf("status %s %+v", s.Status, s.CancellationDetails)
	}
	if in = e.invoices(s.ID)[1]; in.AttemptCount != 4 {
		t.Fatalf("attempts %d", in.AttemptCount)
	}
}

func TestIncompleteExpires(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 1, 1), "pm_card_chargeCustomerFail")
	s := e.subscribe(f.cus.ID, f.basic.ID)
	e.advance(f.clock.ID, date(2026, 1, 2))
	if s = e.sub(s.ID); s.Status != stripe.SubscriptionStatusIncompleteExpired {
		t.Fatalf("status %s", s.Status)
	}
	if in := e.invoices(s.ID)[0]; in.Status != stripe.InvoiceStatusVoid {
		t.Fatalf("invoice %s", in.Status)
	}
}

func TestDefaultIncompleteThenConfirm(t *testing.T) {
	e := start(t)
	f := e.billingSetup(0, "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.basic.ID, func(p *stripe.SubscriptionCreateParams) {
		p.PaymentBehavior = stripe.String("default_incomplete")
		p.AddExpand("latest_invoice.confirmation_secret")
	})
	if s.Status != stripe.SubscriptionStatusIncomplete || s.LatestInvoice.ConfirmationSecret == nil {
		t.Fatalf("status %s", s.Status)
	}
	pi := s.LatestInvoice.Payments.Data[0].Payment.PaymentIntent
	got, err := e.sc.V1PaymentIntents.Confirm(e.ctx, pi.ID, &stripe.PaymentIntentConfirmParams{PaymentMethod: stripe.String("pm_card_visa")})
	if err != nil || got.Status != stripe.PaymentIntentStatusSucceeded {
		t.Fatalf("confirm %v %+v", err, got)
	}
	if s = e.sub(s.ID); s.Status != stripe.SubscriptionStatusActive {
		t.Fatalf("status %s", s.Status)
	}
}

func TestSendInvoiceCollection(t *testing.T) {
	e := start(t)
	f := e.billingSetup(0, "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.basic.ID, func(p *stripe.SubscriptionCreateParams) {
		p.CollectionMethod = stripe.String("send_invoice")
		p.DaysUntilDue = stripe.Int64(14)
	})
	in := s.LatestInvoice
	if s.Status != stripe.SubscriptionStatusActive || in.Status != stripe.InvoiceStatusOpen || in.DueDate != in.Created+14*86400 {
		t.Fatalf("%s %s due %d", s.Status, in.Status, in.DueDate)
	}
	if _, err := e.sc.V1Invoices.SendInvoice(e.ctx, in.ID, nil); err != nil {
		t.Fatal(err)
	}
	v, err := e.sc.V1Invoices.VoidInvoice(e.ctx, in.ID, nil)
	if err != nil || v.Status != stripe.InvoiceStatusVoid {
		t.Fatalf("void %v %s", err, v.Status)
	}
}

func TestPauseCollectionVoidsRenewals(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 1, 1), "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.basic.ID)
	e.sc.V1Subscriptions.Update(e.ctx, s.ID, &stripe.SubscriptionUpdateParams{PauseCollection: &stripe.SubscriptionUpdatePauseCollectionParams{
		Behavior: stripe.String("void"), ResumesAt: stripe.Int64(date(2026, 2, 15))}})
	e.advance(f.clock.ID, date(2026, 2, 1)+2*3600)
	ins := e.invoices(s.ID)
	if ins[1].Status != stripe.InvoiceStatusVoid {
		t.Fatalf("paused renewal %s", ins[1].Status)
	}
	e.advance(f.clock.ID, date(2026, 3, 1)+2*3600)
	if s = e.sub(s.ID); s.PauseCollection != nil {
		t.Fatalf("still paused: %+v", s.PauseCollection)
	}
	if ins = e.invoices(s.ID); ins[2].Status != stripe.InvoiceStatusPaid {
		t.Fatalf("resumed renewal %s", ins[2].Status)
	}
}

func TestClockAdvanceLimitedToTwoIntervals(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 1, 1), "pm_card_visa")
	e.subscribe(f.cus.ID, f.basic.ID)
	_, err := e.once.V1TestHelpersTestClocks.Advance(e.ctx, f.clock.ID, &stripe.TestHelpersTestClockAdvanceParams{FrozenTime: stripe.Int64(date(2026, 3, 15))})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, "", "frozen_time")
}

func TestSubscriptionEventsRecorded(t *testing.T) {
	e := start(t)
	f := e.billingSetup(0, "pm_card_visa")
	e.subscribe(f.cus.ID, f.basic.ID)
	r := e.do("GET", "/v1/events?limit=100", "")
	if r.Status != 200 {
		t.Skipf("no /v1/events: %d", r.Status)
	}
	seen := map[string]bool{}
	for _, ev := range r.JSON(t)["data"].([]any) {
		seen[ev.(map[string]any)["type"].(string)] = true
	}
	for _, typ := range []string{"customer.subscription.created", "invoice.created", "invoice.finalized", "invoice.paid",
		"payment_intent.created", "payment_intent.succeeded", "charge.succeeded"} {
		if !seen[typ] {
			t.Errorf("no %s event (have %v)", typ, seen)
		}
	}
}

func TestSubscriptionItemsEndpoints(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 1, 1), "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.basic.ID)
	seat := e.newPrice(monthly(f.productBasic.ID, 500))
	e.advance(f.clock.ID, date(2026, 1, 11))
	// Add 2 seats at $5 on Jan 11 with always_invoice: 1000×21/31 = 677.
	it, err := e.sc.V1SubscriptionItems.Create(e.ctx, &stripe.SubscriptionItemCreateParams{Subscription: stripe.String(s.ID),
		Price: stripe.String(seat.ID), Quantity: stripe.Int64(2), ProrationBehavior: stripe.String("always_invoice")})
	if err != nil {
		t.Fatal(err)
	}
	if it.Quantity != 2 || it.Price.ID != seat.ID || it.Subscription != s.ID || it.CurrentPeriodEnd != date(2026, 2, 1) {
		t.Fatalf("item %+v", it)
	}
	got, err := e.sc.V1SubscriptionItems.Retrieve(e.ctx, it.ID, nil)
	if err != nil || got.ID != it.ID {
		t.Fatalf("retrieve %v", err)
	}
	n := 0
	for _, err := range e.sc.V1SubscriptionItems.List(e.ctx, &stripe.SubscriptionItemListParams{Subscription: stripe.String(s.ID)}).All(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 2 {
		t.Fatalf("%d items", n)
	}
	if _, err := e.sc.V1SubscriptionItems.Update(e.ctx, it.ID, &stripe.SubscriptionItemUpdateParams{Quantity: stripe.Int64(3), ProrationBehavior: stripe.String("none")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sc.V1SubscriptionItems.Delete(e.ctx, it.ID, &stripe.SubscriptionItemDeleteParams{ProrationBehavior: stripe.String("none")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.once.V1SubscriptionItems.Delete(e.ctx, s.Items.Data[0].ID, nil)
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, "", "items")
	wantTotals(t, e.totals(s.ID), 1000, 677)
}

func (e *env) eventCount(typ string) int {
	e.t.Helper()
	r := e.do("GET", "/v1/events?limit=100&type="+typ, "")
	if r.Status != 200 {
		e.t.Fatalf("events: %d %s", r.Status, r.Body)
	}
	return len(r.JSON(e.t)["data"].([]any))
}

// invoice.upcoming is recorded once, 3 days before each renewal, with the
// invoice the renewal will bill; trial_will_end 3 days before a trial ends.
func TestUpcomingAndTrialNotices(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 1, 1), "pm_card_visa")
	e.subscribe(f.cus.ID, f.basic.ID, func(p *stripe.SubscriptionCreateParams) { p.TrialPeriodDays = stripe.Int64(7) })
	e.advance(f.clock.ID, date(2026, 1, 5))
	if n := e.eventCount("customer.subscription.trial_will_end"); n != 1 {
		t.Fatalf("%d trial_will_end events", n)
	}
	// The trial ends Jan 8; the next renewal is Feb 8, noticed on Feb 5.
	e.advance(f.clock.ID, date(2026, 2, 4))
	if n := e.eventCount("invoice.upcoming"); n != 0 {
		t.Fatalf("%d invoice.upcoming events before the lead time", n)
	}
	e.advance(f.clock.ID, date(2026, 2, 6))
	if n := e.eventCount("invoice.upcoming"); n != 1 {
		t.Fatalf("%d invoice.upcoming events", n)
	}
	r := e.do("GET", "/v1/events?type=invoice.upcoming", "")
	obj := r.JSON(t)["data"].([]any)[0].(map[string]any)["data"].(map[string]any)["object"].(map[string]any)
	if obj["total"].(float64) != 1000 || obj["billing_reason"] != "upcoming" {
		t.Fatalf("upcoming invoice %v %v", obj["total"], obj["billing_reason"])
	}
}

// With the failed-payment setting at "unpaid", exhausted retries leave the
// subscription unpaid instead of canceling it.
func TestRetriesExhaustedUnpaidSetting(t *testing.T) {
	e := start(t)
	if err := e.app.Store.Update(e.ctx, func(tx billing.Tx) error { return tx.SetSetting(service.SettingFailedPaymentAction, "unpaid") }); err != nil {
		t.Fatal(err)
	}
	f := e.billingSetup(date(2026, 1, 1), "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.basic.ID)
	bad, err := e.sc.V1PaymentMethods.Attach(e.ctx, "pm_card_chargeCustomerFail", &stripe.PaymentMethodAttachParams{Customer: stripe.String(f.cus.ID)})
	if err != nil {
		t.Fatal(err)
	}
	e.sc.V1Subscriptions.Update(e.ctx, s.ID, &stripe.SubscriptionUpdateParams{DefaultPaymentMethod: stripe.String(bad.ID)})
	e.advance(f.clock.ID, date(2026, 2, 20))
	if s = e.sub(s.ID); s.Status != stripe.SubscriptionStatusUnpaid {
		t.Fatalf("status %s", s.Status)
	}
}

func TestSubscriptionCreateErrors(t *testing.T) {
	e := start(t)
	f := e.billingSetup(0, "pm_card_visa")
	_, err := e.once.V1Subscriptions.Create(e.ctx, &stripe.SubscriptionCreateParams{Customer: stripe.String("cus_nope"),
		Items: []*stripe.SubscriptionCreateItemParams{{Price: stripe.String(f.basic.ID)}}})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "customer")
	_, err = e.once.V1Subscriptions.Create(e.ctx, &stripe.SubscriptionCreateParams{Customer: stripe.String(f.cus.ID),
		Items: []*stripe.SubscriptionCreateItemParams{{Price: stripe.String("price_nope")}}})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "items[0][price]")
	_, err = e.once.V1Subscriptions.Retrieve(e.ctx, "sub_nope", nil)
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
	// Mixed currencies are refused.
	eur := e.newPrice(&stripe.PriceCreateParams{Product: stripe.String(f.productBasic.ID), Currency: stripe.String("eur"), UnitAmount: stripe.Int64(900),
		Recurring: &stripe.PriceCreateRecurringParams{Interval: stripe.String("month")}})
	_, err = e.once.V1Subscriptions.Create(e.ctx, &stripe.SubscriptionCreateParams{Customer: stripe.String(f.cus.ID),
		Items: []*stripe.SubscriptionCreateItemParams{{Price: stripe.String(f.basic.ID)}, {Price: stripe.String(eur.ID)}}})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, "", "items[1][price]")
}

// Created Jan 10 with billing_cycle_anchor Feb 1: the stub to Feb 1 is
// prorated over January (22 of 31 days: 1000×22/31 = 709.68 → 710), then
// whole months from Feb 1. With proration_behavior=none the stub is free.
func TestBillingCycleAnchorStub(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 1, 10), "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.basic.ID, func(p *stripe.SubscriptionCreateParams) { p.BillingCycleAnchor = stripe.Int64(date(2026, 2, 1)) })
	if s.Items.Data[0].CurrentPeriodEnd != date(2026, 2, 1) || s.BillingCycleAnchor != date(2026, 2, 1) {
		t.Fatalf("period end %d", s.Items.Data[0].CurrentPeriodEnd)
	}
	free := e.subscribe(f.cus.ID, f.basic.ID, func(p *stripe.SubscriptionCreateParams) {
		p.BillingCycleAnchor = stripe.Int64(date(2026, 2, 1))
		p.ProrationBehavior = stripe.String("none")
	})
	e.advance(f.clock.ID, date(2026, 2, 1)+2*3600)
	wantTotals(t, e.totals(s.ID), 710, 1000)
	wantTotals(t, e.totals(free.ID), 0, 1000)
	if s = e.sub(s.ID); s.Items.Data[0].CurrentPeriodEnd != date(2026, 3, 1) {
		t.Fatalf("next period end %d", s.Items.Data[0].CurrentPeriodEnd)
	}
}

// billing_cycle_anchor=now restarts the period: the unused part of the old
// one is credited and a whole new period billed at once. On Jan 11:
// -1000×21/31 = -677, + 1000 = 323.
func TestBillingCycleAnchorNow(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 1, 1), "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.basic.ID)
	e.advance(f.clock.ID, date(2026, 1, 11))
	s, err := e.sc.V1Subscriptions.Update(e.ctx, s.ID, &stripe.SubscriptionUpdateParams{BillingCycleAnchorNow: stripe.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if s.BillingCycleAnchor != date(2026, 1, 11) || s.Items.Data[0].CurrentPeriodEnd != date(2026, 2, 11) {
		t.Fatalf("anchor %d end %d", s.BillingCycleAnchor, s.Items.Data[0].CurrentPeriodEnd)
	}
	wantTotals(t, e.totals(s.ID), 1000, 323)
}

// A manual invoice created with auto_advance is finalized and charged about
// an hour later, as on Stripe.
func TestManualDraftAutoAdvances(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 1, 1), "pm_card_visa")
	if _, err := e.sc.V1InvoiceItems.Create(e.ctx, &stripe.InvoiceItemCreateParams{Customer: stripe.String(f.cus.ID), Amount: stripe.Int64(2500), Currency: stripe.String("usd")}); err != nil {
		t.Fatal(err)
	}
	in, err := e.sc.V1Invoices.Create(e.ctx, &stripe.InvoiceCreateParams{Customer: stripe.String(f.cus.ID), AutoAdvance: stripe.Bool(true),
		PendingInvoiceItemsBehavior: stripe.String("include")})
	if err != nil {
		t.Fatal(err)
	}
	if in.Status != stripe.InvoiceStatusDraft || in.Total != 2500 || in.AutomaticallyFinalizesAt != date(2026, 1, 1)+3600 {
		t.Fatalf("draft %s %d %d", in.Status, in.Total, in.AutomaticallyFinalizesAt)
	}
	e.advance(f.clock.ID, date(2026, 1, 1)+2*3600)
	in, _ = e.sc.V1Invoices.Retrieve(e.ctx, in.ID, nil)
	if in.Status != stripe.InvoiceStatusPaid || in.Number == "" {
		t.Fatalf("after an hour: %s %q", in.Status, in.Number)
	}
}

// A downgrade with always_invoice on Apr 16 gives a negative invoice
// (-1500 + 500 = -1000): nothing is charged, the credit goes to the
// customer's balance, and May's $10 renewal is paid from it.
func TestDowngradeCreditPaysNextInvoice(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 4, 1), "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.pro.ID)
	e.advance(f.clock.ID, date(2026, 4, 16))
	if _, err := e.sc.V1Subscriptions.Update(e.ctx, s.ID, &stripe.SubscriptionUpdateParams{ProrationBehavior: stripe.String("always_invoice"),
		Items: []*stripe.SubscriptionUpdateItemParams{{ID: stripe.String(s.Items.Data[0].ID), Price: stripe.String(f.basic.ID)}}}); err != nil {
		t.Fatal(err)
	}
	ins := e.invoices(s.ID)
	if ins[1].Total != -1000 || ins[1].AmountDue != 0 || ins[1].EndingBalance != -1000 || ins[1].Status != stripe.InvoiceStatusPaid {
		t.Fatalf("credit invoice total %d due %d ending %d %s", ins[1].Total, ins[1].AmountDue, ins[1].EndingBalance, ins[1].Status)
	}
	e.advance(f.clock.ID, date(2026, 5, 1)+2*3600)
	ins = e.invoices(s.ID)
	if may := ins[2]; may.Total != 1000 || may.StartingBalance != -1000 || may.AmountDue != 0 || may.Status != stripe.InvoiceStatusPaid {
		t.Fatalf("May total %d starting %d due %d %s", may.Total, may.StartingBalance, may.AmountDue, may.Status)
	}
	cus, _ := e.sc.V1Customers.Retrieve(e.ctx, f.cus.ID, nil)
	if cus.Balance != 0 {
		t.Fatalf("balance %d", cus.Balance)
	}
}

// A promotion code restricted to first-time transactions works on the
// first subscription and is refused once the customer has paid.
func TestPromotionCodeFirstTimeOnly(t *testing.T) {
	e := start(t)
	f := e.billingSetup(0, "pm_card_visa")
	c, _ := e.sc.V1Coupons.Create(e.ctx, &stripe.CouponCreateParams{PercentOff: stripe.Float64(50), Duration: stripe.String("forever")})
	pc, err := e.sc.V1PromotionCodes.Create(e.ctx, &stripe.PromotionCodeCreateParams{Promotion: &stripe.PromotionCodeCreatePromotionParams{Type: stripe.String("coupon"), Coupon: stripe.String(c.ID)},
		Code: stripe.String("FIRST50"), Restrictions: &stripe.PromotionCodeCreateRestrictionsParams{FirstTimeTransaction: stripe.Bool(true)}})
	if err != nil {
		t.Fatal(err)
	}
	s := e.subscribe(f.cus.ID, f.basic.ID, func(p *stripe.SubscriptionCreateParams) {
		p.Discounts = []*stripe.SubscriptionCreateDiscountParams{{PromotionCode: stripe.String(pc.ID)}}
	})
	if s.LatestInvoice.Total != 500 {
		t.Fatalf("total %d", s.LatestInvoice.Total)
	}
	_, err = e.once.V1Subscriptions.Create(e.ctx, &stripe.SubscriptionCreateParams{Customer: stripe.String(f.cus.ID),
		Items:     []*stripe.SubscriptionCreateItemParams{{Price: stripe.String(f.basic.ID)}},
		Discounts: []*stripe.SubscriptionCreateDiscountParams{{PromotionCode: stripe.String(pc.ID)}}})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, "parameter_invalid", "discounts[0][promotion_code]")
}

// pendingUpgrade sets up a subscription paid by a card that will fail from
// now on, and upgrades it half-way through April with
// pending_if_incomplete: the invoice's payment fails, so the upgrade waits
// as the subscription's pending_update.
func pendingUpgrade(t *testing.T, e *env) (billingFixture, *stripe.Subscription) {
	f := e.billingSetup(date(2026, 4, 1), "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.basic.ID)
	bad, err := e.sc.V1PaymentMethods.Attach(e.ctx, "pm_card_chargeCustomerFail", &stripe.PaymentMethodAttachParams{Customer: stripe.String(f.cus.ID)})
	if err != nil {
		t.Fatal(err)
	}
	e.sc.V1Subscriptions.Update(e.ctx, s.ID, &stripe.SubscriptionUpdateParams{DefaultPaymentMethod: stripe.String(bad.ID)})
	e.advance(f.clock.ID, date(2026, 4, 16))
	s, err = e.sc.V1Subscriptions.Update(e.ctx, s.ID, &stripe.SubscriptionUpdateParams{ProrationBehavior: stripe.String("always_invoice"),
		PaymentBehavior: stripe.String("pending_if_incomplete"),
		Items:           []*stripe.SubscriptionUpdateItemParams{{ID: stripe.String(s.Items.Data[0].ID), Price: stripe.String(f.pro.ID)}}})
	if err != nil {
		t.Fatal(err)
	}
	pu := s.PendingUpdate
	if s.Items.Data[0].Price.ID != f.basic.ID || s.Status != stripe.SubscriptionStatusActive || pu == nil ||
		pu.ExpiresAt != date(2026, 4, 16)+23*3600 || len(pu.SubscriptionItems) != 1 || pu.SubscriptionItems[0].Price.ID != f.pro.ID {
		t.Fatalf("after a failed pending_if_incomplete upgrade: %s %s %+v", s.Items.Data[0].Price.ID, s.Status, pu)
	}
	// The proration invoice (+1500 for pro, -500 for basic, half a month
	// each) is open and latest.
	wantTotals(t, e.totals(s.ID), 1000, 1000)
	if in := e.invoices(s.ID)[1]; in.Status != stripe.InvoiceStatusOpen || s.LatestInvoice.ID != in.ID {
		t.Fatalf("pending update's invoice %s is %s; latest %s", in.ID, in.Status, s.LatestInvoice.ID)
	}
	return f, s
}

// Paying a pending update's invoice applies the update.
func TestUpdatePendingIfIncompleteAppliedWhenPaid(t *testing.T) {
	e := start(t)
	f, s := pendingUpgrade(t, e)
	in := e.invoices(s.ID)[1]
	if _, err := e.sc.V1Invoices.Pay(e.ctx, in.ID, &stripe.InvoicePayParams{PaymentMethod: stripe.String("pm_card_visa")}); err != nil {
		t.Fatal(err)
	}
	if s = e.sub(s.ID); s.Items.Data[0].Price.ID != f.pro.ID || s.PendingUpdate != nil || s.Status != stripe.SubscriptionStatusActive {
		t.Fatalf("after paying: %s %+v %s", s.Items.Data[0].Price.ID, s.PendingUpdate, s.Status)
	}
	if n := e.eventCount("customer.subscription.pending_update_applied"); n != 1 {
		t.Fatalf("%d pending_update_applied events", n)
	}
	// The next renewal bills pro.
	e.advance(f.clock.ID, date(2026, 5, 1)+2*3600)
	wantTotals(t, e.totals(s.ID), 1000, 1000, 3000)
}

// Adding an item with pending_if_incomplete whose invoice fails answers
// with the new item, kept in the pending update.
func TestSubscriptionItemPendingIfIncomplete(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 4, 1), "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.basic.ID)
	bad, err := e.sc.V1PaymentMethods.Attach(e.ctx, "pm_card_chargeCustomerFail", &stripe.PaymentMethodAttachParams{Customer: stripe.String(f.cus.ID)})
	if err != nil {
		t.Fatal(err)
	}
	e.sc.V1Subscriptions.Update(e.ctx, s.ID, &stripe.SubscriptionUpdateParams{DefaultPaymentMethod: stripe.String(bad.ID)})
	e.advance(f.clock.ID, date(2026, 4, 16))
	it, err := e.sc.V1SubscriptionItems.Create(e.ctx, &stripe.SubscriptionItemCreateParams{Subscription: stripe.String(s.ID), Price: stripe.String(f.pro.ID),
		PaymentBehavior: stripe.String("pending_if_incomplete"), ProrationBehavior: stripe.String("always_invoice")})
	if err != nil {
		t.Fatal(err)
	}
	if it.Price.ID != f.pro.ID {
		t.Fatalf("created item has price %s", it.Price.ID)
	}
	if s = e.sub(s.ID); len(s.Items.Data) != 1 || s.PendingUpdate == nil || len(s.PendingUpdate.SubscriptionItems) != 2 ||
		s.PendingUpdate.SubscriptionItems[1].ID != it.ID {
		t.Fatalf("subscription after a pending item: %d items, pending %+v", len(s.Items.Data), s.PendingUpdate)
	}
	if _, err := e.sc.V1Invoices.Pay(e.ctx, s.LatestInvoice.ID, &stripe.InvoicePayParams{PaymentMethod: stripe.String("pm_card_visa")}); err != nil {
		t.Fatal(err)
	}
	if s = e.sub(s.ID); len(s.Items.Data) != 2 || s.PendingUpdate != nil {
		t.Fatalf("after paying: %d items, pending %+v", len(s.Items.Data), s.PendingUpdate)
	}
	if _, err := e.sc.V1SubscriptionItems.Retrieve(e.ctx, it.ID, nil); err != nil {
		t.Fatalf("the applied item: %v", err)
	}
}

// An unpaid pending update expires after 23 hours: the subscription keeps
// its old items and the update's invoice is voided.
func TestUpdatePendingIfIncompleteExpires(t *testing.T) {
	e := start(t)
	f, s := pendingUpgrade(t, e)
	e.advance(f.clock.ID, date(2026, 4, 17))
	if s = e.sub(s.ID); s.Items.Data[0].Price.ID != f.basic.ID || s.PendingUpdate != nil || s.Status != stripe.SubscriptionStatusActive {
		t.Fatalf("after expiry: %s %+v %s", s.Items.Data[0].Price.ID, s.PendingUpdate, s.Status)
	}
	if in := e.invoices(s.ID)[1]; in.Status != stripe.InvoiceStatusVoid {
		t.Fatalf("pending update's invoice is %s after expiry", in.Status)
	}
	if n := e.eventCount("customer.subscription.pending_update_expired"); n != 1 {
		t.Fatalf("%d pending_update_expired events", n)
	}
}

// The events of a subscription's start come in Stripe's order: created
// (incomplete), then updated to active by the first payment, with the
// previous status in previous_attributes.
func TestSubscriptionStartEvents(t *testing.T) {
	e := start(t)
	f := e.billingSetup(0, "pm_card_visa")
	e.subscribe(f.cus.ID, f.basic.ID)
	r := e.do("GET", "/v1/events?type=customer.subscription.created", "")
	created := r.JSON(t)["data"].([]any)[0].(map[string]any)["data"].(map[string]any)["object"].(map[string]any)
	if created["status"] != "incomplete" {
		t.Fatalf("created status %v", created["status"])
	}
	r = e.do("GET", "/v1/events?type=customer.subscription.updated", "")
	data := r.JSON(t)["data"].([]any)[0].(map[string]any)["data"].(map[string]any)
	if data["object"].(map[string]any)["status"] != "active" || data["previous_attributes"].(map[string]any)["status"] != "incomplete" {
		t.Fatalf("updated %v", data)
	}
}

// A downgrade scheduled for the period end bills nothing now and the new
// price from the renewal; the upcoming invoice shows it beforehand. A
// monthly → yearly change at period end restarts the cycle there.
func TestDowngradeAtPeriodEnd(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 1, 1), "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.pro.ID)
	e.advance(f.clock.ID, date(2026, 1, 20))
	if _, err := e.app.Service.ScheduleSubscriptionChange(e.ctx, s.ID, []service.ItemParams{{ID: s.Items.Data[0].ID, Price: f.basic.ID}}); err != nil {
		t.Fatal(err)
	}
	up, err := e.sc.V1Invoices.CreatePreview(e.ctx, &stripe.InvoiceCreatePreviewParams{Subscription: stripe.String(s.ID)})
	if err != nil || up.Total != 1000 {
		t.Fatalf("preview %v %d", err, up.Total)
	}
	e.advance(f.clock.ID, date(2026, 2, 1)+2*3600)
	if s = e.sub(s.ID); s.Items.Data[0].Price.ID != f.basic.ID {
		t.Fatalf("price %s", s.Items.Data[0].Price.ID)
	}
	if _, err := e.app.Service.ScheduleSubscriptionChange(e.ctx, s.ID, []service.ItemParams{{ID: s.Items.Data[0].ID, Price: f.yearly.ID}}); err != nil {
		t.Fatal(err)
	}
	e.advance(f.clock.ID, date(2026, 3, 1)+2*3600)
	if s = e.sub(s.ID); s.Items.Data[0].CurrentPeriodEnd != date(2027, 3, 1) {
		t.Fatalf("yearly period end %d", s.Items.Data[0].CurrentPeriodEnd)
	}
	wantTotals(t, e.totals(s.ID), 3000, 1000, 30000)
}

// A trial that ends without a payment method pauses the subscription when
// trial_settings say so; resuming it with a card starts a period and bills.
func TestTrialEndWithoutCardPausesThenResumes(t *testing.T) {
	e := start(t)
	clock := e.newClock(date(2026, 1, 1), "pause")
	prod := e.newProduct("Trial plan")
	price := e.newPrice(monthly(prod.ID, 1000))
	cus, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{TestClock: stripe.String(clock.ID)})
	if err != nil {
		t.Fatal(err)
	}
	s := e.subscribe(cus.ID, price.ID, func(p *stripe.SubscriptionCreateParams) {
		p.TrialPeriodDays = stripe.Int64(7)
		p.TrialSettings = &stripe.SubscriptionCreateTrialSettingsParams{EndBehavior: &stripe.SubscriptionCreateTrialSettingsEndBehaviorParams{MissingPaymentMethod: stripe.String("pause")}}
	})
	e.advance(clock.ID, date(2026, 1, 9))
	if s = e.sub(s.ID); s.Status != stripe.SubscriptionStatusPaused {
		t.Fatalf("status %s", s.Status)
	}
	if n := e.eventCount("customer.subscription.paused"); n != 1 {
		t.Fatalf("%d paused events", n)
	}
	if _, err := e.sc.V1Subscriptions.Update(e.ctx, s.ID, &stripe.SubscriptionUpdateParams{DefaultPaymentMethod: stripe.String("pm_card_visa")}); err != nil {
		t.Fatal(err)
	}
	e.advance(clock.ID, date(2026, 1, 20)) // paused: nothing is billed
	wantTotals(t, e.totals(s.ID), 0)
	s, err = e.sc.V1Subscriptions.Resume(e.ctx, s.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != stripe.SubscriptionStatusActive || s.Items.Data[0].CurrentPeriodStart != date(2026, 1, 20) {
		t.Fatalf("resumed %s start %d", s.Status, s.Items.Data[0].CurrentPeriodStart)
	}
	wantTotals(t, e.totals(s.ID), 0, 1000)
}

func TestSearchSubscriptionsAndInvoices(t *testing.T) {
	e := start(t)
	f := e.billingSetup(0, "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.basic.ID, func(p *stripe.SubscriptionCreateParams) { p.AddMetadata("plan", "basic") })
	e.subscribe(f.cus.ID, f.pro.ID)
	var got []string
	for v, err := range e.sc.V1Subscriptions.Search(e.ctx, &stripe.SubscriptionSearchParams{SearchParams: stripe.SearchParams{Query: "status:'active' AND metadata['plan']:'basic'"}}).All(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v.ID)
	}
	if len(got) != 1 || got[0] != s.ID {
		t.Fatalf("subscriptions %v", got)
	}
	n := 0
	for v, err := range e.sc.V1Invoices.Search(e.ctx, &stripe.InvoiceSearchParams{SearchParams: stripe.SearchParams{Query: "total>1500 AND status:'paid'"}}).All(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if v.Total != 3000 {
			t.Fatalf("total %d", v.Total)
		}
		n++
	}
	if n != 1 {
		t.Fatalf("%d invoices", n)
	}
}

// A coupon that applies to one product discounts only its lines: 50% off
// Pro ($30) on a subscription with Basic ($10) and Pro: 1000 + 1500.
func TestCouponAppliesToProduct(t *testing.T) {
	e := start(t)
	f := e.billingSetup(0, "pm_card_visa")
	pro, _ := e.sc.V1Prices.Retrieve(e.ctx, f.pro.ID, nil)
	c, err := e.sc.V1Coupons.Create(e.ctx, &stripe.CouponCreateParams{PercentOff: stripe.Float64(50), Duration: stripe.String("forever"),
		AppliesTo: &stripe.CouponCreateAppliesToParams{Products: []*string{stripe.String(pro.Product.ID)}}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.sc.V1Subscriptions.Create(e.ctx, &stripe.SubscriptionCreateParams{Customer: stripe.String(f.cus.ID),
		Items:     []*stripe.SubscriptionCreateItemParams{{Price: stripe.String(f.basic.ID)}, {Price: stripe.String(f.pro.ID)}},
		Discounts: []*stripe.SubscriptionCreateDiscountParams{{Coupon: stripe.String(c.ID)}}})
	if err != nil {
		t.Fatal(err)
	}
	in, _ := e.sc.V1Invoices.Retrieve(e.ctx, s.LatestInvoice.ID, nil)
	if in.Subtotal != 4000 || in.Total != 2500 || len(in.Lines.Data[0].DiscountAmounts) != 0 || in.Lines.Data[1].DiscountAmounts[0].Amount != 1500 {
		t.Fatalf("subtotal %d total %d", in.Subtotal, in.Total)
	}
}
