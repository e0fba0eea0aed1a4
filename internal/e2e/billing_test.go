package e2e

import (
	"testing"
	"time"

	stripe "github.com/stripe/stripe-go/v85"
)

// billingFixture is a customer with a card and two monthly prices.
type billingFixture struct {
	cus          *stripe.Customer
	basic, pro   *stripe.Price
	yearly       *stripe.Price
	clock        *stripe.TestHelpersTestClock
	productBasic *stripe.Product
}

func (e *env) billingSetup(clockAt int64, card string) billingFixture {
	e.t.Helper()
	var f billingFixture
	f.productBasic = e.newProduct("Basic")
	prodPro := e.newProduct("Pro")
	f.basic = e.newPrice(&stripe.PriceCreateParams{Product: stripe.String(f.productBasic.ID), Currency: stripe.String("usd"),
		UnitAmount: stripe.Int64(1000), Recurring: &stripe.PriceCreateRecurringParams{Interval: stripe.String("month")}})
	f.pro = e.newPrice(&stripe.PriceCreateParams{Product: stripe.String(prodPro.ID), Currency: stripe.String("usd"),
		UnitAmount: stripe.Int64(3000), Recurring: &stripe.PriceCreateRecurringParams{Interval: stripe.String("month")}})
	f.yearly = e.newPrice(&stripe.PriceCreateParams{Product: stripe.String(prodPro.ID), Currency: stripe.String("usd"),
		UnitAmount: stripe.Int64(30000), Recurring: &stripe.PriceCreateRecurringParams{Interval: stripe.String("year")}})
	cp := &stripe.CustomerCreateParams{Email: stripe.String("sub@example.com"), PaymentMethod: stripe.String(card),
		InvoiceSettings: &stripe.CustomerCreateInvoiceSettingsParams{}}
	if clockAt > 0 {
		f.clock = e.newClock(clockAt, "billing")
		cp.TestClock = stripe.String(f.clock.ID)
	}
	cus, err := e.sc.V1Customers.Create(e.ctx, cp)
	if err != nil {
		e.t.Fatal(err)
	}
	pms := e.sc.V1PaymentMethods.List(e.ctx, &stripe.PaymentMethodListParams{Customer: stripe.String(cus.ID)})
	for pm, err := range pms.All(e.ctx) {
		if err != nil {
			e.t.Fatal(err)
		}
		cus, err = e.sc.V1Customers.Update(e.ctx, cus.ID, &stripe.CustomerUpdateParams{InvoiceSettings: &stripe.CustomerUpdateInvoiceSettingsParams{DefaultPaymentMethod: stripe.String(pm.ID)}})
		if err != nil {
			e.t.Fatal(err)
		}
		break
	}
	f.cus = cus
	return f
}

func (e *env) subscribe(cus, price string, mod ...func(*stripe.SubscriptionCreateParams)) *stripe.Subscription {
	e.t.Helper()
	p := &stripe.SubscriptionCreateParams{Customer: stripe.String(cus), Items: []*stripe.SubscriptionCreateItemParams{{Price: stripe.String(price)}}}
	p.AddExpand("latest_invoice")
	for _, m := range mod {
		m(p)
	}
	s, err := e.sc.V1Subscriptions.Create(e.ctx, p)
	if err != nil {
		e.t.Fatalf("create subscription: %v", err)
	}
	return s
}

func (e *env) invoices(sub string) []*stripe.Invoice {
	e.t.Helper()
	var out []*stripe.Invoice
	for in, err := range e.sc.V1Invoices.List(e.ctx, &stripe.InvoiceListParams{Subscription: stripe.String(sub)}).All(e.ctx) {
		if err != nil {
			e.t.Fatal(err)
		}
		out = append([]*stripe.Invoice{in}, out...) // oldest first
	}
	return out
}

func (e *env) advance(clock string, to int64) {
	e.t.Helper()
	if _, err := e.sc.V1TestHelpersTestClocks.Advance(e.ctx, clock, &stripe.TestHelpersTestClockAdvanceParams{FrozenTime: stripe.Int64(to)}); err != nil {
		e.t.Fatalf("advance: %v", err)
	}
	if c := e.waitForClock(clock); c.Status != stripe.TestHelpersTestClockStatusReady {
		e.t.Fatalf("clock status %s", c.Status)
	}
}

func date(y int, m time.Month, d int) int64 { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() }

