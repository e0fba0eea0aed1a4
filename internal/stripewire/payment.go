package stripewire

import "github.com/porticohq/portico/internal/billing"

func paymentError(pe *billing.PaymentError) any {
	if pe == nil {
		return nil
	}
	return map[string]any{"type": pe.Type, "code": ns(pe.Code), "decline_code": ns(pe.DeclineCode), "message": ns(pe.Message), "payment_method": map[string]any{"id": pe.PaymentMethod, "object": "payment_method"}}
}

func (r *Renderer) paymentIntent(pi *billing.PaymentIntent, e Expand) (any, error) {
	var next any
	if pi.Status == billing.PIRequiresAction && pi.NextActionURL != "" {
		next = map[string]any{"type": "redirect_to_url", "redirect_to_url": map[string]any{"url": r.PublicURL + pi.NextActionURL, "return_url": nil}}
	}
	out := map[string]any{
		"id": pi.ID, "object": "payment_intent", "amount": pi.Amount, "amount_capturable": 0, "amount_received": pi.AmountReceived,
		"amount_details": map[string]any{"tip": map[string]any{}}, "application": nil, "application_fee_amount": nil,
		"automatic_payment_methods": nil, "canceled_at": i64(pi.CanceledAt), "cancellation_reason": nil, "capture_method": "automatic",
		"client_secret": pi.ClientSecret, "confirmation_method": "automatic", "created": pi.Created, "currency": pi.Currency,
		"description": ns(pi.Description), "last_payment_error": paymentError(pi.LastPaymentError), "livemode": pi.Livemode,
		"metadata": metadata(pi.Metadata), "next_action": next, "on_behalf_of": nil, "payment_method_options": map[string]any{},
		"payment_method_types": []string{"card"}, "processing": nil, "receipt_email": nil, "review": nil, "setup_future_usage": nil,
		"shipping": nil, "source": nil, "statement_descriptor": nil, "statement_descriptor_suffix": nil, "status": pi.Status,
		"transfer_data": nil, "transfer_group": nil,
	}
	var err error
	for _, f := range []struct{ key, typ, id string }{
		{"customer", "customer", pi.Customer}, {"payment_method", "payment_method", pi.PaymentMethod}, {"latest_charge", "charge", pi.LatestCharge},
	} {
		if out[f.key], err = r.Ref(f.typ, f.id, e, f.key); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (r *Renderer) charge(c *billing.Charge, e Expand) (any, error) {
	var outcome any
	if c.Status == "succeeded" {
		outcome = map[string]any{"network_status": "approved_by_network", "reason": nil, "risk_level": "normal", "seller_message": "Payment complete.", "type": "authorized"}
	} else {
		outcome = map[string]any{"network_status": "declined_by_network", "reason": ns(c.DeclineCode), "risk_level": "normal", "seller_message": "The bank did not return any further details with this decline.", "type": "issuer_declined"}
	}
	out := map[string]any{
		"id": c.ID, "object": "charge", "amount": c.Amount, "amount_captured": map[bool]int64{true: c.Amount}[c.Paid], "amount_refunded": 0,
		"balance_transaction": nil, "captured": c.Paid, "created": c.Created, "currency": c.Currency, "description": ns(c.Description),
		"disputed": false, "failure_code": ns(c.FailureCode), "failure_message": ns(c.FailureMessage), "livemode": c.Livemode,
		"metadata": metadata(c.Metadata), "outcome": outcome, "paid": c.Paid, "refunded": false, "status": c.Status,
		"payment_method_details": map[string]any{"type": "card", "card": map[string]any{"brand": c.CardBrand, "last4": c.CardLast4}},
	}
	var err error
	for _, f := range []struct{ key, typ, id string }{
		{"customer", "customer", c.Customer}, {"payment_intent", "payment_intent", c.PaymentIntent}, {"payment_method", "", ""},
	} {
		if out[f.key], err = r.Ref(f.typ, f.id, e, f.key); err != nil {
			return nil, err
		}
	}
	out["payment_method"] = ns(c.PaymentMethod)
	return out, nil
}

func (r *Renderer) setupIntent(si *billing.SetupIntent, e Expand) (any, error) {
	var next any
	if si.Status == billing.SIRequiresAction && si.NextActionURL != "" {
		next = map[string]any{"type": "redirect_to_url", "redirect_to_url": map[string]any{"url": r.PublicURL + si.NextActionURL, "return_url": nil}}
	}
	out := map[string]any{
		"id": si.ID, "object": "setup_intent", "application": nil, "automatic_payment_methods": nil,
		"cancellation_reason": ns(si.CancellationReason), "client_secret": si.ClientSecret, "created": si.Created,
		"description": ns(si.Description), "flow_directions": nil, "last_setup_error": paymentError(si.LastSetupError),
		"latest_attempt": nil, "livemode": si.Livemode, "mandate": nil, "metadata": metadata(si.Metadata), "next_action": next,
		"on_behalf_of": nil, "payment_method_options": map[string]any{"card": map[string]any{"request_three_d_secure": "automatic"}},
		"payment_method_types": []string{"card"}, "single_use_mandate": nil, "status": si.Status, "usage": si.Usage,
	}
	var err error
	if out["customer"], err = r.Ref("customer", si.Customer, e, "customer"); err != nil {
		return nil, err
	}
	if out["payment_method"], err = r.Ref("payment_method", si.PaymentMethod, e, "payment_method"); err != nil {
		return nil, err
	}
	return out, nil
}
