package service

import (
	"context"
	"errors"
	"regexp"

	"github.com/porticohq/portico/internal/billing"
)

// CustomerParams are the parameters of creating or updating a customer.
// Unset fields are left alone; set empty ones are cleared.
type CustomerParams struct {
	Name             Field[string]
	Email            Field[string]
	Phone            Field[string]
	Description      Field[string]
	Address          Field[*billing.Address]
	Shipping         Field[*billing.Shipping]
	Balance          Field[int64]
	InvoicePrefix    Field[string]
	DefaultPM        Field[string] // invoice_settings[default_payment_method]
	CustomFields     Field[[]billing.CustomField]
	Footer           Field[string]
	PreferredLocales Field[[]string]
	TaxExempt        Field[string]
	Metadata         billing.MetadataUpdate
	// Create only.
	TestClock     string
	PaymentMethod string
}

var invoicePrefixRE = regexp.MustCompile(`^[A-Z0-9]{3,12}$`)

// CreateCustomer creates a customer.
func (s *Service) CreateCustomer(ctx context.Context, p CustomerParams) (*billing.Customer, error) {
	var c *billing.Customer
	err := s.update(ctx, func(tx billing.Tx) error {
		c = &billing.Customer{
			ID: billing.NewID("cus"), Created: tx.Now().Unix(), Livemode: tx.Livemode(),
			InvoicePrefix: billing.NewInvoicePrefix(), NextInvoiceSequence: 1, TaxExempt: billing.TaxExemptNone,
		}
		if p.TestClock != "" {
			clock, err := tx.TestClock(p.TestClock)
			if err != nil {
				return noSuchParam(err, "test_clock", "test_clock", p.TestClock)
			}
			c.TestClock = clock.ID
		}
		// The default payment method may name the one attached by this very
		// call (payment_method=pm_card_visa with the same default), so it is
		// checked after the attachment. The change goes to a copy of p:
		// this function may run again (a retried transaction) and must
		// find p as given.
		defaultPM := p.DefaultPM
		rest := p
		rest.DefaultPM = Field[string]{}
		if err := s.applyCustomer(tx, c, rest); err != nil {
			return err
		}
		if err := tx.InsertCustomer(c); err != nil {
			return err
		}
		if p.PaymentMethod != "" {
			pm, err := s.attach(tx, p.PaymentMethod, c, "payment_method")
			if err != nil {
				return err
			}
			if defaultPM.Value == p.PaymentMethod {
				defaultPM.Value = pm.ID
			}
		}
		if defaultPM.Set {
			if err := s.applyCustomer(tx, c, CustomerParams{DefaultPM: defaultPM}); err != nil {
				return err
			}
			if err := tx.UpdateCustomer(c); err != nil {
				return err
			}
		}
		return emit(tx, "customer.created", "customer", c, nil)
	})
	return c, err
}

// applyCustomer validates p against tx and applies it to c.
func (s *Service) applyCustomer(tx billing.Tx, c *billing.Customer, p CustomerParams) error {
	if p.InvoicePrefix.Set && !invoicePrefixRE.MatchString(p.InvoicePrefix.Value) {
		return billing.Invalid("invoice_prefix", "parameter_invalid", "Invalid invoice_prefix: must be 3 to 12 uppercase letters or digits.")
	}
	if p.DefaultPM.Set && p.DefaultPM.Value != "" {
		pm, err := tx.PaymentMethod(p.DefaultPM.Value)
		if err != nil {
			if errors.Is(err, billing.ErrNotFound) {
				return billing.NoSuchParam("invoice_settings[default_payment_method]", "PaymentMethod", p.DefaultPM.Value)
			}
			return err
		}
		if pm.Customer != c.ID {
			return billing.Invalid("invoice_settings[default_payment_method]", "resource_missing",
				"The customer does not have a payment method with the ID %s. The payment method must be attached to the customer.", pm.ID)
		}
	}
	apply(&c.Name, p.Name)
	apply(&c.Email, p.Email)
	apply(&c.Phone, p.Phone)
	apply(&c.Description, p.Description)
	apply(&c.Address, p.Address)
	apply(&c.Shipping, p.Shipping)
	apply(&c.Balance, p.Balance)
	apply(&c.InvoicePrefix, p.InvoicePrefix)
	apply(&c.InvoiceSettings.DefaultPaymentMethod, p.DefaultPM)
	apply(&c.InvoiceSettings.CustomFields, p.CustomFields)
	apply(&c.InvoiceSettings.Footer, p.Footer)
	apply(&c.PreferredLocales, p.PreferredLocales)
	if p.TaxExempt.Set {
		c.TaxExempt = p.TaxExempt.Value
		if c.TaxExempt == "" {
			c.TaxExempt = billing.TaxExemptNone
		}
	}
	md, err := p.Metadata.Apply(c.Metadata, "metadata")
	if err != nil {
		return err
	}
	c.Metadata = md
	return nil
}

