package service

import (
	"context"
	"errors"
	"strings"

	"github.com/porticohq/portico/internal/billing"
)

// PaymentMethodParams are the parameters of creating or updating a card
// payment method.
type PaymentMethodParams struct {
	Type           string // create: "card"
	Card           *CardParams
	BillingDetails BillingDetailsParams
	AllowRedisplay Field[string]
	Metadata       billing.MetadataUpdate
	// Update: only the expiry can change.
	ExpMonth Field[int64]
	ExpYear  Field[int64]
}

// BillingDetailsParams are the billing details a request sends. Each field
// is changed only when sent: Stripe merges an update's billing_details into
// the payment method's rather than replacing them.
type BillingDetailsParams struct {
	// Clear is billing_details= (an empty value): every field is unset.
	Clear   bool
	Address Field[*billing.Address]
	Email   Field[string]
	Name    Field[string]
	Phone   Field[string]
}

// applyTo changes bd as p says.
func (p BillingDetailsParams) applyTo(bd *billing.BillingDetails) {
	if p.Clear {
		*bd = billing.BillingDetails{}
	}
	apply(&bd.Address, p.Address)
	apply(&bd.Email, p.Email)
	apply(&bd.Name, p.Name)
	apply(&bd.Phone, p.Phone)
}

// CardParams are raw card details, or a token naming a test card.
type CardParams struct {
	Number   string
	ExpMonth int64
	ExpYear  int64
	CVC      string
	Token    string // card[token]=tok_visa
}

// CreatePaymentMethod creates an unattached card payment method from raw
// test card details or a test token.
func (s *Service) CreatePaymentMethod(ctx context.Context, p PaymentMethodParams) (*billing.PaymentMethod, error) {
	var pm *billing.PaymentMethod
	err := s.update(ctx, func(tx billing.Tx) error {
		var card billing.Card
		switch {
		case p.Card == nil:
			return billing.Missing("card")
		case p.Card.Token != "":
			c, ok := billing.TestPaymentMethod(p.Card.Token, tx.Now(), s.fingerprintKey)
			if !ok {
				return billing.NoSuchParam("card[token]", "token", p.Card.Token)
			}
			card = c
		default:
			c, cerr := billing.ParseCard(p.Card.Number, int(p.Card.ExpMonth), int(p.Card.ExpYear), p.Card.CVC, tx.Now(), s.fingerprintKey)
			if cerr != nil {
				return cerr
			}
			card = c
		}
		pm = &billing.PaymentMethod{
			ID: billing.NewID("pm"), Created: tx.Now().Unix(), Livemode: tx.Livemode(), Type: "card",
			Card: card, AllowRedisplay: "unspecified",
		}
		p.BillingDetails.applyTo(&pm.BillingDetails)
		apply(&pm.AllowRedisplay, p.AllowRedisplay)
		md, err := p.Metadata.Apply(nil, "metadata")
		if err != nil {
			return err
		}
		pm.Metadata = md
		return tx.InsertPaymentMethod(pm)
	})
	return pm, err
}

// resolvePaymentMethod returns the payment method with id, or a fresh copy
// of the test card behind one of Stripe's magic ids (pm_card_visa), as
// Stripe does: every use of a magic id makes a new payment method.
func (s *Service) resolvePaymentMethod(tx billing.Tx, id, param string) (*billing.PaymentMethod, error) {
	if strings.HasPrefix(id, "pm_card_") || strings.HasPrefix(id, "tok_") {
		card, ok := billing.TestPaymentMethod(id, tx.Now(), s.fingerprintKey)
		if !ok {
			return nil, billing.NoSuchParam(param, "PaymentMethod", id)
		}
		if tx.Livemode() {
			return nil, billing.Invalid(param, "resource_missing", "No such PaymentMethod: '%s'; test payment methods cannot be used with a live mode key.", id)
		}
		pm := &billing.PaymentMethod{
			ID: billing.NewID("pm"), Created: tx.Now().Unix(), Livemode: false, Type: "card",
			Card: card, AllowRedisplay: "unspecified",
		}
		if err := tx.InsertPaymentMethod(pm); err != nil {
			return nil, err
		}
		return pm, nil
	}
	pm, err := tx.PaymentMethod(id)
	if err != nil {
		return nil, noSuchParam(err, param, "PaymentMethod", id)
	}
	return pm, nil
}

