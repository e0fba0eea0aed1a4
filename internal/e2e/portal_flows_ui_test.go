package e2e

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/porticohq/portico/internal/service"
	stripe "github.com/stripe/stripe-go/v85"
)

// Browser tests of the portal's flows (a session's flow_data): each opens
// a deep link, clicks through as a customer would, and checks the outcome
// through the API.

// openFlow opens a session link with flow for the demo customer.
func (u *uiEnv) openFlow(flow *stripe.BillingPortalSessionCreateFlowDataParams, locale string) {
	u.t.Helper()
	p := &stripe.BillingPortalSessionCreateParams{FlowData: flow}
	if locale != "" {
		p.Locale = stripe.String(locale)
	}
	u.open(p)
}

// afterCompletion is an after_completion of type typ; url is the redirect
// URL or the confirmation's custom message.
func afterCompletion(typ, arg string) *stripe.BillingPortalSessionCreateFlowDataAfterCompletionParams {
	a := &stripe.BillingPortalSessionCreateFlowDataAfterCompletionParams{Type: stripe.String(typ)}
	switch typ {
	case "redirect":
		a.Redirect = &stripe.BillingPortalSessionCreateFlowDataAfterCompletionRedirectParams{ReturnURL: stripe.String(arg)}
	case "hosted_confirmation":
		a.HostedConfirmation = &stripe.BillingPortalSessionCreateFlowDataAfterCompletionHostedConfirmationParams{CustomMessage: stripe.String(arg)}
	}
	return a
}

// configure changes the default portal configuration.
func (u *uiEnv) configure(p service.PortalConfigurationParams) {
	u.t.Helper()
	def, err := u.app.Service.EnsureDefaultPortalConfiguration(u.ctx)
	if err != nil {
		u.t.Fatal(err)
	}
	if _, err := u.app.Service.UpdatePortalConfiguration(u.ctx, def.ID, p); err != nil {
		u.t.Fatal(err)
	}
}

// price returns the id of the price with lookup key.
func (u *uiEnv) price(lookup string) string {
	u.t.Helper()
	for pr, err := range u.sc.V1Prices.List(u.ctx, &stripe.PriceListParams{LookupKeys: stripe.StringSlice([]string{lookup})}).All(u.ctx) {
		if err != nil {
			u.t.Fatal(err)
		}
		return pr.ID
	}
	u.t.Fatalf("no price %s", lookup)
	return ""
}

// fillCard types a card into the page's card form (by script: chromedp's
// DOM mirror loses nodes after a form post's redirect).
func (u *uiEnv) fillCard(number string) {
	u.t.Helper()
	get(u, chromedp.Evaluate[bool](`(document.getElementById('card-number').value = '`+number+`',
		document.getElementById('card-exp').value = '12/34', document.getElementById('card-cvc').value = '123', true)`))
}

// contains fails the test unless the page shows every one of want.
func (u *uiEnv) contains(what string, want ...string) string {
	u.t.Helper()
	body := u.text()
	for _, w := range want {
		if !strings.Contains(body, w) {
			u.t.Fatalf("%s lacks %q: %s", what, w, body)
		}
	}
	return body
}

// navigationHidden fails the test when the page links elsewhere in the
// portal, or lacks the way back to the merchant.
func (u *uiEnv) navigationHidden() {
	u.t.Helper()
	if n := get(u, chromedp.Evaluate[int](`document.querySelectorAll('main a[href^="/p/"], #subscriptions, #invoices').length`)); n != 0 {
		u.t.Errorf("the flow's page has %d portal links or homepage sections", n)
	}
	if href := get(u, chromedp.Evaluate[string](`document.querySelector('a.back').href`)); href != "https://example.com/account" {
		u.t.Errorf("return link %q", href)
	}
}

func (u *uiEnv) location() string {
	u.t.Helper()
	return get(u, chromedp.Evaluate[string](`location.href`))
}

