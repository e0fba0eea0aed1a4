package stripewire

import "github.com/porticohq/portico/internal/billing"

type taxIDOwnerJSON struct {
	Customer        Ref     `json:"customer"`
	CustomerAccount *string `json:"customer_account"`
	Type            string  `json:"type"`
}

type taxIDVerificationJSON struct {
	Status          string  `json:"status"`
	VerifiedAddress *string `json:"verified_address"`
	VerifiedName    *string `json:"verified_name"`
}

type taxIDJSON struct {
	ID              string                 `json:"id"`
	Object          string                 `json:"object"`
	Country         *string                `json:"country"`
	Created         int64                  `json:"created"`
	Customer        Ref                    `json:"customer"`
	CustomerAccount *string                `json:"customer_account"`
	Livemode        bool                   `json:"livemode"`
	Owner           taxIDOwnerJSON         `json:"owner"`
	Type            string                 `json:"type"`
	Value           string                 `json:"value"`
	Verification    *taxIDVerificationJSON `json:"verification"`
}

// taxID renders a customer's tax ID. Portico keeps only customer-owned tax
// IDs, so owner is always {type: customer}; customer_account (Stripe's
// Accounts v2 customers) is always null.
func (r *Renderer) taxID(t *billing.TaxID, e Expand) (any, error) {
	out := taxIDJSON{
		ID: t.ID, Object: "tax_id", Country: ns(t.Country), Created: t.Created, Livemode: t.Livemode,
		Owner: taxIDOwnerJSON{Type: "customer"}, Type: t.Type, Value: t.Value,
	}
	if v := t.Verification; v.Status != "" {
		out.Verification = &taxIDVerificationJSON{Status: v.Status, VerifiedAddress: ns(v.VerifiedAddress), VerifiedName: ns(v.VerifiedName)}
	}
	var err error
	if out.Customer, err = r.Ref("customer", t.Customer, e, "customer"); err != nil {
		return nil, err
	}
	if out.Owner.Customer, err = r.Ref("customer", t.Customer, e, "owner.customer"); err != nil {
		return nil, err
	}
	return out, nil
}
