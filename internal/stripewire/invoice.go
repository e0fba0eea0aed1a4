package stripewire

import "github.com/porticohq/portico/internal/billing"

func discountAmounts(ds []billing.DiscountAmount) []any {
	out := []any{}
	for _, d := range ds {
		out = append(out, map[string]any{"amount": d.Amount, "discount": d.Discount})
	}
	return out
}

func (r *Renderer) line(in *billing.Invoice, l *billing.InvoiceLine) map[string]any {
	parent := map[string]any{"type": "invoice_item_details", "subscription_item_details": nil,
		"invoice_item_details": map[string]any{"invoice_item": l.InvoiceItem, "proration": l.Proration, "proration_details": map[string]any{"credited_items": nil}, "subscription": ns(l.Subscription)}}
	if l.SubscriptionItem != "" && l.InvoiceItem == "" {
		parent = map[string]any{"type": "subscription_item_details", "invoice_item_details": nil,
			"subscription_item_details": map[string]any{"invoice_item": nil, "proration": l.Proration, "proration_details": map[string]any{"credited_items": nil},
				"subscription": ns(l.Subscription), "subscription_item": l.SubscriptionItem}}
	} else if l.SubscriptionItem != "" {
		parent["invoice_item_details"].(map[string]any)["subscription"] = l.Subscription
	}
	var discounted int64
	discountIDs := []string{}
	for _, d := range l.DiscountAmounts {
		discounted += d.Amount
		discountIDs = append(discountIDs, d.Discount)
	}
	_ = discounted
	var pricing any
	if l.Price != "" {
		pricing = map[string]any{"type": "price_details", "price_details": map[string]any{"price": l.Price, "product": l.Product},
			"unit_amount_decimal": itoaS(l.UnitAmount)}
	}
	out := map[string]any{
		"id": l.ID, "object": "line_item", "amount": l.Amount, "currency": l.Currency, "description": ns(l.Description),
		"discount_amounts": discountAmounts(l.DiscountAmounts), "discountable": l.Discountable, "discounts": discountIDs,
		"invoice": in.ID, "livemode": in.Livemode, "metadata": metadata(l.Metadata),
		"period": map[string]any{"start": l.PeriodStart, "end": l.PeriodEnd}, "quantity": l.Quantity,
		"subscription": ns(l.Subscription), "pretax_credit_amounts": []any{}, "taxes": []any{}, "parent": parent, "pricing": pricing,
		"subtotal": l.Amount,
	}
	if !r.Version.BillingPeriodsOnItems() {
		delete(out, "parent")
		delete(out, "pricing")
		typ := "subscription"
		if l.InvoiceItem != "" {
			typ = "invoiceitem"
		}
		out["type"], out["proration"], out["subscription_item"], out["invoice_item"] = typ, l.Proration, ns(l.SubscriptionItem), ns(l.InvoiceItem)
		out["price"] = nil
		if l.Price != "" && r.Loader != nil {
			if p, err := r.Loader.Load(r.Ctx, "price", l.Price); err == nil {
				out["price"], _ = r.Render(p, nil)
			}
		}
	}
	return out
}

func itoaS(n int64) string {
	b := []byte{}
	neg := n < 0
	if neg {
		n = -n
	}
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
		if n == 0 {
			break
		}
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}

func (r *Renderer) lineList(in *billing.Invoice, _ Expand) (any, error) {
	data := []any{}
	for i := range in.Lines {
		data = append(data, r.line(in, &in.Lines[i]))
	}
	return map[string]any{"object": "list", "data": data, "has_more": false, "url": "/v1/invoices/" + in.ID + "/lines"}, nil
}

