package service

import (
	"context"

	"github.com/porticohq/portico/internal/billing"
)

// Payment of invoices with Stripe's test cards. A payment makes (or reuses)
// the invoice's PaymentIntent and a Charge whose outcome the card decides:
// success, a decline with Stripe's codes, or 3-D Secure authentication,
// which leaves the intent in requires_action with a link to Portico's test
// page, where the customer completes or fails the challenge.

// RetrySchedule is how long after each failed automatic payment of a
// renewal the next attempt is made (Stripe's smart retries, simplified):
// 3 days after the first failure, then 5, then 7. After the last attempt
// fails the subscription is canceled, or marked unpaid when the setting
// SettingFailedPaymentAction is "unpaid".
var RetrySchedule = []int64{3 * 86400, 5 * 86400, 7 * 86400}

// SettingFailedPaymentAction names the setting that decides what happens to
// a subscription whose retries are exhausted: "cancel" (the default) or
// "unpaid".
const SettingFailedPaymentAction = "billing.failed_payment_action"

// ThreeDSPath is where the hosted 3-D Secure test page lives.
const ThreeDSPath = "/billing/3ds/"

// paymentMethodFor returns the payment method an invoice is charged with:
// its own, the subscription's, or the customer's default.
func paymentMethodFor(tx billing.Tx, in *billing.Invoice) (string, error) {
	if in.DefaultPaymentMethod != "" {
		return in.DefaultPaymentMethod, nil
	}
	if in.Subscription != "" {
		if sub, err := tx.Subscription(in.Subscription); err == nil && sub.DefaultPaymentMethod != "" {
			return sub.DefaultPaymentMethod, nil
		}
	}
	c, err := tx.Customer(in.Customer)
	if err != nil {
		return "", err
	}
	return c.InvoiceSettings.DefaultPaymentMethod, nil
}

// ensurePaymentIntent returns the invoice's PaymentIntent, making it.
func ensurePaymentIntent(tx billing.Tx, in *billing.Invoice, now int64) (*billing.PaymentIntent, error) {
	if in.PaymentIntent != "" {
		pi, err := tx.PaymentIntent(in.PaymentIntent)
		if err != nil {
			return nil, err
		}
		if pi.Amount != in.AmountRemaining && pi.Status != billing.PISucceeded {
			pi.Amount = in.AmountRemaining
		}
		return pi, nil
	}
	id := billing.NewID("pi")
	pi := &billing.PaymentIntent{
		ID: id, Created: now, Livemode: tx.Livemode(), Amount: in.AmountRemaining, Currency: in.Currency,
		Customer: in.Customer, Invoice: in.ID, Status: billing.PIRequiresPaymentMethod,
		ClientSecret: id + "_secret_" + billing.RandomString(24), Description: "Subscription " + in.BillingReason,
	}
	if in.BillingReason == billing.ReasonManual {
		pi.Description = "Invoice " + in.Number
	}
	if err := tx.InsertPaymentIntent(pi); err != nil {
		return nil, err
	}
	in.PaymentIntent = pi.ID
	return pi, emit(tx, "payment_intent.created", "payment_intent", pi, nil)
}

// payOutcome is what one payment attempt did.
type payOutcome int

const (
	paySucceeded payOutcome = iota
	payFailed
	payNeedsAction
)

