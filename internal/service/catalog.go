package service

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/searchquery"
)

// ProductParams are the parameters of creating or updating a product.
// Unset fields are left alone; set empty ones are cleared.
type ProductParams struct {
	Name                Field[string]
	Active              Field[bool]
	Description         Field[string]
	Images              Field[[]string]
	MarketingFeatures   Field[[]billing.MarketingFeature]
	PackageDimensions   Field[*billing.PackageDimensions]
	Shippable           Field[bool]
	StatementDescriptor Field[string]
	TaxCode             Field[string]
	UnitLabel           Field[string]
	URL                 Field[string]
	Metadata            billing.MetadataUpdate
	// Update only: the id of an active price of this product, or "" to
	// unset the default price.
	DefaultPrice Field[string]
	// Create only. ID is a caller-chosen id (random when empty); Type is
	// service (the default) or good; DefaultPriceData creates a price and
	// makes it the default price.
	ID               string
	Type             string
	DefaultPriceData *PriceParams
}

// PriceParams are the parameters of creating a price. Amounts are given
// either as integers in the currency's minor unit or as decimal strings with
// up to 12 decimal places, never both.
type PriceParams struct {
	Currency string
	// Product names an existing product; ProductData creates one instead.
	Product     string
	ProductData *ProductParams

	UnitAmount        *int64
	UnitAmountDecimal string
	Recurring         *billing.Recurring
	BillingScheme     string // default per_unit
	TiersMode         string
	// Tiers hold the raw tier amounts: UpTo nil is "inf", and each tier's
	// integer and decimal amounts are exclusive, as for the price itself.
	Tiers             []billing.Tier
	TransformQuantity *billing.TransformQuantity

	Active            Field[bool]
	Nickname          string
	LookupKey         string
	TransferLookupKey bool
	TaxBehavior       string // default unspecified
	Metadata          billing.MetadataUpdate
}

// PriceUpdateParams are what can change on a price: never its amounts.
type PriceUpdateParams struct {
	Active            Field[bool]
	Nickname          Field[string]
	LookupKey         Field[string]
	TransferLookupKey bool
	TaxBehavior       Field[string]
	Metadata          billing.MetadataUpdate
}

// PriceListFilter narrows a price list; UsageType is recurring[usage_type].
type PriceListFilter struct {
	billing.PriceFilter
	UsageType string
}

// Tax behaviours of a price.
const (
	TaxInclusive   = "inclusive"
	TaxExclusive   = "exclusive"
	TaxUnspecified = "unspecified"
)

// catalogParam returns the bracketed name of keys under prefix:
// catalogParam("default_price_data", "recurring", "interval") is
// default_price_data[recurring][interval].
func catalogParam(prefix string, keys ...string) string {
	out := prefix
	for _, k := range keys {
		if out == "" {
			out = k
		} else {
			out += "[" + k + "]"
		}
	}
	return out
}

// CreateProduct creates a product, and its default price when
// DefaultPriceData is given.
func (s *Service) CreateProduct(ctx context.Context, p ProductParams) (*billing.Product, error) {
	var pr *billing.Product
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		pr, err = createProduct(tx, p, "")
		return err
	})
	return pr, err
}

// createProduct creates a product in tx; prefix names the hash its
// parameters came in ("product_data" for a price's inline product).
func createProduct(tx billing.Tx, p ProductParams, prefix string) (*billing.Product, error) {
	now := tx.Now().Unix()
	pr := &billing.Product{ID: p.ID, Created: now, Updated: now, Livemode: tx.Livemode(), Active: true, Type: billing.ProductService}
	if p.Type != "" {
		pr.Type = p.Type
	}
	if pr.ID == "" {
		pr.ID = billing.NewID("prod")
	} else if _, err := tx.Product(pr.ID); err == nil {
		return nil, productExists(prefix, pr.ID)
	} else if !errors.Is(err, billing.ErrNotFound) {
		return nil, err
	}
	if err := applyProduct(pr, p, prefix); err != nil {
		return nil, err
	}
	var price *billing.Price
	if p.DefaultPriceData != nil {
		var err error
		if price, err = newPrice(tx, *p.DefaultPriceData, pr.ID, "default_price_data"); err != nil {
			return nil, err
		}
		pr.DefaultPrice = price.ID
	}
	if err := tx.InsertProduct(pr); err != nil {
		if errors.Is(err, billing.ErrConflict) {
			return nil, productExists(prefix, pr.ID)
		}
		return nil, err
	}
	if err := emit(tx, "product.created", "product", pr, nil); err != nil {
		return nil, err
	}
	if price != nil {
		if err := insertPrice(tx, price, false); err != nil {
			return nil, err
		}
	}
	return pr, nil
}