// Customer returns the customer with id (a deleted one as a tombstone).
func (s *Service) Customer(ctx context.Context, id string) (*billing.Customer, error) {
	return getByID(s, ctx, "customer", id, billing.Tx.Customer)
}

// liveCustomer loads a customer that is not deleted, for changes.
func liveCustomer(tx billing.Tx, id string) (*billing.Customer, error) {
	c, err := tx.Customer(id)
	if err != nil {
		return nil, notFound(err, "customer", id)
	}
	if c.Deleted {
		return nil, billing.NotFound("customer", id)
	}
	return c, nil
}

// UpdateCustomer changes a customer.
func (s *Service) UpdateCustomer(ctx context.Context, id string, p CustomerParams) (*billing.Customer, error) {
	var c *billing.Customer
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		if c, err = liveCustomer(tx, id); err != nil {
			return err
		}
		prev := *c
		if err := s.applyCustomer(tx, c, p); err != nil {
			return err
		}
		if err := tx.UpdateCustomer(c); err != nil {
			return err
		}
		return emit(tx, "customer.updated", "customer", c, &prev)
	})
	return c, err
}

// DeleteCustomer deletes a customer: its payment methods are detached and it
// remains only as a tombstone.
func (s *Service) DeleteCustomer(ctx context.Context, id string) (*billing.Customer, error) {
	var c *billing.Customer
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		if c, err = liveCustomer(tx, id); err != nil {
			return err
		}
		if err := s.cancelCustomerSubscriptions(tx, c); err != nil {
			return err
		}
		for {
			pms, err := tx.ListPaymentMethods(billing.PaymentMethodFilter{Customer: c.ID}, billing.Page{Limit: 100})
			if err != nil {
				return err
			}
			for _, pm := range pms.Data {
				if err := detachOnly(tx, pm); err != nil {
					return err
				}
			}
			if !pms.HasMore {
				break
			}
		}
		c.Deleted = true
		c.InvoiceSettings.DefaultPaymentMethod = ""
		if err := tx.UpdateCustomer(c); err != nil {
			return err
		}
		return emit(tx, "customer.deleted", "customer", c, nil)
	})
	return c, err
}

// cancelCustomerSubscriptions ends every subscription of c that has not
// ended, as Stripe does when a customer is deleted: at once, at the
// customer's time, with no proration and no final invoice, each recording
// customer.subscription.deleted.
func (s *Service) cancelCustomerSubscriptions(tx billing.Tx, c *billing.Customer) error {
	now, err := customerNow(tx, c)
	if err != nil {
		return err
	}
	p := billing.Page{Limit: 100}
	for {
		l, err := tx.ListSubscriptions(billing.SubscriptionFilter{Customer: c.ID, Status: "all"}, p)
		if err != nil {
			return err
		}
		for _, sub := range l.Data {
			if sub.Ended() {
				continue
			}
			sub.CanceledAt = &now
			if err := s.endSubscription(tx, sub, now, "cancellation_requested"); err != nil {
				return err
			}
		}
		if !l.HasMore || len(l.Data) == 0 {
			return nil
		}
		p.StartingAfter = l.Data[len(l.Data)-1].ID
	}
}

// ListCustomers lists customers.
func (s *Service) ListCustomers(ctx context.Context, f billing.CustomerFilter, p billing.Page) (billing.List[*billing.Customer], error) {
	return listPage(s, ctx, func(tx billing.Tx) (billing.List[*billing.Customer], error) { return tx.ListCustomers(f, p) })
}

// customerRecord exposes a customer's fields to search queries.
type customerRecord struct{ c *billing.Customer }

// Field returns a customer field's value for the search query language.
func (r customerRecord) Field(name, key string) (string, bool) {
	switch name {
	case "email":
		return r.c.Email, r.c.Email != ""
	case "name":
		return r.c.Name, r.c.Name != ""
	case "phone":
		return r.c.Phone, r.c.Phone != ""
	case "created":
		return itoa(r.c.Created), true
	case "metadata":
		v, ok := r.c.Metadata[key]
		return v, ok
	}
	return "", false
}

func itoa(n int64) string {
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