func (u *uiEnv) customerDefault() *stripe.PaymentMethod {
	u.t.Helper()
	cus, err := u.sc.V1Customers.Retrieve(u.ctx, u.customer, &stripe.CustomerRetrieveParams{Expand: []*string{stripe.String("invoice_settings.default_payment_method")}})
	if err != nil {
		u.t.Fatal(err)
	}
	if cus.InvoiceSettings.DefaultPaymentMethod == nil {
		u.t.Fatal("the customer has no default payment method")
	}
	return cus.InvoiceSettings.DefaultPaymentMethod
}

func TestPortalFlowPaymentMethodUpdateWith3DS(t *testing.T) {
	u := startUI(t, 1280)
	u.openFlow(&stripe.BillingPortalSessionCreateFlowDataParams{Type: stripe.String("payment_method_update"),
		AfterCompletion: afterCompletion("hosted_confirmation", "<b>Thanks</b> & see you")}, "")
	u.contains("payment method page", "Add a payment method", "Return to Portico")
	u.navigationHidden()
	// The browser's Luhn check stops a mistyped number.
	u.fillCard("4000002500003156")
	get(u, chromedp.Evaluate[bool](`(document.querySelector('form[data-card-form] button').click(), true)`))
	u.run(chromedp.WaitVisible(chromedp.CSS("[data-card-error]")))
	if inv := get(u, chromedp.AttributeValue(chromedp.CSS("#card-number"), "aria-invalid")); inv.Value != "true" {
		t.Errorf("number aria-invalid = %q", inv.Value)
	}
	u.screenshot("invalid")
	// A card that asks for 3-D Secure on setup goes through the challenge.
	u.fillCard("4000002500003155")
	u.submit("form[data-card-form] button")
	u.contains("3-D Secure page", "3D Secure test page")
	u.screenshot("challenge")
	u.submit("#complete")
	body := u.contains("confirmation page", "All set", "Your card was added and is now your default payment method.", "Visa ending in 3155",
		"<b>Thanks</b> & see you")
	if n := get(u, chromedp.Evaluate[int](`document.querySelectorAll('.custom-message b').length`)); n != 0 {
		t.Error("the custom message was not escaped")
	}
	if strings.Contains(body, "Subscriptions") {
		t.Error("the confirmation page shows the homepage")
	}
	u.screenshot("confirmed")
	if pm := u.customerDefault(); pm.Card == nil || pm.Card.Last4 != "3155" {
		t.Fatalf("default payment method %+v", pm)
	}
}

func TestPortalFlowCancelWithRetentionOfferAndRedirect(t *testing.T) {
	u := startUI(t, 375)
	if _, err := u.sc.V1Coupons.Create(u.ctx, &stripe.CouponCreateParams{ID: stripe.String("STAY50"), Name: stripe.String("Stay with us"),
		PercentOff: stripe.Float64(50), Duration: stripe.String("repeating"), DurationInMonths: stripe.Int64(3)}); err != nil {
		t.Fatal(err)
	}
	sub := u.subscriptionOf("prod_demo_pro")
	u.openFlow(&stripe.BillingPortalSessionCreateFlowDataParams{Type: stripe.String("subscription_cancel"),
		SubscriptionCancel: &stripe.BillingPortalSessionCreateFlowDataSubscriptionCancelParams{Subscription: stripe.String(sub.ID),
			Retention: &stripe.BillingPortalSessionCreateFlowDataSubscriptionCancelRetentionParams{Type: stripe.String("coupon_offer"),
				CouponOffer: &stripe.BillingPortalSessionCreateFlowDataSubscriptionCancelRetentionCouponOfferParams{Coupon: stripe.String("STAY50")}}},
		AfterCompletion: afterCompletion("redirect", uiPublic+"/thanks?from=portal")}, "")
	u.contains("cancel page", "Cancel your subscription", "Before you go: an offer to stay", "Stay with us: 50% off")
	u.navigationHidden()
	u.screenshot("offer")
	u.submit(`form[action$="/retention"] button`)
	if loc := u.location(); loc != uiPublic+"/thanks?from=portal" {
		t.Fatalf("after accepting: at %s", loc)
	}
	got, err := u.sc.V1Subscriptions.Retrieve(u.ctx, sub.ID, &stripe.SubscriptionRetrieveParams{Expand: []*string{stripe.String("discounts")}})
	if err != nil {
		t.Fatal(err)
	}
	if got.CancelAtPeriodEnd || got.Status == stripe.SubscriptionStatusCanceled {
		t.Fatal("accepting the offer canceled the subscription")
	}
	if !hasCoupon(got.Discounts, "STAY50") {
		t.Fatalf("the retention coupon is not on the subscription: %+v", got.Discounts)
	}
}

