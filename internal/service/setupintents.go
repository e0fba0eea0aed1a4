package service

import (
	"context"

	"github.com/porticohq/portico/internal/billing"
)

func init() {
	loaders["setup_intent"] = func(tx billing.Tx, id string) (any, error) { return tx.SetupIntent(id) }
}

// SetupIntentParams are the parameters of a setup intent create or confirm.
type SetupIntentParams struct {
	Customer      string
	PaymentMethod string
	Confirm       bool
	Usage         string
	Description   string
	Metadata      billing.MetadataUpdate
}

// CreateSetupIntent makes a setup intent, confirming it when asked.
func (s *Service) CreateSetupIntent(ctx context.Context, p SetupIntentParams) (*billing.SetupIntent, error) {
	var si *billing.SetupIntent
	err := s.update(ctx, func(tx billing.Tx) error {
		id := billing.NewID("seti")
		si = &billing.SetupIntent{ID: id, Created: tx.Now().Unix(), Livemode: tx.Livemode(), Status: billing.SIRequiresPaymentMethod,
			Usage: "off_session", ClientSecret: id + "_secret_" + billing.RandomString(24), Description: p.Description}
		if p.Usage != "" {
			si.Usage = p.Usage
		}
		if p.Customer != "" {
			c, err := tx.Customer(p.Customer)
			if err != nil || c.Deleted {
				return billing.NoSuchParam("customer", "customer", p.Customer)
			}
			si.Customer = c.ID
		}
		var err error
		if si.Metadata, err = p.Metadata.Apply(nil, "metadata"); err != nil {
			return err
		}
		if p.PaymentMethod != "" {
			pm, err := s.resolvePaymentMethod(tx, p.PaymentMethod, "payment_method")
			if err != nil {
				return err
			}
			si.PaymentMethod = pm.ID
			si.Status = billing.SIRequiresConfirmation
		}
		if err := tx.InsertSetupIntent(si); err != nil {
			return err
		}
		if err := emit(tx, "setup_intent.created", "setup_intent", si, nil); err != nil {
			return err
		}
		if p.Confirm {
			return s.confirmSetup(tx, si, "")
		}
		return nil
	})
	return si, err
}

// confirmSetup runs the card's setup: 3-D Secure when the card asks for it
// on setup, a decline for cards that cannot be attached, or success, which
// attaches the card to the customer.
func (s *Service) confirmSetup(tx billing.Tx, si *billing.SetupIntent, pmID string) error {
	if si.Status == billing.SISucceeded || si.Status == billing.SICanceled {
		return billing.Invalid("", "setup_intent_unexpected_state", "You cannot confirm this SetupIntent because it has a status of %s.", si.Status)
	}
	prev := *si
	if pmID != "" {
		pm, err := s.resolvePaymentMethod(tx, pmID, "payment_method")
		if err != nil {
			return err
		}
		si.PaymentMethod = pm.ID
	}
	if si.PaymentMethod == "" {
		return billing.Missing("payment_method")
	}
	pm, err := tx.PaymentMethod(si.PaymentMethod)
	if err != nil {
		return noSuchParam(err, "payment_method", "PaymentMethod", si.PaymentMethod)
	}
	b := pm.Card.Behavior
	event := "setup_intent.succeeded"
	switch {
	case b.AttachDecline != nil:
		e := b.AttachDecline.Err()
		si.Status = billing.SIRequiresPaymentMethod
		si.LastSetupError = &billing.PaymentError{Type: e.Type, Code: e.Code, DeclineCode: e.DeclineCode, Message: e.Message, PaymentMethod: pm.ID}
		event = "setup_intent.setup_failed"
	case b.ThreeDS == billing.ThreeDSOnSetup || b.ThreeDS == billing.ThreeDSAlways || b.ThreeDS == billing.ThreeDSRequired2 ||
		(b.ThreeDS == billing.ThreeDSOnSession && si.Usage == "off_session"):
		si.Status = billing.SIRequiresAction
		si.NextActionURL = ThreeDSPath + si.ID
		si.LastSetupError = nil
		event = "setup_intent.requires_action"
	default:
		if err := s.finishSetup(tx, si); err != nil {
			return err
		}
	}
	if err := tx.UpdateSetupIntent(si); err != nil {
		return err
	}
	return emit(tx, event, "setup_intent", si, &prev)
}