// linePage renders one page of the lines, in invoice order: up to
// p.Limit lines after p.StartingAfter (or before p.EndingBefore).
func (r *Renderer) linePage(in *billing.Invoice, p billing.Page) (any, error) {
	lines := in.Lines
	if p.StartingAfter != "" || p.EndingBefore != "" {
		cursor := p.StartingAfter + p.EndingBefore
		at := -1
		for i, l := range lines {
			if l.ID == cursor {
				at = i
			}
		}
		if at < 0 {
			param := "starting_after"
			if p.EndingBefore != "" {
				param = "ending_before"
			}
			return nil, billing.NoSuchParam(param, "line item", cursor)
		}
		if p.StartingAfter != "" {
			lines = lines[at+1:]
		} else {
			lines = lines[:at]
			if p.Limit > 0 && len(lines) > p.Limit {
				lines = lines[len(lines)-p.Limit:]
			}
		}
	}
	more := false
	if p.Limit > 0 && len(lines) > p.Limit {
		lines, more = lines[:p.Limit], true
	}
	data := []any{}
	for i := range lines {
		data = append(data, r.line(in, &lines[i]))
	}
	return map[string]any{"object": "list", "data": data, "has_more": more, "url": "/v1/invoices/" + in.ID + "/lines"}, nil
}

