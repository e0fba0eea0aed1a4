package e2e

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/porticohq/portico/internal/app"
	"github.com/porticohq/portico/internal/testenv"
	stripe "github.com/stripe/stripe-go/v85"
)

// portalTestKey is the API key of portal tests, so a restart can reuse it.
const portalTestKey = "sk_test_portal0123456789abcdefghijkl"

// startPortal starts Portico on a database the test can read events from,
// with a public URL, and returns the env and the database's URL.
func startPortal(t *testing.T) (*env, string) {
	t.Helper()
	dsn := testenv.DB(t)
	return startWith(t, app.Config{DB: dsn, PublicURL: "https://billing.example.com", SecretKey: portalTestKey}), dsn
}

// eventTypes returns "type object-id" of every event, oldest first.
func eventTypes(t *testing.T, dsn, prefix string) []string {
	t.Helper()
	db := openRO(t, dsn)
	defer db.Close()
	rows, err := db.Query(`SELECT type, object FROM events WHERE type LIKE ? ORDER BY seq`, prefix+"%")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var typ string
		var obj struct {
			ID string `json:"id"`
		}
		var data []byte
		if err := rows.Scan(&typ, &data); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &obj); err != nil {
			t.Fatal(err)
		}
		out = append(out, typ+" "+obj.ID)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// defaultConfig returns the default configuration.
func (e *env) defaultConfig() *stripe.BillingPortalConfiguration {
	e.t.Helper()
	var found *stripe.BillingPortalConfiguration
	for c, err := range e.sc.V1BillingPortalConfigurations.List(e.ctx, &stripe.BillingPortalConfigurationListParams{IsDefault: stripe.Bool(true)}).All(e.ctx) {
		if err != nil {
			e.t.Fatal(err)
		}
		if found != nil {
			e.t.Fatalf("two defaults: %s and %s", found.ID, c.ID)
		}
		found = c
	}
	if found == nil {
		e.t.Fatal("no default configuration")
	}
	return found
}

func TestPortalDefaultConfigurationFromFirstStart(t *testing.T) {
	e, dsn := startPortal(t)
	c := e.defaultConfig()
	f := c.Features
	if !strings.HasPrefix(c.ID, "bpc_") || !c.Active || !c.IsDefault || c.Object != "billing_portal.configuration" ||
		!f.CustomerUpdate.Enabled || !f.InvoiceHistory.Enabled || !f.PaymentMethodUpdate.Enabled ||
		!f.SubscriptionCancel.Enabled || f.SubscriptionUpdate.Enabled || f.SubscriptionCancel.Mode != "at_period_end" {
		t.Fatalf("default configuration = %+v %+v", c, f)
	}
	// Portico starting is not a change: no event.
	if got := eventTypes(t, dsn, "billing_portal."); len(got) != 0 {
		t.Fatalf("events = %v", got)
	}
	// A second start keeps the same default.
	e.app.Close()
	e2 := startWith(t, app.Config{DB: dsn, SecretKey: portalTestKey})
	if again := e2.defaultConfig(); again.ID != c.ID {
		t.Fatalf("second start default %s, want %s", again.ID, c.ID)
	}
}

func TestPortalConfigurationCreateDefaults(t *testing.T) {
	e, _ := startPortal(t)
	r := e.do("POST", "/v1/billing_portal/configurations", "features[customer_update][allowed_updates][]=email&features[customer_update][allowed_updates][]=tax_id&features[customer_update][enabled]=true&features[invoice_history][enabled]=true")
	if r.Status != 200 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	want := `"business_profile":{"headline":null,"privacy_policy_url":null,"terms_of_service_url":null},"created":`
	if !strings.Contains(string(r.Body), want) {
		t.Errorf("business_profile: %s", r.Body)
	}
	for _, frag := range []string{
		`"customer_update":{"allowed_updates":["email","tax_id"],"enabled":true}`,
		`"invoice_history":{"enabled":true}`,
		`"payment_method_update":{"enabled":false,"payment_method_configuration":null}`,
		`"subscription_cancel":{"cancellation_reason":{"enabled":false,"options":["too_expensive","missing_features","switched_service","unused","other"]},"enabled":false,"mode":"at_period_end","proration_behavior":"none"}`,
		`"subscription_pause":{"enabled":false}`,
		`"subscription_update":{"billing_cycle_anchor":null,"default_allowed_updates":[],"enabled":false,"products":[],"proration_behavior":"none","schedule_at_period_end":{"conditions":[]},"trial_update_behavior":"end_trial"}`,
		`"is_default":false`, `"login_page":{"enabled":false,"url":null}`, `"metadata":{}`, `"name":null`,
		`"application":null`, `"default_return_url":null`, `"active":true`, `"livemode":false`,
	} {
		if !strings.Contains(string(r.Body), frag) {
			t.Errorf("missing %s in %s", frag, r.Body)
		}
	}
}

