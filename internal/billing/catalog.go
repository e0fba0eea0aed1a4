package billing

// Product types.
const (
	ProductService = "service"
	ProductGood    = "good"
)

// PackageDimensions are a shippable product's size and weight.
type PackageDimensions struct {
	Height float64 `json:"height"`
	Length float64 `json:"length"`
	Weight float64 `json:"weight"`
	Width  float64 `json:"width"`
}

// MarketingFeature is one line of a product's feature list.
type MarketingFeature struct {
	Name string `json:"name"`
}

// Product is something the merchant sells.
type Product struct {
	ID                  string             `json:"id"`
	Created             int64              `json:"created"`
	Updated             int64              `json:"updated"`
	Livemode            bool               `json:"livemode"`
	Active              bool               `json:"active"`
	Name                string             `json:"name"`
	Description         string             `json:"description,omitempty"`
	DefaultPrice        string             `json:"default_price,omitempty"`
	Images              []string           `json:"images,omitempty"`
	MarketingFeatures   []MarketingFeature `json:"marketing_features,omitempty"`
	PackageDimensions   *PackageDimensions `json:"package_dimensions,omitempty"`
	Shippable           *bool              `json:"shippable,omitempty"`
	StatementDescriptor string             `json:"statement_descriptor,omitempty"`
	TaxCode             string             `json:"tax_code,omitempty"`
	UnitLabel           string             `json:"unit_label,omitempty"`
	URL                 string             `json:"url,omitempty"`
	Type                string             `json:"type"`
	Metadata            Metadata           `json:"metadata,omitempty"`
}

// Price types, billing schemes and tier modes.
const (
	PriceOneTime   = "one_time"
	PriceRecurring = "recurring"
	SchemePerUnit  = "per_unit"
	SchemeTiered   = "tiered"
	TiersGraduated = "graduated"
	TiersVolume    = "volume"
)

// Recurring says how often a recurring price bills.
type Recurring struct {
	Interval        string `json:"interval"` // day, week, month, year
	IntervalCount   int64  `json:"interval_count"`
	UsageType       string `json:"usage_type"` // licensed (metered is out of scope)
	TrialPeriodDays *int64 `json:"trial_period_days,omitempty"`
}

// Tier is one tier of a tiered price. UpTo nil means infinity (the last
// tier). Amounts are in the currency's minor unit; the decimal strings keep
// sub-minor-unit precision when given.
type Tier struct {
	UpTo              *int64 `json:"up_to,omitempty"`
	UnitAmount        *int64 `json:"unit_amount,omitempty"`
	UnitAmountDecimal string `json:"unit_amount_decimal,omitempty"`
	FlatAmount        *int64 `json:"flat_amount,omitempty"`
	FlatAmountDecimal string `json:"flat_amount_decimal,omitempty"`
}

// TransformQuantity divides the quantity before billing.
type TransformQuantity struct {
	DivideBy int64  `json:"divide_by"`
	Round    string `json:"round"` // up, down
}

// Price is what a product costs, once or per interval. Its amounts never
// change after creation, as in Stripe.
type Price struct {
	ID                string             `json:"id"`
	Created           int64              `json:"created"`
	Livemode          bool               `json:"livemode"`
	Active            bool               `json:"active"`
	Product           string             `json:"product"`
	Currency          string             `json:"currency"`
	Nickname          string             `json:"nickname,omitempty"`
	LookupKey         string             `json:"lookup_key,omitempty"`
	Type              string             `json:"type"`
	BillingScheme     string             `json:"billing_scheme"`
	UnitAmount        *int64             `json:"unit_amount,omitempty"`
	UnitAmountDecimal string             `json:"unit_amount_decimal,omitempty"`
	Recurring         *Recurring         `json:"recurring,omitempty"`
	TiersMode         string             `json:"tiers_mode,omitempty"`
	Tiers             []Tier             `json:"tiers,omitempty"`
	TaxBehavior       string             `json:"tax_behavior"`
	TransformQuantity *TransformQuantity `json:"transform_quantity,omitempty"`
	Metadata          Metadata           `json:"metadata,omitempty"`
}

// ProductFilter narrows a product list.
type ProductFilter struct {
	Active    *bool
	IDs       []string
	Shippable *bool
	URL       string
	Created   Range
}

// PriceFilter narrows a price list.
type PriceFilter struct {
	Active     *bool
	Currency   string
	Product    string
	Type       string
	LookupKeys []string
	Interval   string // recurring[interval]
	Created    Range
}

// CatalogStore keeps products and prices. InsertPrice and UpdatePrice return
// ErrConflict when the lookup key is already used by another price.
type CatalogStore interface {
	Product(id string) (*Product, error)
	InsertProduct(p *Product) error
	UpdateProduct(p *Product) error
	DeleteProduct(id string) error
	ListProducts(f ProductFilter, p Page) (List[*Product], error)
	ScanProducts(fn func(*Product) bool) error

	Price(id string) (*Price, error)
	PriceByLookupKey(key string) (*Price, error)
	InsertPrice(p *Price) error
	UpdatePrice(p *Price) error
	ListPrices(f PriceFilter, p Page) (List[*Price], error)
	ScanPrices(fn func(*Price) bool) error
	// ProductHasPrices reports whether any price (active or not) belongs to
	// the product; Stripe refuses to delete such products.
	ProductHasPrices(productID string) (bool, error)
}
