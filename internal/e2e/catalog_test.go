package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/porticohq/portico/internal/app"
	"github.com/porticohq/portico/internal/testenv"
	stripe "github.com/stripe/stripe-go/v85"
)

// newProduct creates a product through the SDK.
func (e *env) newProduct(name string, mod ...func(*stripe.ProductCreateParams)) *stripe.Product {
	e.t.Helper()
	p := &stripe.ProductCreateParams{Name: stripe.String(name)}
	for _, m := range mod {
		m(p)
	}
	pr, err := e.sc.V1Products.Create(e.ctx, p)
	if err != nil {
		e.t.Fatalf("create product %q: %v", name, err)
	}
	return pr
}

// newPrice creates a price through the SDK.
func (e *env) newPrice(p *stripe.PriceCreateParams) *stripe.Price {
	e.t.Helper()
	pr, err := e.sc.V1Prices.Create(e.ctx, p)
	if err != nil {
		e.t.Fatalf("create price: %v", err)
	}
	return pr
}

// monthly returns the params of a monthly usd price of product.
func monthly(product string, amount int64) *stripe.PriceCreateParams {
	return &stripe.PriceCreateParams{
		Product: stripe.String(product), Currency: stripe.String("usd"), UnitAmount: stripe.Int64(amount),
		Recurring: &stripe.PriceCreateRecurringParams{Interval: stripe.String("month")},
	}
}

// wantRawErr asserts a raw error answer.
func wantRawErr(t *testing.T, r response, status int, code, param string) {
	t.Helper()
	if r.Status != status || r.ErrorField(t, "type") != "invalid_request_error" || r.ErrorField(t, "code") != code || r.ErrorField(t, "param") != param {
		t.Fatalf("got %d %s; want %d code=%q param=%q", r.Status, r.Body, status, code, param)
	}
	if r.ErrorField(t, "message") == "" {
		t.Fatalf("no message: %s", r.Body)
	}
}

// ids returns the ids of a raw list's data.
func ids(t *testing.T, r response) []string {
	t.Helper()
	if r.Status != 200 {
		t.Fatalf("list: %d %s", r.Status, r.Body)
	}
	var out []string
	for _, d := range r.JSON(t)["data"].([]any) {
		out = append(out, d.(map[string]any)["id"].(string))
	}
	return out
}