// attemptPayment charges an open invoice's remaining amount with pmID (or
// its default payment method). offSession marks automatic charges
// (renewals, retries), for which cards that only ask for authentication on
// session succeed. The invoice, its intent and the subscription are
// updated and their events recorded; a card failure is not an error here
// (the returned *billing.Error describes it for callers that answer with it).
func (s *Service) attemptPayment(tx billing.Tx, in *billing.Invoice, pmID string, offSession bool, now int64) (payOutcome, *billing.Error, error) {
	if in.Status != billing.InvoiceOpen {
		return paySucceeded, nil, nil
	}
	prev := cloneInvoice(in)
	pi, err := ensurePaymentIntent(tx, in, now)
	if err != nil {
		return 0, nil, err
	}
	piPrev := *pi
	if pmID == "" {
		if pmID, err = paymentMethodFor(tx, in); err != nil {
			return 0, nil, err
		}
	}
	in.Attempted = true
	in.AttemptCount++
	var cardErr *billing.Error
	outcome := payFailed
	var pm *billing.PaymentMethod
	if pmID == "" {
		cardErr = &billing.Error{Kind: billing.KindInvalid, Type: billing.TypeInvalidRequest, Code: "invoice_no_customer_line_items",
			Message: "The customer has no default payment method to pay this invoice with."}
		cardErr.Code = "payment_method_required"
		cardErr.Message = "This customer has no attached payment source or default payment method. Please consider adding a default payment method."
	} else if pm, err = tx.PaymentMethod(pmID); err != nil {
		cardErr = billing.NoSuchParam("payment_method", "PaymentMethod", pmID)
		pm = nil
	}
	if pm != nil {
		pi.PaymentMethod = pm.ID
		b := pm.Card.Behavior
		needs3DS := b.ThreeDS == billing.ThreeDSAlways || b.ThreeDS == billing.ThreeDSRequired2 ||
			(!offSession && (b.ThreeDS == billing.ThreeDSOnSession))
		switch {
		case needs3DS:
			outcome = payNeedsAction
			cardErr = billing.CardDeclined("authentication_required", "authentication_required",
				"Your card was declined. This transaction requires authentication.")
		case b.ChargeDecline != nil:
			cardErr = b.ChargeDecline.Err()
		case pm.Card.Expired(tx.Now()) && !offSession:
			cardErr = billing.CardDeclined("expired_card", "expired_card", "Your card has expired.")
		default:
			outcome = paySucceeded
		}
		if outcome != payNeedsAction {
			ch := &billing.Charge{
				ID: billing.NewID("ch"), Created: now, Livemode: tx.Livemode(), Amount: pi.Amount, Currency: pi.Currency,
				Customer: in.Customer, PaymentIntent: pi.ID, PaymentMethod: pm.ID, Description: pi.Description,
				CardBrand: pm.Card.Brand, CardLast4: pm.Card.Last4,
			}
			if outcome == paySucceeded {
				ch.Status, ch.Paid = "succeeded", true
			} else {
				ch.Status, ch.FailureCode, ch.FailureMessage, ch.DeclineCode = "failed", cardErr.Code, cardErr.Message, cardErr.DeclineCode
			}
			if err := tx.InsertCharge(ch); err != nil {
				return 0, nil, err
			}
			pi.LatestCharge = ch.ID
			if err := emit(tx, "charge."+ch.Status, "charge", ch, nil); err != nil {
				return 0, nil, err
			}
		}
	}
	if cardErr != nil {
		cardErr.PaymentMethod = pmID
	}
	switch outcome {
	case paySucceeded:
		pi.Status, pi.AmountReceived, pi.LastPaymentError, pi.NextActionURL = billing.PISucceeded, pi.Amount, nil, ""
		markPaid(in, now)
	case payNeedsAction:
		pi.Status = billing.PIRequiresAction
		pi.NextActionURL = ThreeDSPath + pi.ID
		pi.LastPaymentError = nil
	default:
		pi.Status = billing.PIRequiresPaymentMethod
		pi.LastPaymentError = &billing.PaymentError{Type: cardErr.Type, Code: cardErr.Code, DeclineCode: cardErr.DeclineCode, Message: cardErr.Message, PaymentMethod: pmID}
	}
	if err := tx.UpdatePaymentIntent(pi); err != nil {
		return 0, nil, err
	}
	piEvent := map[payOutcome]string{paySucceeded: "payment_intent.succeeded", payFailed: "payment_intent.payment_failed", payNeedsAction: "payment_intent.requires_action"}[outcome]
	if err := emit(tx, piEvent, "payment_intent", pi, &piPrev); err != nil {
		return 0, nil, err
	}
	if outcome != paySucceeded {
		scheduleRetry(in, offSession, now)
	}
	if err := tx.UpdateInvoice(in); err != nil {
		return 0, nil, err
	}
	if outcome == paySucceeded {
		if err := emit(tx, "invoice.paid", "invoice", in, prev); err != nil {
			return 0, nil, err
		}
		if err := emit(tx, "invoice.payment_succeeded", "invoice", in, nil); err != nil {
			return 0, nil, err
		}
	} else {
		if err := emit(tx, "invoice.payment_failed", "invoice", in, prev); err != nil {
			return 0, nil, err
		}
		if outcome == payNeedsAction {
			if err := emit(tx, "invoice.payment_action_required", "invoice", in, nil); err != nil {
				return 0, nil, err
			}
		}
	}
	return outcome, cardErr, s.afterPayment(tx, in, outcome, now)
}

func markPaid(in *billing.Invoice, now int64) {
	in.AmountPaid += in.AmountRemaining
	in.AmountRemaining = 0
	in.Status = billing.InvoicePaid
	in.StatusTransitions.PaidAt = &now
	in.NextPaymentAttempt = nil
	in.AutoAdvance = false
}

// scheduleRetry sets the next automatic attempt of a renewal invoice.
func scheduleRetry(in *billing.Invoice, offSession bool, now int64) {
	in.NextPaymentAttempt = nil
	if in.CollectionMethod != "charge_automatically" || in.BillingReason == billing.ReasonSubscriptionCreate || !in.AutoAdvance {
		return
	}
	n := int(in.AttemptCount) - 1
	if n < len(RetrySchedule) {
		t := now + RetrySchedule[n]
		in.NextPaymentAttempt = &t
	}
}