func productExists(prefix, id string) error {
	return billing.Invalid(catalogParam(prefix, "id"), "resource_already_exists", "Product already exists with ID: '%s'.", id)
}

// applyProduct validates p and applies it to pr.
func applyProduct(pr *billing.Product, p ProductParams, prefix string) error {
	if sd := p.StatementDescriptor; sd.Set && sd.Value != "" {
		if strings.ContainsAny(sd.Value, `<>\"'`) || !strings.ContainsFunc(sd.Value, isASCIILetter) {
			return billing.Invalid(catalogParam(prefix, "statement_descriptor"), "parameter_invalid",
				"Invalid statement_descriptor: it must contain at least one letter and none of the characters < > \\ \" '.")
		}
	}
	apply(&pr.Name, p.Name)
	apply(&pr.Active, p.Active)
	apply(&pr.Description, p.Description)
	apply(&pr.Images, p.Images)
	apply(&pr.MarketingFeatures, p.MarketingFeatures)
	apply(&pr.PackageDimensions, p.PackageDimensions)
	if p.Shippable.Set {
		v := p.Shippable.Value
		pr.Shippable = &v
	}
	apply(&pr.StatementDescriptor, p.StatementDescriptor)
	apply(&pr.TaxCode, p.TaxCode)
	apply(&pr.UnitLabel, p.UnitLabel)
	apply(&pr.URL, p.URL)
	md, merr := p.Metadata.Apply(pr.Metadata, catalogParam(prefix, "metadata"))
	if merr != nil {
		return merr
	}
	pr.Metadata = md
	return nil
}

func isASCIILetter(r rune) bool { return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') }

// Product returns the product with id.
func (s *Service) Product(ctx context.Context, id string) (*billing.Product, error) {
	return getByID(s, ctx, "product", id, billing.Tx.Product)
}

// UpdateProduct changes a product.
func (s *Service) UpdateProduct(ctx context.Context, id string, p ProductParams) (*billing.Product, error) {
	var pr *billing.Product
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		if pr, err = tx.Product(id); err != nil {
			return notFound(err, "product", id)
		}
		prev := *pr
		if dp := p.DefaultPrice; dp.Set && dp.Value != "" {
			price, err := tx.Price(dp.Value)
			if err != nil {
				return noSuchParam(err, "default_price", "price", dp.Value)
			}
			if price.Product != pr.ID {
				return billing.Invalid("default_price", "parameter_invalid",
					"The price `%s` belongs to another product; a product's default price must be one of its own prices.", price.ID)
			}
			if !price.Active {
				return billing.Invalid("default_price", "parameter_invalid", "The price specified is inactive. This field only accepts active prices.")
			}
		}
		apply(&pr.DefaultPrice, p.DefaultPrice)
		if err := applyProduct(pr, p, ""); err != nil {
			return err
		}
		pr.Updated = tx.Now().Unix()
		if err := tx.UpdateProduct(pr); err != nil {
			return err
		}
		return emit(tx, "product.updated", "product", pr, &prev)
	})
	return pr, err
}

// DeleteProduct deletes a product that has no prices; Stripe refuses to
// delete products with prices (they can be archived with active=false).
func (s *Service) DeleteProduct(ctx context.Context, id string) (*billing.Product, error) {
	var pr *billing.Product
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		if pr, err = tx.Product(id); err != nil {
			return notFound(err, "product", id)
		}
		has, err := tx.ProductHasPrices(id)
		if err != nil {
			return err
		}
		if has {
			return billing.Invalid("", "", "This product cannot be deleted because it has one or more user-created prices.")
		}
		if err := tx.DeleteProduct(id); err != nil {
			return err
		}
		return emit(tx, "product.deleted", "product", pr, nil)
	})
	return pr, err
}

// ListProducts lists products, newest first.
func (s *Service) ListProducts(ctx context.Context, f billing.ProductFilter, p billing.Page) (billing.List[*billing.Product], error) {
	return listPage(s, ctx, func(tx billing.Tx) (billing.List[*billing.Product], error) { return tx.ListProducts(f, p) })
}