func TestProductLifecycle(t *testing.T) {
	e := start(t)
	pr, err := e.sc.V1Products.Create(e.ctx, &stripe.ProductCreateParams{
		ID:                  stripe.String("gold-plan"),
		Name:                stripe.String("Gold"),
		Description:         stripe.String("The gold plan"),
		Images:              stripe.StringSlice([]string{"https://example.com/a.png", "https://example.com/b.png"}),
		MarketingFeatures:   []*stripe.ProductCreateMarketingFeatureParams{{Name: stripe.String("Fast")}, {Name: stripe.String("Cheap")}},
		PackageDimensions:   &stripe.ProductCreatePackageDimensionsParams{Height: stripe.Float64(1.5), Length: stripe.Float64(2), Weight: stripe.Float64(3.25), Width: stripe.Float64(4)},
		Shippable:           stripe.Bool(true),
		StatementDescriptor: stripe.String("GOLD PLAN"),
		TaxCode:             stripe.String("txcd_10000000"),
		UnitLabel:           stripe.String("seat"),
		URL:                 stripe.String("https://example.com/gold"),
		Type:                stripe.String("good"),
		Metadata:            map[string]string{"tier": "gold", "order": "1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if pr.ID != "gold-plan" || pr.Name != "Gold" || !pr.Active || pr.Description != "The gold plan" || len(pr.Images) != 2 ||
		len(pr.MarketingFeatures) != 2 || pr.MarketingFeatures[1].Name != "Cheap" || pr.PackageDimensions.Weight != 3.25 ||
		!pr.Shippable || pr.StatementDescriptor != "GOLD PLAN" || pr.TaxCode.ID != "txcd_10000000" || pr.UnitLabel != "seat" ||
		pr.URL != "https://example.com/gold" || pr.Type != stripe.ProductTypeGood || pr.Metadata["tier"] != "gold" ||
		pr.Created == 0 || pr.Updated != pr.Created || pr.DefaultPrice != nil || pr.Livemode {
		t.Fatalf("created product = %+v", pr)
	}

	got, err := e.sc.V1Products.Retrieve(e.ctx, pr.ID, nil)
	if err != nil || got.Name != "Gold" || got.PackageDimensions.Height != 1.5 {
		t.Fatalf("retrieve = %+v, %v", got, err)
	}

	up := &stripe.ProductUpdateParams{Name: stripe.String("Gold+"), Active: stripe.Bool(false)}
	up.AddMetadata("order", "")
	up.AddMetadata("source", "api")
	up.AddUnsetField(stripe.ProductUpdateParamsUnsetFieldDescription)
	up.AddUnsetField(stripe.ProductUpdateParamsUnsetFieldImages)
	up.AddUnsetField(stripe.ProductUpdateParamsUnsetFieldPackageDimensions)
	got, err = e.sc.V1Products.Update(e.ctx, pr.ID, up)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Gold+" || got.Active || got.Description != "" || len(got.Images) != 0 || got.PackageDimensions != nil ||
		got.UnitLabel != "seat" || got.Metadata["tier"] != "gold" || got.Metadata["source"] != "api" {
		t.Fatalf("updated product = %+v", got)
	}
	if _, ok := got.Metadata["order"]; ok {
		t.Fatalf("metadata[order] not deleted: %v", got.Metadata)
	}

	// metadata= clears every key; url= and unit_label= clear the fields.
	r := e.do("POST", "/v1/products/"+pr.ID, "metadata=&url=&unit_label=&marketing_features=")
	m := r.JSON(t)
	if r.Status != 200 || len(m["metadata"].(map[string]any)) != 0 || m["url"] != nil || m["unit_label"] != nil ||
		len(m["marketing_features"].([]any)) != 0 {
		t.Fatalf("clearing: %d %s", r.Status, r.Body)
	}

	del, err := e.sc.V1Products.Delete(e.ctx, pr.ID, nil)
	if err != nil || !del.Deleted || del.ID != pr.ID {
		t.Fatalf("delete = %+v, %v", del, err)
	}
	r = e.do("DELETE", "/v1/products/"+pr.ID+"x", "")
	wantRawErr(t, r, 404, "resource_missing", "id")
	_, err = e.once.V1Products.Retrieve(e.ctx, pr.ID, nil)
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
	_, err = e.once.V1Products.Update(e.ctx, pr.ID, &stripe.ProductUpdateParams{Name: stripe.String("x")})
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
	// Deleted products are gone from lists too.
	if l := ids(t, e.do("GET", "/v1/products", "")); len(l) != 0 {
		t.Fatalf("deleted product still listed: %v", l)
	}
}

func TestProductDeleteIsRaw(t *testing.T) {
	e := start(t)
	pr := e.newProduct("Plain")
	r := e.do("DELETE", "/v1/products/"+pr.ID, "")
	if r.Status != 200 || string(r.Body) != fmt.Sprintf(`{"id":"%s","object":"product","deleted":true}`, pr.ID) {
		t.Fatalf("delete = %d %s", r.Status, r.Body)
	}
	r = e.do("GET", "/v1/products/"+pr.ID, "")
	wantRawErr(t, r, 404, "resource_missing", "id")
}

func TestCustomProductIDMustBeUnique(t *testing.T) {
	e := start(t)
	e.newProduct("One", func(p *stripe.ProductCreateParams) { p.ID = stripe.String("prod_custom") })
	_, err := e.once.V1Products.Create(e.ctx, &stripe.ProductCreateParams{ID: stripe.String("prod_custom"), Name: stripe.String("Two")})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceAlreadyExists, "id")
	// The same through product_data.
	_, err = e.once.V1Prices.Create(e.ctx, &stripe.PriceCreateParams{
		Currency: stripe.String("usd"), UnitAmount: stripe.Int64(100),
		ProductData: &stripe.PriceCreateProductDataParams{ID: stripe.String("prod_custom"), Name: stripe.String("Three")},
	})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceAlreadyExists, "product_data[id]")
}

func TestProductShapeHasEveryField(t *testing.T) {
	e := start(t)
	r := e.do("POST", "/v1/products", "name=Shape")
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	m := r.JSON(t)
	// The keys of the dahlia fixture of a product.
	for _, k := range []string{"id", "object", "active", "created", "default_price", "description", "images", "livemode",
		"marketing_features", "metadata", "name", "package_dimensions", "shippable", "statement_descriptor", "tax_code",
		"type", "unit_label", "updated", "url"} {
		if _, ok := m[k]; !ok {
			t.Errorf("product lacks %q", k)
		}
	}
	for _, k := range []string{"default_price", "description", "package_dimensions", "shippable", "statement_descriptor", "tax_code", "unit_label", "url"} {
		if m[k] != nil {
			t.Errorf("%s = %v, want null", k, m[k])
		}
	}
	if m["object"] != "product" || m["type"] != "service" || m["active"] != true || m["livemode"] != false {
		t.Errorf("object %v type %v active %v livemode %v", m["object"], m["type"], m["active"], m["livemode"])
	}
	if len(m["images"].([]any)) != 0 || len(m["marketing_features"].([]any)) != 0 || len(m["metadata"].(map[string]any)) != 0 {
		t.Errorf("empty collections: %s", r.Body)
	}
}

func TestPriceShapeHasEveryField(t *testing.T) {
	e := start(t)
	pr := e.newProduct("Shape")
	r := e.do("POST", "/v1/prices", "currency=usd&unit_amount=2000&recurring[interval]=month&transform_quantity[divide_by]=10&transform_quantity[round]=down&product="+pr.ID)
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	m := r.JSON(t)
	// The keys of the dahlia fixture of a price.
	for _, k := range []string{"id", "object", "active", "billing_scheme", "created", "currency", "custom_unit_amount", "livemode",
		"lookup_key", "metadata", "nickname", "product", "recurring", "tax_behavior", "tiers_mode", "transform_quantity",
		"type", "unit_amount", "unit_amount_decimal"} {
		if _, ok := m[k]; !ok {
			t.Errorf("price lacks %q", k)
		}
	}
	if _, ok := m["tiers"]; ok {
		t.Errorf("tiers present without expand[]=tiers: %s", r.Body)
	}
	rec := m["recurring"].(map[string]any)
	for _, k := range []string{"interval", "interval_count", "meter", "usage_type", "trial_period_days"} {
		if _, ok := rec[k]; !ok {
			t.Errorf("recurring lacks %q", k)
		}
	}
	tq := m["transform_quantity"].(map[string]any)
	if tq["divide_by"] != 10.0 || tq["round"] != "down" {
		t.Errorf("transform_quantity = %v", tq)
	}
	if m["object"] != "price" || m["billing_scheme"] != "per_unit" || m["type"] != "recurring" || m["unit_amount"] != 2000.0 ||
		m["unit_amount_decimal"] != "2000" || m["tax_behavior"] != "unspecified" || m["product"] != pr.ID ||
		m["lookup_key"] != nil || m["nickname"] != nil || m["tiers_mode"] != nil || m["custom_unit_amount"] != nil ||
		rec["interval"] != "month" || rec["interval_count"] != 1.0 || rec["usage_type"] != "licensed" || rec["meter"] != nil {
		t.Errorf("price = %s", r.Body)
	}
}

func TestPriceLifecycle(t *testing.T) {
	e := start(t)
	pr := e.newProduct("Pro")
	p := monthly(pr.ID, 1500)
	p.Nickname = stripe.String("Pro monthly")
	p.TaxBehavior = stripe.String("exclusive")
	p.Recurring.IntervalCount = stripe.Int64(3)
	p.Recurring.TrialPeriodDays = stripe.Int64(14)
	p.Metadata = map[string]string{"a": "1", "b": "2"}
	price := e.newPrice(p)
	if !strings.HasPrefix(price.ID, "price_") || price.UnitAmount != 1500 || price.UnitAmountDecimal != 1500 ||
		price.Currency != "usd" || price.Type != stripe.PriceTypeRecurring || price.Recurring.IntervalCount != 3 ||
		price.Recurring.TrialPeriodDays != 14 || price.Nickname != "Pro monthly" || price.TaxBehavior != "exclusive" ||
		price.Product.ID != pr.ID || !price.Active || price.Metadata["b"] != "2" {
		t.Fatalf("created price = %+v", price)
	}
	got, err := e.sc.V1Prices.Retrieve(e.ctx, price.ID, nil)
	if err != nil || got.UnitAmount != 1500 || got.Recurring.Interval != "month" {
		t.Fatalf("retrieve = %+v, %v", got, err)
	}
	up := &stripe.PriceUpdateParams{Active: stripe.Bool(false), Nickname: stripe.String("old")}
	up.AddMetadata("a", "")
	got, err = e.sc.V1Prices.Update(e.ctx, price.ID, up)
	if err != nil || got.Active || got.Nickname != "old" || len(got.Metadata) != 1 || got.Metadata["b"] != "2" || got.UnitAmount != 1500 {
		t.Fatalf("update = %+v, %v", got, err)
	}
	// The SDK's unset of metadata clears every key.
	up = &stripe.PriceUpdateParams{}
	up.AddUnsetField(stripe.PriceUpdateParamsUnsetFieldMetadata)
	if got, err = e.sc.V1Prices.Update(e.ctx, price.ID, up); err != nil || len(got.Metadata) != 0 {
		t.Fatalf("unset metadata = %+v, %v", got, err)
	}
	_, err = e.once.V1Prices.Retrieve(e.ctx, "price_nope", nil)
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
	_, err = e.once.V1Prices.Update(e.ctx, "price_nope", &stripe.PriceUpdateParams{Nickname: stripe.String("x")})
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
}

func TestPriceAmountsAreImmutable(t *testing.T) {
	e := start(t)
	pr := e.newProduct("Fixed")
	price := e.newPrice(monthly(pr.ID, 1000))
	for _, body := range []string{"unit_amount=2000", "unit_amount_decimal=20", "currency=eur", "recurring[interval]=year",
		"currency_options[eur][unit_amount]=900", "currency_options=", "product=" + pr.ID, "billing_scheme=tiered"} {
		r := e.do("POST", "/v1/prices/"+price.ID, body)
		key, _, _ := strings.Cut(body, "=")
		want := key
		if strings.HasPrefix(key, "currency_options") || strings.HasPrefix(key, "recurring") {
			want = strings.SplitN(key, "[", 2)[0]
		}
		if r.Status != 400 || r.ErrorField(t, "code") != "parameter_unknown" || !strings.HasPrefix(r.ErrorField(t, "param"), want) {
			t.Errorf("%s: %d %s", body, r.Status, r.Body)
		}
	}
	got, err := e.sc.V1Prices.Retrieve(e.ctx, price.ID, nil)
	if err != nil || got.UnitAmount != 1000 || got.Currency != "usd" {
		t.Fatalf("price changed: %+v, %v", got, err)
	}
}

func TestPriceTaxBehaviorCannotChangeOnceSet(t *testing.T) {
	e := start(t)
	pr := e.newProduct("Tax")
	price := e.newPrice(monthly(pr.ID, 1000))
	got, err := e.sc.V1Prices.Update(e.ctx, price.ID, &stripe.PriceUpdateParams{TaxBehavior: stripe.String("inclusive")})
	if err != nil || got.TaxBehavior != "inclusive" {
		t.Fatalf("unspecified to inclusive: %+v, %v", got, err)
	}
	// The same value again is fine; another is not.
	if _, err := e.sc.V1Prices.Update(e.ctx, price.ID, &stripe.PriceUpdateParams{TaxBehavior: stripe.String("inclusive")}); err != nil {
		t.Fatal(err)
	}
	for _, tb := range []string{"exclusive", "unspecified"} {
		_, err = e.once.V1Prices.Update(e.ctx, price.ID, &stripe.PriceUpdateParams{TaxBehavior: stripe.String(tb)})
		wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, "parameter_invalid", "tax_behavior")
	}
}