func TestSubscriptionCreatePaysFirstInvoice(t *testing.T) {
	e := start(t)
	f := e.billingSetup(0, "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.basic.ID)
	if s.Status != stripe.SubscriptionStatusActive {
		t.Fatalf("status %s", s.Status)
	}
	in := s.LatestInvoice
	if in.Status != stripe.InvoiceStatusPaid || in.Total != 1000 || in.AmountPaid != 1000 || in.BillingReason != "subscription_create" {
		t.Fatalf("invoice %s total %d paid %d reason %s", in.Status, in.Total, in.AmountPaid, in.BillingReason)
	}
	if in.Number != f.cus.InvoicePrefix+"-0001" {
		t.Fatalf("number %q", in.Number)
	}
	if in.Parent == nil || in.Parent.SubscriptionDetails == nil || in.Parent.SubscriptionDetails.Subscription.ID != s.ID {
		t.Fatalf("parent %+v", in.Parent)
	}
	it := s.Items.Data[0]
	if it.CurrentPeriodEnd-it.CurrentPeriodStart < 28*86400 || it.Price.ID != f.basic.ID {
		t.Fatalf("item %+v", it)
	}
	line := in.Lines.Data[0]
	if line.Pricing.PriceDetails.Price.ID != f.basic.ID || line.Parent.SubscriptionItemDetails.SubscriptionItem != it.ID {
		t.Fatalf("line %+v", line)
	}
	if len(in.Payments.Data) != 1 {
		t.Fatalf("payments %+v", in.Payments)
	}
	pi, err := e.sc.V1PaymentIntents.Retrieve(e.ctx, in.Payments.Data[0].Payment.PaymentIntent.ID, nil)
	if err != nil || pi.Status != stripe.PaymentIntentStatusSucceeded || pi.Amount != 1000 {
		t.Fatalf("pi %+v %v", pi, err)
	}
}

func TestSubscriptionDeclinedCardIsIncomplete(t *testing.T) {
	e := start(t)
	f := e.billingSetup(0, "pm_card_chargeCustomerFail")
	s := e.subscribe(f.cus.ID, f.basic.ID)
	if s.Status != stripe.SubscriptionStatusIncomplete || s.LatestInvoice.Status != stripe.InvoiceStatusOpen {
		t.Fatalf("status %s invoice %s", s.Status, s.LatestInvoice.Status)
	}
	_, err := e.once.V1Subscriptions.Create(e.ctx, &stripe.SubscriptionCreateParams{Customer: stripe.String(f.cus.ID),
		Items: []*stripe.SubscriptionCreateItemParams{{Price: stripe.String(f.basic.ID)}}, PaymentBehavior: stripe.String("error_if_incomplete")})
	wantErr(t, err, 402, stripe.ErrorTypeCard, stripe.ErrorCodeCardDeclined, "")
	// Paying with a good card makes it active.
	if _, err := e.sc.V1Invoices.Pay(e.ctx, s.LatestInvoice.ID, &stripe.InvoicePayParams{PaymentMethod: stripe.String("pm_card_visa")}); err != nil {
		t.Fatal(err)
	}
	s, _ = e.sc.V1Subscriptions.Retrieve(e.ctx, s.ID, nil)
	if s.Status != stripe.SubscriptionStatusActive {
		t.Fatalf("after pay: %s", s.Status)
	}
}

func TestSubscriptionThreeDSRequiresAction(t *testing.T) {
	e := start(t)
	f := e.billingSetup(0, "pm_card_authenticationRequired")
	s := e.subscribe(f.cus.ID, f.basic.ID)
	if s.Status != stripe.SubscriptionStatusIncomplete {
		t.Fatalf("status %s", s.Status)
	}
	pi, err := e.sc.V1PaymentIntents.Retrieve(e.ctx, s.LatestInvoice.Payments.Data[0].Payment.PaymentIntent.ID, nil)
	if err != nil || pi.Status != stripe.PaymentIntentStatusRequiresAction || pi.NextAction == nil || pi.NextAction.RedirectToURL == nil {
		t.Fatalf("pi %+v %v", pi, err)
	}
	if _, err := e.app.Service.CompleteThreeDS(e.ctx, pi.ID, true); err != nil {
		t.Fatal(err)
	}
	s, _ = e.sc.V1Subscriptions.Retrieve(e.ctx, s.ID, nil)
	if s.Status != stripe.SubscriptionStatusActive {
		t.Fatalf("after 3DS: %s", s.Status)
	}
}

// TestSubscriptionYearOnTestClock runs a subscription through a year on a
// test clock: monthly renewals, an upgrade with prorations (always_invoice)
// mid-period, a failed renewal recovered by a retry, and a cancellation at
// period end. Every invoice total is worked out by hand below.
func TestSubscriptionYearOnTestClock(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 1, 1), "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.basic.ID)
	want := []int64{1000} // Jan 1: Basic $10
	for m := time.February; m <= time.April; m++ {
		e.advance(f.clock.ID, date(2026, m, 1)+2*3600)
		want = append(want, 1000)
	}
	// Apr 16 00:00: upgrade to Pro ($30) with always_invoice. April has 30
	// days; 15 of them remain: credit -1000*15/30 = -500, charge
	// 3000*15/30 = 1500: total 1000.
	e.advance(f.clock.ID, date(2026, 4, 16))
	_, err := e.sc.V1Subscriptions.Update(e.ctx, s.ID, &stripe.SubscriptionUpdateParams{
		Items:             []*stripe.SubscriptionUpdateItemParams{{ID: stripe.String(s.Items.Data[0].ID), Price: stripe.String(f.pro.ID)}},
		ProrationBehavior: stripe.String("always_invoice"),
	})
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, 1000)
	e.advance(f.clock.ID, date(2026, 5, 1)+2*3600) // May: Pro $30
	want = append(want, 3000)
	// June's renewal fails (a card that attaches but declines), then the
	// customer fixes the card and the 3-day retry succeeds.
	bad, err := e.sc.V1PaymentMethods.Attach(e.ctx, "pm_card_chargeCustomerFail", &stripe.PaymentMethodAttachParams{Customer: stripe.String(f.cus.ID)})
	if err != nil {
		t.Fatal(err)
	}
	e.sc.V1Customers.Update(e.ctx, f.cus.ID, &stripe.CustomerUpdateParams{InvoiceSettings: &stripe.CustomerUpdateInvoiceSettingsParams{DefaultPaymentMethod: stripe.String(bad.ID)}})
	e.advance(f.clock.ID, date(2026, 6, 1)+2*3600)
	s, _ = e.sc.V1Subscriptions.Retrieve(e.ctx, s.ID, nil)
	if s.Status != stripe.SubscriptionStatusPastDue {
		t.Fatalf("June: status %s", s.Status)
	}
	if cus, _ := e.sc.V1Customers.Retrieve(e.ctx, f.cus.ID, nil); !cus.Delinquent {
		t.Fatal("customer not delinquent after a failed renewal")
	}
	good, _ := e.sc.V1PaymentMethods.Attach(e.ctx, "pm_card_visa", &stripe.PaymentMethodAttachParams{Customer: stripe.String(f.cus.ID)})
	e.sc.V1Customers.Update(e.ctx, f.cus.ID, &stripe.CustomerUpdateParams{InvoiceSettings: &stripe.CustomerUpdateInvoiceSettingsParams{DefaultPaymentMethod: stripe.String(good.ID)}})
	e.advance(f.clock.ID, date(2026, 6, 5))
	s, _ = e.sc.V1Subscriptions.Retrieve(e.ctx, s.ID, nil)
	if s.Status != stripe.SubscriptionStatusActive {
		t.Fatalf("June retry: status %s", s.Status)
	}
	if cus, _ := e.sc.V1Customers.Retrieve(e.ctx, f.cus.ID, nil); cus.Delinquent {
		t.Fatal("customer still delinquent after the retry paid")
	}
	want = append(want, 3000)
	for m := time.July; m <= time.September; m++ {
		e.advance(f.clock.ID, date(2026, m, 1)+2*3600)
		want = append(want, 3000)
	}
	// Cancel at period end in September: no October invoice.
	if _, err := e.sc.V1Subscriptions.Update(e.ctx, s.ID, &stripe.SubscriptionUpdateParams{CancelAtPeriodEnd: stripe.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	e.advance(f.clock.ID, date(2026, 10, 1)+2*3600)
	s, _ = e.sc.V1Subscriptions.Retrieve(e.ctx, s.ID, nil)
	if s.Status != stripe.SubscriptionStatusCanceled || s.EndedAt != date(2026, 10, 1) {
		t.Fatalf("October: status %s ended %d", s.Status, s.EndedAt)
	}
	got := e.invoices(s.ID)
	if len(got) != len(want) {
		t.Fatalf("%d invoices, want %d", len(got), len(want))
	}
	var sum, wantSum int64
	for i, in := range got {
		if in.Total != want[i] || in.Status != stripe.InvoiceStatusPaid {
			t.Errorf("invoice %d (%s, %s): total %d status %s, want %d paid", i, in.Number, in.BillingReason, in.Total, in.Status, want[i])
		}
		sum += in.Total
		wantSum += want[i]
	}
	if sum != wantSum || wantSum != 4*1000+1000+5*3000 {
		t.Fatalf("sum %d want %d", sum, wantSum)
	}
}

// TestPreviewEqualsWhatTheChangeBills previews an upgrade with a fixed
// proration date (as the portal does before a customer confirms), then
// makes the change: the invoice it bills matches the preview line for line.
func TestPreviewEqualsWhatTheChangeBills(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 4, 1), "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.basic.ID)
	e.advance(f.clock.ID, date(2026, 4, 16))
	items := []*stripe.InvoiceCreatePreviewSubscriptionDetailsItemParams{{ID: stripe.String(s.Items.Data[0].ID), Price: stripe.String(f.pro.ID)}}
	// create_prorations: the next invoice carries the prorations and May.
	next, err := e.sc.V1Invoices.CreatePreview(e.ctx, &stripe.InvoiceCreatePreviewParams{Subscription: stripe.String(s.ID),
		SubscriptionDetails: &stripe.InvoiceCreatePreviewSubscriptionDetailsParams{Items: items, ProrationDate: stripe.Int64(date(2026, 4, 16))}})
	if err != nil {
		t.Fatal(err)
	}
	if next.Total != -500+1500+3000 || len(next.Lines.Data) != 3 || next.PeriodStart != date(2026, 4, 1) || next.PeriodEnd != date(2026, 5, 1) {
		t.Fatalf("next invoice total %d lines %d period end %d", next.Total, len(next.Lines.Data), next.PeriodEnd)
	}
	// always_invoice: the immediate invoice.
	now, err := e.sc.V1Invoices.CreatePreview(e.ctx, &stripe.InvoiceCreatePreviewParams{Subscription: stripe.String(s.ID),
		SubscriptionDetails: &stripe.InvoiceCreatePreviewSubscriptionDetailsParams{Items: items, ProrationDate: stripe.Int64(date(2026, 4, 16)),
			ProrationBehavior: stripe.String("always_invoice")}})
	if err != nil {
		t.Fatal(err)
	}
	if now.Total != 1000 || now.AmountDue != 1000 {
		t.Fatalf("preview total %d due %d", now.Total, now.AmountDue)
	}
	// Nothing was written by the previews.
	if got := e.invoices(s.ID); len(got) != 1 {
		t.Fatalf("previews wrote invoices: %d", len(got))
	}
	up, err := e.sc.V1Subscriptions.Update(e.ctx, s.ID, &stripe.SubscriptionUpdateParams{
		Items:             []*stripe.SubscriptionUpdateItemParams{{ID: stripe.String(s.Items.Data[0].ID), Price: stripe.String(f.pro.ID)}},
		ProrationBehavior: stripe.String("always_invoice"), ProrationDate: stripe.Int64(date(2026, 4, 16)),
	})
	if err != nil {
		t.Fatal(err)
	}
	billed, _ := e.sc.V1Invoices.Retrieve(e.ctx, up.LatestInvoice.ID, nil)
	if billed.Total != now.Total || len(billed.Lines.Data) != len(now.Lines.Data) {
		t.Fatalf("billed %d (%d lines), previewed %d (%d lines)", billed.Total, len(billed.Lines.Data), now.Total, len(now.Lines.Data))
	}
	for i := range billed.Lines.Data {
		b, p := billed.Lines.Data[i], now.Lines.Data[i]
		if b.Amount != p.Amount || b.Description != p.Description || b.Period.Start != p.Period.Start || b.Period.End != p.Period.End {
			t.Errorf("line %d: billed %d %q, previewed %d %q", i, b.Amount, b.Description, p.Amount, p.Description)
		}
	}
	// The legacy upcoming endpoint answers too.
	r := e.do("GET", "/v1/invoices/upcoming?subscription="+s.ID, "")
	if r.Status != 200 || r.JSON(t)["total"].(float64) != 3000 {
		t.Fatalf("upcoming %d %s", r.Status, r.Body)
	}
}

