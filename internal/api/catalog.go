package api

import (
	"context"
	"strconv"
	"strings"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
	"github.com/porticohq/portico/internal/stripewire"
)

func (a *API) catalogRoutes() {
	a.handle("POST /v1/products", "product", a.createProduct)
	a.handle("GET /v1/products", "list:product", a.listProducts)
	a.handle("GET /v1/products/search", "search:product", a.searchProducts)
	a.handle("GET /v1/products/{id}", "product", a.getProduct)
	a.handle("POST /v1/products/{id}", "product", a.updateProduct)
	a.handle("DELETE /v1/products/{id}", "deleted", a.deleteProduct)
	a.handle("POST /v1/prices", "price", a.createPrice)
	a.handle("GET /v1/prices", "list:price", a.listPrices)
	a.handle("GET /v1/prices/search", "search:price", a.searchPrices)
	a.handle("GET /v1/prices/{id}", "price", a.getPrice)
	a.handle("POST /v1/prices/{id}", "price", a.updatePrice)
}

// Stripe's limits on product lists.
const (
	maxProductImages   = 8
	maxProductFeatures = 15
)

// productParams reads the parameters products' create and update share.
func productParams(f *stripewire.Form, create bool) service.ProductParams {
	var p service.ProductParams
	if create {
		p.ID, _ = f.NonEmptyString("id")
		f.MaxLen("id", p.ID, 5000)
		if strings.ContainsAny(p.ID, "/?#% \t\r\n") {
			f.Fail(billing.Invalid("id", "parameter_invalid", "Invalid id: it may not contain spaces or the characters / ? # %%."))
		}
		name := f.RequiredString("name")
		f.MaxLen("name", name, 5000)
		p.Name = service.Set(name)
	} else {
		p.Name = nonEmpty(f, "name", 5000)
	}
	if b, ok := f.Bool("active"); ok {
		p.Active = service.Set(b)
	}
	p.Description = str(f, "description", 40000)
	if imgs, present := f.StringList("images"); present {
		if len(imgs) > maxProductImages {
			f.Fail(billing.Invalid("images", "parameter_invalid", "Invalid images: a product can have at most %d images.", maxProductImages))
		}
		for i, u := range imgs {
			f.MaxLen("images["+strconv.Itoa(i)+"]", u, 2048)
		}
		if len(imgs) == 0 {
			imgs = nil
		}
		p.Images = service.Set(imgs)
	}
	if items, present := f.HashList("marketing_features"); present {
		if len(items) > maxProductFeatures {
			f.Fail(billing.Invalid("marketing_features", "parameter_invalid", "Invalid marketing_features: a product can have at most %d.", maxProductFeatures))
		}
		var feats []billing.MarketingFeature
		for _, it := range items {
			name := it.RequiredString("name")
			it.MaxLen("name", name, 80)
			feats = append(feats, billing.MarketingFeature{Name: name})
		}
		p.MarketingFeatures = service.Set(feats)
	}
	p.PackageDimensions = packageDimensions(f)
	if b, ok := f.Bool("shippable"); ok {
		p.Shippable = service.Set(b)
	}
	p.StatementDescriptor = str(f, "statement_descriptor", 22)
	p.TaxCode = str(f, "tax_code", 5000)
	p.UnitLabel = str(f, "unit_label", 12)
	p.URL = str(f, "url", 5000)
	p.Metadata = f.Metadata("metadata")
	if create {
		p.Type, _ = f.Enum("type", billing.ProductService, billing.ProductGood)
		if sub, _ := f.Hash("default_price_data"); sub != nil {
			p.DefaultPriceData = defaultPriceData(sub)
		}
	} else {
		p.DefaultPrice = str(f, "default_price", 5000)
	}
	return p
}

// packageDimensions reads package_dimensions: all four numbers, or empty
// to clear.
func packageDimensions(f *stripewire.Form) service.Field[*billing.PackageDimensions] {
	sub, cleared := f.Hash("package_dimensions")
	if cleared {
		return service.Set[*billing.PackageDimensions](nil)
	}
	if sub == nil {
		return service.Field[*billing.PackageDimensions]{}
	}
	d := &billing.PackageDimensions{}
	for _, v := range []struct {
		key string
		dst *float64
	}{{"height", &d.Height}, {"length", &d.Length}, {"weight", &d.Weight}, {"width", &d.Width}} {
		x, ok := sub.Float(v.key)
		switch {
		case !ok && !sub.Failed():
			sub.Fail(billing.Missing(sub.Name(v.key)))
		case x <= 0 && ok:
			sub.Fail(billing.Invalid(sub.Name(v.key), "parameter_invalid", "Invalid %s: must be greater than 0.", sub.Name(v.key)))
		}
		*v.dst = x
	}
	return service.Set(d)
}

