package e2e

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/porticohq/portico/internal/billing"
	stripe "github.com/stripe/stripe-go/v85"
)

var generatedIDPattern = regexp.MustCompile(`^[0-9A-Z]{8}$`)

// couponFixture creates a 25%-off coupon, failing the test on error.
func couponFixture(t *testing.T, e *env, p *stripe.CouponCreateParams) *stripe.Coupon {
	t.Helper()
	if p == nil {
		p = &stripe.CouponCreateParams{PercentOff: stripe.Float64(25)}
	}
	c, err := e.sc.V1Coupons.Create(e.ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// promoFixture creates a promotion code for coupon with an optional code.
func promoFixture(t *testing.T, e *env, coupon, code string) *stripe.PromotionCode {
	t.Helper()
	p := &stripe.PromotionCodeCreateParams{Promotion: &stripe.PromotionCodeCreatePromotionParams{
		Type: stripe.String("coupon"), Coupon: stripe.String(coupon)}}
	if code != "" {
		p.Code = stripe.String(code)
	}
	pc, err := e.sc.V1PromotionCodes.Create(e.ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	return pc
}

// productFixture stores a product directly: the catalog API is served by
// other files, and coupons only need the product to exist.
func productFixture(t *testing.T, e *env, id string) {
	t.Helper()
	err := e.app.Store.Update(e.ctx, func(tx billing.Tx) error {
		return tx.InsertProduct(&billing.Product{ID: id, Created: tx.Now().Unix(), Active: true, Name: id, Type: "service"})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// expireCoupon moves a coupon's redeem_by into the past, as time passing
// would.
func expireCoupon(t *testing.T, e *env, id string) {
	t.Helper()
	err := e.app.Store.Update(e.ctx, func(tx billing.Tx) error {
		c, err := tx.Coupon(id)
		if err != nil {
			return err
		}
		past := tx.Now().Unix() - 10
		c.RedeemBy = &past
		return tx.UpdateCoupon(c)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCouponLifecycle(t *testing.T) {
	e := start(t)
	redeemBy := time.Now().Add(30 * 24 * time.Hour).Unix()
	c := couponFixture(t, e, &stripe.CouponCreateParams{
		ID: stripe.String("SUMMER25"), Name: stripe.String("Summer sale"), PercentOff: stripe.Float64(25.5),
		Duration: stripe.String("repeating"), DurationInMonths: stripe.Int64(3), MaxRedemptions: stripe.Int64(100),
		RedeemBy: stripe.Int64(redeemBy), Metadata: map[string]string{"campaign": "summer", "team": "growth"},
	})
	if c.ID != "SUMMER25" || c.PercentOff != 25.5 || c.AmountOff != 0 || c.Duration != "repeating" || c.DurationInMonths != 3 ||
		c.MaxRedemptions != 100 || c.RedeemBy != redeemBy || !c.Valid || c.TimesRedeemed != 0 || c.Name != "Summer sale" ||
		c.Metadata["campaign"] != "summer" || c.Livemode || c.Created == 0 || c.Object != "coupon" {
		t.Fatalf("created coupon = %+v", c)
	}
	got, err := e.sc.V1Coupons.Retrieve(e.ctx, c.ID, nil)
	if err != nil || got.PercentOff != 25.5 || got.Name != "Summer sale" {
		t.Fatalf("retrieve = %+v, %v", got, err)
	}

	up := &stripe.CouponUpdateParams{Name: stripe.String("Summer sale 2")}
	up.AddMetadata("team", "")
	up.AddMetadata("channel", "email")
	got, err = e.sc.V1Coupons.Update(e.ctx, c.ID, up)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got.Metadata["team"]; ok || got.Name != "Summer sale 2" || got.Metadata["campaign"] != "summer" ||
		got.Metadata["channel"] != "email" || got.PercentOff != 25.5 {
		t.Fatalf("updated coupon = %+v", got)
	}
	// name= clears the name.
	if r := e.do("POST", "/v1/coupons/"+c.ID, "name="); r.Status != 200 || r.JSON(t)["name"] != nil {
		t.Fatalf("clear name: %d %s", r.Status, r.Body)
	}

	del, err := e.sc.V1Coupons.Delete(e.ctx, c.ID, nil)
	if err != nil || !del.Deleted || del.ID != c.ID {
		t.Fatalf("delete = %+v, %v", del, err)
	}
	r := e.do("DELETE", "/v1/coupons/other", "")
	if r.Status != 404 {
		t.Fatalf("delete missing: %d %s", r.Status, r.Body)
	}
	_, err = e.once.V1Coupons.Retrieve(e.ctx, c.ID, nil)
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
	_, err = e.once.V1Coupons.Update(e.ctx, c.ID, &stripe.CouponUpdateParams{Name: stripe.String("x")})
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
	_, err = e.once.V1Coupons.Delete(e.ctx, c.ID, nil)
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
	// A deleted coupon's id stays taken.
	_, err = e.once.V1Coupons.Create(e.ctx, &stripe.CouponCreateParams{ID: stripe.String("SUMMER25"), PercentOff: stripe.Float64(10)})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceAlreadyExists, "id")
}

func TestCouponAmountOffAndGeneratedID(t *testing.T) {
	e := start(t)
	c := couponFixture(t, e, &stripe.CouponCreateParams{AmountOff: stripe.Int64(500), Currency: stripe.String("USD"), Duration: stripe.String("forever")})
	if !generatedIDPattern.MatchString(c.ID) || c.AmountOff != 500 || c.Currency != "usd" || c.PercentOff != 0 ||
		c.Duration != "forever" || c.DurationInMonths != 0 || !c.Valid {
		t.Fatalf("amount coupon = %+v", c)
	}
	// duration defaults to once.
	c = couponFixture(t, e, nil)
	if c.Duration != "once" || c.PercentOff != 25 || c.Currency != "" {
		t.Fatalf("default coupon = %+v", c)
	}
	// The same id twice.
	couponFixture(t, e, &stripe.CouponCreateParams{ID: stripe.String("TWICE"), PercentOff: stripe.Float64(5)})
	_, err := e.once.V1Coupons.Create(e.ctx, &stripe.CouponCreateParams{ID: stripe.String("TWICE"), PercentOff: stripe.Float64(5)})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceAlreadyExists, "id")
}

func TestCouponAppliesToProducts(t *testing.T) {
	e := start(t)
	productFixture(t, e, "prod_a")
	productFixture(t, e, "prod_b")
	p := &stripe.CouponCreateParams{PercentOff: stripe.Float64(10),
		AppliesTo: &stripe.CouponCreateAppliesToParams{Products: stripe.StringSlice([]string{"prod_a", "prod_b"})}}
	p.AddExpand("applies_to")
	c, err := e.sc.V1Coupons.Create(e.ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if c.AppliesTo == nil || strings.Join(c.AppliesTo.Products, ",") != "prod_a,prod_b" {
		t.Fatalf("applies_to = %+v", c.AppliesTo)
	}
	// applies_to is included only when expanded, as on Stripe.
	r := e.do("GET", "/v1/coupons/"+c.ID, "")
	if _, ok := r.JSON(t)["applies_to"]; ok {
		t.Fatalf("applies_to without expand: %s", r.Body)
	}
	r = e.do("GET", "/v1/coupons/"+c.ID+"?expand[]=applies_to", "")
	if ap, _ := r.JSON(t)["applies_to"].(map[string]any); ap == nil || len(ap["products"].([]any)) != 2 {
		t.Fatalf("expanded applies_to: %s", r.Body)
	}
	// A coupon for everything expands applies_to to null.
	r = e.do("POST", "/v1/coupons", "percent_off=5&expand[]=applies_to")
	if v, ok := r.JSON(t)["applies_to"]; !ok || v != nil {
		t.Fatalf("applies_to of an unrestricted coupon: %s", r.Body)
	}
	_, err = e.once.V1Coupons.Create(e.ctx, &stripe.CouponCreateParams{PercentOff: stripe.Float64(10),
		AppliesTo: &stripe.CouponCreateAppliesToParams{Products: stripe.StringSlice([]string{"prod_nope", "prod_a"})}})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "applies_to[products][0]")
	r = e.do("POST", "/v1/coupons", "percent_off=5&applies_to[products][0]=prod_a&applies_to[products][1]=prod_gone")
	if r.Status != 400 || r.ErrorField(t, "param") != "applies_to[products][1]" || r.ErrorField(t, "code") != "resource_missing" {
		t.Fatalf("second product missing: %d %s", r.Status, r.Body)
	}
}

func TestCouponShapeHasEveryField(t *testing.T) {
	e := start(t)
	r := e.do("POST", "/v1/coupons", "percent_off=25.5")
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	m := r.JSON(t)
	for _, k := range []string{"id", "object", "amount_off", "created", "currency", "duration", "duration_in_months",
		"livemode", "max_redemptions", "metadata", "name", "percent_off", "redeem_by", "times_redeemed", "valid"} {
		if _, ok := m[k]; !ok {
			t.Errorf("coupon lacks %q", k)
		}
	}
	for _, k := range []string{"amount_off", "currency", "duration_in_months", "max_redemptions", "name", "redeem_by"} {
		if m[k] != nil {
			t.Errorf("%s = %v, want null", k, m[k])
		}
	}
	if m["object"] != "coupon" || m["percent_off"] != 25.5 || m["valid"] != true || m["times_redeemed"] != 0.0 || m["duration"] != "once" {
		t.Errorf("coupon = %s", r.Body)
	}
	if md, ok := m["metadata"].(map[string]any); !ok || len(md) != 0 {
		t.Errorf("metadata = %v, want {}", m["metadata"])
	}
	r = e.do("DELETE", "/v1/coupons/"+m["id"].(string), "")
	if string(r.Body) != fmt.Sprintf(`{"id":"%s","object":"coupon","deleted":true}`, m["id"]) {
		t.Errorf("deleted = %s", r.Body)
	}
}

func TestCouponErrors(t *testing.T) {
	e := start(t)
	couponFixture(t, e, &stripe.CouponCreateParams{ID: stripe.String("TAKEN"), PercentOff: stripe.Float64(5)})
	past := fmt.Sprint(time.Now().Add(-time.Hour).Unix())
	cases := []struct {
		name, method, path, body string
		status                   int
		code, param              string
	}{
		{"no discount", "POST", "/v1/coupons", "duration=once", 400, "parameter_missing", "percent_off"},
		{"both discounts", "POST", "/v1/coupons", "percent_off=5&amount_off=100&currency=usd", 400, "parameters_exclusive", "amount_off"},
		{"zero percent", "POST", "/v1/coupons", "percent_off=0", 400, "parameter_invalid", "percent_off"},
		{"over 100 percent", "POST", "/v1/coupons", "percent_off=100.5", 400, "parameter_invalid", "percent_off"},
		{"percent not a number", "POST", "/v1/coupons", "percent_off=ten", 400, "parameter_invalid", "percent_off"},
		{"amount without currency", "POST", "/v1/coupons", "amount_off=100", 400, "parameter_missing", "currency"},
		{"zero amount", "POST", "/v1/coupons", "amount_off=0&currency=usd", 400, "parameter_invalid_integer", "amount_off"},
		{"decimal amount", "POST", "/v1/coupons", "amount_off=1.5&currency=usd", 400, "parameter_invalid_integer", "amount_off"},
		{"unknown currency", "POST", "/v1/coupons", "amount_off=100&currency=xyz", 400, "parameter_invalid", "currency"},
		{"currency with percent", "POST", "/v1/coupons", "percent_off=5&currency=usd", 400, "parameter_invalid", "currency"},
		{"repeating without months", "POST", "/v1/coupons", "percent_off=5&duration=repeating", 400, "parameter_missing", "duration_in_months"},
		{"months without repeating", "POST", "/v1/coupons", "percent_off=5&duration=forever&duration_in_months=3", 400, "parameter_invalid", "duration_in_months"},
		{"zero months", "POST", "/v1/coupons", "percent_off=5&duration=repeating&duration_in_months=0", 400, "parameter_invalid_integer", "duration_in_months"},
		{"bad duration", "POST", "/v1/coupons", "percent_off=5&duration=sometimes", 400, "parameter_invalid_string", "duration"},
		{"zero max redemptions", "POST", "/v1/coupons", "percent_off=5&max_redemptions=0", 400, "parameter_invalid_integer", "max_redemptions"},
		{"redeem_by in the past", "POST", "/v1/coupons", "percent_off=5&redeem_by=" + past, 400, "parameter_invalid", "redeem_by"},
		{"name too long", "POST", "/v1/coupons", "percent_off=5&name=" + strings.Repeat("n", 41), 400, "parameter_invalid_string", "name"},
		{"missing product", "POST", "/v1/coupons", "percent_off=5&applies_to[products][]=prod_nope", 400, "resource_missing", "applies_to[products][0]"},
		{"currency options", "POST", "/v1/coupons", "amount_off=100&currency=usd&currency_options[eur][amount_off]=90", 400, "parameter_unknown", "currency_options"},
		{"empty id", "POST", "/v1/coupons", "percent_off=5&id=", 400, "parameter_invalid_empty", "id"},
		{"taken id", "POST", "/v1/coupons", "percent_off=5&id=TAKEN", 400, "resource_already_exists", "id"},
		{"update percent_off", "POST", "/v1/coupons/TAKEN", "percent_off=10", 400, "parameter_unknown", "percent_off"},
		{"update duration", "POST", "/v1/coupons/TAKEN", "duration=forever", 400, "parameter_unknown", "duration"},
		{"update currency options", "POST", "/v1/coupons/TAKEN", "currency_options[eur][amount_off]=5", 400, "parameter_unknown", "currency_options"},
		{"update name too long", "POST", "/v1/coupons/TAKEN", "name=" + strings.Repeat("n", 41), 400, "parameter_invalid_string", "name"},
		{"missing coupon", "GET", "/v1/coupons/NOPE", "", 404, "resource_missing", "id"},
		{"update missing coupon", "POST", "/v1/coupons/NOPE", "name=x", 404, "resource_missing", "id"},
		{"bad list cursor", "GET", "/v1/coupons?starting_after=NOPE", "", 400, "resource_missing", "starting_after"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(tc.method, tc.path, tc.body)
			if r.Status != tc.status || r.ErrorField(t, "type") != "invalid_request_error" ||
				r.ErrorField(t, "code") != tc.code || r.ErrorField(t, "param") != tc.param || r.ErrorField(t, "message") == "" {
				t.Fatalf("got %d %s", r.Status, r.Body)
			}
		})
	}
	// Nothing but the fixture was created.
	n := 0
	for _, err := range e.sc.V1Coupons.List(e.ctx, nil).All(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 1 {
		t.Fatalf("%d coupons after failed requests, want 1", n)
	}
}

func TestCouponListPagination(t *testing.T) {
	e := start(t)
	var ids []string // oldest first
	for i := 0; i < 5; i++ {
		ids = append(ids, couponFixture(t, e, &stripe.CouponCreateParams{ID: stripe.String(fmt.Sprintf("C%d", i)), PercentOff: stripe.Float64(5)}).ID)
	}
	var seen []string
	for c, err := range e.sc.V1Coupons.List(e.ctx, &stripe.CouponListParams{ListParams: stripe.ListParams{Limit: stripe.Int64(2)}}).All(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, c.ID)
	}
	if strings.Join(seen, ",") != "C4,C3,C2,C1,C0" {
		t.Fatalf("coupons = %v", seen)
	}
	r := e.do("GET", "/v1/coupons?limit=2&ending_before=C1", "")
	m := r.JSON(t)
	if d := m["data"].([]any); len(d) != 2 || d[0].(map[string]any)["id"] != "C3" || m["has_more"] != true || m["url"] != "/v1/coupons" {
		t.Fatalf("ending_before page = %s", r.Body)
	}
	created := fmt.Sprint(time.Now().Add(time.Hour).Unix())
	r = e.do("GET", "/v1/coupons?created[gt]="+created, "")
	if d := r.JSON(t)["data"].([]any); len(d) != 0 {
		t.Fatalf("created filter = %s", r.Body)
	}
}

func TestPromotionCodeLifecycle(t *testing.T) {
	e := start(t)
	c := couponFixture(t, e, &stripe.CouponCreateParams{ID: stripe.String("FALL"), PercentOff: stripe.Float64(20)})
	expires := time.Now().Add(time.Hour).Unix()
	pc, err := e.sc.V1PromotionCodes.Create(e.ctx, &stripe.PromotionCodeCreateParams{
		Promotion: &stripe.PromotionCodeCreatePromotionParams{Type: stripe.String("coupon"), Coupon: stripe.String(c.ID)},
		Code:      stripe.String("Fall20"), ExpiresAt: stripe.Int64(expires), MaxRedemptions: stripe.Int64(10),
		Restrictions: &stripe.PromotionCodeCreateRestrictionsParams{FirstTimeTransaction: stripe.Bool(true),
			MinimumAmount: stripe.Int64(1000), MinimumAmountCurrency: stripe.String("usd")},
		Metadata: map[string]string{"channel": "newsletter"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(pc.ID, "promo_") || pc.Code != "Fall20" || !pc.Active || pc.ExpiresAt != expires || pc.MaxRedemptions != 10 ||
		pc.Promotion == nil || pc.Promotion.Type != "coupon" || pc.Promotion.Coupon == nil || pc.Promotion.Coupon.ID != "FALL" ||
		pc.Restrictions == nil || !pc.Restrictions.FirstTimeTransaction || pc.Restrictions.MinimumAmount != 1000 ||
		pc.Restrictions.MinimumAmountCurrency != "usd" || pc.Metadata["channel"] != "newsletter" || pc.Customer != nil {
		t.Fatalf("created promotion code = %+v", pc)
	}
	// Without expansion the coupon is an id; promotion.coupon expands it.
	if pc.Promotion.Coupon.PercentOff != 0 {
		t.Fatalf("coupon expanded without asking: %+v", pc.Promotion.Coupon)
	}
	got, err := e.sc.V1PromotionCodes.Retrieve(e.ctx, pc.ID, &stripe.PromotionCodeRetrieveParams{Expand: stripe.StringSlice([]string{"promotion.coupon"})})
	if err != nil || got.Promotion.Coupon.PercentOff != 20 || !got.Promotion.Coupon.Valid || got.Code != "Fall20" {
		t.Fatalf("retrieve expanded = %+v, %v", got, err)
	}

	// A second active code with the same text in another case is refused.
	_, err = e.once.V1PromotionCodes.Create(e.ctx, &stripe.PromotionCodeCreateParams{
		Promotion: &stripe.PromotionCodeCreatePromotionParams{Type: stripe.String("coupon"), Coupon: stripe.String(c.ID)},
		Code:      stripe.String("FALL20")})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceAlreadyExists, "code")

	up := &stripe.PromotionCodeUpdateParams{Active: stripe.Bool(false)}
	up.AddMetadata("channel", "")
	up.AddMetadata("owner", "ops")
	got, err = e.sc.V1PromotionCodes.Update(e.ctx, pc.ID, up)
	if err != nil || got.Active || got.Metadata["owner"] != "ops" || len(got.Metadata) != 1 {
		t.Fatalf("deactivate = %+v, %v", got, err)
	}
	// Once the first is inactive, its code is free again.
	second := promoFixture(t, e, c.ID, "FALL20")
	// ... and the first cannot come back while the second holds the code.
	_, err = e.once.V1PromotionCodes.Update(e.ctx, pc.ID, &stripe.PromotionCodeUpdateParams{Active: stripe.Bool(true)})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceAlreadyExists, "active")
	if _, err := e.sc.V1PromotionCodes.Update(e.ctx, second.ID, &stripe.PromotionCodeUpdateParams{Active: stripe.Bool(false)}); err != nil {
		t.Fatal(err)
	}
	got, err = e.sc.V1PromotionCodes.Update(e.ctx, pc.ID, &stripe.PromotionCodeUpdateParams{Active: stripe.Bool(true)})
	if err != nil || !got.Active {
		t.Fatalf("reactivate = %+v, %v", got, err)
	}

	// A generated code: 8 uppercase letters and digits.
	gen := promoFixture(t, e, c.ID, "")
	if !generatedIDPattern.MatchString(gen.Code) {
		t.Fatalf("generated code %q", gen.Code)
	}
	_, err = e.once.V1PromotionCodes.Retrieve(e.ctx, "promo_nope", nil)
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
}

func TestPromotionCodeCustomerRestriction(t *testing.T) {
	e := start(t)
	c := couponFixture(t, e, nil)
	cus, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{Email: stripe.String("vip@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	pc, err := e.sc.V1PromotionCodes.Create(e.ctx, &stripe.PromotionCodeCreateParams{
		Promotion: &stripe.PromotionCodeCreatePromotionParams{Type: stripe.String("coupon"), Coupon: stripe.String(c.ID)},
		Customer:  stripe.String(cus.ID), Expand: stripe.StringSlice([]string{"customer"})})
	if err != nil {
		t.Fatal(err)
	}
	if pc.Customer == nil || pc.Customer.ID != cus.ID || pc.Customer.Email != "vip@example.com" {
		t.Fatalf("customer = %+v", pc.Customer)
	}
	_, err = e.once.V1PromotionCodes.Create(e.ctx, &stripe.PromotionCodeCreateParams{
		Promotion: &stripe.PromotionCodeCreatePromotionParams{Type: stripe.String("coupon"), Coupon: stripe.String(c.ID)},
		Customer:  stripe.String("cus_nope")})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "customer")
	if _, err := e.sc.V1Customers.Delete(e.ctx, cus.ID, nil); err != nil {
		t.Fatal(err)
	}
	_, err = e.once.V1PromotionCodes.Create(e.ctx, &stripe.PromotionCodeCreateParams{
		Promotion: &stripe.PromotionCodeCreatePromotionParams{Type: stripe.String("coupon"), Coupon: stripe.String(c.ID)},
		Customer:  stripe.String(cus.ID)})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "customer")
}

func TestPromotionCodeNeedsAValidCoupon(t *testing.T) {
	e := start(t)
	c := couponFixture(t, e, &stripe.CouponCreateParams{ID: stripe.String("SOON"), PercentOff: stripe.Float64(5),
		RedeemBy: stripe.Int64(time.Now().Add(time.Hour).Unix())})
	// expires_at may not be in the past, nor after the coupon's redeem_by.
	for _, at := range []int64{time.Now().Add(-time.Minute).Unix(), time.Now().Add(2 * time.Hour).Unix()} {
		_, err := e.once.V1PromotionCodes.Create(e.ctx, &stripe.PromotionCodeCreateParams{
			Promotion: &stripe.PromotionCodeCreatePromotionParams{Type: stripe.String("coupon"), Coupon: stripe.String(c.ID)},
			ExpiresAt: stripe.Int64(at)})
		wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCode("parameter_invalid"), "expires_at")
	}
	expireCoupon(t, e, c.ID)
	got, err := e.sc.V1Coupons.Retrieve(e.ctx, c.ID, nil)
	if err != nil || got.Valid {
		t.Fatalf("coupon past redeem_by = %+v, %v", got, err)
	}
	_, err = e.once.V1PromotionCodes.Create(e.ctx, &stripe.PromotionCodeCreateParams{
		Promotion: &stripe.PromotionCodeCreatePromotionParams{Type: stripe.String("coupon"), Coupon: stripe.String(c.ID)}})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeCouponExpired, "promotion[coupon]")
	// The legacy coupon= parameter is named in its errors too.
	r := e.do("POST", "/v1/promotion_codes", "coupon=SOON")
	if r.Status != 400 || r.ErrorField(t, "code") != "coupon_expired" || r.ErrorField(t, "param") != "coupon" {
		t.Fatalf("legacy coupon param: %d %s", r.Status, r.Body)
	}
}

func TestDeletingCouponDeactivatesItsCodes(t *testing.T) {
	e := start(t)
	c := couponFixture(t, e, nil)
	pc := promoFixture(t, e, c.ID, "GONE")
	if _, err := e.sc.V1Coupons.Delete(e.ctx, c.ID, nil); err != nil {
		t.Fatal(err)
	}
	got, err := e.sc.V1PromotionCodes.Retrieve(e.ctx, pc.ID, &stripe.PromotionCodeRetrieveParams{Expand: stripe.StringSlice([]string{"promotion.coupon"})})
	if err != nil || got.Active || got.Promotion.Coupon == nil || !got.Promotion.Coupon.Deleted || got.Promotion.Coupon.ID != c.ID {
		t.Fatalf("code of a deleted coupon = %+v (coupon %+v), %v", got, got.Promotion.Coupon, err)
	}
	_, err = e.once.V1PromotionCodes.Update(e.ctx, pc.ID, &stripe.PromotionCodeUpdateParams{Active: stripe.Bool(true)})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeCouponExpired, "active")
	_, err = e.once.V1PromotionCodes.Create(e.ctx, &stripe.PromotionCodeCreateParams{
		Promotion: &stripe.PromotionCodeCreatePromotionParams{Type: stripe.String("coupon"), Coupon: stripe.String(c.ID)}})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "promotion[coupon]")
}

func TestPromotionCodeShapeHasEveryField(t *testing.T) {
	e := start(t)
	couponFixture(t, e, &stripe.CouponCreateParams{ID: stripe.String("SHAPE"), PercentOff: stripe.Float64(5)})
	r := e.do("POST", "/v1/promotion_codes", "promotion[type]=coupon&promotion[coupon]=SHAPE&code=SHAPE1")
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	m := r.JSON(t)
	for _, k := range []string{"id", "object", "active", "code", "created", "customer", "customer_account", "expires_at",
		"livemode", "max_redemptions", "metadata", "promotion", "restrictions", "times_redeemed"} {
		if _, ok := m[k]; !ok {
			t.Errorf("promotion code lacks %q", k)
		}
	}
	for _, k := range []string{"customer", "customer_account", "expires_at", "max_redemptions"} {
		if m[k] != nil {
			t.Errorf("%s = %v, want null", k, m[k])
		}
	}
	if _, ok := m["coupon"]; ok {
		t.Errorf("dahlia promotion code has a top-level coupon: %s", r.Body)
	}
	if p := m["promotion"].(map[string]any); p["type"] != "coupon" || p["coupon"] != "SHAPE" {
		t.Errorf("promotion = %v", p)
	}
	rs := m["restrictions"].(map[string]any)
	if rs["first_time_transaction"] != false || rs["minimum_amount"] != nil || rs["minimum_amount_currency"] != nil || len(rs) != 3 {
		t.Errorf("restrictions = %v", rs)
	}
	if m["object"] != "promotion_code" || m["active"] != true || m["code"] != "SHAPE1" || m["times_redeemed"] != 0.0 {
		t.Errorf("promotion code = %s", r.Body)
	}
	// Clients pinned before 2025-09-30.clover get the whole coupon as
	// `coupon`, and may still create with coupon=.
	r = e.do("POST", "/v1/promotion_codes", "coupon=SHAPE&code=SHAPE2", "Stripe-Version: 2024-06-20")
	m = r.JSON(t)
	if r.Status != 200 || m["promotion"] != nil || m["customer_account"] != nil {
		t.Fatalf("old version shape: %d %s", r.Status, r.Body)
	}
	if cp, _ := m["coupon"].(map[string]any); cp == nil || cp["id"] != "SHAPE" || cp["object"] != "coupon" || cp["valid"] != true {
		t.Fatalf("old version coupon: %s", r.Body)
	}
}

func TestPromotionCodeErrors(t *testing.T) {
	e := start(t)
	couponFixture(t, e, &stripe.CouponCreateParams{ID: stripe.String("OK"), PercentOff: stripe.Float64(5)})
	pc := promoFixture(t, e, "OK", "TAKEN")
	promo := "promotion[type]=coupon&promotion[coupon]=OK"
	cases := []struct {
		name, path, body string
		status           int
		code, param      string
	}{
		{"no coupon", "/v1/promotion_codes", "code=ABC", 400, "parameter_missing", "promotion"},
		{"no promotion type", "/v1/promotion_codes", "promotion[coupon]=OK", 400, "parameter_missing", "promotion[type]"},
		{"no promotion coupon", "/v1/promotion_codes", "promotion[type]=coupon", 400, "parameter_missing", "promotion[coupon]"},
		{"bad promotion type", "/v1/promotion_codes", "promotion[type]=gift&promotion[coupon]=OK", 400, "parameter_invalid_string", "promotion[type]"},
		{"unknown promotion key", "/v1/promotion_codes", promo + "&promotion[amount]=5", 400, "parameter_unknown", "promotion[amount]"},
		{"both coupon forms", "/v1/promotion_codes", promo + "&coupon=OK", 400, "parameters_exclusive", "coupon"},
		{"missing coupon", "/v1/promotion_codes", "promotion[type]=coupon&promotion[coupon]=NOPE", 400, "resource_missing", "promotion[coupon]"},
		{"missing legacy coupon", "/v1/promotion_codes", "coupon=NOPE", 400, "resource_missing", "coupon"},
		{"taken code", "/v1/promotion_codes", promo + "&code=taken", 400, "resource_already_exists", "code"},
		{"bad characters", "/v1/promotion_codes", promo + "&code=FALL-20", 400, "parameter_invalid", "code"},
		{"code too long", "/v1/promotion_codes", promo + "&code=" + strings.Repeat("A", 501), 400, "parameter_invalid_string", "code"},
		{"zero max redemptions", "/v1/promotion_codes", promo + "&max_redemptions=0", 400, "parameter_invalid_integer", "max_redemptions"},
		{"amount without currency", "/v1/promotion_codes", promo + "&restrictions[minimum_amount]=100", 400, "parameter_missing", "restrictions[minimum_amount_currency]"},
		{"currency without amount", "/v1/promotion_codes", promo + "&restrictions[minimum_amount_currency]=usd", 400, "parameter_missing", "restrictions[minimum_amount]"},
		{"bad minimum currency", "/v1/promotion_codes", promo + "&restrictions[minimum_amount]=100&restrictions[minimum_amount_currency]=xyz", 400, "parameter_invalid", "restrictions[minimum_amount_currency]"},
		{"bad first time flag", "/v1/promotion_codes", promo + "&restrictions[first_time_transaction]=maybe", 400, "parameter_invalid", "restrictions[first_time_transaction]"},
		{"currency options", "/v1/promotion_codes", promo + "&restrictions[currency_options][eur][minimum_amount]=5", 400, "parameter_unknown", "restrictions[currency_options]"},
		{"customer account", "/v1/promotion_codes", promo + "&customer_account=acct_1", 400, "parameter_unknown", "customer_account"},
		{"update code", "/v1/promotion_codes/" + pc.ID, "code=OTHER", 400, "parameter_unknown", "code"},
		{"update expires_at", "/v1/promotion_codes/" + pc.ID, "expires_at=9999999999", 400, "parameter_unknown", "expires_at"},
		{"update currency options", "/v1/promotion_codes/" + pc.ID, "restrictions[currency_options][eur][minimum_amount]=5", 400, "parameter_unknown", "restrictions[currency_options]"},
		{"update missing", "/v1/promotion_codes/promo_nope", "active=false", 404, "resource_missing", "id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do("POST", tc.path, tc.body)
			if r.Status != tc.status || r.ErrorField(t, "type") != "invalid_request_error" ||
				r.ErrorField(t, "code") != tc.code || r.ErrorField(t, "param") != tc.param || r.ErrorField(t, "message") == "" {
				t.Fatalf("got %d %s", r.Status, r.Body)
			}
		})
	}
	r := e.do("GET", "/v1/promotion_codes?limit=100", "")
	if d := r.JSON(t)["data"].([]any); len(d) != 1 {
		t.Fatalf("failed requests created promotion codes: %s", r.Body)
	}
}

