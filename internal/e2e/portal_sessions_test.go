package e2e

import (
	"net/url"
	"strings"
	"testing"

	"github.com/porticohq/portico/internal/billing"
	stripe "github.com/stripe/stripe-go/v85"
)

// portalSub stores a subscription directly (the subscriptions API is served
// by the billing engine): one item of price, with quantity 1, in status.
func portalSub(t *testing.T, e *env, customer, status string, prices ...string) *billing.Subscription {
	t.Helper()
	sub := &billing.Subscription{ID: billing.NewID("sub"), Customer: customer, Status: status, Currency: "usd", CollectionMethod: "charge_automatically"}
	for _, p := range prices {
		sub.Items = append(sub.Items, billing.SubscriptionItem{ID: billing.NewID("si"), Price: p, Quantity: 1})
	}
	err := e.app.Store.Update(e.ctx, func(tx billing.Tx) error {
		sub.Created = tx.Now().Unix()
		return tx.InsertSubscription(sub)
	})
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// portalFixture is a customer with an active one-item subscription and a
// configuration whose subscription updates offer the catalog's prices.
type portalFixture struct {
	e                  *env
	cus                *stripe.Customer
	sub                *billing.Subscription
	conf               string
	a1, a2, b1, other  *stripe.Price
	prodA, prodB       *stripe.Product
	coupon             *stripe.Coupon
	promo              *stripe.PromotionCode
	dsn                string // the database, for reading its tables
	foreignSub, twoSub *billing.Subscription
}

func newPortalFixture(t *testing.T) *portalFixture {
	e, dsn := startPortal(t)
	f := &portalFixture{e: e, dsn: dsn}
	f.prodA, f.prodB, f.a1, f.a2, f.b1, _ = portalCatalog(e)
	f.other = e.newPrice(monthly(e.newProduct("Unlisted").ID, 100))
	f.cus = e.newCustomer("jenny@example.com")
	f.sub = portalSub(t, e, f.cus.ID, billing.SubActive, f.a1.ID)
	f.twoSub = portalSub(t, e, f.cus.ID, billing.SubActive, f.a1.ID, f.b1.ID)
	f.foreignSub = portalSub(t, e, e.newCustomer("other@example.com").ID, billing.SubActive, f.a1.ID)
	c, err := e.sc.V1BillingPortalConfigurations.Create(e.ctx, &stripe.BillingPortalConfigurationCreateParams{
		DefaultReturnURL: stripe.String("https://example.com/account"),
		Features: &stripe.BillingPortalConfigurationCreateFeaturesParams{
			PaymentMethodUpdate: &stripe.BillingPortalConfigurationCreateFeaturesPaymentMethodUpdateParams{Enabled: stripe.Bool(true)},
			SubscriptionCancel:  &stripe.BillingPortalConfigurationCreateFeaturesSubscriptionCancelParams{Enabled: stripe.Bool(true)},
			CustomerUpdate:      &stripe.BillingPortalConfigurationCreateFeaturesCustomerUpdateParams{Enabled: stripe.Bool(true), AllowedUpdates: stripe.StringSlice([]string{"email"})},
			SubscriptionUpdate: &stripe.BillingPortalConfigurationCreateFeaturesSubscriptionUpdateParams{Enabled: stripe.Bool(true),
				DefaultAllowedUpdates: stripe.StringSlice([]string{"price", "quantity"}),
				Products: []*stripe.BillingPortalConfigurationCreateFeaturesSubscriptionUpdateProductParams{
					{Product: stripe.String(f.prodA.ID), Prices: stripe.StringSlice([]string{f.a1.ID, f.a2.ID}),
						AdjustableQuantity: &stripe.BillingPortalConfigurationCreateFeaturesSubscriptionUpdateProductAdjustableQuantityParams{
							Enabled: stripe.Bool(true), Minimum: stripe.Int64(1), Maximum: stripe.Int64(10)}},
					{Product: stripe.String(f.prodB.ID), Prices: stripe.StringSlice([]string{f.b1.ID})},
				}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	f.conf = c.ID
	f.coupon = couponFixture(t, e, nil)
	f.promo = promoFixture(t, e, f.coupon.ID, "SWITCH10")
	return f
}

func (f *portalFixture) create(p *stripe.BillingPortalSessionCreateParams) (*stripe.BillingPortalSession, error) {
	if p.Customer == nil {
		p.Customer = stripe.String(f.cus.ID)
	}
	if p.Configuration == nil {
		p.Configuration = stripe.String(f.conf)
	}
	return f.e.once.V1BillingPortalSessions.Create(f.e.ctx, p)
}

func TestPortalSessionPlain(t *testing.T) {
	f := newPortalFixture(t)
	e := f.e
	// Without configuration: the default one; without return_url: the
	// configuration's default_return_url (the default has none).
	s, err := e.sc.V1BillingPortalSessions.Create(e.ctx, &stripe.BillingPortalSessionCreateParams{Customer: stripe.String(f.cus.ID)})
	if err != nil {
		t.Fatal(err)
	}
	def := e.defaultConfig()
	if !strings.HasPrefix(s.ID, "bps_") || s.Object != "billing_portal.session" || s.Configuration.ID != def.ID || s.Customer != f.cus.ID ||
		s.Flow != nil || s.Locale != "" || s.ReturnURL != "" || s.Livemode {
		t.Fatalf("session = %+v", s)
	}
	u, err := url.Parse(s.URL)
	if err != nil || u.Scheme != "https" || u.Host != "billing.example.com" || !strings.HasPrefix(u.Path, "/p/session/test_") ||
		len(strings.TrimPrefix(u.Path, "/p/session/test_")) < 22 {
		t.Fatalf("url = %s", s.URL)
	}
	// Every parameter.
	s, err = f.create(&stripe.BillingPortalSessionCreateParams{ReturnURL: stripe.String("https://example.com/back"),
		Locale: stripe.String("fr-CA"), OnBehalfOf: stripe.String("acct_123"), Expand: []*string{stripe.String("configuration")}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Configuration.ID != f.conf || s.Configuration.Features == nil || !s.Configuration.Features.SubscriptionUpdate.Enabled ||
		s.ReturnURL != "https://example.com/back" || s.Locale != "fr-CA" || s.OnBehalfOf != "acct_123" {
		t.Fatalf("session = %+v", s)
	}
	// The configuration's default_return_url fills in.
	s, _ = f.create(&stripe.BillingPortalSessionCreateParams{})
	if s.ReturnURL != "https://example.com/account" {
		t.Fatalf("return_url fallback = %q", s.ReturnURL)
	}
	// The raw shape: nullable fields present.
	r := e.do("POST", "/v1/billing_portal/sessions", "customer="+f.cus.ID)
	for _, frag := range []string{`"flow":null`, `"locale":null`, `"on_behalf_of":null`, `"return_url":null`, `"customer_account":null`, `"configuration":"` + def.ID + `"`} {
		if !strings.Contains(string(r.Body), frag) {
			t.Errorf("missing %s in %s", frag, r.Body)
		}
	}
	if strings.Contains(string(r.Body), "after_expiration") {
		t.Errorf("after_expiration before endive: %s", r.Body)
	}
	// Locale auto is echoed; every locale is accepted.
	for _, loc := range []string{"auto", "en", "es-419", "zh-TW", "fil"} {
		if s, err := f.create(&stripe.BillingPortalSessionCreateParams{Locale: stripe.String(loc)}); err != nil || s.Locale != loc {
			t.Errorf("locale %s: %v", loc, err)
		}
	}
}

func TestPortalSessionFlows(t *testing.T) {
	f := newPortalFixture(t)
	flow := func(fd *stripe.BillingPortalSessionCreateFlowDataParams) *stripe.BillingPortalSessionFlow {
		t.Helper()
		s, err := f.create(&stripe.BillingPortalSessionCreateParams{ReturnURL: stripe.String("https://example.com/account"), FlowData: fd})
		if err != nil {
			t.Fatal(err)
		}
		return s.Flow
	}
	// payment_method_update, after completion defaulting to portal_homepage.
	fl := flow(&stripe.BillingPortalSessionCreateFlowDataParams{Type: stripe.String("payment_method_update")})
	if fl.Type != "payment_method_update" || fl.AfterCompletion == nil || fl.AfterCompletion.Type != "portal_homepage" ||
		fl.AfterCompletion.Redirect != nil || fl.AfterCompletion.HostedConfirmation != nil || fl.SubscriptionCancel != nil ||
		fl.SubscriptionUpdate != nil || fl.SubscriptionUpdateConfirm != nil {
		t.Fatalf("pm flow = %+v", fl)
	}
	// subscription_cancel with redirect and a retention coupon.
	fl = flow(&stripe.BillingPortalSessionCreateFlowDataParams{Type: stripe.String("subscription_cancel"),
		AfterCompletion: &stripe.BillingPortalSessionCreateFlowDataAfterCompletionParams{Type: stripe.String("redirect"),
			Redirect: &stripe.BillingPortalSessionCreateFlowDataAfterCompletionRedirectParams{ReturnURL: stripe.String("https://example.com/canceled")}},
		SubscriptionCancel: &stripe.BillingPortalSessionCreateFlowDataSubscriptionCancelParams{Subscription: stripe.String(f.sub.ID),
			Retention: &stripe.BillingPortalSessionCreateFlowDataSubscriptionCancelRetentionParams{Type: stripe.String("coupon_offer"),
				CouponOffer: &stripe.BillingPortalSessionCreateFlowDataSubscriptionCancelRetentionCouponOfferParams{Coupon: stripe.String(f.coupon.ID)}}}})
	if fl.Type != "subscription_cancel" || fl.AfterCompletion.Type != "redirect" || fl.AfterCompletion.Redirect.ReturnURL != "https://example.com/canceled" ||
		fl.SubscriptionCancel.Subscription != f.sub.ID || fl.SubscriptionCancel.Retention == nil ||
		fl.SubscriptionCancel.Retention.Type != "coupon_offer" || fl.SubscriptionCancel.Retention.CouponOffer.Coupon != f.coupon.ID || fl.SubscriptionUpdate != nil {
		t.Fatalf("cancel flow = %+v %+v", fl, fl.SubscriptionCancel)
	}
	// A retention coupon that does not apply (limited to another product)
	// is dropped, not an error.
	narrow := couponFixture(t, f.e, &stripe.CouponCreateParams{PercentOff: stripe.Float64(10), AppliesTo: &stripe.CouponCreateAppliesToParams{Products: stripe.StringSlice([]string{f.prodB.ID})}})
	fl = flow(&stripe.BillingPortalSessionCreateFlowDataParams{Type: stripe.String("subscription_cancel"),
		SubscriptionCancel: &stripe.BillingPortalSessionCreateFlowDataSubscriptionCancelParams{Subscription: stripe.String(f.sub.ID),
			Retention: &stripe.BillingPortalSessionCreateFlowDataSubscriptionCancelRetentionParams{Type: stripe.String("coupon_offer"),
				CouponOffer: &stripe.BillingPortalSessionCreateFlowDataSubscriptionCancelRetentionCouponOfferParams{Coupon: stripe.String(narrow.ID)}}}})
	if fl.SubscriptionCancel.Retention != nil {
		t.Fatalf("inapplicable retention kept: %+v", fl.SubscriptionCancel.Retention)
	}
	// subscription_update with a hosted confirmation.
	fl = flow(&stripe.BillingPortalSessionCreateFlowDataParams{Type: stripe.String("subscription_update"),
		AfterCompletion: &stripe.BillingPortalSessionCreateFlowDataAfterCompletionParams{Type: stripe.String("hosted_confirmation"),
			HostedConfirmation: &stripe.BillingPortalSessionCreateFlowDataAfterCompletionHostedConfirmationParams{CustomMessage: stripe.String("Thanks <3")}},
		SubscriptionUpdate: &stripe.BillingPortalSessionCreateFlowDataSubscriptionUpdateParams{Subscription: stripe.String(f.sub.ID)}})
	if fl.Type != "subscription_update" || fl.SubscriptionUpdate.Subscription != f.sub.ID || fl.AfterCompletion.Type != "hosted_confirmation" ||
		fl.AfterCompletion.HostedConfirmation.CustomMessage != "Thanks <3" || fl.AfterCompletion.Redirect != nil || fl.SubscriptionCancel != nil {
		t.Fatalf("update flow = %+v", fl)
	}
	// subscription_update_confirm with a price, quantity and promotion code;
	// then with a coupon and no quantity (the item's quantity is echoed).
	fl = flow(&stripe.BillingPortalSessionCreateFlowDataParams{Type: stripe.String("subscription_update_confirm"),
		AfterCompletion: &stripe.BillingPortalSessionCreateFlowDataAfterCompletionParams{Type: stripe.String("portal_homepage")},
		SubscriptionUpdateConfirm: &stripe.BillingPortalSessionCreateFlowDataSubscriptionUpdateConfirmParams{Subscription: stripe.String(f.sub.ID),
			Items:     []*stripe.BillingPortalSessionCreateFlowDataSubscriptionUpdateConfirmItemParams{{ID: stripe.String(f.sub.Items[0].ID), Price: stripe.String(f.a2.ID), Quantity: stripe.Int64(3)}},
			Discounts: []*stripe.BillingPortalSessionCreateFlowDataSubscriptionUpdateConfirmDiscountParams{{PromotionCode: stripe.String(f.promo.ID)}}}})
	c := fl.SubscriptionUpdateConfirm
	if fl.Type != "subscription_update_confirm" || c.Subscription != f.sub.ID || len(c.Items) != 1 || c.Items[0].ID != f.sub.Items[0].ID ||
		c.Items[0].Price != f.a2.ID || c.Items[0].Quantity != 3 || len(c.Discounts) != 1 || c.Discounts[0].PromotionCode != f.promo.ID || c.Discounts[0].Coupon != "" {
		t.Fatalf("confirm flow = %+v", c)
	}
	fl = flow(&stripe.BillingPortalSessionCreateFlowDataParams{Type: stripe.String("subscription_update_confirm"),
		SubscriptionUpdateConfirm: &stripe.BillingPortalSessionCreateFlowDataSubscriptionUpdateConfirmParams{Subscription: stripe.String(f.sub.ID),
			Items:     []*stripe.BillingPortalSessionCreateFlowDataSubscriptionUpdateConfirmItemParams{{ID: stripe.String(f.sub.Items[0].ID), Price: stripe.String(f.b1.ID)}},
			Discounts: []*stripe.BillingPortalSessionCreateFlowDataSubscriptionUpdateConfirmDiscountParams{{Coupon: stripe.String(f.coupon.ID)}}}})
	if c := fl.SubscriptionUpdateConfirm; c.Items[0].Quantity != 1 || c.Discounts[0].Coupon != f.coupon.ID {
		t.Fatalf("confirm flow = %+v", c)
	}
	// The raw shape: only the matching sub-object is non-null; discounts
	// null when none were given.
	r := f.e.do("POST", "/v1/billing_portal/sessions", "customer="+f.cus.ID+"&configuration="+f.conf+
		"&flow_data[type]=subscription_update_confirm&flow_data[subscription_update_confirm][subscription]="+f.sub.ID+
		"&flow_data[subscription_update_confirm][items][0][id]="+f.sub.Items[0].ID+"&flow_data[subscription_update_confirm][items][0][quantity]=2")
	want := `"flow":{"after_completion":{"hosted_confirmation":null,"redirect":null,"type":"portal_homepage"},"subscription_cancel":null,"subscription_update":null,` +
		`"subscription_update_confirm":{"discounts":null,"items":[{"id":"` + f.sub.Items[0].ID + `","price":null,"quantity":2}],"subscription":"` + f.sub.ID + `"},"type":"subscription_update_confirm"}`
	if !strings.Contains(string(r.Body), want) {
		t.Fatalf("raw flow:\n%s\nwant\n%s", r.Body, want)
	}
	r = f.e.do("POST", "/v1/billing_portal/sessions", "customer="+f.cus.ID+"&flow_data[type]=payment_method_update&flow_data[after_completion][type]=hosted_confirmation")
	if !strings.Contains(string(r.Body), `"after_completion":{"hosted_confirmation":{"custom_message":null},"redirect":null,"type":"hosted_confirmation"}`) {
		t.Fatalf("hosted confirmation without message: %s", r.Body)
	}
}

func TestPortalSessionCustomerUpdateFlowAndAfterExpiration(t *testing.T) {
	f := newPortalFixture(t)
	body := "customer=" + f.cus.ID + "&configuration=" + f.conf + "&flow_data[type]=customer_update"
	// Unknown to stripe-go v85's version (2026-03-25.dahlia).
	r := f.e.do("POST", "/v1/billing_portal/sessions", body, "Stripe-Version: 2026-03-25.dahlia")
	if r.Status != 400 || r.ErrorField(t, "param") != "flow_data[type]" || !strings.Contains(r.ErrorField(t, "message"), "subscription_update_confirm") {
		t.Fatalf("old version: %s", r.Body)
	}
	r = f.e.do("POST", "/v1/billing_portal/sessions", body, "Stripe-Version: 2026-08-26.dahlia")
	if r.Status != 200 || !strings.Contains(string(r.Body), `"customer_update":{},"subscription_cancel":null`) || !strings.Contains(string(r.Body), `"type":"customer_update"`) {
		t.Fatalf("customer_update flow: %s", r.Body)
	}
	r = f.e.do("POST", "/v1/billing_portal/sessions", "customer="+f.cus.ID+"&flow_data[type]=payment_method_update", "Stripe-Version: 2026-08-26.dahlia")
	if !strings.Contains(string(r.Body), `"customer_update":null`) {
		t.Fatalf("customer_update key: %s", r.Body)
	}
	// The flow needs the feature.
	off := f.e.do("POST", "/v1/billing_portal/configurations", "features[customer_update][enabled]=false")
	r = f.e.do("POST", "/v1/billing_portal/sessions", "customer="+f.cus.ID+"&configuration="+off.JSON(t)["id"].(string)+"&flow_data[type]=customer_update", "Stripe-Version: 2026-10-28.endive")
	if r.Status != 400 || r.ErrorField(t, "param") != "flow_data[type]" || !strings.Contains(r.ErrorField(t, "message"), "customer update feature") {
		t.Fatalf("disabled customer update: %s", r.Body)
	}
	// after_expiration exists from endive.
	r = f.e.do("POST", "/v1/billing_portal/sessions", "customer="+f.cus.ID+"&after_expiration[type]=customer_login", "Stripe-Version: 2026-03-25.dahlia")
	if r.Status != 400 || r.ErrorField(t, "code") != "parameter_unknown" {
		t.Fatalf("after_expiration before endive: %s", r.Body)
	}
	r = f.e.do("POST", "/v1/billing_portal/sessions", "customer="+f.cus.ID+"&after_expiration[type]=customer_login", "Stripe-Version: 2026-10-28.endive")
	if r.Status != 200 || !strings.Contains(string(r.Body), `"after_expiration":{"customer_login":{"expires_at":null},"type":"customer_login"}`) {
		t.Fatalf("after_expiration: %s", r.Body)
	}
	r = f.e.do("POST", "/v1/billing_portal/sessions", "customer="+f.cus.ID, "Stripe-Version: 2026-10-28.endive")
	if !strings.Contains(string(r.Body), `"after_expiration":null`) {
		t.Fatalf("after_expiration null: %s", r.Body)
	}
}

func TestPortalSessionValidation(t *testing.T) {
	f := newPortalFixture(t)
	e := f.e
	canceled := portalSub(t, e, f.cus.ID, billing.SubCanceled, f.a1.ID)
	incomplete := portalSub(t, e, f.cus.ID, billing.SubIncomplete, f.a1.ID)
	ending := portalSub(t, e, f.cus.ID, billing.SubActive, f.a1.ID)
	e.app.Store.Update(e.ctx, func(tx billing.Tx) error {
		ending.CancelAtPeriodEnd = true
		return tx.UpdateSubscription(ending)
	})
	noUpdates := e.do("POST", "/v1/billing_portal/configurations", "features[invoice_history][enabled]=true").JSON(t)["id"].(string)
	inactive := e.do("POST", "/v1/billing_portal/configurations", "features[invoice_history][enabled]=true").JSON(t)["id"].(string)
	e.do("POST", "/v1/billing_portal/configurations/"+inactive, "active=false")
	expiredCoupon := couponFixture(t, e, nil)
	expireCoupon(t, e, expiredCoupon.ID)
	gone := e.newCustomer("gone@example.com")
	e.sc.V1Customers.Delete(e.ctx, gone.ID, nil)

	cus := "customer=" + f.cus.ID + "&configuration=" + f.conf
	si := f.sub.Items[0].ID
	confirm := cus + "&flow_data[type]=subscription_update_confirm&flow_data[subscription_update_confirm][subscription]=" + f.sub.ID
	item := "&flow_data[subscription_update_confirm][items][0][id]=" + si
	cases := []struct {
		name, body, code, param string
	}{
		{"customer required", "return_url=https://example.com", "parameter_missing", "customer"},
		{"unknown customer", "customer=cus_nope", "resource_missing", "customer"},
		{"deleted customer", "customer=" + gone.ID, "resource_missing", "customer"},
		{"customer_account unsupported", "customer_account=acct_1", "parameter_invalid", "customer_account"},
		{"customer and customer_account", cus + "&customer_account=acct_1", "parameters_exclusive", "customer_account"},
		{"unknown configuration", "customer=" + f.cus.ID + "&configuration=bpc_nope", "resource_missing", "configuration"},
		{"inactive configuration", "customer=" + f.cus.ID + "&configuration=" + inactive, "parameter_invalid", "configuration"},
		{"relative return_url", cus + "&return_url=/account", "url_invalid", "return_url"},
		{"javascript return_url", cus + "&return_url=javascript:alert(1)", "url_invalid", "return_url"},
		{"bad locale", cus + "&locale=xx", "parameter_invalid_string", "locale"},
		{"unknown param", cus + "&colour=blue", "parameter_unknown", "colour"},
		{"flow type required", cus + "&flow_data[after_completion][type]=portal_homepage", "parameter_missing", "flow_data[type]"},
		{"bad flow type", cus + "&flow_data[type]=teleport", "parameter_invalid_string", "flow_data[type]"},
		{"after_completion type required", cus + "&flow_data[type]=payment_method_update&flow_data[after_completion][redirect][return_url]=https://x.com", "parameter_missing", "flow_data[after_completion][type]"},
		{"bad after_completion type", cus + "&flow_data[type]=payment_method_update&flow_data[after_completion][type]=vanish", "parameter_invalid_string", "flow_data[after_completion][type]"},
		{"redirect required", cus + "&flow_data[type]=payment_method_update&flow_data[after_completion][type]=redirect", "parameter_missing", "flow_data[after_completion][redirect]"},
		{"redirect return_url required", cus + "&flow_data[type]=payment_method_update&flow_data[after_completion][type]=redirect&flow_data[after_completion][redirect][x]=1", "parameter_missing", "flow_data[after_completion][redirect][return_url]"},
		{"redirect return_url relative", cus + "&flow_data[type]=payment_method_update&flow_data[after_completion][type]=redirect&flow_data[after_completion][redirect][return_url]=done", "url_invalid", "flow_data[after_completion][redirect][return_url]"},
		{"redirect with other type", cus + "&flow_data[type]=payment_method_update&flow_data[after_completion][type]=portal_homepage&flow_data[after_completion][redirect][return_url]=https://x.com", "parameter_invalid", "flow_data[after_completion][redirect]"},
		{"custom message too long", cus + "&flow_data[type]=payment_method_update&flow_data[after_completion][type]=hosted_confirmation&flow_data[after_completion][hosted_confirmation][custom_message]=" + strings.Repeat("m", 501), "parameter_invalid_string", "flow_data[after_completion][hosted_confirmation][custom_message]"},
		{"cancel hash required", cus + "&flow_data[type]=subscription_cancel", "parameter_missing", "flow_data[subscription_cancel]"},
		{"cancel subscription required", cus + "&flow_data[type]=subscription_cancel&flow_data[subscription_cancel][retention][type]=coupon_offer", "parameter_missing", "flow_data[subscription_cancel][subscription]"},
		{"hash of another type", cus + "&flow_data[type]=payment_method_update&flow_data[subscription_update][subscription]=" + f.sub.ID, "parameter_invalid", "flow_data[subscription_update]"},
		{"unknown subscription", cus + "&flow_data[type]=subscription_cancel&flow_data[subscription_cancel][subscription]=sub_nope", "resource_missing", "flow_data[subscription_cancel][subscription]"},
		{"someone else's subscription", cus + "&flow_data[type]=subscription_cancel&flow_data[subscription_cancel][subscription]=" + f.foreignSub.ID, "parameter_invalid", "flow_data[subscription_cancel][subscription]"},
		{"canceled subscription", cus + "&flow_data[type]=subscription_cancel&flow_data[subscription_cancel][subscription]=" + canceled.ID, "parameter_invalid", "flow_data[subscription_cancel][subscription]"},
		{"already canceling", cus + "&flow_data[type]=subscription_cancel&flow_data[subscription_cancel][subscription]=" + ending.ID, "parameter_invalid", "flow_data[subscription_cancel][subscription]"},
		{"retention type required", cus + "&flow_data[type]=subscription_cancel&flow_data[subscription_cancel][subscription]=" + f.sub.ID + "&flow_data[subscription_cancel][retention][coupon_offer][coupon]=" + f.coupon.ID, "parameter_missing", "flow_data[subscription_cancel][retention][type]"},
		{"coupon_offer required", cus + "&flow_data[type]=subscription_cancel&flow_data[subscription_cancel][subscription]=" + f.sub.ID + "&flow_data[subscription_cancel][retention][type]=coupon_offer", "parameter_missing", "flow_data[subscription_cancel][retention][coupon_offer]"},
		{"retention coupon unknown", cus + "&flow_data[type]=subscription_cancel&flow_data[subscription_cancel][subscription]=" + f.sub.ID + "&flow_data[subscription_cancel][retention][type]=coupon_offer&flow_data[subscription_cancel][retention][coupon_offer][coupon]=NOPE", "resource_missing", "flow_data[subscription_cancel][retention][coupon_offer][coupon]"},
		{"cancel feature disabled", "customer=" + f.cus.ID + "&configuration=" + noUpdates + "&flow_data[type]=subscription_cancel&flow_data[subscription_cancel][subscription]=" + f.sub.ID, "parameter_invalid", "flow_data[type]"},
		{"update feature disabled", "customer=" + f.cus.ID + "&configuration=" + noUpdates + "&flow_data[type]=subscription_update&flow_data[subscription_update][subscription]=" + f.sub.ID, "parameter_invalid", "flow_data[type]"},
		{"pm feature disabled", "customer=" + f.cus.ID + "&configuration=" + noUpdates + "&flow_data[type]=payment_method_update", "parameter_invalid", "flow_data[type]"},
		{"update: several items", cus + "&flow_data[type]=subscription_update&flow_data[subscription_update][subscription]=" + f.twoSub.ID, "parameter_invalid", "flow_data[subscription_update][subscription]"},
		{"update: incomplete", cus + "&flow_data[type]=subscription_update&flow_data[subscription_update][subscription]=" + incomplete.ID, "parameter_invalid", "flow_data[subscription_update][subscription]"},
		{"update: canceling", cus + "&flow_data[type]=subscription_update&flow_data[subscription_update][subscription]=" + ending.ID, "parameter_invalid", "flow_data[subscription_update][subscription]"},
		{"confirm: items required", confirm, "parameter_missing", "flow_data[subscription_update_confirm][items]"},
		{"confirm: item id required", confirm + "&flow_data[subscription_update_confirm][items][0][price]=" + f.a2.ID, "parameter_missing", "flow_data[subscription_update_confirm][items][0][id]"},
		{"confirm: two items", confirm + item + "&flow_data[subscription_update_confirm][items][1][id]=" + si, "parameter_invalid", "flow_data[subscription_update_confirm][items]"},
		{"confirm: unknown item", confirm + "&flow_data[subscription_update_confirm][items][0][id]=si_nope", "resource_missing", "flow_data[subscription_update_confirm][items][0][id]"},
		{"confirm: price not in configuration", confirm + item + "&flow_data[subscription_update_confirm][items][0][price]=" + f.other.ID, "parameter_invalid", "flow_data[subscription_update_confirm][items][0][price]"},
		{"confirm: quantity not integer", confirm + item + "&flow_data[subscription_update_confirm][items][0][quantity]=two", "parameter_invalid_integer", "flow_data[subscription_update_confirm][items][0][quantity]"},
		{"confirm: quantity zero", confirm + item + "&flow_data[subscription_update_confirm][items][0][quantity]=0", "parameter_invalid_integer", "flow_data[subscription_update_confirm][items][0][quantity]"},
		{"confirm: quantity above maximum", confirm + item + "&flow_data[subscription_update_confirm][items][0][quantity]=11", "parameter_invalid", "flow_data[subscription_update_confirm][items][0][quantity]"},
		{"confirm: two discounts", confirm + item + "&flow_data[subscription_update_confirm][discounts][0][coupon]=" + f.coupon.ID + "&flow_data[subscription_update_confirm][discounts][1][coupon]=" + f.coupon.ID, "parameter_invalid", "flow_data[subscription_update_confirm][discounts]"},
		{"confirm: coupon and code", confirm + item + "&flow_data[subscription_update_confirm][discounts][0][coupon]=" + f.coupon.ID + "&flow_data[subscription_update_confirm][discounts][0][promotion_code]=" + f.promo.ID, "parameters_exclusive", "flow_data[subscription_update_confirm][discounts][0][promotion_code]"},
		{"confirm: empty discount", confirm + item + "&flow_data[subscription_update_confirm][discounts][0][x]=1", "parameter_missing", "flow_data[subscription_update_confirm][discounts][0][coupon]"},
		{"confirm: unknown coupon", confirm + item + "&flow_data[subscription_update_confirm][discounts][0][coupon]=NOPE", "resource_missing", "flow_data[subscription_update_confirm][discounts][0][coupon]"},
		{"confirm: expired coupon", confirm + item + "&flow_data[subscription_update_confirm][discounts][0][coupon]=" + expiredCoupon.ID, "coupon_expired", "flow_data[subscription_update_confirm][discounts][0][coupon]"},
		{"confirm: unknown promotion code", confirm + item + "&flow_data[subscription_update_confirm][discounts][0][promotion_code]=promo_nope", "resource_missing", "flow_data[subscription_update_confirm][discounts][0][promotion_code]"},
		{"confirm: several items subscription", cus + "&flow_data[type]=subscription_update_confirm&flow_data[subscription_update_confirm][subscription]=" + f.twoSub.ID + "&flow_data[subscription_update_confirm][items][0][id]=" + f.twoSub.Items[0].ID, "parameter_invalid", "flow_data[subscription_update_confirm][subscription]"},
	}
	for _, tc := range cases {
		r := e.do("POST", "/v1/billing_portal/sessions", tc.body)
		if r.Status != 400 || r.ErrorField(t, "type") != "invalid_request_error" || r.ErrorField(t, "code") != tc.code || r.ErrorField(t, "param") != tc.param {
			t.Errorf("%s: %d %s\nwant %s %s", tc.name, r.Status, r.Body, tc.code, tc.param)
		}
	}
	// A promotion code restricted to another customer is not valid for
	// this one.
	theirs := promoFixture(t, e, f.coupon.ID, "")
	e.do("POST", "/v1/promotion_codes/"+theirs.ID, "active=false")
	r := e.do("POST", "/v1/billing_portal/sessions", confirm+item+"&flow_data[subscription_update_confirm][discounts][0][promotion_code]="+theirs.ID)
	if r.Status != 400 || r.ErrorField(t, "param") != "flow_data[subscription_update_confirm][discounts][0][promotion_code]" {
		t.Errorf("inactive promotion code: %s", r.Body)
	}
	// Through stripe-go: the SDK's error carries the same fields.
	_, err := f.create(&stripe.BillingPortalSessionCreateParams{ReturnURL: stripe.String("ftp://example.com")})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, "url_invalid", "return_url")
}

func TestPortalSessionIdempotencyAndEvents(t *testing.T) {
	f := newPortalFixture(t)
	e := f.e
	params := func() *stripe.BillingPortalSessionCreateParams {
		p := &stripe.BillingPortalSessionCreateParams{Customer: stripe.String(f.cus.ID), FlowData: &stripe.BillingPortalSessionCreateFlowDataParams{
			Type:               stripe.String("subscription_update"),
			SubscriptionUpdate: &stripe.BillingPortalSessionCreateFlowDataSubscriptionUpdateParams{Subscription: stripe.String(f.sub.ID)}},
			Configuration: stripe.String(f.conf)}
		p.SetIdempotencyKey("portal-replay-1")
		return p
	}
	a, err := e.sc.V1BillingPortalSessions.Create(e.ctx, params())
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.sc.V1BillingPortalSessions.Create(e.ctx, params())
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != b.ID || a.URL != b.URL || b.LastResponse.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %s %s / %s %s (%v)", a.ID, a.URL, b.ID, b.URL, b.LastResponse.Header)
	}
	// Same key, other parameters: refused.
	other := params()
	other.Locale = stripe.String("de")
	_, err = e.once.V1BillingPortalSessions.Create(e.ctx, other)
	if se := stripeErr(t, err); se.Type != stripe.ErrorTypeIdempotency {
		t.Fatalf("reused key: %+v", se)
	}
	evs := eventTypes(t, f.dsn, "billing_portal.session")
	if len(evs) != 1 || evs[0] != "billing_portal.session.created "+a.ID {
		t.Fatalf("events = %v", evs)
	}
	// The token is stored only as a hash: neither the sessions table nor
	// the event holds it.
	token := a.URL[strings.LastIndex(a.URL, "/")+1:]
	db := openRO(t, f.dsn)
	defer db.Close()
	count := func(query string) (n int) {
		t.Helper()
		rows, err := db.Query(query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var a, b []byte
			if err := rows.Scan(&a, &b); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(a), token) || strings.Contains(string(b), token) {
				n++
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return n
	}
	n := count(`SELECT data, token_hash FROM portal_sessions`)
	m := count(`SELECT object, id FROM events`)
	if n != 0 || m != 0 {
		t.Fatalf("token found in sessions (%d) or events (%d)", n, m)
	}
}