func TestPortalFlowCancelNowWithSurveyToHomepage(t *testing.T) {
	u := startUI(t, 1280)
	u.configure(service.PortalConfigurationParams{CancelMode: service.Set("immediately"), CancelProration: service.Set("create_prorations")})
	sub := u.subscriptionOf("prod_demo_pro")
	u.openFlow(&stripe.BillingPortalSessionCreateFlowDataParams{Type: stripe.String("subscription_cancel"),
		SubscriptionCancel: &stripe.BillingPortalSessionCreateFlowDataSubscriptionCancelParams{Subscription: stripe.String(sub.ID)},
		AfterCompletion:    afterCompletion("portal_homepage", "")}, "")
	u.contains("cancel page", "Cancel your subscription", "You will receive a credit of $")
	u.navigationHidden()
	u.run(chromedp.Click(chromedp.CSS(`label[for="r-switched_service"]`)), chromedp.SendKeys(chromedp.CSS("#comment"), "Found another tool"))
	u.screenshot("survey")
	u.submit(`form[action$="/cancel"] button.danger`)
	// The flow is over: the homepage, with its sections and the notice.
	u.contains("homepage", "Your subscription was canceled.", "Payment methods", "Invoice history")
	u.screenshot("homepage")
	got, err := u.sc.V1Subscriptions.Retrieve(u.ctx, sub.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != stripe.SubscriptionStatusCanceled || got.CancellationDetails == nil ||
		got.CancellationDetails.Feedback != "switched_service" || got.CancellationDetails.Comment != "Found another tool" {
		t.Fatalf("after cancelling: status %s details %+v", got.Status, got.CancellationDetails)
	}
	credit := false
	for ii, err := range u.sc.V1InvoiceItems.List(u.ctx, &stripe.InvoiceItemListParams{Customer: stripe.String(u.customer)}).All(u.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		credit = credit || ii.Amount < 0
	}
	if !credit {
		t.Error("no proration credit for the unused time")
	}
	// Back on the homepage, the portal is whole again.
	u.run(chromedp.Navigate(uiPublic + "/p/"))
	u.contains("homepage after the flow", "Subscriptions", "Payment methods")
}

func TestPortalFlowSubscriptionUpdateYearlyWithProration(t *testing.T) {
	u := startUI(t, 1280)
	u.configure(service.PortalConfigurationParams{UpdateProration: service.Set("always_invoice")})
	sub := u.subscriptionOf("prod_demo_pro")
	yearly := u.price("pro_yearly")
	u.openFlow(&stripe.BillingPortalSessionCreateFlowDataParams{Type: stripe.String("subscription_update"),
		SubscriptionUpdate: &stripe.BillingPortalSessionCreateFlowDataSubscriptionUpdateParams{Subscription: stripe.String(sub.ID)},
		AfterCompletion:    afterCompletion("hosted_confirmation", "")}, "")
	u.contains("update page", "Update your subscription", "Monthly", "Yearly", "Current plan")
	if get(u, chromedp.Evaluate[int](`document.querySelectorAll('input[name=price][value="`+yearly+`"]').length`)) != 0 {
		t.Error("the monthly view offers a yearly price")
	}
	u.submit(`nav.switch a[href="?interval=year"]`)
	u.screenshot("yearly")
	// The yearly price of the current plan is preselected.
	if !get(u, chromedp.Evaluate[bool](`document.querySelector('input[value="`+yearly+`"]').checked`)) {
		t.Error("the yearly view does not preselect the current plan's yearly price")
	}
	u.submit(`form[action$="/review"] button`)
	u.contains("review page", "Review your change", "Pro", "Amount due today", "Confirm and pay", "$290.00")
	u.screenshot("review")
	u.submit(`form[action$="/update"] button`)
	u.contains("confirmation", "All set", "Your subscription was updated.", "$290.00 per year")
	u.screenshot("confirmed")
	got, err := u.sc.V1Subscriptions.Retrieve(u.ctx, sub.ID, &stripe.SubscriptionRetrieveParams{Expand: []*string{stripe.String("latest_invoice")}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Items.Data[0].Price.ID != yearly {
		t.Fatalf("price after the update: %s", got.Items.Data[0].Price.ID)
	}
	in := got.LatestInvoice
	if in == nil || in.Status != stripe.InvoiceStatusPaid || in.BillingReason != stripe.InvoiceBillingReasonSubscriptionUpdate {
		t.Fatalf("latest invoice %+v", in)
	}
	prorated := false
	for l, err := range u.sc.V1Invoices.ListLines(u.ctx, &stripe.InvoiceListLinesParams{Invoice: stripe.String(in.ID)}).All(u.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		prorated = prorated || l.Amount < 0
	}
	if !prorated {
		t.Error("the update's invoice has no credit for the unused monthly time")
	}
}

func TestPortalFlowUpdateConfirmWithDiscountAnd3DS(t *testing.T) {
	u := startUI(t, 1280)
	u.configure(service.PortalConfigurationParams{UpdateProration: service.Set("always_invoice")})
	sub := u.subscriptionOf("prod_demo_pro")
	// The subscription is paid with a card that asks for 3-D Secure.
	pm, err := u.sc.V1PaymentMethods.Attach(u.ctx, "pm_card_authenticationRequired", &stripe.PaymentMethodAttachParams{Customer: stripe.String(u.customer)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.sc.V1Subscriptions.Update(u.ctx, sub.ID, &stripe.SubscriptionUpdateParams{DefaultPaymentMethod: stripe.String(pm.ID)}); err != nil {
		t.Fatal(err)
	}
	business := u.price("business_monthly")
	u.openFlow(&stripe.BillingPortalSessionCreateFlowDataParams{Type: stripe.String("subscription_update_confirm"),
		SubscriptionUpdateConfirm: &stripe.BillingPortalSessionCreateFlowDataSubscriptionUpdateConfirmParams{Subscription: stripe.String(sub.ID),
			Items: []*stripe.BillingPortalSessionCreateFlowDataSubscriptionUpdateConfirmItemParams{{ID: stripe.String(sub.Items.Data[0].ID),
				Price: stripe.String(business), Quantity: stripe.Int64(1)}},
			Discounts: []*stripe.BillingPortalSessionCreateFlowDataSubscriptionUpdateConfirmDiscountParams{{Coupon: stripe.String("WELCOME20")}}},
		AfterCompletion: afterCompletion("portal_homepage", "")}, "")
	u.contains("review page", "Review your change", "Business", "Welcome: 20% off", "Discount", "Amount due today")
	u.navigationHidden()
	u.screenshot("review")
	u.submit(`form[action$="/update"] button`)
	u.contains("3-D Secure page", "3D Secure test page")
	u.submit("#complete")
	u.contains("homepage", "Your subscription was updated.", "Payment methods")
	u.screenshot("updated")
	got, err := u.sc.V1Subscriptions.Retrieve(u.ctx, sub.ID, &stripe.SubscriptionRetrieveParams{Expand: []*string{stripe.String("latest_invoice"), stripe.String("discounts")}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Items.Data[0].Price.ID != business {
		t.Fatalf("price after the update: %s", got.Items.Data[0].Price.ID)
	}
	if got.LatestInvoice == nil || got.LatestInvoice.Status != stripe.InvoiceStatusPaid || got.LatestInvoice.AmountPaid <= 0 {
		t.Fatalf("latest invoice %+v", got.LatestInvoice)
	}
	if !hasCoupon(got.Discounts, "WELCOME20") {
		t.Fatalf("the flow's coupon is not on the subscription: %+v", got.Discounts)
	}
}

func TestPortalReviewDeclinedCardThenRetry(t *testing.T) {
	u := startUI(t, 375)
	u.configure(service.PortalConfigurationParams{UpdateProration: service.Set("always_invoice")})
	sub := u.subscriptionOf("prod_demo_pro")
	bad, err := u.sc.V1PaymentMethods.Attach(u.ctx, "pm_card_chargeCustomerFail", &stripe.PaymentMethodAttachParams{Customer: stripe.String(u.customer)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.sc.V1Customers.Update(u.ctx, u.customer, &stripe.CustomerUpdateParams{
		InvoiceSettings: &stripe.CustomerUpdateInvoiceSettingsParams{DefaultPaymentMethod: stripe.String(bad.ID)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := u.sc.V1Subscriptions.Update(u.ctx, sub.ID, &stripe.SubscriptionUpdateParams{DefaultPaymentMethod: stripe.String("")}); err != nil {
		t.Fatal(err)
	}
	business := u.price("business_monthly")
	u.open(nil)
	u.submit(`#sub-` + sub.ID + ` a[href$="/update"]`)
	get(u, chromedp.Evaluate[bool](`(document.querySelector('input[value="`+business+`"]').click(), true)`))
	u.submit(`form[action$="/review"] button`)
	u.submit(`form[action$="/update"] button`)
	u.contains("review after a decline", "The card was declined. Try another card.", "Pay with another card", "Amount due today")
	u.screenshot("declined")
	if got, _ := u.sc.V1Subscriptions.Retrieve(u.ctx, sub.ID, nil); got.Items.Data[0].Price.ID == business {
		t.Fatal("the plan changed although its payment failed")
	}
	// A mistyped card, then one that asks for 3-D Secure, whose challenge
	// fails: the page stays, with the failure.
	u.fillCard("4242424242424241")
	// (Past the browser's check, which a copy of the form lacks: the
	// server checks too.)
	get(u, chromedp.Evaluate[bool](`(f => (f.replaceWith(f.cloneNode(true)), true))(document.querySelector('form[action$="/retry"]'))`))
	u.submit(`form[action$="/retry"] button`)
	u.contains("review after a mistyped card", "Check the card number, expiry date and security code.")
	u.fillCard("4000002760003184")
	u.submit(`form[action$="/retry"] button`)
	u.submit("#fail")
	u.contains("review after a failed challenge", "The card could not be authenticated.", "Pay with another card")
	u.fillCard("4242424242424242")
	u.submit(`form[action$="/retry"] button`)
	u.contains("homepage", "Your subscription was updated.")
	u.screenshot("paid")
	got, err := u.sc.V1Subscriptions.Retrieve(u.ctx, sub.ID, &stripe.SubscriptionRetrieveParams{Expand: []*string{stripe.String("latest_invoice")}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Items.Data[0].Price.ID != business || got.LatestInvoice == nil || got.LatestInvoice.Status != stripe.InvoiceStatusPaid {
		t.Fatalf("after the retry: price %s latest invoice %+v", got.Items.Data[0].Price.ID, got.LatestInvoice)
	}
	if pm := u.customerDefault(); pm.ID == bad.ID || pm.Card.Last4 != "4242" {
		t.Fatalf("default card after the retry: %s ending %s", pm.ID, pm.Card.Last4)
	}
}

func TestPortalFlowCustomerUpdateWithRedirect(t *testing.T) {
	u := startUI(t, 1280)
	// customer_update is newer than stripe-go v85's API version.
	r := u.do("POST", "/v1/billing_portal/sessions", "customer="+u.customer+"&return_url=https://example.com/account&flow_data[type]=customer_update"+
		"&flow_data[after_completion][type]=redirect&flow_data[after_completion][redirect][return_url]="+url.QueryEscape(uiPublic+"/account?updated=1"),
		"Stripe-Version: 2026-08-26.dahlia")
	var sess struct{ URL string }
	if err := json.Unmarshal(r.Body, &sess); err != nil || r.Status != 200 {
		t.Fatalf("session: %s", r.Body)
	}
	u.run(chromedp.Navigate(sess.URL), chromedp.WaitVisible(chromedp.CSS("#main")))
	u.contains("billing page", "Update your billing information", "510 Townsend St")
	u.navigationHidden()
	get(u, chromedp.Evaluate[bool](`(document.getElementById('b-name').value = 'Jenny Q. Rosen', document.getElementById('a-city').value = 'Oakland', true)`))
	u.screenshot("billing")
	u.submit(`form[action="/p/billing"] button`)
	if loc := u.location(); loc != uiPublic+"/account?updated=1" {
		t.Fatalf("after saving: at %s", loc)
	}
	cus, err := u.sc.V1Customers.Retrieve(u.ctx, u.customer, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cus.Name != "Jenny Q. Rosen" || cus.Address == nil || cus.Address.City != "Oakland" {
		t.Fatalf("customer after saving: %s, %+v", cus.Name, cus.Address)
	}
}

func TestPortalFlowInThreeLocales(t *testing.T) {
	u := startUI(t, 375)
	for _, c := range []struct {
		locale, card, last4 string
		want                []string
	}{
		{"fr", "5555555555554444", "4444", []string{"Ajouter un moyen de paiement", "C'est fait", "Retour à Portico"}},
		{"de", "4000056655665556", "5556", []string{"Zahlungsmethode hinzufügen", "Erledigt", "Zurück zu Portico"}},
		{"ja", "378282246310005", "0005", []string{"お支払い方法の追加", "完了しました", "Portico に戻る"}},
	} {
		u.openFlow(&stripe.BillingPortalSessionCreateFlowDataParams{Type: stripe.String("payment_method_update"),
			AfterCompletion: afterCompletion("hosted_confirmation", "")}, c.locale)
		if lang := get(u, chromedp.AttributeValue(chromedp.CSS("html"), "lang")).Value; lang != c.locale {
			t.Errorf("%s: lang = %q", c.locale, lang)
		}
		u.contains(c.locale+" card page", c.want[0], c.want[2])
		if c.locale == "fr" {
			// The visit's other pages speak its language too.
			u.run(chromedp.Navigate(uiPublic + "/p/subscriptions/sub_nope/cancel"))
			u.contains("fr not found page", "Introuvable")
			u.run(chromedp.Navigate(uiPublic+"/p/"), chromedp.WaitVisible(chromedp.CSS("#card-number")))
		}
		u.fillCard(c.card)
		if c.card[0] == '3' {
			get(u, chromedp.Evaluate[bool](`(document.getElementById('card-cvc').value = '1234', true)`))
		}
		u.submit("form[data-card-form] button")
		u.contains(c.locale+" confirmation", c.want[1])
		u.screenshot(c.locale)
		if pm := u.customerDefault(); pm.Card == nil || pm.Card.Last4 != c.last4 {
			t.Fatalf("%s: default card %+v", c.locale, pm.Card)
		}
	}
}

func TestPortalUIAddCardWith3DS(t *testing.T) {
	u := startUI(t, 1280)
	u.open(nil)
	// Failing the challenge returns to the open form with the failure.
	u.run(chromedp.Click(chromedp.CSS("#add-card summary")))
	u.fillCard("4000002500003155")
	u.submit("#add-card button")
	u.contains("3-D Secure page", "3D Secure test page")
	u.submit("#fail")
	u.contains("homepage after a failed challenge", "The card could not be authenticated.")
	u.screenshot("failed")
	// Completing it saves the card.
	u.fillCard("4000002500003155")
	u.submit("#add-card button")
	u.submit("#complete")
	u.contains("homepage", "Your card was added.", "Visa ending in 3155")
	u.screenshot("added")
	n := 0
	for pm, err := range u.sc.V1PaymentMethods.List(u.ctx, &stripe.PaymentMethodListParams{Customer: stripe.String(u.customer)}).All(u.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if pm.Card.Last4 == "3155" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d cards ending 3155 on the customer, want 1", n)
	}
}

func TestPortalFlowRoutesRefuseOtherCustomers(t *testing.T) {
	u := startUI(t, 1280)
	other, err := u.sc.V1Customers.Create(u.ctx, &stripe.CustomerCreateParams{Email: stripe.String("mallory@example.com"), PaymentMethod: stripe.String("pm_card_visa")})
	if err != nil {
		t.Fatal(err)
	}
	si, err := u.sc.V1SetupIntents.Create(u.ctx, &stripe.SetupIntentCreateParams{Customer: stripe.String(other.ID),
		PaymentMethod: stripe.String("pm_card_authenticationRequiredOnSetup"), Confirm: stripe.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := u.sc.V1Subscriptions.Create(u.ctx, &stripe.SubscriptionCreateParams{Customer: stripe.String(other.ID),
		Items: []*stripe.SubscriptionCreateItemParams{{Price: stripe.String(u.price("pro_monthly"))}}})
	if err != nil {
		t.Fatal(err)
	}
	u.open(nil)
	for _, page := range []string{"/p/payment-methods/setup/" + si.ID, "/p/subscriptions/" + sub.ID + "/paid?pending=" + sub.LatestInvoice.ID,
		"/p/subscriptions/" + sub.ID + "/review?pending=" + sub.LatestInvoice.ID} {
		u.run(chromedp.Navigate(uiPublic + page))
		if body := u.text(); !strings.Contains(body, "Not found") {
			t.Errorf("%s: %s", page, body)
		}
	}
	// Posts of this page's forms, pointed at the other customer's
	// subscription: the retention offer (no flow offers one here) and a
	// payment retry.
	for _, action := range []string{"/p/subscriptions/" + sub.ID + "/retention", "/p/subscriptions/" + sub.ID + "/retry"} {
		u.open(nil)
		get(u, chromedp.Evaluate[bool](`(f => (f.setAttribute('action', '`+action+`'), f.id = 'target', true))(document.querySelector('#add-card form'))`))
		u.fillCard("4242424242424242")
		u.submit(`#target button`)
		if body := u.text(); !strings.Contains(body, "Not found") {
			t.Errorf("%s: %s", action, body)
		}
	}
	u.screenshot("refused")
	got, err := u.sc.V1SetupIntents.Retrieve(u.ctx, si.ID, nil)
	if err != nil || got.Status != stripe.SetupIntentStatusRequiresAction {
		t.Fatalf("the other customer's setup intent: %+v %v", got, err)
	}
}

func TestPortal3DSPageReturnsOnlyToThePortal(t *testing.T) {
	u := startUI(t, 1280)
	u.open(nil)
	u.run(chromedp.Click(chromedp.CSS("#add-card summary")))
	u.fillCard("4000002500003155")
	u.submit("#add-card button")
	ret := get(u, chromedp.Evaluate[string](`document.querySelector('input[name=return]').value`))
	if !strings.HasPrefix(ret, "/p/payment-methods/setup/seti_") {
		t.Fatalf("return to %q", ret)
	}
	page := u.location()
	for _, bad := range []string{"https://evil.example/", "//evil.example/p/", "/billing/invoices/x"} {
		u.run(chromedp.Navigate(strings.Split(page, "?")[0] + "?return=" + url.QueryEscape(bad)))
		if n := get(u, chromedp.Evaluate[int](`document.querySelectorAll('input[name=return]').length`)); n != 0 {
			t.Errorf("the challenge page keeps return=%s", bad)
		}
	}
	u.screenshot("challenge")
}

func TestPortalFlowUpdateDowngradeAtPeriodEnd(t *testing.T) {
	u := startUI(t, 1280)
	u.configure(service.PortalConfigurationParams{ScheduleConditions: service.Set([]string{"decreasing_item_amount"})})
	sub := u.subscriptionOf("prod_demo_pro")
	starter := u.price("starter_monthly")
	u.openFlow(&stripe.BillingPortalSessionCreateFlowDataParams{Type: stripe.String("subscription_update"),
		SubscriptionUpdate: &stripe.BillingPortalSessionCreateFlowDataSubscriptionUpdateParams{Subscription: stripe.String(sub.ID)},
		AfterCompletion:    afterCompletion("hosted_confirmation", "")}, "")
	get(u, chromedp.Evaluate[bool](`(document.querySelector('input[value="`+starter+`"]').click(), true)`))
	u.submit(`form[action$="/review"] button`)
	u.contains("review of a downgrade", "Starter", "Your plan changes on Dec 21, 2026. Until then, nothing changes.")
	u.screenshot("review")
	u.submit(`form[action$="/update"] button`)
	u.contains("confirmation", "All set", "Your subscription will change at the end of the billing period.")
	got, err := u.sc.V1Subscriptions.Retrieve(u.ctx, sub.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Items.Data[0].Price.ID == starter {
		t.Fatal("the downgrade did not wait for the period end")
	}
	next, err := u.sc.V1Invoices.CreatePreview(u.ctx, &stripe.InvoiceCreatePreviewParams{Subscription: stripe.String(sub.ID)})
	if err != nil {
		t.Fatal(err)
	}
	if next.Total != 900 {
		t.Fatalf("the next invoice is %d, want the Starter price 900", next.Total)
	}
}

func TestPortalFlowUpdateConfirmScheduledKeepsDiscount(t *testing.T) {
	u := startUI(t, 1280)
	u.configure(service.PortalConfigurationParams{ScheduleConditions: service.Set([]string{"decreasing_item_amount"})})
	sub := u.subscriptionOf("prod_demo_pro")
	starter := u.price("starter_monthly")
	u.openFlow(&stripe.BillingPortalSessionCreateFlowDataParams{Type: stripe.String("subscription_update_confirm"),
		SubscriptionUpdateConfirm: &stripe.BillingPortalSessionCreateFlowDataSubscriptionUpdateConfirmParams{Subscription: stripe.String(sub.ID),
			Items:     []*stripe.BillingPortalSessionCreateFlowDataSubscriptionUpdateConfirmItemParams{{ID: stripe.String(sub.Items.Data[0].ID), Price: stripe.String(starter)}},
			Discounts: []*stripe.BillingPortalSessionCreateFlowDataSubscriptionUpdateConfirmDiscountParams{{Coupon: stripe.String("WELCOME20")}}},
		AfterCompletion: afterCompletion("portal_homepage", "")}, "")
	u.contains("review", "Starter", "Welcome: 20% off", "Your plan changes on")
	u.submit(`form[action$="/update"] button`)
	u.contains("homepage", "Your subscription will change at the end of the billing period.")
	next, err := u.sc.V1Invoices.CreatePreview(u.ctx, &stripe.InvoiceCreatePreviewParams{Subscription: stripe.String(sub.ID)})
	if err != nil {
		t.Fatal(err)
	}
	if next.Total != 720 {
		t.Fatalf("the next invoice is %d, want Starter less 20%% (720)", next.Total)
	}
}

// hasCoupon reports whether one of ds applies the coupon id.
func hasCoupon(ds []*stripe.Discount, id string) bool {
	return slices.ContainsFunc(ds, func(d *stripe.Discount) bool {
		return d.Source != nil && d.Source.Coupon != nil && d.Source.Coupon.ID == id
	})
}