func TestPromotionCodeListFilters(t *testing.T) {
	e := start(t)
	couponFixture(t, e, &stripe.CouponCreateParams{ID: stripe.String("A"), PercentOff: stripe.Float64(5)})
	couponFixture(t, e, &stripe.CouponCreateParams{ID: stripe.String("B"), AmountOff: stripe.Int64(100), Currency: stripe.String("eur")})
	cus, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{})
	if err != nil {
		t.Fatal(err)
	}
	a1 := promoFixture(t, e, "A", "ALPHA1")
	a2 := promoFixture(t, e, "A", "alpha2")
	b1 := promoFixture(t, e, "B", "BETA1")
	b2, err := e.sc.V1PromotionCodes.Create(e.ctx, &stripe.PromotionCodeCreateParams{
		Promotion: &stripe.PromotionCodeCreatePromotionParams{Type: stripe.String("coupon"), Coupon: stripe.String("B")},
		Code:      stripe.String("BETA2"), Customer: stripe.String(cus.ID), Active: stripe.Bool(false)})
	if err != nil || b2.Active {
		t.Fatalf("inactive create = %+v, %v", b2, err)
	}
	list := func(p *stripe.PromotionCodeListParams) string {
		t.Helper()
		var ids []string
		for pc, err := range e.sc.V1PromotionCodes.List(e.ctx, p).All(e.ctx) {
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, pc.Code)
		}
		return strings.Join(ids, ",")
	}
	for _, tc := range []struct {
		name string
		p    *stripe.PromotionCodeListParams
		want string
	}{
		{"all, paged by two", &stripe.PromotionCodeListParams{ListParams: stripe.ListParams{Limit: stripe.Int64(2)}}, "BETA2,BETA1,alpha2,ALPHA1"},
		{"coupon", &stripe.PromotionCodeListParams{Coupon: stripe.String("A")}, "alpha2,ALPHA1"},
		{"active", &stripe.PromotionCodeListParams{Active: stripe.Bool(true)}, "BETA1,alpha2,ALPHA1"},
		{"inactive", &stripe.PromotionCodeListParams{Active: stripe.Bool(false)}, "BETA2"},
		{"customer", &stripe.PromotionCodeListParams{Customer: stripe.String(cus.ID)}, "BETA2"},
		{"code", &stripe.PromotionCodeListParams{Code: stripe.String("alpha2")}, "alpha2"},
		{"code is case-sensitive", &stripe.PromotionCodeListParams{Code: stripe.String("ALPHA2")}, ""},
		{"created in the future", &stripe.PromotionCodeListParams{CreatedRange: &stripe.RangeQueryParams{GreaterThan: time.Now().Add(time.Hour).Unix()}}, ""},
		{"created up to now", &stripe.PromotionCodeListParams{CreatedRange: &stripe.RangeQueryParams{LesserThanOrEqual: time.Now().Add(time.Minute).Unix()}, Coupon: stripe.String("B")}, "BETA2,BETA1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := list(tc.p); got != tc.want {
				t.Fatalf("codes = %q, want %q", got, tc.want)
			}
		})
	}
	r := e.do("GET", "/v1/promotion_codes?limit=1&starting_after="+url.QueryEscape(b1.ID)+"&expand[]=data.promotion.coupon", "")
	m := r.JSON(t)
	d := m["data"].([]any)
	if len(d) != 1 || d[0].(map[string]any)["id"] != a2.ID || m["has_more"] != true || m["url"] != "/v1/promotion_codes" {
		t.Fatalf("page after %s = %s", b1.ID, r.Body)
	}
	if cp, _ := d[0].(map[string]any)["promotion"].(map[string]any)["coupon"].(map[string]any); cp == nil || cp["id"] != "A" {
		t.Fatalf("expanded data.promotion.coupon = %s", r.Body)
	}
	_ = a1
}
