package service

import (
	"context"
	"strings"

	"github.com/porticohq/portico/internal/billing"
)

// MaxTaxIDsPerCustomer is Stripe's limit on the tax IDs one customer has.
const MaxTaxIDsPerCustomer = 25

// verifiedTaxIDTypes are the types Stripe checks with a tax authority (EU
// VAT numbers with VIES, UK VAT numbers with HMRC, ABNs with the Australian
// Business Register). Every other type's verification is "unavailable".
var verifiedTaxIDTypes = map[string]bool{"eu_vat": true, "gb_vat": true, "au_abn": true}

// taxIDVerification returns the verification of a new tax ID.
//
// Portico talks to no tax authority, so it emulates what Stripe does in test
// mode, where the value decides the outcome: a verifiable type whose number
// ends in 000000000 is verified, one ending in 111111111 is unverified, and
// any other (Stripe's 222222222 among them) stays pending. The ending is
// taken over the value's digits, so DE000000000, GB000000000 and the ABN
// 10000000000 (the first digits keep the ABN checksum valid) all verify, and
// DE111111111 and 89111111111 do not. The outcome is known at creation; the
// pending → verified transition Stripe makes later, with its
// customer.tax_id.updated event, does not happen.
//
// In live mode nothing can be verified, which Stripe reports as
// "unavailable".
func taxIDVerification(typ, value string, live bool) billing.TaxIDVerification {
	if !verifiedTaxIDTypes[typ] || live {
		return billing.TaxIDVerification{Status: "unavailable"}
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, value)
	switch {
	case strings.HasSuffix(digits, "000000000"):
		return billing.TaxIDVerification{Status: "verified"}
	case strings.HasSuffix(digits, "111111111"):
		return billing.TaxIDVerification{Status: "unverified"}
	}
	return billing.TaxIDVerification{Status: "pending"}
}

// createTaxID validates typ and value and adds them to customer c.
func createTaxID(tx billing.Tx, c *billing.Customer, typ, value string) (*billing.TaxID, error) {
	normalized, country, verr := billing.ValidateTaxID(typ, value)
	if verr != nil {
		return nil, verr
	}
	existing, err := tx.ListTaxIDs(c.ID, billing.Page{Limit: MaxTaxIDsPerCustomer})
	if err != nil {
		return nil, err
	}
	if len(existing.Data) >= MaxTaxIDsPerCustomer {
		return nil, billing.Invalid("", "", "A customer can have at most %d tax IDs; %s has reached that limit. Delete one before adding another.",
			MaxTaxIDsPerCustomer, c.ID)
	}
	t := &billing.TaxID{
		ID: billing.NewID("txi"), Created: tx.Now().Unix(), Livemode: tx.Livemode(), Customer: c.ID,
		Type: typ, Value: normalized, Country: country,
		Verification: taxIDVerification(typ, normalized, tx.Livemode()),
	}
	if err := tx.InsertTaxID(t); err != nil {
		return nil, err
	}
	return t, emit(tx, "customer.tax_id.created", "tax_id", t, nil)
}

// CreateCustomerTaxID adds a tax ID to the customer named in the URL path
// (POST /v1/customers/{customer}/tax_ids): an unknown customer is a 404.
func (s *Service) CreateCustomerTaxID(ctx context.Context, customerID, typ, value string) (*billing.TaxID, error) {
	var t *billing.TaxID
	err := s.update(ctx, func(tx billing.Tx) error {
		c, err := liveCustomer(tx, customerID)
		if err != nil {
			return err
		}
		t, err = createTaxID(tx, c, typ, value)
		return err
	})
	return t, err
}

// CreateTaxID adds a tax ID to the customer given as owner[customer]
// (POST /v1/tax_ids): an unknown customer is a 400 on that parameter.
func (s *Service) CreateTaxID(ctx context.Context, customerID, typ, value string) (*billing.TaxID, error) {
	var t *billing.TaxID
	err := s.update(ctx, func(tx billing.Tx) error {
		c, err := customerParam(tx, customerID, "owner[customer]")
		if err != nil {
			return err
		}
		t, err = createTaxID(tx, c, typ, value)
		return err
	})
	return t, err
}