// productData reads a price's inline product_data.
func productData(f *stripewire.Form) *service.ProductParams {
	p := &service.ProductParams{}
	name := f.RequiredString("name")
	f.MaxLen("name", name, 5000)
	p.Name = service.Set(name)
	p.ID, _ = f.NonEmptyString("id")
	f.MaxLen("id", p.ID, 5000)
	if b, ok := f.Bool("active"); ok {
		p.Active = service.Set(b)
	}
	p.StatementDescriptor = str(f, "statement_descriptor", 22)
	p.TaxCode = str(f, "tax_code", 5000)
	p.UnitLabel = str(f, "unit_label", 12)
	p.Metadata = f.Metadata("metadata")
	return p
}

// defaultPriceData reads a product's default_price_data: a price without
// a product, lookup key or tiers.
func defaultPriceData(f *stripewire.Form) *service.PriceParams {
	p := &service.PriceParams{}
	p.Currency = strings.ToLower(f.RequiredString("currency"))
	p.UnitAmount, p.UnitAmountDecimal = amountParams(f, "unit_amount")
	p.Recurring = priceRecurring(f, false)
	p.TaxBehavior, _ = f.Enum("tax_behavior", service.TaxExclusive, service.TaxInclusive, service.TaxUnspecified)
	p.Metadata = f.Metadata("metadata")
	return p
}

// amountParams reads key (an integer) and key_decimal (a decimal string).
func amountParams(f *stripewire.Form, key string) (*int64, string) {
	var n *int64
	if v, ok := f.Int(key); ok {
		n = &v
	}
	dec, _ := f.NonEmptyString(key + "_decimal")
	return n, dec
}

// priceRecurring reads a price's recurring hash; full adds what only
// /v1/prices takes (usage_type, trial_period_days).
func priceRecurring(f *stripewire.Form, full bool) *billing.Recurring {
	sub, _ := f.Hash("recurring")
	if sub == nil {
		return nil
	}
	r := &billing.Recurring{}
	var ok bool
	if r.Interval, ok = sub.Enum("interval", "day", "week", "month", "year"); !ok && !sub.Failed() {
		sub.Fail(billing.Missing(sub.Name("interval")))
	}
	if n, ok := sub.Int("interval_count"); ok {
		if n < 1 {
			sub.Fail(billing.Invalid(sub.Name("interval_count"), "parameter_invalid_integer", "Invalid %s: must be at least 1.", sub.Name("interval_count")))
		}
		r.IntervalCount = n
	}
	if full {
		r.UsageType, _ = sub.Enum("usage_type", "licensed", "metered")
		if n, ok := sub.Int("trial_period_days"); ok {
			r.TrialPeriodDays = &n
		}
	}
	return r
}

// priceTiers reads tiers[i][up_to] ("inf" or an integer) and the tier amounts.
func priceTiers(f *stripewire.Form) []billing.Tier {
	items, present := f.HashList("tiers")
	if !present {
		return nil
	}
	out := []billing.Tier{}
	for _, it := range items {
		var t billing.Tier
		up, ok := it.NonEmptyString("up_to")
		if !ok && !it.Failed() {
			it.Fail(billing.Missing(it.Name("up_to")))
		}
		if ok && up != "inf" {
			n, err := strconv.ParseInt(up, 10, 64)
			if err != nil {
				it.Fail(billing.Invalid(it.Name("up_to"), "parameter_invalid_integer", "Invalid %s: must be an integer or inf.", it.Name("up_to")))
			}
			t.UpTo = &n
		}
		t.UnitAmount, t.UnitAmountDecimal = amountParams(it, "unit_amount")
		t.FlatAmount, t.FlatAmountDecimal = amountParams(it, "flat_amount")
		out = append(out, t)
	}
	return out
}

func (a *API) createProduct(r *Req) Run {
	p := productParams(r.Form, true)
	return func(ctx context.Context) (any, error) { return a.svc.CreateProduct(ctx, p) }
}

func (a *API) getProduct(r *Req) Run {
	id := r.PathValue("id")
	return func(ctx context.Context) (any, error) { return a.svc.Product(ctx, id) }
}

func (a *API) updateProduct(r *Req) Run {
	id := r.PathValue("id")
	p := productParams(r.Form, false)
	return func(ctx context.Context) (any, error) { return a.svc.UpdateProduct(ctx, id, p) }
}

func (a *API) deleteProduct(r *Req) Run {
	id := r.PathValue("id")
	return func(ctx context.Context) (any, error) {
		p, err := a.svc.DeleteProduct(ctx, id)
		if err != nil {
			return nil, err
		}
		return stripewire.Deleted{ID: p.ID, Object: "product"}, nil
	}
}

func (a *API) listProducts(r *Req) Run {
	f := billing.ProductFilter{}
	f.Active = optBool(r.Form, "active")
	if ids, present := r.Form.StringList("ids"); present && len(ids) > 0 {
		f.IDs = ids
	}
	f.Shippable = optBool(r.Form, "shippable")
	f.URL, _ = r.Form.NonEmptyString("url")
	f.Created = rangeParam(r.Form, "created")
	p := page(r.Form)
	return func(ctx context.Context) (any, error) {
		l, err := a.svc.ListProducts(ctx, f, p)
		return stripewire.ListOf("/v1/products", l), err
	}
}