func (r *Renderer) invoice(in *billing.Invoice, e Expand) (any, error) {
	lines, _ := r.lineList(in, nil)
	var parent any
	if in.Subscription != "" {
		parent = map[string]any{"type": "subscription_details", "quote_details": nil,
			"subscription_details": map[string]any{"metadata": nil, "subscription": in.Subscription, "subscription_proration_date": nil}}
	}
	var hosted, pdf any
	if in.Status != billing.InvoiceDraft && in.ID != "" {
		hosted = r.PublicURL + "/billing/invoices/" + in.ID
		pdf = r.PublicURL + "/billing/invoices/" + in.ID + "/pdf"
	}
	id := any(in.ID)
	if in.ID == "" {
		id = nil
	}
	var number any
	if in.Number != "" {
		number = in.Number
	}
	payments := []any{}
	if in.PaymentIntent != "" {
		payments = append(payments, map[string]any{"id": "inpay_" + in.PaymentIntent[3:], "object": "invoice_payment", "amount_paid": in.AmountPaid,
			"amount_requested": in.AmountDue, "created": in.Created, "currency": in.Currency, "invoice": in.ID, "is_default": true, "livemode": in.Livemode,
			"payment": map[string]any{"type": "payment_intent", "payment_intent": in.PaymentIntent}, "status": map[bool]string{true: "paid", false: "open"}[in.Status == billing.InvoicePaid],
			"status_transitions": map[string]any{"canceled_at": nil, "paid_at": i64(in.StatusTransitions.PaidAt)}})
	}
	var confirmation any
	if in.PaymentIntent != "" && r.Loader != nil {
		if v, err := r.Loader.Load(r.Ctx, "payment_intent", in.PaymentIntent); err == nil {
			confirmation = map[string]any{"client_secret": v.(*billing.PaymentIntent).ClientSecret, "type": "payment_intent"}
		}
	}
	out := map[string]any{
		"id": id, "object": "invoice", "account_country": "US", "account_name": nil, "account_tax_ids": nil,
		"amount_due": in.AmountDue, "amount_overpaid": 0, "amount_paid": in.AmountPaid, "amount_remaining": in.AmountRemaining,
		"amount_shipping": 0, "application": nil, "attempt_count": in.AttemptCount, "attempted": in.Attempted, "auto_advance": in.AutoAdvance,
		"automatic_tax":              map[string]any{"enabled": false, "liability": nil, "status": nil, "disabled_reason": nil, "provider": nil},
		"automatically_finalizes_at": i64(in.AutomaticallyFinalizesAt), "billing_reason": in.BillingReason,
		"collection_method": in.CollectionMethod, "confirmation_secret": confirmation, "created": in.Created, "currency": in.Currency, "custom_fields": nil,
		"customer_address": Address(in.CustomerAddress), "customer_email": ns(in.CustomerEmail), "customer_name": ns(in.CustomerName),
		"customer_phone": nil, "customer_shipping": nil, "customer_tax_exempt": "none", "customer_tax_ids": []any{},
		"default_source": nil, "default_tax_rates": []any{}, "description": ns(in.Description),
		"due_date": i64(in.DueDate), "effective_at": i64(in.EffectiveAt), "ending_balance": i64(in.EndingBalance), "footer": ns(in.Footer),
		"from_invoice": nil, "hosted_invoice_url": hosted, "invoice_pdf": pdf, "issuer": map[string]any{"type": "self"},
		"last_finalization_error": nil, "latest_revision": nil, "lines": lines, "livemode": in.Livemode, "metadata": metadata(in.Metadata),
		"next_payment_attempt": i64(in.NextPaymentAttempt), "number": number, "on_behalf_of": nil, "parent": parent,
		"payments":         map[string]any{"object": "list", "data": payments, "has_more": false, "url": "/v1/invoice_payments"},
		"payment_settings": map[string]any{"default_mandate": nil, "payment_method_options": nil, "payment_method_types": nil},
		"period_end":       in.PeriodEnd, "period_start": in.PeriodStart, "post_payment_credit_notes_amount": 0, "pre_payment_credit_notes_amount": 0,
		"receipt_number": nil, "rendering": nil, "shipping_cost": nil, "shipping_details": nil, "starting_balance": in.StartingBalance,
		"statement_descriptor": nil, "status": in.Status,
		"status_transitions": map[string]any{"finalized_at": i64(in.StatusTransitions.FinalizedAt), "marked_uncollectible_at": i64(in.StatusTransitions.MarkedUncollectibleAt),
			"paid_at": i64(in.StatusTransitions.PaidAt), "voided_at": i64(in.StatusTransitions.VoidedAt)},
		"subtotal": in.Subtotal, "subtotal_excluding_tax": in.Subtotal, "total": in.Total, "total_excluding_tax": in.Total,
		"total_discount_amounts": discountAmounts(in.TotalDiscountAmounts), "total_pretax_credit_amounts": []any{}, "total_taxes": []any{},
		"webhooks_delivered_at": in.Created,
	}
	var err error
	for _, f := range []struct{ key, typ, id string }{
		{"customer", "customer", in.Customer}, {"default_payment_method", "payment_method", in.DefaultPaymentMethod},
		{"test_clock", "test_helpers.test_clock", in.TestClock},
	} {
		if out[f.key], err = r.Ref(f.typ, f.id, e, f.key); err != nil {
			return nil, err
		}
	}
	if out["discounts"], err = r.refs("discount", in.Discounts, e, "discounts"); err != nil {
		return nil, err
	}
	if !r.Version.BillingPeriodsOnItems() {
		delete(out, "parent")
		delete(out, "payments")
		delete(out, "confirmation_secret")
		out["paid"] = in.Status == billing.InvoicePaid
		if out["subscription"], err = r.Ref("subscription", in.Subscription, e, "subscription"); err != nil {
			return nil, err
		}
		if out["payment_intent"], err = r.Ref("payment_intent", in.PaymentIntent, e, "payment_intent"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (r *Renderer) invoiceItem(ii *billing.InvoiceItem, e Expand) (any, error) {
	var parent any
	if ii.Subscription != "" {
		parent = map[string]any{"type": "subscription_details", "subscription_details": map[string]any{"subscription": ii.Subscription, "subscription_item": ns(ii.SubscriptionItem)}}
	}
	var pricing any
	if ii.Price != "" {
		pricing = map[string]any{"type": "price_details", "price_details": map[string]any{"price": ii.Price, "product": ii.Product}, "unit_amount_decimal": itoaS(ii.UnitAmount)}
	}
	out := map[string]any{
		"id": ii.ID, "object": "invoiceitem", "amount": ii.Amount, "currency": ii.Currency, "date": ii.Created,
		"description": ns(ii.Description), "discountable": ii.Discountable, "discounts": []any{}, "livemode": ii.Livemode,
		"metadata": metadata(ii.Metadata), "period": map[string]any{"start": ii.PeriodStart, "end": ii.PeriodEnd},
		"proration": ii.Proration, "quantity": ii.Quantity, "tax_rates": []any{}, "parent": parent, "pricing": pricing, "net_amount": ii.Amount,
	}
	var err error
	if out["customer"], err = r.Ref("customer", ii.Customer, e, "customer"); err != nil {
		return nil, err
	}
	if out["invoice"], err = r.Ref("invoice", ii.Invoice, e, "invoice"); err != nil {
		return nil, err
	}
	if out["test_clock"], err = r.Ref("test_helpers.test_clock", ii.TestClock, e, "test_clock"); err != nil {
		return nil, err
	}
	return out, nil
}
