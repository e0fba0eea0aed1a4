package stripewire

import "github.com/porticohq/portico/internal/billing"

type billingDetailsJSON struct {
	Address *AddressJSON `json:"address"`
	Email   *string      `json:"email"`
	Name    *string      `json:"name"`
	Phone   *string      `json:"phone"`
	TaxID   *string      `json:"tax_id"`
}

type cardChecksJSON struct {
	AddressLine1Check      *string `json:"address_line1_check"`
	AddressPostalCodeCheck *string `json:"address_postal_code_check"`
	CVCCheck               *string `json:"cvc_check"`
}

type cardNetworksJSON struct {
	Available []string `json:"available"`
	Preferred *string  `json:"preferred"`
}

type cardJSON struct {
	Brand             string           `json:"brand"`
	Checks            cardChecksJSON   `json:"checks"`
	Country           *string          `json:"country"`
	DisplayBrand      string           `json:"display_brand"`
	ExpMonth          int              `json:"exp_month"`
	ExpYear           int              `json:"exp_year"`
	Fingerprint       string           `json:"fingerprint"`
	Funding           string           `json:"funding"`
	GeneratedFrom     any              `json:"generated_from"`
	Last4             string           `json:"last4"`
	Networks          cardNetworksJSON `json:"networks"`
	RegulatedStatus   string           `json:"regulated_status"`
	ThreeDSecureUsage map[string]bool  `json:"three_d_secure_usage"`
	Wallet            any              `json:"wallet"`
}

type paymentMethodJSON struct {
	ID             string             `json:"id"`
	Object         string             `json:"object"`
	AllowRedisplay string             `json:"allow_redisplay"`
	BillingDetails billingDetailsJSON `json:"billing_details"`
	Card           cardJSON           `json:"card"`
	Created        int64              `json:"created"`
	Customer       Ref                `json:"customer"`
	// CustomerAccount is the Accounts v2 owner, which Portico does not
	// model: always null, as for any payment method owned by a customer.
	CustomerAccount *string          `json:"customer_account"`
	Livemode        bool             `json:"livemode"`
	Metadata        billing.Metadata `json:"metadata"`
	Type            string           `json:"type"`
}

func (r *Renderer) paymentMethod(pm *billing.PaymentMethod, e Expand) (any, error) {
	c := pm.Card
	cvc := "pass"
	out := paymentMethodJSON{
		ID: pm.ID, Object: "payment_method", AllowRedisplay: pm.AllowRedisplay,
		BillingDetails: billingDetailsJSON{Address: addressOrEmpty(pm.BillingDetails.Address), Email: ns(pm.BillingDetails.Email),
			Name: ns(pm.BillingDetails.Name), Phone: ns(pm.BillingDetails.Phone)},
		Card: cardJSON{
			Brand: c.Brand, Checks: cardChecksJSON{CVCCheck: &cvc}, Country: ns(c.Country), DisplayBrand: c.Brand,
			ExpMonth: c.ExpMonth, ExpYear: c.ExpYear, Fingerprint: c.Fingerprint, Funding: c.Funding, Last4: c.Last4,
			Networks: cardNetworksJSON{Available: []string{c.Brand}}, RegulatedStatus: "unregulated",
			ThreeDSecureUsage: map[string]bool{"supported": true},
		},
		Created: pm.Created, Livemode: pm.Livemode, Metadata: metadata(pm.Metadata), Type: pm.Type,
	}
	var err error
	if out.Customer, err = r.Ref("customer", pm.Customer, e, "customer"); err != nil {
		return nil, err
	}
	return out, nil
}

// addressOrEmpty renders a billing address, which Stripe always sends as an
// object (with null fields) rather than null.
func addressOrEmpty(a *billing.Address) *AddressJSON {
	if a == nil {
		return &AddressJSON{}
	}
	return Address(a)
}