func TestDefaultPriceData(t *testing.T) {
	e := start(t)
	pr, err := e.sc.V1Products.Create(e.ctx, &stripe.ProductCreateParams{
		Name: stripe.String("Team"),
		DefaultPriceData: &stripe.ProductCreateDefaultPriceDataParams{
			Currency: stripe.String("eur"), UnitAmount: stripe.Int64(4900), TaxBehavior: stripe.String("inclusive"),
			Recurring: &stripe.ProductCreateDefaultPriceDataRecurringParams{Interval: stripe.String("year")},
			Metadata:  map[string]string{"from": "product"},
		},
		Expand: []*string{stripe.String("default_price")},
	})
	if err != nil {
		t.Fatal(err)
	}
	dp := pr.DefaultPrice
	if dp == nil || !strings.HasPrefix(dp.ID, "price_") || dp.UnitAmount != 4900 || dp.Currency != "eur" ||
		dp.Recurring.Interval != "year" || dp.TaxBehavior != "inclusive" || dp.Product.ID != pr.ID || dp.Metadata["from"] != "product" {
		t.Fatalf("default price = %+v", dp)
	}
	// Unexpanded, default_price is the id.
	r := e.do("GET", "/v1/products/"+pr.ID, "")
	if r.JSON(t)["default_price"] != dp.ID {
		t.Fatalf("default_price = %s", r.Body)
	}
	// The product has a price now: it cannot be deleted.
	r = e.do("DELETE", "/v1/products/"+pr.ID, "")
	if r.Status != 400 || r.ErrorField(t, "type") != "invalid_request_error" ||
		r.ErrorField(t, "message") != "This product cannot be deleted because it has one or more user-created prices." {
		t.Fatalf("delete with prices: %d %s", r.Status, r.Body)
	}
	// The default price cannot be archived until the product lets it go.
	_, err = e.once.V1Prices.Update(e.ctx, dp.ID, &stripe.PriceUpdateParams{Active: stripe.Bool(false)})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, "parameter_invalid", "active")

	second := e.newPrice(monthly(pr.ID, 500))
	got, err := e.sc.V1Products.Update(e.ctx, pr.ID, &stripe.ProductUpdateParams{DefaultPrice: stripe.String(second.ID)})
	if err != nil || got.DefaultPrice.ID != second.ID || got.Updated < got.Created {
		t.Fatalf("set default price: %+v, %v", got, err)
	}
	if _, err := e.sc.V1Prices.Update(e.ctx, dp.ID, &stripe.PriceUpdateParams{Active: stripe.Bool(false)}); err != nil {
		t.Fatalf("archive a former default price: %v", err)
	}
	// An inactive price, another product's price, or no price at all cannot
	// become the default price.
	other := e.newProduct("Other")
	otherPrice := e.newPrice(monthly(other.ID, 100))
	for _, tc := range []struct {
		price, code string
	}{{dp.ID, "parameter_invalid"}, {otherPrice.ID, "parameter_invalid"}, {"price_nope", "resource_missing"}} {
		_, err = e.once.V1Products.Update(e.ctx, pr.ID, &stripe.ProductUpdateParams{DefaultPrice: stripe.String(tc.price)})
		wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCode(tc.code), "default_price")
	}
	// default_price= unsets it.
	r = e.do("POST", "/v1/products/"+pr.ID, "default_price=")
	if r.Status != 200 || r.JSON(t)["default_price"] != nil {
		t.Fatalf("unset default price: %d %s", r.Status, r.Body)
	}
	// A bad default_price_data creates nothing.
	r = e.do("POST", "/v1/products", "name=Bad&default_price_data[currency]=usd&default_price_data[recurring][interval]=month&default_price_data[recurring][interval_count]=13&default_price_data[unit_amount]=5")
	wantRawErr(t, r, 400, "parameter_invalid_integer", "default_price_data[recurring][interval_count]")
	r = e.do("POST", "/v1/products", "name=Bad&default_price_data[currency]=usd")
	wantRawErr(t, r, 400, "parameter_missing", "default_price_data[unit_amount]")
	if l := ids(t, e.do("GET", "/v1/products?limit=100", "")); len(l) != 2 {
		t.Fatalf("products after failed creates: %v", l)
	}
}