// CreatePrice creates a price, and its product when ProductData is given.
func (s *Service) CreatePrice(ctx context.Context, p PriceParams) (*billing.Price, error) {
	var price *billing.Price
	err := s.update(ctx, func(tx billing.Tx) error {
		productID := p.Product
		switch {
		case p.Product != "" && p.ProductData != nil:
			return billing.Invalid("product_data", "parameters_exclusive", "You may only specify one of these parameters: product, product_data.")
		case p.Product != "":
			if _, err := tx.Product(p.Product); err != nil {
				return noSuchParam(err, "product", "product", p.Product)
			}
		case p.ProductData != nil:
			// A bad price below rolls the new product back with it.
			pr, err := createProduct(tx, *p.ProductData, "product_data")
			if err != nil {
				return err
			}
			productID = pr.ID
		default:
			return billing.Invalid("product", "parameter_missing", "Missing required param: product. Pass either product or product_data.")
		}
		var err error
		if price, err = newPrice(tx, p, productID, ""); err != nil {
			return err
		}
		return insertPrice(tx, price, p.TransferLookupKey)
	})
	return price, err
}

// intervalMax is the largest interval_count per interval: Stripe bills at
// most once a year.
var intervalMax = map[string]int64{"day": 365, "week": 52, "month": 12, "year": 1}

// newPrice validates p and builds the price (not yet stored) for
// productID; prefix names the hash the parameters came in
// ("default_price_data" for a product's default price).
func newPrice(tx billing.Tx, p PriceParams, productID, prefix string) (*billing.Price, error) {
	if !billing.ValidCurrency(p.Currency) {
		return nil, billing.Invalid(catalogParam(prefix, "currency"), "parameter_invalid",
			"Invalid currency: %s. Use a supported three-letter ISO currency code, in lowercase.", p.Currency)
	}
	price := &billing.Price{
		ID: billing.NewID("price"), Created: tx.Now().Unix(), Livemode: tx.Livemode(), Active: true,
		Product: productID, Currency: p.Currency, Type: billing.PriceOneTime, BillingScheme: billing.SchemePerUnit,
		TaxBehavior: TaxUnspecified, Nickname: p.Nickname, LookupKey: p.LookupKey,
	}
	apply(&price.Active, p.Active)
	if p.BillingScheme != "" {
		price.BillingScheme = p.BillingScheme
	}
	if p.TaxBehavior != "" {
		price.TaxBehavior = p.TaxBehavior
	}
	if r := p.Recurring; r != nil {
		rec := *r
		if err := checkRecurring(&rec, prefix); err != nil {
			return nil, err
		}
		price.Type = billing.PriceRecurring
		price.Recurring = &rec
	}
	if price.BillingScheme == billing.SchemeTiered {
		if err := tieredPrice(price, p, prefix); err != nil {
			return nil, err
		}
	} else {
		if p.TiersMode != "" || p.Tiers != nil {
			key := "tiers"
			if p.TiersMode != "" {
				key = "tiers_mode"
			}
			return nil, billing.Invalid(catalogParam(prefix, key), "parameter_invalid", "%s can only be used with billing_scheme=tiered.", key)
		}
		n, dec, err := priceAmount(p.UnitAmount, p.UnitAmountDecimal, catalogParam(prefix, "unit_amount"), catalogParam(prefix, "unit_amount_decimal"))
		if err != nil {
			return nil, err
		}
		if n == nil && dec == "" {
			return nil, billing.Invalid(catalogParam(prefix, "unit_amount"), "parameter_missing",
				"Missing required param: %s. Pass either unit_amount or unit_amount_decimal (or billing_scheme=tiered with tiers).", catalogParam(prefix, "unit_amount"))
		}
		price.UnitAmount, price.UnitAmountDecimal = n, dec
		if tq := p.TransformQuantity; tq != nil {
			if tq.DivideBy < 1 {
				return nil, billing.Invalid(catalogParam(prefix, "transform_quantity", "divide_by"), "parameter_invalid_integer",
					"Invalid transform_quantity[divide_by]: must be at least 1.")
			}
			t := *tq
			price.TransformQuantity = &t
		}
	}
	md, merr := p.Metadata.Apply(nil, catalogParam(prefix, "metadata"))
	if merr != nil {
		return nil, merr
	}
	price.Metadata = md
	return price, nil
}

