package service

import (
	"context"

	"github.com/porticohq/portico/internal/billing"
)

// CompleteThreeDS finishes the 3-D Secure challenge of a PaymentIntent in
// requires_action: success charges the card and pays the invoice; failure
// leaves the intent needing a new payment method.
func (s *Service) CompleteThreeDS(ctx context.Context, piID string, success bool) (*billing.PaymentIntent, error) {
	var pi *billing.PaymentIntent
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		if pi, err = tx.PaymentIntent(piID); err != nil {
			return notFound(err, "payment_intent", piID)
		}
		if pi.Status != billing.PIRequiresAction {
			return billing.Invalid("", "payment_intent_unexpected_state", "This PaymentIntent does not require an action.")
		}
		in, err := tx.Invoice(pi.Invoice)
		if err != nil {
			return err
		}
		now, err := s.invoiceNow(tx, in)
		if err != nil {
			return err
		}
		prev := *pi
		if !success {
			pi.Status, pi.NextActionURL = billing.PIRequiresPaymentMethod, ""
			pi.LastPaymentError = &billing.PaymentError{Type: billing.TypeCard, Code: "payment_intent_authentication_failure",
				Message: "The provided PaymentMethod has failed authentication.", PaymentMethod: pi.PaymentMethod}
			if err := tx.UpdatePaymentIntent(pi); err != nil {
				return err
			}
			return emit(tx, "payment_intent.payment_failed", "payment_intent", pi, &prev)
		}
		pm, err := tx.PaymentMethod(pi.PaymentMethod)
		if err != nil {
			return err
		}
		ch := &billing.Charge{
			ID: billing.NewID("ch"), Created: now, Livemode: tx.Livemode(), Amount: pi.Amount, Currency: pi.Currency,
			Customer: pi.Customer, PaymentIntent: pi.ID, PaymentMethod: pm.ID, Description: pi.Description,
			CardBrand: pm.Card.Brand, CardLast4: pm.Card.Last4, Status: "succeeded", Paid: true,
		}
		outcome := paySucceeded
		if d := pm.Card.Behavior.ChargeDecline; d != nil {
			outcome = payFailed
			e := d.Err()
			ch.Status, ch.Paid, ch.FailureCode, ch.FailureMessage, ch.DeclineCode = "failed", false, e.Code, e.Message, e.DeclineCode
			pi.Status = billing.PIRequiresPaymentMethod
			pi.LastPaymentError = &billing.PaymentError{Type: e.Type, Code: e.Code, DeclineCode: e.DeclineCode, Message: e.Message, PaymentMethod: pm.ID}
		} else {
			pi.Status, pi.AmountReceived = billing.PISucceeded, pi.Amount
		}
		pi.NextActionURL, pi.LatestCharge = "", ch.ID
		if err := tx.InsertCharge(ch); err != nil {
			return err
		}
		if err := emit(tx, "charge."+ch.Status, "charge", ch, nil); err != nil {
			return err
		}
		if err := tx.UpdatePaymentIntent(pi); err != nil {
			return err
		}
		if outcome == payFailed {
			return emit(tx, "payment_intent.payment_failed", "payment_intent", pi, &prev)
		}
		if err := emit(tx, "payment_intent.succeeded", "payment_intent", pi, &prev); err != nil {
			return err
		}
		if in.Status != billing.InvoiceOpen {
			return nil
		}
		iprev := cloneInvoice(in)
		markPaid(in, now)
		if err := tx.UpdateInvoice(in); err != nil {
			return err
		}
		if err := emit(tx, "invoice.paid", "invoice", in, iprev); err != nil {
			return err
		}
		return s.afterPayment(tx, in, paySucceeded, now)
	})
	return pi, err
}

// PaymentIntent returns a payment intent.
func (s *Service) PaymentIntent(ctx context.Context, id string) (*billing.PaymentIntent, error) {
	return getByID(s, ctx, "payment_intent", id, billing.Tx.PaymentIntent)
}

// ListPaymentIntents lists payment intents.
func (s *Service) ListPaymentIntents(ctx context.Context, customer string, p billing.Page) (billing.List[*billing.PaymentIntent], error) {
	var l billing.List[*billing.PaymentIntent]
	err := s.view(ctx, func(tx billing.Tx) error {
		var err error
		l, err = tx.ListPaymentIntents(customer, p)
		return err
	})
	return l, err
}

// ConfirmPaymentIntent retries an invoice's PaymentIntent with
// paymentMethod (or the one it has).
func (s *Service) ConfirmPaymentIntent(ctx context.Context, id, paymentMethod string) (*billing.PaymentIntent, error) {
	var pi *billing.PaymentIntent
	var cardErr *billing.Error
	err := s.update(ctx, func(tx billing.Tx) error {
		// paymentMethod is left as given: a test card (pm_card_visa) becomes
		// a new payment method in each run of a retried transaction.
		cardErr = nil
		pmID := paymentMethod
		var err error
		if pi, err = tx.PaymentIntent(id); err != nil {
			return notFound(err, "payment_intent", id)
		}
		if pi.Status == billing.PISucceeded || pi.Status == billing.PICanceled {
			return billing.Invalid("", "payment_intent_unexpected_state",
				"You cannot confirm this PaymentIntent because it has a status of %s.", pi.Status)
		}
		in, err := tx.Invoice(pi.Invoice)
		if err != nil {
			return err
		}
		now, err := s.invoiceNow(tx, in)
		if err != nil {
			return err
		}
		if pmID != "" {
			pm, err := s.resolvePaymentMethod(tx, pmID, "payment_method")
			if err != nil {
				return err
			}
			pmID = pm.ID
		} else {
			pmID = pi.PaymentMethod
		}
		_, cardErr, err = s.attemptPayment(tx, in, pmID, false, now)
		if err != nil {
			return err
		}
		pi, err = tx.PaymentIntent(id)
		return err
	})
	if err == nil && cardErr != nil && cardErr.Type == billing.TypeCard {
		// As PayInvoice: keep the failed attempt, answer with the card error.
		return pi, billing.CommitThen(cardErr)
	}
	if err == nil && cardErr != nil {
		return pi, cardErr // a request error, not a decline: the API rolls it back
	}
	return pi, err
}

// Charge returns a charge.
func (s *Service) Charge(ctx context.Context, id string) (*billing.Charge, error) {
	return getByID(s, ctx, "charge", id, billing.Tx.Charge)
}

// ListCharges lists charges.
func (s *Service) ListCharges(ctx context.Context, customer string, p billing.Page) (billing.List[*billing.Charge], error) {
	var l billing.List[*billing.Charge]
	err := s.view(ctx, func(tx billing.Tx) error {
		var err error
		l, err = tx.ListCharges(customer, p)
		return err
	})
	return l, err
}