func TestPriceWithProductData(t *testing.T) {
	e := start(t)
	price, err := e.sc.V1Prices.Create(e.ctx, &stripe.PriceCreateParams{
		Currency: stripe.String("usd"), UnitAmount: stripe.Int64(999),
		ProductData: &stripe.PriceCreateProductDataParams{
			Name: stripe.String("Inline"), UnitLabel: stripe.String("seat"), StatementDescriptor: stripe.String("INLINE"),
			Metadata: map[string]string{"k": "v"},
		},
		Expand: []*string{stripe.String("product")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if price.Product == nil || price.Product.Name != "Inline" || price.Product.UnitLabel != "seat" || price.Product.Metadata["k"] != "v" ||
		!strings.HasPrefix(price.Product.ID, "prod_") || price.Type != stripe.PriceTypeOneTime {
		t.Fatalf("price with product_data = %+v / %+v", price, price.Product)
	}
	// A failing price does not leave its product behind.
	r := e.do("POST", "/v1/prices", "currency=usd&product_data[name]=Orphan&unit_amount=-1")
	wantRawErr(t, r, 400, "parameter_invalid_integer", "unit_amount")
	if l := ids(t, e.do("GET", "/v1/products", "")); len(l) != 1 {
		t.Fatalf("products after a failed price: %v", l)
	}
}

func TestTieredPrices(t *testing.T) {
	e := start(t)
	pr := e.newProduct("Seats")
	for _, mode := range []string{"graduated", "volume"} {
		t.Run(mode, func(t *testing.T) {
			price, err := e.sc.V1Prices.Create(e.ctx, &stripe.PriceCreateParams{
				Product: stripe.String(pr.ID), Currency: stripe.String("usd"), BillingScheme: stripe.String("tiered"),
				TiersMode: stripe.String(mode), Recurring: &stripe.PriceCreateRecurringParams{Interval: stripe.String("month")},
				Tiers: []*stripe.PriceCreateTierParams{
					{UpTo: stripe.Int64(5), UnitAmount: stripe.Int64(1000), FlatAmount: stripe.Int64(500)},
					{UpTo: stripe.Int64(10), UnitAmountDecimal: stripe.Float64(850.5)},
					{UpToInf: stripe.Bool(true), UnitAmount: stripe.Int64(700)},
				},
				Expand: []*string{stripe.String("tiers")},
			})
			if err != nil {
				t.Fatal(err)
			}
			if price.BillingScheme != "tiered" || string(price.TiersMode) != mode || price.UnitAmount != 0 || len(price.Tiers) != 3 {
				t.Fatalf("tiered price = %+v", price)
			}
			t0, t1, t2 := price.Tiers[0], price.Tiers[1], price.Tiers[2]
			if t0.UpTo != 5 || t0.UnitAmount != 1000 || t0.FlatAmount != 500 || t0.FlatAmountDecimal != 500 ||
				t1.UpTo != 10 || t1.UnitAmountDecimal != 850.5 || t1.UnitAmount != 0 || t2.UpTo != 0 || t2.UnitAmount != 700 {
				t.Fatalf("tiers = %+v %+v %+v", t0, t1, t2)
			}
			// Raw: up_to is null for inf, amounts not given are null, and
			// tiers are only there when expanded.
			r := e.do("GET", "/v1/prices/"+price.ID+"?expand[]=tiers", "")
			m := r.JSON(t)
			tiers := m["tiers"].([]any)
			last := tiers[2].(map[string]any)
			mid := tiers[1].(map[string]any)
			if m["unit_amount"] != nil || m["unit_amount_decimal"] != nil || m["tiers_mode"] != mode ||
				last["up_to"] != nil || last["flat_amount"] != nil || last["unit_amount_decimal"] != "700" ||
				mid["unit_amount"] != nil || mid["unit_amount_decimal"] != "850.5" {
				t.Fatalf("raw tiered price = %s", r.Body)
			}
			if _, ok := e.do("GET", "/v1/prices/"+price.ID, "").JSON(t)["tiers"]; ok {
				t.Fatal("tiers rendered without expand[]=tiers")
			}
			// In lists, through data.tiers.
			r = e.do("GET", "/v1/prices?expand[]=data.tiers&expand[]=data.product&product="+pr.ID, "")
			for _, d := range r.JSON(t)["data"].([]any) {
				dm := d.(map[string]any)
				if _, ok := dm["tiers"]; !ok || dm["product"].(map[string]any)["id"] != pr.ID {
					t.Fatalf("list with data.tiers = %s", r.Body)
				}
			}
		})
	}
	// A per-unit price expanded for tiers shows null.
	price := e.newPrice(monthly(pr.ID, 100))
	if m := e.do("GET", "/v1/prices/"+price.ID+"?expand[]=tiers", "").JSON(t); m["tiers"] != nil {
		t.Fatalf("per-unit tiers = %v", m["tiers"])
	}
}

func TestPriceLookupKeys(t *testing.T) {
	e := start(t)
	pr := e.newProduct("Keys")
	p := monthly(pr.ID, 1000)
	p.LookupKey = stripe.String("pro_monthly")
	first := e.newPrice(p)
	if first.LookupKey != "pro_monthly" {
		t.Fatalf("lookup key = %q", first.LookupKey)
	}
	// A second price with the key: refused, naming the holder.
	p = monthly(pr.ID, 1200)
	p.LookupKey = stripe.String("pro_monthly")
	_, err := e.once.V1Prices.Create(e.ctx, p)
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceAlreadyExists, "lookup_key")
	if msg := stripeErr(t, err).Msg; msg != "A price (`"+first.ID+"`) already uses that lookup key." {
		t.Fatalf("message = %q", msg)
	}
	// With transfer_lookup_key the key moves.
	p.TransferLookupKey = stripe.Bool(true)
	second := e.newPrice(p)
	if second.LookupKey != "pro_monthly" {
		t.Fatalf("transferred key = %q", second.LookupKey)
	}
	if got, _ := e.sc.V1Prices.Retrieve(e.ctx, first.ID, nil); got.LookupKey != "" {
		t.Fatalf("old price kept the key: %q", got.LookupKey)
	}
	// Lookup by key.
	var found []string
	for pr, err := range e.sc.V1Prices.List(e.ctx, &stripe.PriceListParams{LookupKeys: stripe.StringSlice([]string{"pro_monthly", "other"})}).All(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		found = append(found, pr.ID)
	}
	if len(found) != 1 || found[0] != second.ID {
		t.Fatalf("lookup_keys filter = %v", found)
	}
	// On update: taken without transfer, moved with it, cleared with "".
	_, err = e.once.V1Prices.Update(e.ctx, first.ID, &stripe.PriceUpdateParams{LookupKey: stripe.String("pro_monthly")})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceAlreadyExists, "lookup_key")
	got, err := e.sc.V1Prices.Update(e.ctx, first.ID, &stripe.PriceUpdateParams{LookupKey: stripe.String("pro_monthly"), TransferLookupKey: stripe.Bool(true)})
	if err != nil || got.LookupKey != "pro_monthly" {
		t.Fatalf("transfer on update: %+v, %v", got, err)
	}
	r := e.do("POST", "/v1/prices/"+first.ID, "lookup_key=")
	if r.Status != 200 || r.JSON(t)["lookup_key"] != nil {
		t.Fatalf("clear lookup key: %s", r.Body)
	}
	// The key is free again.
	p = monthly(pr.ID, 1300)
	p.LookupKey = stripe.String("pro_monthly")
	e.newPrice(p)
}

func TestPriceJPY(t *testing.T) {
	e := start(t)
	pr := e.newProduct("Yen")
	price := e.newPrice(&stripe.PriceCreateParams{Product: stripe.String(pr.ID), Currency: stripe.String("jpy"), UnitAmount: stripe.Int64(500)})
	if price.UnitAmount != 500 || price.UnitAmountDecimal != 500 || price.Currency != "jpy" {
		t.Fatalf("jpy price = %+v", price)
	}
	// Decimals: normalized, and an integer unit_amount is derived when whole.
	for _, tc := range []struct {
		dec, wantDec string
		wantInt      any
	}{{"12.50", "12.5", nil}, {"0012", "12", 12.0}, {"0.000000000001", "0.000000000001", nil}} {
		r := e.do("POST", "/v1/prices", "currency=jpy&product="+pr.ID+"&unit_amount_decimal="+tc.dec)
		m := r.JSON(t)
		if r.Status != 200 || m["unit_amount_decimal"] != tc.wantDec || m["unit_amount"] != tc.wantInt {
			t.Errorf("unit_amount_decimal=%s: %d %s", tc.dec, r.Status, r.Body)
		}
	}
	r := e.do("POST", "/v1/prices", "currency=JPY&product="+pr.ID+"&unit_amount=1")
	if r.Status != 200 || r.JSON(t)["currency"] != "jpy" {
		t.Fatalf("uppercase currency: %d %s", r.Status, r.Body)
	}
}

func TestCatalogValidationErrors(t *testing.T) {
	e := start(t)
	pr := e.newProduct("Target")
	price := e.newPrice(monthly(pr.ID, 100))
	base := "currency=usd&product=" + pr.ID
	tiered := base + "&billing_scheme=tiered&tiers_mode=graduated"
	cases := []struct {
		name, method, path, body string
		status                   int
		code, param              string
	}{
		{"product without name", "POST", "/v1/products", "description=x", 400, "parameter_missing", "name"},
		{"product empty name", "POST", "/v1/products", "name=", 400, "parameter_invalid_empty", "name"},
		{"product name cleared", "POST", "/v1/products/" + pr.ID, "name=", 400, "parameter_invalid_empty", "name"},
		{"product bad type", "POST", "/v1/products", "name=x&type=thing", 400, "parameter_invalid_string", "type"},
		{"too many images", "POST", "/v1/products", "name=x" + strings.Repeat("&images[]=https://e.x/i.png", 9), 400, "parameter_invalid", "images"},
		{"too many features", "POST", "/v1/products", "name=x" + strings.Repeat("&marketing_features[][name]=f", 16), 400, "parameter_invalid", "marketing_features"},
		{"feature without name", "POST", "/v1/products", "name=x&marketing_features[0][title]=f", 400, "parameter_missing", "marketing_features[0][name]"},
		{"statement descriptor too long", "POST", "/v1/products", "name=x&statement_descriptor=" + strings.Repeat("A", 23), 400, "parameter_invalid_string", "statement_descriptor"},
		{"statement descriptor digits", "POST", "/v1/products", "name=x&statement_descriptor=12345", 400, "parameter_invalid", "statement_descriptor"},
		{"unit label too long", "POST", "/v1/products", "name=x&unit_label=" + strings.Repeat("u", 13), 400, "parameter_invalid_string", "unit_label"},
		{"partial package dimensions", "POST", "/v1/products", "name=x&package_dimensions[height]=1&package_dimensions[length]=1&package_dimensions[weight]=1", 400, "parameter_missing", "package_dimensions[width]"},
		{"product unknown param", "POST", "/v1/products", "name=x&colour=red", 400, "parameter_unknown", "colour"},
		{"default_price on create", "POST", "/v1/products", "name=x&default_price=" + price.ID, 400, "parameter_unknown", "default_price"},
		{"default_price_data lookup key", "POST", "/v1/products", "name=x&default_price_data[currency]=usd&default_price_data[unit_amount]=1&default_price_data[lookup_key]=k", 400, "parameter_unknown", "default_price_data[lookup_key]"},
		{"default_price_data bad currency", "POST", "/v1/products", "name=x&default_price_data[currency]=xyz&default_price_data[unit_amount]=1", 400, "parameter_invalid", "default_price_data[currency]"},
		{"price without currency", "POST", "/v1/prices", "unit_amount=1&product=" + pr.ID, 400, "parameter_missing", "currency"},
		{"price bad currency", "POST", "/v1/prices", "currency=usdx&unit_amount=1&product=" + pr.ID, 400, "parameter_invalid", "currency"},
		{"price without product", "POST", "/v1/prices", "currency=usd&unit_amount=1", 400, "parameter_missing", "product"},
		{"price unknown product", "POST", "/v1/prices", "currency=usd&unit_amount=1&product=prod_nope", 400, "resource_missing", "product"},
		{"product and product_data", "POST", "/v1/prices", base + "&unit_amount=1&product_data[name]=x", 400, "parameters_exclusive", "product_data"},
		{"product_data without name", "POST", "/v1/prices", "currency=usd&unit_amount=1&product_data[unit_label]=x", 400, "parameter_missing", "product_data[name]"},
		{"no amount", "POST", "/v1/prices", base, 400, "parameter_missing", "unit_amount"},
		{"both amounts", "POST", "/v1/prices", base + "&unit_amount=1&unit_amount_decimal=1", 400, "parameters_exclusive", "unit_amount_decimal"},
		{"negative amount", "POST", "/v1/prices", base + "&unit_amount=-5", 400, "parameter_invalid_integer", "unit_amount"},
		{"non-integer amount", "POST", "/v1/prices", base + "&unit_amount=1.5", 400, "parameter_invalid_integer", "unit_amount"},
		{"13 decimals", "POST", "/v1/prices", base + "&unit_amount_decimal=1.0000000000001", 400, "parameter_invalid", "unit_amount_decimal"},
		{"negative decimal", "POST", "/v1/prices", base + "&unit_amount_decimal=-1", 400, "parameter_invalid", "unit_amount_decimal"},
		{"bad interval", "POST", "/v1/prices", base + "&unit_amount=1&recurring[interval]=fortnight", 400, "parameter_invalid_string", "recurring[interval]"},
		{"interval missing", "POST", "/v1/prices", base + "&unit_amount=1&recurring[interval_count]=2", 400, "parameter_missing", "recurring[interval]"},
		{"366 days", "POST", "/v1/prices", base + "&unit_amount=1&recurring[interval]=day&recurring[interval_count]=366", 400, "parameter_invalid_integer", "recurring[interval_count]"},
		{"53 weeks", "POST", "/v1/prices", base + "&unit_amount=1&recurring[interval]=week&recurring[interval_count]=53", 400, "parameter_invalid_integer", "recurring[interval_count]"},
		{"13 months", "POST", "/v1/prices", base + "&unit_amount=1&recurring[interval]=month&recurring[interval_count]=13", 400, "parameter_invalid_integer", "recurring[interval_count]"},
		{"2 years", "POST", "/v1/prices", base + "&unit_amount=1&recurring[interval]=year&recurring[interval_count]=2", 400, "parameter_invalid_integer", "recurring[interval_count]"},
		{"zero interval count", "POST", "/v1/prices", base + "&unit_amount=1&recurring[interval]=month&recurring[interval_count]=0", 400, "parameter_invalid_integer", "recurring[interval_count]"},
		{"metered", "POST", "/v1/prices", base + "&unit_amount=1&recurring[interval]=month&recurring[usage_type]=metered", 400, "parameter_invalid", "recurring[usage_type]"},
		{"aggregate_usage removed", "POST", "/v1/prices", base + "&unit_amount=1&recurring[interval]=month&recurring[aggregate_usage]=sum", 400, "parameter_unknown", "recurring[aggregate_usage]"},
		{"custom_unit_amount", "POST", "/v1/prices", base + "&custom_unit_amount[enabled]=true", 400, "parameter_unknown", "custom_unit_amount"},
		{"bad billing scheme", "POST", "/v1/prices", base + "&unit_amount=1&billing_scheme=flat", 400, "parameter_invalid_string", "billing_scheme"},
		{"tiers without tiered", "POST", "/v1/prices", base + "&unit_amount=1&tiers[0][up_to]=inf&tiers[0][unit_amount]=1", 400, "parameter_invalid", "tiers"},
		{"tiers_mode without tiered", "POST", "/v1/prices", base + "&unit_amount=1&tiers_mode=volume", 400, "parameter_invalid", "tiers_mode"},
		{"tiered without tiers_mode", "POST", "/v1/prices", base + "&billing_scheme=tiered&tiers[0][up_to]=inf&tiers[0][unit_amount]=1", 400, "parameter_missing", "tiers_mode"},
		{"tiered without tiers", "POST", "/v1/prices", tiered, 400, "parameter_missing", "tiers"},
		{"tiered with unit_amount", "POST", "/v1/prices", tiered + "&unit_amount=5&tiers[0][up_to]=inf&tiers[0][unit_amount]=1", 400, "parameter_invalid", "unit_amount"},
		{"last tier not inf", "POST", "/v1/prices", tiered + "&tiers[0][up_to]=5&tiers[0][unit_amount]=1&tiers[1][up_to]=10&tiers[1][unit_amount]=1", 400, "parameter_invalid", "tiers[1][up_to]"},
		{"inf before the end", "POST", "/v1/prices", tiered + "&tiers[0][up_to]=inf&tiers[0][unit_amount]=1&tiers[1][up_to]=inf&tiers[1][unit_amount]=1", 400, "parameter_invalid", "tiers[0][up_to]"},
		{"tiers not increasing", "POST", "/v1/prices", tiered + "&tiers[0][up_to]=10&tiers[0][unit_amount]=1&tiers[1][up_to]=10&tiers[1][unit_amount]=1&tiers[2][up_to]=inf&tiers[2][unit_amount]=1", 400, "parameter_invalid", "tiers[1][up_to]"},
		{"tier up_to zero", "POST", "/v1/prices", tiered + "&tiers[0][up_to]=0&tiers[0][unit_amount]=1&tiers[1][up_to]=inf&tiers[1][unit_amount]=1", 400, "parameter_invalid", "tiers[0][up_to]"},
		{"tier up_to word", "POST", "/v1/prices", tiered + "&tiers[0][up_to]=many&tiers[0][unit_amount]=1", 400, "parameter_invalid_integer", "tiers[0][up_to]"},
		{"tier without up_to", "POST", "/v1/prices", tiered + "&tiers[0][unit_amount]=1", 400, "parameter_missing", "tiers[0][up_to]"},
		{"tier without amount", "POST", "/v1/prices", tiered + "&tiers[0][up_to]=inf", 400, "parameter_missing", "tiers[0][unit_amount]"},
		{"tier both unit amounts", "POST", "/v1/prices", tiered + "&tiers[0][up_to]=inf&tiers[0][unit_amount]=1&tiers[0][unit_amount_decimal]=1", 400, "parameters_exclusive", "tiers[0][unit_amount_decimal]"},
		{"tier both flat amounts", "POST", "/v1/prices", tiered + "&tiers[0][up_to]=inf&tiers[0][flat_amount]=1&tiers[0][flat_amount_decimal]=1", 400, "parameters_exclusive", "tiers[0][flat_amount_decimal]"},
		{"tiered with transform_quantity", "POST", "/v1/prices", tiered + "&tiers[0][up_to]=inf&tiers[0][unit_amount]=1&transform_quantity[divide_by]=2&transform_quantity[round]=up", 400, "parameter_invalid", "transform_quantity"},
		{"bad tiers_mode", "POST", "/v1/prices", base + "&billing_scheme=tiered&tiers_mode=stairs", 400, "parameter_invalid_string", "tiers_mode"},
		{"transform without round", "POST", "/v1/prices", base + "&unit_amount=1&transform_quantity[divide_by]=2", 400, "parameter_missing", "transform_quantity[round]"},
		{"transform divide_by zero", "POST", "/v1/prices", base + "&unit_amount=1&transform_quantity[divide_by]=0&transform_quantity[round]=up", 400, "parameter_invalid_integer", "transform_quantity[divide_by]"},
		{"transform bad round", "POST", "/v1/prices", base + "&unit_amount=1&transform_quantity[divide_by]=2&transform_quantity[round]=half", 400, "parameter_invalid_string", "transform_quantity[round]"},
		{"bad tax behavior", "POST", "/v1/prices", base + "&unit_amount=1&tax_behavior=sometimes", 400, "parameter_invalid_string", "tax_behavior"},
		{"lookup key too long", "POST", "/v1/prices", base + "&unit_amount=1&lookup_key=" + strings.Repeat("k", 201), 400, "parameter_invalid_string", "lookup_key"},
		{"negative trial", "POST", "/v1/prices", base + "&unit_amount=1&recurring[interval]=month&recurring[trial_period_days]=-1", 400, "parameter_invalid_integer", "recurring[trial_period_days]"},
		{"price unit_amount on update", "POST", "/v1/prices/" + price.ID, "unit_amount=5", 400, "parameter_unknown", "unit_amount"},
		{"price missing in path", "GET", "/v1/prices/price_nope", "", 404, "resource_missing", "id"},
		{"product missing in path", "GET", "/v1/products/prod_nope", "", 404, "resource_missing", "id"},
		{"price list bad type", "GET", "/v1/prices?type=monthly", "", 400, "parameter_invalid_string", "type"},
		{"price list too many lookup keys", "GET", "/v1/prices?" + strings.Repeat("lookup_keys[]=k&", 11), "", 400, "parameter_invalid", "lookup_keys"},
		{"price list unknown cursor", "GET", "/v1/prices?starting_after=price_nope", "", 400, "resource_missing", "starting_after"},
		{"product list bad expand", "GET", "/v1/products?expand[]=data.name", "", 400, "parameter_invalid", "expand"},
		{"price bad expand", "GET", "/v1/prices/" + price.ID + "?expand[]=currency", "", 400, "parameter_invalid", "expand"},
		{"product search bad field", "GET", "/v1/products/search?query=colour:'red'", "", 400, "parameter_invalid", "query"},
		{"price search without query", "GET", "/v1/prices/search", "", 400, "parameter_missing", "query"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(tc.method, tc.path, tc.body)
			wantRawErr(t, r, tc.status, tc.code, tc.param)
		})
	}
	// Failed requests left nothing behind.
	if l := ids(t, e.do("GET", "/v1/products?limit=100", "")); len(l) != 1 {
		t.Fatalf("products after failed requests: %v", l)
	}
	if l := ids(t, e.do("GET", "/v1/prices?limit=100", "")); len(l) != 1 {
		t.Fatalf("prices after failed requests: %v", l)
	}
}