// finishSetup marks si succeeded and attaches its card to the customer.
func (s *Service) finishSetup(tx billing.Tx, si *billing.SetupIntent) error {
	si.Status, si.NextActionURL, si.LastSetupError = billing.SISucceeded, "", nil
	if si.Customer == "" {
		return nil
	}
	c, err := tx.Customer(si.Customer)
	if err != nil {
		return err
	}
	_, err = s.attach(tx, si.PaymentMethod, c, "payment_method")
	return err
}

// ConfirmSetupIntent confirms a setup intent, with paymentMethod if given.
func (s *Service) ConfirmSetupIntent(ctx context.Context, id, paymentMethod string) (*billing.SetupIntent, error) {
	var si *billing.SetupIntent
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		if si, err = tx.SetupIntent(id); err != nil {
			return notFound(err, "setup_intent", id)
		}
		return s.confirmSetup(tx, si, paymentMethod)
	})
	return si, err
}

// CancelSetupIntent cancels a setup intent that has not succeeded.
func (s *Service) CancelSetupIntent(ctx context.Context, id, reason string) (*billing.SetupIntent, error) {
	var si *billing.SetupIntent
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		if si, err = tx.SetupIntent(id); err != nil {
			return notFound(err, "setup_intent", id)
		}
		if si.Status == billing.SISucceeded || si.Status == billing.SICanceled {
			return billing.Invalid("", "setup_intent_unexpected_state", "You cannot cancel this SetupIntent because it has a status of %s.", si.Status)
		}
		prev := *si
		si.Status, si.CancellationReason, si.NextActionURL = billing.SICanceled, reason, ""
		if err := tx.UpdateSetupIntent(si); err != nil {
			return err
		}
		return emit(tx, "setup_intent.canceled", "setup_intent", si, &prev)
	})
	return si, err
}

// CompleteSetupThreeDS finishes a setup intent's 3-D Secure challenge.
func (s *Service) CompleteSetupThreeDS(ctx context.Context, id string, success bool) (*billing.SetupIntent, error) {
	var si *billing.SetupIntent
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		if si, err = tx.SetupIntent(id); err != nil {
			return notFound(err, "setup_intent", id)
		}
		if si.Status != billing.SIRequiresAction {
			return billing.Invalid("", "setup_intent_unexpected_state", "This SetupIntent does not require an action.")
		}
		prev := *si
		event := "setup_intent.succeeded"
		if success {
			if err := s.finishSetup(tx, si); err != nil {
				return err
			}
		} else {
			si.Status, si.NextActionURL = billing.SIRequiresPaymentMethod, ""
			si.LastSetupError = &billing.PaymentError{Type: billing.TypeInvalidRequest, Code: "setup_intent_authentication_failure",
				Message: "The latest attempt to set up the payment method has failed because authentication failed.", PaymentMethod: si.PaymentMethod}
			event = "setup_intent.setup_failed"
		}
		if err := tx.UpdateSetupIntent(si); err != nil {
			return err
		}
		return emit(tx, event, "setup_intent", si, &prev)
	})
	return si, err
}

// SetupIntent returns a setup intent.
func (s *Service) SetupIntent(ctx context.Context, id string) (*billing.SetupIntent, error) {
	return getByID(s, ctx, "setup_intent", id, billing.Tx.SetupIntent)
}

// ListSetupIntents lists setup intents.
func (s *Service) ListSetupIntents(ctx context.Context, customer string, p billing.Page) (billing.List[*billing.SetupIntent], error) {
	var l billing.List[*billing.SetupIntent]
	err := s.view(ctx, func(tx billing.Tx) error {
		var err error
		l, err = tx.ListSetupIntents(customer, p)
		return err
	})
	return l, err
}