// portalCatalog creates two products with recurring prices and a one-time
// price, for configurations' subscription_update products.
func portalCatalog(e *env) (prodA, prodB *stripe.Product, a1, a2, b1, oneTime *stripe.Price) {
	prodA, prodB = e.newProduct("Basic"), e.newProduct("Pro")
	a1, a2, b1 = e.newPrice(monthly(prodA.ID, 1000)), e.newPrice(monthly(prodA.ID, 1500)), e.newPrice(monthly(prodB.ID, 3000))
	oneTime = e.newPrice(&stripe.PriceCreateParams{Product: stripe.String(prodA.ID), Currency: stripe.String("usd"), UnitAmount: stripe.Int64(500)})
	return
}

func TestPortalConfigurationEveryField(t *testing.T) {
	e, dsn := startPortal(t)
	prodA, prodB, a1, a2, b1, _ := portalCatalog(e)
	c, err := e.sc.V1BillingPortalConfigurations.Create(e.ctx, &stripe.BillingPortalConfigurationCreateParams{
		Name: stripe.String("Team plans"),
		BusinessProfile: &stripe.BillingPortalConfigurationCreateBusinessProfileParams{Headline: stripe.String("Manage your plan"),
			PrivacyPolicyURL: stripe.String("https://example.com/privacy"), TermsOfServiceURL: stripe.String("https://example.com/terms")},
		DefaultReturnURL: stripe.String("https://example.com/account"),
		Features: &stripe.BillingPortalConfigurationCreateFeaturesParams{
			CustomerUpdate: &stripe.BillingPortalConfigurationCreateFeaturesCustomerUpdateParams{Enabled: stripe.Bool(true),
				AllowedUpdates: stripe.StringSlice([]string{"email", "address", "shipping", "phone", "tax_id", "name"})},
			InvoiceHistory: &stripe.BillingPortalConfigurationCreateFeaturesInvoiceHistoryParams{Enabled: stripe.Bool(true)},
			PaymentMethodUpdate: &stripe.BillingPortalConfigurationCreateFeaturesPaymentMethodUpdateParams{Enabled: stripe.Bool(true),
				PaymentMethodConfiguration: stripe.String("pmc_123")},
			SubscriptionCancel: &stripe.BillingPortalConfigurationCreateFeaturesSubscriptionCancelParams{Enabled: stripe.Bool(true),
				Mode: stripe.String("immediately"), ProrationBehavior: stripe.String("create_prorations"),
				CancellationReason: &stripe.BillingPortalConfigurationCreateFeaturesSubscriptionCancelCancellationReasonParams{
					Enabled: stripe.Bool(true), Options: stripe.StringSlice([]string{"too_expensive", "low_quality"})}},
			SubscriptionUpdate: &stripe.BillingPortalConfigurationCreateFeaturesSubscriptionUpdateParams{Enabled: stripe.Bool(true),
				DefaultAllowedUpdates: stripe.StringSlice([]string{"price", "quantity", "promotion_code"}),
				Products: []*stripe.BillingPortalConfigurationCreateFeaturesSubscriptionUpdateProductParams{
					{Product: stripe.String(prodA.ID), Prices: stripe.StringSlice([]string{a1.ID, a2.ID}),
						AdjustableQuantity: &stripe.BillingPortalConfigurationCreateFeaturesSubscriptionUpdateProductAdjustableQuantityParams{
							Enabled: stripe.Bool(true), Minimum: stripe.Int64(2), Maximum: stripe.Int64(20)}},
					{Product: stripe.String(prodB.ID), Prices: stripe.StringSlice([]string{b1.ID})},
				},
				ProrationBehavior: stripe.String("always_invoice"), BillingCycleAnchor: stripe.String("now"),
				ScheduleAtPeriodEnd: &stripe.BillingPortalConfigurationCreateFeaturesSubscriptionUpdateScheduleAtPeriodEndParams{
					Conditions: []*stripe.BillingPortalConfigurationCreateFeaturesSubscriptionUpdateScheduleAtPeriodEndConditionParams{
						{Type: stripe.String("decreasing_item_amount")}, {Type: stripe.String("shortening_interval")}}},
				TrialUpdateBehavior: stripe.String("continue_trial"),
			},
		},
		LoginPage: &stripe.BillingPortalConfigurationCreateLoginPageParams{Enabled: stripe.Bool(true)},
		Metadata:  map[string]string{"team": "growth"},
	})
	if err != nil {
		t.Fatal(err)
	}
	f := c.Features
	su := f.SubscriptionUpdate
	switch {
	case c.Name != "Team plans" || c.BusinessProfile.Headline != "Manage your plan" || c.BusinessProfile.PrivacyPolicyURL != "https://example.com/privacy" ||
		c.BusinessProfile.TermsOfServiceURL != "https://example.com/terms" || c.DefaultReturnURL != "https://example.com/account":
		t.Fatalf("top level: %+v %+v", c, c.BusinessProfile)
	case len(f.CustomerUpdate.AllowedUpdates) != 6 || f.PaymentMethodUpdate.PaymentMethodConfiguration != "pmc_123":
		t.Fatalf("customer/pm update: %+v %+v", f.CustomerUpdate, f.PaymentMethodUpdate)
	case f.SubscriptionCancel.Mode != "immediately" || f.SubscriptionCancel.ProrationBehavior != "create_prorations" ||
		!f.SubscriptionCancel.CancellationReason.Enabled || len(f.SubscriptionCancel.CancellationReason.Options) != 2:
		t.Fatalf("cancel: %+v", f.SubscriptionCancel)
	case !su.Enabled || len(su.DefaultAllowedUpdates) != 3 || len(su.Products) != 2 || su.Products[0].AdjustableQuantity.Maximum != 20 ||
		su.Products[0].AdjustableQuantity.Minimum != 2 || !su.Products[0].AdjustableQuantity.Enabled || su.Products[1].Prices[0] != b1.ID ||
		su.ProrationBehavior != "always_invoice" || su.BillingCycleAnchor != "now" || len(su.ScheduleAtPeriodEnd.Conditions) != 2 ||
		su.TrialUpdateBehavior != "continue_trial":
		t.Fatalf("update: %+v", su)
	case !c.LoginPage.Enabled || !strings.HasPrefix(c.LoginPage.URL, "https://billing.example.com/p/login/test_"):
		t.Fatalf("login page: %+v", c.LoginPage)
	case c.Metadata["team"] != "growth" || c.IsDefault || !c.Active:
		t.Fatalf("metadata/default: %+v", c)
	}

	// Updates are partial; the login URL is stable while enabled.
	got, err := e.sc.V1BillingPortalConfigurations.Update(e.ctx, c.ID, &stripe.BillingPortalConfigurationUpdateParams{
		Name: stripe.String("Renamed"), Active: stripe.Bool(false),
		Features: &stripe.BillingPortalConfigurationUpdateFeaturesParams{
			InvoiceHistory: &stripe.BillingPortalConfigurationUpdateFeaturesInvoiceHistoryParams{Enabled: stripe.Bool(false)},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Renamed" || got.Active || got.Features.InvoiceHistory.Enabled || !got.Features.SubscriptionUpdate.Enabled ||
		got.LoginPage.URL != c.LoginPage.URL || got.Updated < c.Updated {
		t.Fatalf("after update: %+v", got)
	}
	// Disabling the login page deactivates its URL; enabling issues a new one.
	got, _ = e.sc.V1BillingPortalConfigurations.Update(e.ctx, c.ID, &stripe.BillingPortalConfigurationUpdateParams{
		LoginPage: &stripe.BillingPortalConfigurationUpdateLoginPageParams{Enabled: stripe.Bool(false)}})
	if got.LoginPage.Enabled || got.LoginPage.URL != "" {
		t.Fatalf("disabled login page: %+v", got.LoginPage)
	}
	got, _ = e.sc.V1BillingPortalConfigurations.Update(e.ctx, c.ID, &stripe.BillingPortalConfigurationUpdateParams{
		LoginPage: &stripe.BillingPortalConfigurationUpdateLoginPageParams{Enabled: stripe.Bool(true)}})
	if !got.LoginPage.Enabled || got.LoginPage.URL == c.LoginPage.URL || got.LoginPage.URL == "" {
		t.Fatalf("re-enabled login page: %+v", got.LoginPage)
	}
	// Clearing with empty strings; metadata= clears all.
	r := e.do("POST", "/v1/billing_portal/configurations/"+c.ID, "name=&default_return_url=&business_profile[headline]=&metadata=&features[subscription_update][schedule_at_period_end][conditions]=")
	if r.Status != 200 {
		t.Fatalf("clear: %d %s", r.Status, r.Body)
	}
	m := r.JSON(t)
	if m["name"] != nil || m["default_return_url"] != nil || len(m["metadata"].(map[string]any)) != 0 ||
		m["business_profile"].(map[string]any)["headline"] != nil {
		t.Fatalf("cleared: %s", r.Body)
	}
	r = e.do("POST", "/v1/billing_portal/configurations/"+c.ID, "business_profile=")
	if !strings.Contains(string(r.Body), `"business_profile":{"headline":null,"privacy_policy_url":null,"terms_of_service_url":null}`) {
		t.Fatalf("business_profile= : %s", r.Body)
	}
	// Retrieve, and the extension.
	r = e.do("POST", "/v1/billing_portal/configurations/"+c.ID, "features[subscription_pause][enabled]=true")
	if !strings.Contains(string(r.Body), `"subscription_pause":{"enabled":true}`) {
		t.Fatalf("pause: %s", r.Body)
	}
	back, err := e.sc.V1BillingPortalConfigurations.Retrieve(e.ctx, c.ID, nil)
	if err != nil || back.ID != c.ID || back.Name != "" {
		t.Fatalf("retrieve: %+v %v", back, err)
	}
	_, err = e.once.V1BillingPortalConfigurations.Retrieve(e.ctx, "bpc_nope", nil)
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, "resource_missing", "id")

	evs := eventTypes(t, dsn, "billing_portal.configuration")
	if len(evs) != 7 || evs[0] != "billing_portal.configuration.created "+c.ID || evs[6] != "billing_portal.configuration.updated "+c.ID {
		t.Fatalf("events = %v", evs)
	}
}

func TestPortalConfigurationValidation(t *testing.T) {
	e, _ := startPortal(t)
	prodA, prodB, a1, _, b1, oneTime := portalCatalog(e)
	const base = "features[payment_method_update][enabled]=true&"
	su := func(products string) string {
		return base + "features[subscription_update][enabled]=true&features[subscription_update][default_allowed_updates][]=price&" + products
	}
	cases := []struct {
		name, body, code, param string
	}{
		{"features required", "name=x", "parameter_missing", "features"},
		{"customer_update enabled required", "features[customer_update][allowed_updates][]=email", "parameter_missing", "features[customer_update][enabled]"},
		{"invoice_history enabled required", "features[invoice_history][x]=1", "parameter_missing", "features[invoice_history][enabled]"},
		{"bad allowed update", "features[customer_update][enabled]=true&features[customer_update][allowed_updates][]=birthday", "parameter_invalid_string", "features[customer_update][allowed_updates][0]"},
		{"bad cancel mode", "features[subscription_cancel][enabled]=true&features[subscription_cancel][mode]=later", "parameter_invalid_string", "features[subscription_cancel][mode]"},
		{"bad proration", "features[subscription_cancel][enabled]=true&features[subscription_cancel][proration_behavior]=maybe", "parameter_invalid_string", "features[subscription_cancel][proration_behavior]"},
		{"reason options required", "features[subscription_cancel][enabled]=true&features[subscription_cancel][cancellation_reason][enabled]=true", "parameter_missing", "features[subscription_cancel][cancellation_reason][options]"},
		{"reason option enum", "features[subscription_cancel][enabled]=true&features[subscription_cancel][cancellation_reason][enabled]=true&features[subscription_cancel][cancellation_reason][options][]=bored", "parameter_invalid_string", "features[subscription_cancel][cancellation_reason][options][0]"},
		{"update needs payment method update", "features[subscription_update][enabled]=true&features[subscription_update][default_allowed_updates][]=price&features[subscription_update][products][0][product]=" + prodA.ID + "&features[subscription_update][products][0][prices][]=" + a1.ID, "parameter_invalid", "features[subscription_update][enabled]"},
		{"update needs products", su(""), "parameter_missing", "features[subscription_update][products]"},
		{"update needs allowed updates", base + "features[subscription_update][enabled]=true&features[subscription_update][products][0][product]=" + prodA.ID + "&features[subscription_update][products][0][prices][]=" + a1.ID, "parameter_missing", "features[subscription_update][default_allowed_updates]"},
		{"product required", su("features[subscription_update][products][0][prices][]=" + a1.ID), "parameter_missing", "features[subscription_update][products][0][product]"},
		{"prices required", su("features[subscription_update][products][0][product]=" + prodA.ID), "parameter_missing", "features[subscription_update][products][0][prices]"},
		{"unknown product", su("features[subscription_update][products][0][product]=prod_nope&features[subscription_update][products][0][prices][]=" + a1.ID), "resource_missing", "features[subscription_update][products][0][product]"},
		{"unknown price", su("features[subscription_update][products][0][product]=" + prodA.ID + "&features[subscription_update][products][0][prices][]=price_nope"), "resource_missing", "features[subscription_update][products][0][prices][0]"},
		{"price of another product", su("features[subscription_update][products][0][product]=" + prodA.ID + "&features[subscription_update][products][0][prices][]=" + b1.ID), "parameter_invalid", "features[subscription_update][products][0][prices][0]"},
		{"one-time price", su("features[subscription_update][products][0][product]=" + prodA.ID + "&features[subscription_update][products][0][prices][]=" + oneTime.ID), "parameter_invalid", "features[subscription_update][products][0][prices][0]"},
		{"duplicate product", su("features[subscription_update][products][0][product]=" + prodB.ID + "&features[subscription_update][products][0][prices][]=" + b1.ID + "&features[subscription_update][products][1][product]=" + prodB.ID + "&features[subscription_update][products][1][prices][]=" + b1.ID), "parameter_invalid", "features[subscription_update][products][1][product]"},
		{"adjustable quantity enabled required", su("features[subscription_update][products][0][product]=" + prodB.ID + "&features[subscription_update][products][0][prices][]=" + b1.ID + "&features[subscription_update][products][0][adjustable_quantity][maximum]=3"), "parameter_missing", "features[subscription_update][products][0][adjustable_quantity][enabled]"},
		{"max below min", su("features[subscription_update][products][0][product]=" + prodB.ID + "&features[subscription_update][products][0][prices][]=" + b1.ID + "&features[subscription_update][products][0][adjustable_quantity][enabled]=true&features[subscription_update][products][0][adjustable_quantity][minimum]=5&features[subscription_update][products][0][adjustable_quantity][maximum]=3"), "parameter_invalid", "features[subscription_update][products][0][adjustable_quantity][maximum]"},
		{"bad condition", "features[subscription_update][enabled]=false&features[subscription_update][schedule_at_period_end][conditions][0][type]=always", "parameter_invalid_string", "features[subscription_update][schedule_at_period_end][conditions][0][type]"},
		{"bad anchor", "features[subscription_update][enabled]=false&features[subscription_update][billing_cycle_anchor]=later", "parameter_invalid_string", "features[subscription_update][billing_cycle_anchor]"},
		{"bad trial behavior", "features[subscription_update][enabled]=false&features[subscription_update][trial_update_behavior]=x", "parameter_invalid_string", "features[subscription_update][trial_update_behavior]"},
		{"headline too long", "features[invoice_history][enabled]=true&business_profile[headline]=" + strings.Repeat("h", 61), "parameter_invalid_string", "business_profile[headline]"},
		{"name too long", "features[invoice_history][enabled]=true&name=" + strings.Repeat("n", 257), "parameter_invalid_string", "name"},
		{"javascript return url", "features[invoice_history][enabled]=true&default_return_url=javascript:alert(1)", "url_invalid", "default_return_url"},
		{"relative privacy url", "features[invoice_history][enabled]=true&business_profile[privacy_policy_url]=/privacy", "url_invalid", "business_profile[privacy_policy_url]"},
		{"login page enabled required", "features[invoice_history][enabled]=true&login_page[x]=1", "parameter_missing", "login_page[enabled]"},
		{"active not on create", "features[invoice_history][enabled]=true&active=false", "parameter_unknown", "active"},
		{"unknown feature", "features[subscription_teleport][enabled]=true", "parameter_unknown", "features[subscription_teleport]"},
		{"pause enabled required", "features[subscription_pause][x]=1", "parameter_missing", "features[subscription_pause][enabled]"},
	}
	var eleven strings.Builder
	eleven.WriteString(su(""))
	for i := 0; i < 11; i++ {
		eleven.WriteString("&features[subscription_update][products][" + strconv.Itoa(i) + "][product]=" + prodA.ID + "&features[subscription_update][products][" + strconv.Itoa(i) + "][prices][]=" + a1.ID)
	}
	cases = append(cases, struct{ name, body, code, param string }{"at most 10 products", eleven.String(), "parameter_invalid", "features[subscription_update][products]"})
	for _, tc := range cases {
		r := e.do("POST", "/v1/billing_portal/configurations", tc.body)
		if r.Status != 400 || r.ErrorField(t, "code") != tc.code || r.ErrorField(t, "param") != tc.param || r.ErrorField(t, "type") != "invalid_request_error" {
			t.Errorf("%s: %d %s; want %s %s", tc.name, r.Status, r.Body, tc.code, tc.param)
		}
	}
	// Update rules: payment method updates cannot be turned off under
	// enabled subscription updates.
	ok := e.do("POST", "/v1/billing_portal/configurations", su("features[subscription_update][products][0][product]="+prodB.ID+"&features[subscription_update][products][0][prices][]="+b1.ID))
	if ok.Status != 200 {
		t.Fatalf("valid: %s", ok.Body)
	}
	id := ok.JSON(t)["id"].(string)
	r := e.do("POST", "/v1/billing_portal/configurations/"+id, "features[payment_method_update][enabled]=false")
	if r.Status != 400 || r.ErrorField(t, "param") != "features[payment_method_update][enabled]" {
		t.Errorf("pm off under sub update: %s", r.Body)
	}
	r = e.do("POST", "/v1/billing_portal/configurations/"+id, "features[subscription_update][products]=")
	if r.Status != 400 || r.ErrorField(t, "param") != "features[subscription_update][products]" {
		t.Errorf("clearing products while enabled: %s", r.Body)
	}
	r = e.do("POST", "/v1/billing_portal/configurations/"+id, "features[subscription_update][enabled]=false&features[subscription_update][products]=")
	if r.Status != 200 {
		t.Errorf("clearing products while disabling: %s", r.Body)
	}
	r = e.do("POST", "/v1/billing_portal/configurations/bpc_nope", "name=x")
	if r.Status != 404 || r.ErrorField(t, "code") != "resource_missing" {
		t.Errorf("update unknown: %s", r.Body)
	}
}

func TestPortalDefaultConfigurationRules(t *testing.T) {
	e, dsn := startPortal(t)
	first := e.defaultConfig()
	mk := func(body string) map[string]any {
		r := e.do("POST", "/v1/billing_portal/configurations", "features[invoice_history][enabled]=true"+body)
		if r.Status != 200 {
			t.Fatalf("create: %s", r.Body)
		}
		return r.JSON(t)
	}
	// is_default=true on create moves the default.
	second := mk("&is_default=true")
	if second["is_default"] != true || e.defaultConfig().ID != second["id"] {
		t.Fatalf("create with is_default: %v", second)
	}
	old, _ := e.sc.V1BillingPortalConfigurations.Retrieve(e.ctx, first.ID, nil)
	if old.IsDefault {
		t.Fatal("the previous default is still default")
	}
	// ... and on update (the seed documents' Configuration.modify(..., is_default=True)).
	third := mk("")
	got, err := e.sc.V1BillingPortalConfigurations.Update(e.ctx, third["id"].(string), &stripe.BillingPortalConfigurationUpdateParams{
		DefaultReturnURL: stripe.String("https://example.com/account")})
	if err != nil || got.IsDefault {
		t.Fatalf("plain update: %+v %v", got, err)
	}
	r := e.do("POST", "/v1/billing_portal/configurations/"+third["id"].(string), "is_default=true")
	if r.Status != 200 || r.JSON(t)["is_default"] != true || e.defaultConfig().ID != third["id"] {
		t.Fatalf("update with is_default: %s", r.Body)
	}
	// The default cannot be unset, deactivated, or replaced by an inactive one.
	r = e.do("POST", "/v1/billing_portal/configurations/"+third["id"].(string), "is_default=false")
	if r.Status != 400 || r.ErrorField(t, "param") != "is_default" {
		t.Errorf("unset default: %s", r.Body)
	}
	r = e.do("POST", "/v1/billing_portal/configurations/"+third["id"].(string), "active=false")
	if r.Status != 400 || r.ErrorField(t, "param") != "active" {
		t.Errorf("deactivate default: %s", r.Body)
	}
	e.do("POST", "/v1/billing_portal/configurations/"+first.ID, "active=false")
	r = e.do("POST", "/v1/billing_portal/configurations/"+first.ID, "is_default=true")
	if r.Status != 400 || r.ErrorField(t, "param") != "is_default" {
		t.Errorf("inactive default: %s", r.Body)
	}
	r = e.do("POST", "/v1/billing_portal/configurations/"+first.ID, "is_default=true&active=true")
	if r.Status != 200 || e.defaultConfig().ID != first.ID {
		t.Errorf("reactivate as default: %s", r.Body)
	}
	// List filters.
	count := func(p *stripe.BillingPortalConfigurationListParams) int {
		n := 0
		for _, err := range e.sc.V1BillingPortalConfigurations.List(e.ctx, p).All(e.ctx) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		return n
	}
	e.do("POST", "/v1/billing_portal/configurations/"+second["id"].(string), "active=false")
	if all, act, inact, def := count(&stripe.BillingPortalConfigurationListParams{}), count(&stripe.BillingPortalConfigurationListParams{Active: stripe.Bool(true)}),
		count(&stripe.BillingPortalConfigurationListParams{Active: stripe.Bool(false)}), count(&stripe.BillingPortalConfigurationListParams{IsDefault: stripe.Bool(false)}); all != 3 || act != 2 || inact != 1 || def != 2 {
		t.Errorf("list counts all=%d active=%d inactive=%d non-default=%d", all, act, inact, def)
	}
	r = e.do("GET", "/v1/billing_portal/configurations?limit=1", "")
	if m := r.JSON(t); m["object"] != "list" || m["url"] != "/v1/billing_portal/configurations" || m["has_more"] != true {
		t.Errorf("list envelope: %s", r.Body)
	}
	// Moving the default records an updated event for both.
	evs := strings.Join(eventTypes(t, dsn, "billing_portal.configuration.updated"), "\n")
	if !strings.Contains(evs, "updated "+first.ID) || !strings.Contains(evs, "updated "+second["id"].(string)) {
		t.Errorf("events: %s", evs)
	}
}