func TestPriceExpandProduct(t *testing.T) {
	e := start(t)
	pr := e.newProduct("Expandable", func(p *stripe.ProductCreateParams) { p.Description = stripe.String("desc") })
	price := e.newPrice(monthly(pr.ID, 100))
	got, err := e.sc.V1Prices.Retrieve(e.ctx, price.ID, &stripe.PriceRetrieveParams{Expand: []*string{stripe.String("product")}})
	if err != nil || got.Product.Name != "Expandable" || got.Product.Description != "desc" {
		t.Fatalf("expanded product = %+v, %v", got.Product, err)
	}
	n := 0
	for p, err := range e.sc.V1Prices.List(e.ctx, &stripe.PriceListParams{Expand: []*string{stripe.String("data.product")}}).All(e.ctx) {
		if err != nil || p.Product.Name != "Expandable" {
			t.Fatalf("listed price product = %+v, %v", p.Product, err)
		}
		n++
	}
	if n != 1 {
		t.Fatalf("%d prices listed", n)
	}
	// Nested: a product's default price's product.
	if _, err := e.sc.V1Products.Update(e.ctx, pr.ID, &stripe.ProductUpdateParams{DefaultPrice: stripe.String(price.ID)}); err != nil {
		t.Fatal(err)
	}
	r := e.do("GET", "/v1/products/"+pr.ID+"?expand[]=default_price.product", "")
	dp := r.JSON(t)["default_price"].(map[string]any)
	if dp["id"] != price.ID || dp["product"].(map[string]any)["id"] != pr.ID {
		t.Fatalf("nested expand = %s", r.Body)
	}
	// Expanding on create and update works too.
	p := monthly(pr.ID, 200)
	p.AddExpand("product")
	if np := e.newPrice(p); np.Product.Name != "Expandable" {
		t.Fatalf("expand on create = %+v", np.Product)
	}
}