// attach attaches the payment method named by id to c, refusing cards that
// Stripe refuses to attach.
func (s *Service) attach(tx billing.Tx, id string, c *billing.Customer, param string) (*billing.PaymentMethod, error) {
	pm, err := s.resolvePaymentMethod(tx, id, param)
	if err != nil {
		return nil, err
	}
	if pm.Customer != "" {
		if pm.Customer == c.ID {
			return pm, nil
		}
		return nil, billing.Invalid(param, "payment_method_unexpected_state",
			"The payment method you provided has already been attached to a customer.")
	}
	if d := pm.Card.Behavior.AttachDecline; d != nil {
		e := d.Err()
		e.PaymentMethod = pm.ID
		return nil, e
	}
	if pm.Card.Expired(tx.Now()) {
		e := billing.CardDeclined("expired_card", "expired_card", "Your card has expired.")
		e.PaymentMethod = pm.ID
		return nil, e
	}
	pm.Customer = c.ID
	if err := tx.UpdatePaymentMethod(pm); err != nil {
		return nil, err
	}
	return pm, emit(tx, "payment_method.attached", "payment_method", pm, nil)
}

// detach detaches pm from its customer, clearing the customer's default if
// it was this card (with a customer.updated event).
func detach(tx billing.Tx, pm *billing.PaymentMethod) error {
	customerID := pm.Customer
	if err := detachOnly(tx, pm); err != nil {
		return err
	}
	c, err := tx.Customer(customerID)
	if errors.Is(err, billing.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.InvoiceSettings.DefaultPaymentMethod == pm.ID && !c.Deleted {
		before := *c
		c.InvoiceSettings.DefaultPaymentMethod = ""
		if err := tx.UpdateCustomer(c); err != nil {
			return err
		}
		return emit(tx, "customer.updated", "customer", c, &before)
	}
	return nil
}

// detachOnly detaches pm and records payment_method.detached, leaving the
// customer alone (for a customer being deleted).
func detachOnly(tx billing.Tx, pm *billing.PaymentMethod) error {
	prev := *pm
	pm.Customer = ""
	if err := tx.UpdatePaymentMethod(pm); err != nil {
		return err
	}
	return emit(tx, "payment_method.detached", "payment_method", pm, &prev)
}

// AttachPaymentMethod attaches a payment method to a customer.
func (s *Service) AttachPaymentMethod(ctx context.Context, id, customerID string) (*billing.PaymentMethod, error) {
	var pm *billing.PaymentMethod
	err := s.update(ctx, func(tx billing.Tx) error {
		if !strings.HasPrefix(id, "pm_card_") && !strings.HasPrefix(id, "tok_") {
			if _, err := tx.PaymentMethod(id); err != nil {
				return notFound(err, "PaymentMethod", id)
			}
		}
		c, err := tx.Customer(customerID)
		if err != nil || c.Deleted {
			return billing.NoSuchParam("customer", "customer", customerID)
		}
		pm, err = s.attach(tx, id, c, "payment_method")
		if e, ok := billing.AsError(err); ok && e.Param == "payment_method" && e.Code == "resource_missing" {
			return billing.NotFound("PaymentMethod", id)
		}
		return err
	})
	return pm, err
}

// DetachPaymentMethod detaches a payment method from its customer.
func (s *Service) DetachPaymentMethod(ctx context.Context, id string) (*billing.PaymentMethod, error) {
	var pm *billing.PaymentMethod
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		if pm, err = tx.PaymentMethod(id); err != nil {
			return notFound(err, "PaymentMethod", id)
		}
		if pm.Customer == "" {
			return billing.Invalid("", "payment_method_unexpected_state", "The payment method %s is not attached to a customer.", id)
		}
		return detach(tx, pm)
	})
	return pm, err
}