// customerParam loads a live customer given as parameter param.
func customerParam(tx billing.Tx, id, param string) (*billing.Customer, error) {
	c, err := tx.Customer(id)
	if err != nil {
		return nil, noSuchParam(err, param, "customer", id)
	}
	if c.Deleted {
		return nil, billing.NoSuchParam(param, "customer", id)
	}
	return c, nil
}

// liveTaxID loads a tax ID whose customer still exists: a deleted
// customer's tax IDs are gone with it, as on Stripe.
func liveTaxID(tx billing.Tx, id string) (*billing.TaxID, error) {
	t, err := tx.TaxID(id)
	if err != nil {
		return nil, notFound(err, "tax_id", id)
	}
	if c, err := tx.Customer(t.Customer); err != nil || c.Deleted {
		return nil, billing.NotFound("tax_id", id)
	}
	return t, nil
}

// customerTaxID loads a tax ID through the customer that owns it; a tax ID
// of another customer is not found.
func customerTaxID(tx billing.Tx, customerID, id string) (*billing.TaxID, error) {
	if _, err := liveCustomer(tx, customerID); err != nil {
		return nil, err
	}
	t, err := tx.TaxID(id)
	if err != nil {
		return nil, notFound(err, "tax_id", id)
	}
	if t.Customer != customerID {
		return nil, billing.NotFound("tax_id", id)
	}
	return t, nil
}

// CustomerTaxID returns a customer's tax ID
// (GET /v1/customers/{customer}/tax_ids/{id}).
func (s *Service) CustomerTaxID(ctx context.Context, customerID, id string) (*billing.TaxID, error) {
	var t *billing.TaxID
	err := s.view(ctx, func(tx billing.Tx) error {
		var err error
		t, err = customerTaxID(tx, customerID, id)
		return err
	})
	return t, err
}

// TaxID returns a tax ID (GET /v1/tax_ids/{id}).
func (s *Service) TaxID(ctx context.Context, id string) (*billing.TaxID, error) {
	var t *billing.TaxID
	err := s.view(ctx, func(tx billing.Tx) error {
		var err error
		t, err = liveTaxID(tx, id)
		return err
	})
	return t, err
}

// deleteTaxID deletes t and records the event.
func deleteTaxID(tx billing.Tx, t *billing.TaxID) error {
	if err := tx.DeleteTaxID(t.ID); err != nil {
		return notFound(err, "tax_id", t.ID)
	}
	return emit(tx, "customer.tax_id.deleted", "tax_id", t, nil)
}

// DeleteCustomerTaxID deletes a customer's tax ID
// (DELETE /v1/customers/{customer}/tax_ids/{id}).
func (s *Service) DeleteCustomerTaxID(ctx context.Context, customerID, id string) (*billing.TaxID, error) {
	var t *billing.TaxID
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		if t, err = customerTaxID(tx, customerID, id); err != nil {
			return err
		}
		return deleteTaxID(tx, t)
	})
	return t, err
}

// DeleteTaxID deletes a tax ID (DELETE /v1/tax_ids/{id}).
func (s *Service) DeleteTaxID(ctx context.Context, id string) (*billing.TaxID, error) {
	var t *billing.TaxID
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		if t, err = liveTaxID(tx, id); err != nil {
			return err
		}
		return deleteTaxID(tx, t)
	})
	return t, err
}

// ListCustomerTaxIDs lists the tax IDs of the customer named in the URL
// path (GET /v1/customers/{customer}/tax_ids).
func (s *Service) ListCustomerTaxIDs(ctx context.Context, customerID string, p billing.Page) (billing.List[*billing.TaxID], error) {
	var l billing.List[*billing.TaxID]
	err := s.view(ctx, func(tx billing.Tx) error {
		if _, err := liveCustomer(tx, customerID); err != nil {
			return err
		}
		var err error
		l, err = tx.ListTaxIDs(customerID, p)
		return err
	})
	return l, err
}

// ListTaxIDs lists the tax IDs of the customer given as owner[customer]
// (GET /v1/tax_ids).
func (s *Service) ListTaxIDs(ctx context.Context, customerID string, p billing.Page) (billing.List[*billing.TaxID], error) {
	var l billing.List[*billing.TaxID]
	err := s.view(ctx, func(tx billing.Tx) error {
		if _, err := customerParam(tx, customerID, "owner[customer]"); err != nil {
			return err
		}
		var err error
		l, err = tx.ListTaxIDs(customerID, p)
		return err
	})
	return l, err
}