func TestProductListFiltersAndPagination(t *testing.T) {
	e := start(t)
	var all []string // oldest first
	for i := 0; i < 7; i++ {
		pr := e.newProduct(fmt.Sprintf("P%d", i), func(p *stripe.ProductCreateParams) {
			p.Active = stripe.Bool(i%2 == 0)
			p.Shippable = stripe.Bool(i < 3)
			if i == 4 {
				p.URL = stripe.String("https://example.com/four?a=1&b=2")
			}
		})
		all = append(all, pr.ID)
	}
	var seen []string
	for p, err := range e.sc.V1Products.List(e.ctx, &stripe.ProductListParams{ListParams: stripe.ListParams{Limit: stripe.Int64(3)}}).All(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, p.ID)
	}
	if len(seen) != 7 || seen[0] != all[6] || seen[6] != all[0] {
		t.Fatalf("pages = %v, want newest first of %v", seen, all)
	}
	// Backwards through the SDK: from the oldest, every newer one, in
	// creation order.
	seen = nil
	for p, err := range e.sc.V1Products.List(e.ctx, &stripe.ProductListParams{ListParams: stripe.ListParams{Limit: stripe.Int64(2), EndingBefore: stripe.String(all[0])}}).All(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, p.ID)
	}
	if strings.Join(seen, ",") != strings.Join(all[1:], ",") {
		t.Fatalf("backwards = %v, want %v", seen, all[1:])
	}
	r := e.do("GET", "/v1/products?limit=2&ending_before="+all[2], "")
	if got := ids(t, r); strings.Join(got, ",") != all[4]+","+all[3] || r.JSON(t)["has_more"] != true || r.JSON(t)["url"] != "/v1/products" {
		t.Fatalf("ending_before page = %s", r.Body)
	}
	r = e.do("GET", "/v1/products?limit=2&starting_after="+all[2], "")
	if got := ids(t, r); strings.Join(got, ",") != all[1]+","+all[0] || r.JSON(t)["has_more"] != false {
		t.Fatalf("starting_after page = %s", r.Body)
	}
	for _, tc := range []struct {
		query string
		want  []int
	}{
		{"active=true", []int{6, 4, 2, 0}},
		{"active=false", []int{5, 3, 1}},
		{"shippable=true", []int{2, 1, 0}},
		{"shippable=false&active=true", []int{6, 4}},
		{"url=" + url.QueryEscape("https://example.com/four?a=1&b=2"), []int{4}},
		{"ids[]=" + all[1] + "&ids[]=" + all[5], []int{5, 1}},
		{"shippable=true&limit=1&starting_after=" + all[2], []int{1}},
		// Cursors need not match the filter themselves.
		{"shippable=true&starting_after=" + all[4], []int{2, 1, 0}},
		{"shippable=false&limit=2&ending_before=" + all[1], []int{4, 3}},
		{"shippable=true&limit=5&ending_before=" + all[0], []int{2, 1}},
	} {
		want := make([]string, len(tc.want))
		for i, n := range tc.want {
			want[i] = all[n]
		}
		if got := ids(t, e.do("GET", "/v1/products?"+tc.query, "")); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s: %v, want %v", tc.query, got, want)
		}
	}
	// created filters.
	pr, _ := e.sc.V1Products.Retrieve(e.ctx, all[0], nil)
	if got := ids(t, e.do("GET", fmt.Sprintf("/v1/products?limit=100&created[gte]=%d", pr.Created), "")); len(got) != 7 {
		t.Errorf("created[gte] = %v", got)
	}
	if got := ids(t, e.do("GET", fmt.Sprintf("/v1/products?created[lt]=%d", pr.Created), "")); len(got) != 0 {
		t.Errorf("created[lt] = %v", got)
	}
}

