package billing

// Address is a postal address. Empty fields are unset.
type Address struct {
	City       string `json:"city,omitempty"`
	Country    string `json:"country,omitempty"`
	Line1      string `json:"line1,omitempty"`
	Line2      string `json:"line2,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	State      string `json:"state,omitempty"`
}

// Shipping is a customer's shipping details.
type Shipping struct {
	Address Address `json:"address"`
	Name    string  `json:"name"`
	Phone   string  `json:"phone,omitempty"`
}

// CustomField is a name/value pair printed on invoices.
type CustomField struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// InvoiceSettings are a customer's defaults for invoices.
type InvoiceSettings struct {
	DefaultPaymentMethod string        `json:"default_payment_method,omitempty"`
	CustomFields         []CustomField `json:"custom_fields,omitempty"`
	Footer               string        `json:"footer,omitempty"`
}

// Tax exemption statuses.
const (
	TaxExemptNone    = "none"
	TaxExemptExempt  = "exempt"
	TaxExemptReverse = "reverse"
)

// Customer is a customer of the merchant.
type Customer struct {
	ID                  string          `json:"id"`
	Created             int64           `json:"created"`
	Livemode            bool            `json:"livemode"`
	Name                string          `json:"name,omitempty"`
	Email               string          `json:"email,omitempty"`
	Phone               string          `json:"phone,omitempty"`
	Description         string          `json:"description,omitempty"`
	Address             *Address        `json:"address,omitempty"`
	Shipping            *Shipping       `json:"shipping,omitempty"`
	Balance             int64           `json:"balance"`
	Currency            string          `json:"currency,omitempty"`
	Delinquent          bool            `json:"delinquent,omitempty"`
	InvoicePrefix       string          `json:"invoice_prefix"`
	NextInvoiceSequence int64           `json:"next_invoice_sequence"`
	InvoiceSettings     InvoiceSettings `json:"invoice_settings"`
	PreferredLocales    []string        `json:"preferred_locales,omitempty"`
	TaxExempt           string          `json:"tax_exempt"`
	TestClock           string          `json:"test_clock,omitempty"`
	Metadata            Metadata        `json:"metadata,omitempty"`
	// Deleted customers stay as tombstones: retrieving one answers
	// {id, object, deleted: true}, as Stripe does.
	Deleted bool `json:"deleted,omitempty"`
}

// NewInvoicePrefix returns a customer's invoice number prefix: eight
// characters of uppercase letters and digits, as Stripe's.
func NewInvoicePrefix() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	r := RandomString(8)
	b := []byte(r)
	for i, c := range b {
		b[i] = alphabet[int(c)%len(alphabet)]
	}
	return string(b)
}