// checkRecurring validates and completes a price's recurring terms.
func checkRecurring(r *billing.Recurring, prefix string) error {
	if r.UsageType == "" {
		r.UsageType = "licensed"
	}
	if r.UsageType != "licensed" {
		return billing.Invalid(catalogParam(prefix, "recurring", "usage_type"), "parameter_invalid",
			"Metered prices (recurring[usage_type]=metered) are not supported by Portico; use licensed prices, billed per quantity.")
	}
	if r.IntervalCount == 0 {
		r.IntervalCount = 1
	}
	if max := intervalMax[r.Interval]; r.IntervalCount < 1 || r.IntervalCount > max {
		return billing.Invalid(catalogParam(prefix, "recurring", "interval_count"), "parameter_invalid_integer",
			"Invalid recurring[interval_count]: the interval must be between 1 %s and one year (365 days, 52 weeks, 12 months or 1 year).", r.Interval)
	}
	if t := r.TrialPeriodDays; t != nil && (*t < 0 || *t > 730) {
		return billing.Invalid(catalogParam(prefix, "recurring", "trial_period_days"), "parameter_invalid_integer",
			"Invalid recurring[trial_period_days]: must be between 0 and 730.")
	}
	return nil
}

// tieredPrice validates the tiers of a tiered price and sets them on price.
func tieredPrice(price *billing.Price, p PriceParams, prefix string) error {
	if p.UnitAmount != nil || p.UnitAmountDecimal != "" {
		key := "unit_amount"
		if p.UnitAmount == nil {
			key = "unit_amount_decimal"
		}
		return billing.Invalid(catalogParam(prefix, key), "parameter_invalid",
			"%s cannot be used with billing_scheme=tiered; give the amounts in tiers instead.", key)
	}
	if p.TransformQuantity != nil {
		return billing.Invalid(catalogParam(prefix, "transform_quantity"), "parameter_invalid",
			"transform_quantity cannot be used with billing_scheme=tiered.")
	}
	if p.TiersMode == "" {
		return billing.Missing(catalogParam(prefix, "tiers_mode"))
	}
	if len(p.Tiers) == 0 {
		return billing.Missing(catalogParam(prefix, "tiers"))
	}
	var prevUpTo int64
	tiers := make([]billing.Tier, len(p.Tiers))
	for i, t := range p.Tiers {
		name := func(k string) string { return catalogParam(prefix, "tiers", strconv.Itoa(i), k) }
		last := i == len(p.Tiers)-1
		switch {
		case t.UpTo == nil && !last:
			return billing.Invalid(name("up_to"), "parameter_invalid", "Only the last tier can have up_to=inf.")
		case t.UpTo != nil && last:
			return billing.Invalid(name("up_to"), "parameter_invalid", "The last tier must have up_to=inf.")
		case t.UpTo != nil && *t.UpTo <= prevUpTo:
			return billing.Invalid(name("up_to"), "parameter_invalid",
				"Invalid %s: tiers must be sorted by up_to, each greater than the one before it (and at least 1).", name("up_to"))
		}
		if t.UpTo != nil {
			prevUpTo = *t.UpTo
		}
		out := billing.Tier{UpTo: t.UpTo}
		var err error
		if out.UnitAmount, out.UnitAmountDecimal, err = priceAmount(t.UnitAmount, t.UnitAmountDecimal, name("unit_amount"), name("unit_amount_decimal")); err != nil {
			return err
		}
		if out.FlatAmount, out.FlatAmountDecimal, err = priceAmount(t.FlatAmount, t.FlatAmountDecimal, name("flat_amount"), name("flat_amount_decimal")); err != nil {
			return err
		}
		if out.UnitAmountDecimal == "" && out.FlatAmountDecimal == "" {
			return billing.Invalid(name("unit_amount"), "parameter_missing",
				"Each tier needs an amount: unit_amount, unit_amount_decimal, flat_amount or flat_amount_decimal.")
		}
		tiers[i] = out
	}
	price.TiersMode = p.TiersMode
	price.Tiers = tiers
	return nil
}

// decimalRE is Stripe's decimal amount: a non-negative number with at most
// 12 decimal places.
var decimalRE = regexp.MustCompile(`^[0-9]{1,18}(\.[0-9]{1,12})?$`)