func TestPriceListFilters(t *testing.T) {
	e := start(t)
	a := e.newProduct("A")
	b := e.newProduct("B")
	mk := func(product, currency string, interval string, active bool) string {
		p := &stripe.PriceCreateParams{Product: stripe.String(product), Currency: stripe.String(currency), UnitAmount: stripe.Int64(100), Active: stripe.Bool(active)}
		if interval != "" {
			p.Recurring = &stripe.PriceCreateRecurringParams{Interval: stripe.String(interval)}
		}
		return e.newPrice(p).ID
	}
	p0 := mk(a.ID, "usd", "month", true)
	p1 := mk(a.ID, "eur", "year", true)
	p2 := mk(b.ID, "usd", "", true)
	p3 := mk(b.ID, "usd", "month", false)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"", []string{p3, p2, p1, p0}},
		{"active=true", []string{p2, p1, p0}},
		{"active=false", []string{p3}},
		{"currency=usd", []string{p3, p2, p0}},
		{"currency=EUR", []string{p1}},
		{"product=" + a.ID, []string{p1, p0}},
		{"type=one_time", []string{p2}},
		{"type=recurring", []string{p3, p1, p0}},
		{"recurring[interval]=month", []string{p3, p0}},
		{"recurring[interval]=month&active=true", []string{p0}},
		{"recurring[usage_type]=licensed", []string{p3, p1, p0}},
		{"recurring[usage_type]=metered", nil},
		{"product=" + b.ID + "&currency=usd&type=recurring", []string{p3}},
		{"limit=2", []string{p3, p2}},
		{"limit=2&starting_after=" + p2, []string{p1, p0}},
		{"limit=1&ending_before=" + p1, []string{p2}},
		{"recurring[interval]=month&starting_after=" + p3, []string{p0}},
		{"recurring[interval]=month&starting_after=" + p2, []string{p0}},
		{"recurring[interval]=month&ending_before=" + p1, []string{p3}},
	} {
		if got := ids(t, e.do("GET", "/v1/prices?"+tc.query, "")); strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%q: %v, want %v", tc.query, got, tc.want)
		}
	}
	// Through the SDK.
	var got []string
	for p, err := range e.sc.V1Prices.List(e.ctx, &stripe.PriceListParams{Product: stripe.String(b.ID), Type: stripe.String("recurring"), ListParams: stripe.ListParams{Limit: stripe.Int64(1)}}).All(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, p.ID)
	}
	if len(got) != 1 || got[0] != p3 {
		t.Fatalf("SDK list = %v", got)
	}
}