// PaymentMethod returns a payment method.
func (s *Service) PaymentMethod(ctx context.Context, id string) (*billing.PaymentMethod, error) {
	return getByID(s, ctx, "PaymentMethod", id, billing.Tx.PaymentMethod)
}

// CustomerPaymentMethod returns a payment method of a customer
// (GET /v1/customers/{customer}/payment_methods/{id}).
func (s *Service) CustomerPaymentMethod(ctx context.Context, customerID, id string) (*billing.PaymentMethod, error) {
	var pm *billing.PaymentMethod
	err := s.view(ctx, func(tx billing.Tx) error {
		if _, err := liveCustomer(tx, customerID); err != nil {
			return err
		}
		var err error
		pm, err = tx.PaymentMethod(id)
		if err == nil && pm.Customer != customerID {
			err = billing.ErrNotFound
		}
		return notFound(err, "PaymentMethod", id)
	})
	return pm, err
}

// UpdatePaymentMethod changes a payment method's billing details, expiry,
// metadata or allow_redisplay.
func (s *Service) UpdatePaymentMethod(ctx context.Context, id string, p PaymentMethodParams) (*billing.PaymentMethod, error) {
	var pm *billing.PaymentMethod
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		if pm, err = tx.PaymentMethod(id); err != nil {
			return notFound(err, "PaymentMethod", id)
		}
		prev := *pm
		if p.ExpMonth.Set {
			if p.ExpMonth.Value < 1 || p.ExpMonth.Value > 12 {
				return billing.Invalid("card[exp_month]", "invalid_expiry_month", "Your card's expiration month is invalid.")
			}
			pm.Card.ExpMonth = int(p.ExpMonth.Value)
		}
		if p.ExpYear.Set {
			// Two digits (YY, meaning 20YY) or four, as ParseCard takes them.
			y := p.ExpYear.Value
			switch {
			case y >= 0 && y <= 99:
				y += 2000
			case y >= 1000 && y <= 9999:
			default:
				return billing.Invalid("card[exp_year]", "invalid_expiry_year", "Your card's expiration year is invalid.")
			}
			pm.Card.ExpYear = int(y)
		}
		if (p.ExpMonth.Set || p.ExpYear.Set) && pm.Card.Expired(tx.Now()) {
			return billing.Invalid("card[exp_year]", "invalid_expiry_year", "Your card's expiration year is invalid.")
		}
		p.BillingDetails.applyTo(&pm.BillingDetails)
		apply(&pm.AllowRedisplay, p.AllowRedisplay)
		// merr keeps Apply's *billing.Error out of err: a nil *Error in an
		// error variable is a non-nil error, which failed every update.
		md, merr := p.Metadata.Apply(pm.Metadata, "metadata")
		if merr != nil {
			return merr
		}
		pm.Metadata = md
		if err := tx.UpdatePaymentMethod(pm); err != nil {
			return err
		}
		return emit(tx, "payment_method.updated", "payment_method", pm, &prev)
	})
	return pm, err
}

// ListPaymentMethods lists payment methods; a customer filter needs the
// customer to exist.
func (s *Service) ListPaymentMethods(ctx context.Context, f billing.PaymentMethodFilter, p billing.Page) (billing.List[*billing.PaymentMethod], error) {
	var l billing.List[*billing.PaymentMethod]
	err := s.view(ctx, func(tx billing.Tx) error {
		if f.Customer != "" {
			if c, err := tx.Customer(f.Customer); err != nil || c.Deleted {
				return billing.NoSuchParam("customer", "customer", f.Customer)
			}
		}
		var err error
		l, err = tx.ListPaymentMethods(f, p)
		return err
	})
	return l, err
}