// priceAmount checks an amount given as an integer n or a decimal string dec
// (exclusive) and returns both forms: the integer when the amount is whole,
// and the decimal string, normalized ("12.50" is "12.5"), always.
func priceAmount(n *int64, dec, intParam, decParam string) (*int64, string, error) {
	switch {
	case n != nil && dec != "":
		return nil, "", billing.Invalid(decParam, "parameters_exclusive",
			"You may only specify one of these parameters: %s, %s.", intParam, decParam)
	case n != nil:
		if *n < 0 {
			return nil, "", billing.Invalid(intParam, "parameter_invalid_integer", "Invalid %s: must be a non-negative integer.", intParam)
		}
		v := *n
		return &v, strconv.FormatInt(v, 10), nil
	case dec != "":
		if !decimalRE.MatchString(dec) {
			return nil, "", billing.Invalid(decParam, "parameter_invalid",
				"Invalid %s: must be a non-negative decimal number with at most 12 decimal places.", decParam)
		}
		whole, frac, _ := strings.Cut(dec, ".")
		whole = strings.TrimLeft(whole, "0")
		if whole == "" {
			whole = "0"
		}
		frac = strings.TrimRight(frac, "0")
		if frac != "" {
			return nil, whole + "." + frac, nil
		}
		v, err := strconv.ParseInt(whole, 10, 64)
		if err != nil {
			return nil, "", billing.Invalid(decParam, "parameter_invalid", "Invalid %s: too large.", decParam)
		}
		return &v, whole, nil
	}
	return nil, "", nil
}

// insertPrice stores a new price, claiming its lookup key.
func insertPrice(tx billing.Tx, price *billing.Price, transfer bool) error {
	if err := claimLookupKey(tx, price, transfer); err != nil {
		return err
	}
	if err := tx.InsertPrice(price); err != nil {
		if errors.Is(err, billing.ErrConflict) {
			return billing.Invalid("lookup_key", "resource_already_exists", "Another price already uses that lookup key.")
		}
		return err
	}
	return emit(tx, "price.created", "price", price, nil)
}

// claimLookupKey makes price's lookup key free for it: when another price
// holds the key, it is moved to price with transfer, and an error otherwise.
func claimLookupKey(tx billing.Tx, price *billing.Price, transfer bool) error {
	if price.LookupKey == "" {
		return nil
	}
	other, err := tx.PriceByLookupKey(price.LookupKey)
	if errors.Is(err, billing.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if other.ID == price.ID {
		return nil
	}
	if !transfer {
		return billing.Invalid("lookup_key", "resource_already_exists", "A price (`%s`) already uses that lookup key.", other.ID)
	}
	prev := *other
	other.LookupKey = ""
	if err := tx.UpdatePrice(other); err != nil {
		return err
	}
	return emit(tx, "price.updated", "price", other, &prev)
}

// Price returns the price with id.
func (s *Service) Price(ctx context.Context, id string) (*billing.Price, error) {
	return getByID(s, ctx, "price", id, billing.Tx.Price)
}

// UpdatePrice changes what may change on a price.
func (s *Service) UpdatePrice(ctx context.Context, id string, p PriceUpdateParams) (*billing.Price, error) {
	var price *billing.Price
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		if price, err = tx.Price(id); err != nil {
			return notFound(err, "price", id)
		}
		prev := *price
		if p.Active.Set && !p.Active.Value && price.Active {
			pr, err := tx.Product(price.Product)
			if err != nil && !errors.Is(err, billing.ErrNotFound) {
				return err
			}
			if pr != nil && pr.DefaultPrice == price.ID {
				return billing.Invalid("active", "parameter_invalid", "This price cannot be archived because it is the default price of its product.")
			}
		}
		if tb := p.TaxBehavior; tb.Set && price.TaxBehavior != TaxUnspecified && tb.Value != price.TaxBehavior {
			return billing.Invalid("tax_behavior", "parameter_invalid",
				"The tax_behavior of a price cannot be changed once it is inclusive or exclusive (it is %s).", price.TaxBehavior)
		}
		apply(&price.Active, p.Active)
		apply(&price.Nickname, p.Nickname)
		apply(&price.LookupKey, p.LookupKey)
		apply(&price.TaxBehavior, p.TaxBehavior)
		md, merr := p.Metadata.Apply(price.Metadata, "metadata")
		if merr != nil {
			return merr
		}
		price.Metadata = md
		if err := claimLookupKey(tx, price, p.TransferLookupKey); err != nil {
			return err
		}
		if err := tx.UpdatePrice(price); err != nil {
			if errors.Is(err, billing.ErrConflict) {
				return billing.Invalid("lookup_key", "resource_already_exists", "Another price already uses that lookup key.")
			}
			return err
		}
		return emit(tx, "price.updated", "price", price, &prev)
	})
	return price, err
}