func TestCatalogSearch(t *testing.T) {
	e := start(t)
	mk := func(name, plan string, active bool) *stripe.Product {
		return e.newProduct(name, func(p *stripe.ProductCreateParams) {
			p.Metadata = map[string]string{"plan": plan}
			p.Active = stripe.Bool(active)
			p.Description = stripe.String(name + " description")
		})
	}
	gold := mk("Gold widget", "pro", true)
	silver := mk("Silver widget", "free", true)
	bronze := mk("Bronze gadget", "pro", false)
	search := func(q string) []string {
		t.Helper()
		var out []string
		for p, err := range e.sc.V1Products.Search(e.ctx, &stripe.ProductSearchParams{SearchParams: stripe.SearchParams{Query: q, Limit: stripe.Int64(1)}}).All(e.ctx) {
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			out = append(out, p.ID)
		}
		return out
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"metadata['plan']:'pro'", []string{bronze.ID, gold.ID}},
		{"name~'widget' AND active:'true'", []string{silver.ID, gold.ID}},
		{"name~'widget' AND metadata['plan']:'pro'", []string{gold.ID}},
		{"-name~'widget'", []string{bronze.ID}},
		{"active:'false'", []string{bronze.ID}},
		{"description~'gadget'", []string{bronze.ID}},
		{"name:'gold widget'", []string{gold.ID}},
	} {
		if got := search(tc.query); strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("products %q: %v, want %v", tc.query, got, tc.want)
		}
	}

	p := monthly(gold.ID, 100)
	p.LookupKey = stripe.String("gold_monthly")
	p.Metadata = map[string]string{"kind": "main"}
	monthlyPrice := e.newPrice(p)
	oneTime := e.newPrice(&stripe.PriceCreateParams{Product: stripe.String(bronze.ID), Currency: stripe.String("eur"), UnitAmount: stripe.Int64(5)})
	searchPrices := func(q string) []string {
		t.Helper()
		var out []string
		for p, err := range e.sc.V1Prices.Search(e.ctx, &stripe.PriceSearchParams{SearchParams: stripe.SearchParams{Query: q}}).All(e.ctx) {
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			out = append(out, p.ID)
		}
		sort.Strings(out)
		return out
	}
	both := []string{monthlyPrice.ID, oneTime.ID}
	sort.Strings(both)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"product:'" + gold.ID + "'", []string{monthlyPrice.ID}},
		{"currency:'eur'", []string{oneTime.ID}},
		{"type:'recurring'", []string{monthlyPrice.ID}},
		{"lookup_key:'gold_monthly'", []string{monthlyPrice.ID}},
		{"metadata['kind']:'main'", []string{monthlyPrice.ID}},
		{"active:'true'", both},
		{"type:'one_time' OR currency:'usd'", both},
	} {
		if got := searchPrices(tc.query); strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("prices %q: %v, want %v", tc.query, got, tc.want)
		}
	}
	// Search results expand through data.
	r := e.do("GET", "/v1/prices/search?query="+url.QueryEscape("currency:'eur'")+"&expand[]=data.product", "")
	m := r.JSON(t)
	if m["object"] != "search_result" || m["url"] != "/v1/prices/search" ||
		m["data"].([]any)[0].(map[string]any)["product"].(map[string]any)["name"] != "Bronze gadget" {
		t.Fatalf("search expand = %s", r.Body)
	}
}

func TestCatalogEvents(t *testing.T) {
	// Portico on a database this test can read the events table of.
	dsn := testenv.DB(t)
	a, err := app.Open(context.Background(), app.Config{DB: dsn, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	e := &env{t: t, app: a, srv: srv, key: a.SecretKey, ctx: context.Background()}
	e.sc = e.client(0)

	pr, err := e.sc.V1Products.Create(e.ctx, &stripe.ProductCreateParams{Name: stripe.String("Evented"),
		DefaultPriceData: &stripe.ProductCreateDefaultPriceDataParams{Currency: stripe.String("usd"), UnitAmount: stripe.Int64(100)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sc.V1Products.Update(e.ctx, pr.ID, &stripe.ProductUpdateParams{Name: stripe.String("Renamed")}); err != nil {
		t.Fatal(err)
	}
	p := monthly(pr.ID, 200)
	p.LookupKey = stripe.String("k")
	first := e.newPrice(p)
	p.TransferLookupKey = stripe.Bool(true)
	second := e.newPrice(p)
	if _, err := e.sc.V1Prices.Update(e.ctx, second.ID, &stripe.PriceUpdateParams{Nickname: stripe.String("nick")}); err != nil {
		t.Fatal(err)
	}
	gone := e.newProduct("Gone")
	if _, err := e.sc.V1Products.Delete(e.ctx, gone.ID, nil); err != nil {
		t.Fatal(err)
	}
	// A request failing after its product.created was recorded records
	// nothing.
	if r := e.do("POST", "/v1/prices", "currency=usd&product_data[name]=Orphan&unit_amount=-1"); r.Status != 400 {
		t.Fatalf("bad price: %d %s", r.Status, r.Body)
	}

	db := openRO(t, dsn)
	defer db.Close()
	rows, err := db.Query(`SELECT type, object, previous FROM events ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type event struct {
		Type     string
		Object   map[string]any
		Previous map[string]any
	}
	var got []string
	var events []event
	for rows.Next() {
		var ev event
		var object, previous []byte
		if err := rows.Scan(&ev.Type, &object, &previous); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(object, &ev.Object); err != nil {
			t.Fatal(err)
		}
		if previous != nil {
			if err := json.Unmarshal(previous, &ev.Previous); err != nil {
				t.Fatal(err)
			}
		}
		events = append(events, ev)
		got = append(got, ev.Type+" "+ev.Object["id"].(string))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"product.created " + pr.ID, "price.created " + pr.DefaultPrice.ID, "product.updated " + pr.ID,
		"price.created " + first.ID, "price.updated " + first.ID, "price.created " + second.ID,
		"price.updated " + second.ID, "product.created " + gone.ID, "product.deleted " + gone.ID,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Updates carry the object before the change.
	if events[2].Previous["name"] != "Evented" || events[2].Object["name"] != "Renamed" {
		t.Errorf("product.updated = %+v", events[2])
	}
	if events[4].Previous["lookup_key"] != "k" || events[4].Object["lookup_key"] != nil {
		t.Errorf("lookup key transfer event = %+v", events[4])
	}
	if events[6].Previous["nickname"] != nil || events[6].Object["nickname"] != "nick" {
		t.Errorf("price.updated = %+v", events[6])
	}
	if events[0].Object["default_price"] != pr.DefaultPrice.ID {
		t.Errorf("product.created without its default price: %+v", events[0])
	}
}