// Clients pinned before 2025-03-31.basil get the older shapes: periods on
// the subscription, invoice.subscription, payment_intent and paid, and
// line price and proration.
func TestLegacyBillingShapes(t *testing.T) {
	e := start(t)
	f := e.billingSetup(0, "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.basic.ID)
	r := e.do("GET", "/v1/subscriptions/"+s.ID, "", "Stripe-Version: 2024-06-20")
	m := r.JSON(t)
	if m["current_period_end"] == nil {
		t.Fatalf("no current_period_end: %s", r.Body)
	}
	r = e.do("GET", "/v1/invoices/"+s.LatestInvoice.ID, "", "Stripe-Version: 2024-06-20")
	m = r.JSON(t)
	if m["subscription"] != s.ID || m["paid"] != true || m["payment_intent"] == nil || m["parent"] != nil {
		t.Fatalf("legacy invoice: %s", r.Body)
	}
	line := m["lines"].(map[string]any)["data"].([]any)[0].(map[string]any)
	if line["price"].(map[string]any)["id"] != f.basic.ID || line["proration"] != false {
		t.Fatalf("legacy line: %v", line)
	}
}

func TestInvoiceLinesPaginate(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 4, 1), "pm_card_visa")
	s := e.subscribe(f.cus.ID, f.basic.ID)
	e.advance(f.clock.ID, date(2026, 4, 16))
	up, err := e.sc.V1Subscriptions.Update(e.ctx, s.ID, &stripe.SubscriptionUpdateParams{ProrationBehavior: stripe.String("always_invoice"),
		Items: []*stripe.SubscriptionUpdateItemParams{{ID: stripe.String(s.Items.Data[0].ID), Price: stripe.String(f.pro.ID)}}})
	if err != nil {
		t.Fatal(err)
	}
	var amounts []int64
	p := &stripe.InvoiceListLinesParams{Invoice: stripe.String(up.LatestInvoice.ID)}
	p.Limit = stripe.Int64(1)
	for l, err := range e.sc.V1Invoices.ListLines(e.ctx, p).All(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		amounts = append(amounts, l.Amount)
	}
	if len(amounts) != 2 || amounts[0] != -500 || amounts[1] != 1500 {
		t.Fatalf("lines %v", amounts)
	}
}