// afterPayment moves the invoice's subscription to the status a payment
// attempt implies.
func (s *Service) afterPayment(tx billing.Tx, in *billing.Invoice, outcome payOutcome, now int64) error {
	if err := setDelinquent(tx, in.Customer, outcome != paySucceeded); err != nil {
		return err
	}
	if in.Subscription == "" {
		return nil
	}
	sub, err := tx.Subscription(in.Subscription)
	if err != nil {
		return err
	}
	if pu := sub.PendingUpdate; pu != nil && !sub.Ended() && (pu.Invoice == "" || pu.Invoice == in.ID) {
		// A pending update's invoice: its payment applies the update; its
		// failure leaves the subscription as it is (and the update's own
		// first attempt, Invoice "", is the update's to handle).
		if pu.Invoice == "" || outcome != paySucceeded {
			return nil
		}
		return s.applyPendingUpdate(tx, sub, now)
	}
	if sub.Ended() {
		return nil
	}
	if sub.LatestInvoice != in.ID {
		return s.afterOlderPayment(tx, sub, in, outcome, now)
	}
	prev := cloneSub(sub)
	switch {
	case outcome == paySucceeded:
		if sub.Status == billing.SubIncomplete || sub.Status == billing.SubPastDue || sub.Status == billing.SubUnpaid {
			sub.Status = billing.SubActive
		}
	case sub.Status == billing.SubIncomplete:
	case retriesExhausted(in):
		action, _ := tx.Setting(SettingFailedPaymentAction)
		if action == "unpaid" {
			sub.Status = billing.SubUnpaid
		} else {
			return s.endSubscription(tx, sub, now, "payment_failed")
		}
	default:
		sub.Status = billing.SubPastDue
	}
	if sub.Status == prev.Status {
		return nil // nothing changed: no write, no event
	}
	sub.NextDue = nextDue(sub, in)
	return s.saveSub(tx, sub, prev)
}

// PayInvoice pays an open invoice now, with paymentMethod or its default.
// A card failure is returned as the card error, the failed attempt kept.
func (s *Service) PayInvoice(ctx context.Context, id, paymentMethod string, outOfBand bool) (*billing.Invoice, error) {
	var in *billing.Invoice
	var cardErr *billing.Error
	err := s.update(ctx, func(tx billing.Tx) error {
		// paymentMethod is left as given: a test card (pm_card_visa) becomes
		// a new payment method in each run of a retried transaction.
		cardErr = nil
		pmID := paymentMethod
		var err error
		if in, err = tx.Invoice(id); err != nil {
			return notFound(err, "invoice", id)
		}
		now, err := s.invoiceNow(tx, in)
		if err != nil {
			return err
		}
		if in.Status == billing.InvoiceDraft {
			if err := finalizeInvoice(tx, in, now); err != nil {
				return err
			}
		}
		if in.Status != billing.InvoiceOpen {
			return billing.Invalid("", "invoice_unexpected_state", "Invoice is already %s.", in.Status)
		}
		if outOfBand {
			prev := cloneInvoice(in)
			markPaid(in, now)
			if err := tx.UpdateInvoice(in); err != nil {
				return err
			}
			if err := emit(tx, "invoice.paid", "invoice", in, prev); err != nil {
				return err
			}
			return s.afterPayment(tx, in, paySucceeded, now)
		}
		if pmID != "" {
			c, err := tx.Customer(in.Customer)
			if err != nil {
				return err
			}
			pm, err := s.attach(tx, pmID, c, "payment_method")
			if err != nil {
				return err
			}
			pmID = pm.ID
		}
		_, cardErr, err = s.attemptPayment(tx, in, pmID, false, now)
		return err
	})
	if err == nil && cardErr != nil && cardErr.Type == billing.TypeCard {
		// The failed attempt is committed (also when this call joined a
		// caller's transaction, which commits on a CommittedError); answer
		// with the card error.
		return in, billing.CommitThen(cardErr)
	}
	if err == nil && cardErr != nil {
		return in, cardErr // a request error, not a decline: the API rolls it back
	}
	return in, err
}

// invoiceNow is the time for an invoice's customer.
func (s *Service) invoiceNow(tx billing.Tx, in *billing.Invoice) (int64, error) {
	c, err := tx.Customer(in.Customer)
	if err != nil {
		return 0, err
	}
	return customerNow(tx, c)
}

// setDelinquent sets the customer's delinquent flag, as Stripe does when an
// invoice's automatic payment fails (and clears it when one is paid).
func setDelinquent(tx billing.Tx, customer string, delinquent bool) error {
	c, err := tx.Customer(customer)
	if err != nil {
		return err
	}
	if c.Delinquent == delinquent {
		return nil
	}
	prev := *c
	c.Delinquent = delinquent
	if err := tx.UpdateCustomer(c); err != nil {
		return err
	}
	return emit(tx, "customer.updated", "customer", c, &prev)
}