func (a *API) searchProducts(r *Req) Run {
	q, limit, pg := searchParams(r.Form)
	return func(ctx context.Context) (any, error) {
		res, err := a.svc.SearchProducts(ctx, q, limit, pg)
		return searchResult("/v1/products/search", res, err)
	}
}

func (a *API) createPrice(r *Req) Run {
	f := r.Form
	var p service.PriceParams
	p.Currency = strings.ToLower(f.RequiredString("currency"))
	p.Product, _ = f.NonEmptyString("product")
	if sub, _ := f.Hash("product_data"); sub != nil {
		p.ProductData = productData(sub)
	}
	p.UnitAmount, p.UnitAmountDecimal = amountParams(f, "unit_amount")
	p.Recurring = priceRecurring(f, true)
	p.BillingScheme, _ = f.Enum("billing_scheme", billing.SchemePerUnit, billing.SchemeTiered)
	p.TiersMode, _ = f.Enum("tiers_mode", billing.TiersGraduated, billing.TiersVolume)
	p.Tiers = priceTiers(f)
	if sub, _ := f.Hash("transform_quantity"); sub != nil {
		tq := &billing.TransformQuantity{}
		var ok bool
		if tq.DivideBy, ok = sub.Int("divide_by"); !ok && !sub.Failed() {
			sub.Fail(billing.Missing(sub.Name("divide_by")))
		}
		if tq.Round, ok = sub.Enum("round", "up", "down"); !ok && !sub.Failed() {
			sub.Fail(billing.Missing(sub.Name("round")))
		}
		p.TransformQuantity = tq
	}
	if b, ok := f.Bool("active"); ok {
		p.Active = service.Set(b)
	}
	p.Nickname, _ = f.String("nickname")
	f.MaxLen("nickname", p.Nickname, 5000)
	p.LookupKey, _ = f.String("lookup_key")
	f.MaxLen("lookup_key", p.LookupKey, 200)
	p.TransferLookupKey, _ = f.Bool("transfer_lookup_key")
	p.TaxBehavior, _ = f.Enum("tax_behavior", service.TaxExclusive, service.TaxInclusive, service.TaxUnspecified)
	p.Metadata = f.Metadata("metadata")
	return func(ctx context.Context) (any, error) { return a.svc.CreatePrice(ctx, p) }
}

func (a *API) getPrice(r *Req) Run {
	id := r.PathValue("id")
	return func(ctx context.Context) (any, error) { return a.svc.Price(ctx, id) }
}

// updatePrice reads what may change on a price; amounts, currency and
// currency_options are not read, so sending them is parameter_unknown.
func (a *API) updatePrice(r *Req) Run {
	id := r.PathValue("id")
	f := r.Form
	var p service.PriceUpdateParams
	if b, ok := f.Bool("active"); ok {
		p.Active = service.Set(b)
	}
	p.Nickname = str(f, "nickname", 5000)
	p.LookupKey = str(f, "lookup_key", 200)
	p.TransferLookupKey, _ = f.Bool("transfer_lookup_key")
	if v, ok := f.Enum("tax_behavior", service.TaxExclusive, service.TaxInclusive, service.TaxUnspecified); ok {
		p.TaxBehavior = service.Set(v)
	}
	p.Metadata = f.Metadata("metadata")
	return func(ctx context.Context) (any, error) { return a.svc.UpdatePrice(ctx, id, p) }
}

func (a *API) listPrices(r *Req) Run {
	f := r.Form
	var lf service.PriceListFilter
	lf.Active = optBool(f, "active")
	cur, _ := f.NonEmptyString("currency")
	lf.Currency = strings.ToLower(cur)
	lf.Product, _ = f.NonEmptyString("product")
	lf.Type, _ = f.Enum("type", billing.PriceOneTime, billing.PriceRecurring)
	if keys, present := f.StringList("lookup_keys"); present && len(keys) > 0 {
		if len(keys) > 10 {
			f.Fail(billing.Invalid("lookup_keys", "parameter_invalid", "Invalid lookup_keys: at most 10 lookup keys can be given."))
		}
		lf.LookupKeys = keys
	}
	if sub, _ := f.Hash("recurring"); sub != nil {
		lf.Interval, _ = sub.Enum("interval", "day", "week", "month", "year")
		lf.UsageType, _ = sub.Enum("usage_type", "licensed", "metered")
	}
	lf.Created = rangeParam(f, "created")
	p := page(f)
	return func(ctx context.Context) (any, error) {
		l, err := a.svc.ListPrices(ctx, lf, p)
		return stripewire.ListOf("/v1/prices", l), err
	}
}

func (a *API) searchPrices(r *Req) Run {
	q, limit, pg := searchParams(r.Form)
	return func(ctx context.Context) (any, error) {
		res, err := a.svc.SearchPrices(ctx, q, limit, pg)
		return searchResult("/v1/prices/search", res, err)
	}
}