func TestInvoiceUpdateAndLifecycleErrors(t *testing.T) {
	e := start(t)
	f := e.billingSetup(0, "pm_card_visa")
	e.sc.V1InvoiceItems.Create(e.ctx, &stripe.InvoiceItemCreateParams{Customer: stripe.String(f.cus.ID), Amount: stripe.Int64(700), Currency: stripe.String("usd")})
	in, err := e.sc.V1Invoices.Create(e.ctx, &stripe.InvoiceCreateParams{Customer: stripe.String(f.cus.ID), PendingInvoiceItemsBehavior: stripe.String("include")})
	if err != nil {
		t.Fatal(err)
	}
	up := &stripe.InvoiceUpdateParams{Description: stripe.String("Consulting")}
	up.AddMetadata("order", "42")
	if in, err = e.sc.V1Invoices.Update(e.ctx, in.ID, up); err != nil || in.Description != "Consulting" || in.Metadata["order"] != "42" {
		t.Fatalf("update %v %+v", err, in)
	}
	if in, err = e.sc.V1Invoices.FinalizeInvoice(e.ctx, in.ID, nil); err != nil || in.Status != stripe.InvoiceStatusOpen || in.Number == "" {
		t.Fatalf("finalize %v", err)
	}
	_, err = e.once.V1Invoices.Update(e.ctx, in.ID, &stripe.InvoiceUpdateParams{Description: stripe.String("late")})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, "invoice_not_editable", "")
	_, err = e.once.V1Invoices.FinalizeInvoice(e.ctx, in.ID, nil)
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, "invoice_not_editable", "")
	if in, err = e.sc.V1Invoices.MarkUncollectible(e.ctx, in.ID, nil); err != nil || in.Status != stripe.InvoiceStatusUncollectible {
		t.Fatalf("uncollectible %v", err)
	}
	if in, err = e.sc.V1Invoices.VoidInvoice(e.ctx, in.ID, nil); err != nil || in.Status != stripe.InvoiceStatusVoid {
		t.Fatalf("void %v", err)
	}
	_, err = e.once.V1Invoices.Pay(e.ctx, in.ID, nil)
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, "invoice_unexpected_state", "")
}