// ListPrices lists prices, newest first.
func (s *Service) ListPrices(ctx context.Context, f PriceListFilter, p billing.Page) (billing.List[*billing.Price], error) {
	var l billing.List[*billing.Price]
	switch f.UsageType {
	case "metered":
		// Portico has no metered prices.
		return l, nil
	case "licensed":
		// Every recurring price is licensed.
		if f.Type == billing.PriceOneTime {
			return l, nil
		}
		f.Type = billing.PriceRecurring
	}
	err := s.view(ctx, func(tx billing.Tx) error {
		var err error
		l, err = tx.ListPrices(f.PriceFilter, p)
		return err
	})
	return l, err
}

// productSearchSchema lists the fields /v1/products/search supports.
var productSearchSchema = searchquery.Schema{
	"active":      searchquery.KindToken,
	"description": searchquery.KindString,
	"name":        searchquery.KindString,
	"shippable":   searchquery.KindToken,
	"url":         searchquery.KindString,
	"created":     searchquery.KindNumber,
	"metadata":    searchquery.KindMetadata,
}

// productRecord exposes a product's fields to search queries.
type productRecord struct{ p *billing.Product }

// Field returns a product field's value for the search query language.
func (r productRecord) Field(name, key string) (string, bool) {
	switch name {
	case "active":
		return strconv.FormatBool(r.p.Active), true
	case "description":
		return r.p.Description, r.p.Description != ""
	case "name":
		return r.p.Name, r.p.Name != ""
	case "shippable":
		if r.p.Shippable == nil {
			return "", false
		}
		return strconv.FormatBool(*r.p.Shippable), true
	case "url":
		return r.p.URL, r.p.URL != ""
	case "created":
		return itoa(r.p.Created), true
	case "metadata":
		v, ok := r.p.Metadata[key]
		return v, ok
	}
	return "", false
}

// SearchProducts runs a search query over products; results are current at
// once.
func (s *Service) SearchProducts(ctx context.Context, query string, limit int, page string) (SearchPage[*billing.Product], error) {
	return search(s, ctx, query, productSearchSchema, limit, page,
		func(tx billing.Tx) func(func(*billing.Product) bool) error { return tx.ScanProducts },
		func(p *billing.Product) string { return p.ID },
		func(p *billing.Product) searchquery.Record { return productRecord{p} })
}

// priceSearchSchema lists the fields /v1/prices/search supports.
var priceSearchSchema = searchquery.Schema{
	"active":     searchquery.KindToken,
	"currency":   searchquery.KindToken,
	"lookup_key": searchquery.KindString,
	"product":    searchquery.KindToken,
	"type":       searchquery.KindToken,
	"created":    searchquery.KindNumber,
	"metadata":   searchquery.KindMetadata,
}

// priceRecord exposes a price's fields to search queries.
type priceRecord struct{ p *billing.Price }

// Field returns a price field's value for the search query language.
func (r priceRecord) Field(name, key string) (string, bool) {
	switch name {
	case "active":
		return strconv.FormatBool(r.p.Active), true
	case "currency":
		return r.p.Currency, true
	case "lookup_key":
		return r.p.LookupKey, r.p.LookupKey != ""
	case "product":
		return r.p.Product, true
	case "type":
		return r.p.Type, true
	case "created":
		return itoa(r.p.Created), true
	case "metadata":
		v, ok := r.p.Metadata[key]
		return v, ok
	}
	return "", false
}

// SearchPrices runs a search query over prices; results are current at once.
func (s *Service) SearchPrices(ctx context.Context, query string, limit int, page string) (SearchPage[*billing.Price], error) {
	return search(s, ctx, query, priceSearchSchema, limit, page,
		func(tx billing.Tx) func(func(*billing.Price) bool) error { return tx.ScanPrices },
		func(p *billing.Price) string { return p.ID },
		func(p *billing.Price) searchquery.Record { return priceRecord{p} })
}
