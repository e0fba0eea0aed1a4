package stripewire

import "github.com/porticohq/portico/internal/billing"

// AddressJSON is Stripe's address object: every field present, null when
// unset.
type AddressJSON struct {
	City       *string `json:"city"`
	Country    *string `json:"country"`
	Line1      *string `json:"line1"`
	Line2      *string `json:"line2"`
	PostalCode *string `json:"postal_code"`
	State      *string `json:"state"`
}

// Address renders a (possibly nil) address; nil renders as null.
func Address(a *billing.Address) *AddressJSON {
	if a == nil {
		return nil
	}
	return &AddressJSON{City: ns(a.City), Country: ns(a.Country), Line1: ns(a.Line1), Line2: ns(a.Line2), PostalCode: ns(a.PostalCode), State: ns(a.State)}
}

type shippingJSON struct {
	Address        *AddressJSON `json:"address"`
	Carrier        *string      `json:"carrier"`
	Name           string       `json:"name"`
	Phone          *string      `json:"phone"`
	TrackingNumber *string      `json:"tracking_number"`
}

type customFieldJSON struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type invoiceSettingsJSON struct {
	CustomFields         []customFieldJSON `json:"custom_fields"`
	DefaultPaymentMethod Ref               `json:"default_payment_method"`
	Footer               *string           `json:"footer"`
	RenderingOptions     any               `json:"rendering_options"`
}

type customerJSON struct {
	ID                  string              `json:"id"`
	Object              string              `json:"object"`
	Address             *AddressJSON        `json:"address"`
	Balance             int64               `json:"balance"`
	Created             int64               `json:"created"`
	Currency            *string             `json:"currency"`
	DefaultSource       Ref                 `json:"default_source"`
	Delinquent          bool                `json:"delinquent"`
	Description         *string             `json:"description"`
	Discount            any                 `json:"discount"`
	Email               *string             `json:"email"`
	InvoicePrefix       string              `json:"invoice_prefix"`
	InvoiceSettings     invoiceSettingsJSON `json:"invoice_settings"`
	Livemode            bool                `json:"livemode"`
	Metadata            billing.Metadata    `json:"metadata"`
	Name                *string             `json:"name"`
	NextInvoiceSequence int64               `json:"next_invoice_sequence"`
	Phone               *string             `json:"phone"`
	PreferredLocales    []string            `json:"preferred_locales"`
	Shipping            *shippingJSON       `json:"shipping"`
	TaxExempt           string              `json:"tax_exempt"`
	TestClock           Ref                 `json:"test_clock"`
}

func (r *Renderer) customer(c *billing.Customer, e Expand) (any, error) {
	out := customerJSON{
		ID: c.ID, Object: "customer", Address: Address(c.Address), Balance: c.Balance, Created: c.Created,
		Currency: ns(c.Currency), Delinquent: c.Delinquent, Description: ns(c.Description), Email: ns(c.Email),
		InvoicePrefix: c.InvoicePrefix, Livemode: c.Livemode, Metadata: metadata(c.Metadata), Name: ns(c.Name),
		NextInvoiceSequence: c.NextInvoiceSequence, Phone: ns(c.Phone), PreferredLocales: strs(c.PreferredLocales),
		TaxExempt: c.TaxExempt,
	}
	if c.Shipping != nil {
		a := Address(&c.Shipping.Address)
		out.Shipping = &shippingJSON{Address: a, Name: c.Shipping.Name, Phone: ns(c.Shipping.Phone)}
	}
	out.InvoiceSettings.Footer = ns(c.InvoiceSettings.Footer)
	if c.InvoiceSettings.CustomFields != nil {
		out.InvoiceSettings.CustomFields = []customFieldJSON{}
		for _, f := range c.InvoiceSettings.CustomFields {
			out.InvoiceSettings.CustomFields = append(out.InvoiceSettings.CustomFields, customFieldJSON(f))
		}
	}
	var err error
	if out.InvoiceSettings.DefaultPaymentMethod, err = r.Ref("payment_method", c.InvoiceSettings.DefaultPaymentMethod, e, "invoice_settings.default_payment_method"); err != nil {
		return nil, err
	}
	if out.TestClock, err = r.Ref("test_helpers.test_clock", c.TestClock, e, "test_clock"); err != nil {
		return nil, err
	}
	return out, nil
}
