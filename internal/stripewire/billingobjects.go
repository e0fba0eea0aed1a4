package stripewire

import "github.com/porticohq/portico/internal/billing"

// Renderers of the billing engine's objects, in the current (dahlia)
// shapes: periods on subscription items, invoice.parent, line pricing and
// parent, discounts[] with source.coupon.

func init() {
	RegisterRenderer(renderBilling)
	RegisterKind("invoice", func() any { return new(billing.Invoice) })
	RegisterKind("invoiceitem", func() any { return new(billing.InvoiceItem) })
	RegisterKind("payment_intent", func() any { return new(billing.PaymentIntent) })
	RegisterKind("charge", func() any { return new(billing.Charge) })
	RegisterKind("discount", func() any { return new(billing.Discount) })
	RegisterKind("setup_intent", func() any { return new(billing.SetupIntent) })
	RegisterExpandable("setup_intent", map[string]string{"customer": "customer", "payment_method": "payment_method", "latest_attempt": "", "mandate": ""})
	RegisterExpandable("subscription", map[string]string{
		"customer": "customer", "latest_invoice": "invoice", "default_payment_method": "payment_method",
		"test_clock": "test_helpers.test_clock", "items.data.price": "price", "discounts": "discount",
		"latest_invoice.payments": "", "pending_setup_intent": "", "schedule": "", "default_source": "",
	})
	RegisterExpandable("invoice", map[string]string{
		"payment_intent": "payment_intent",
		"customer":       "customer", "subscription": "subscription", "default_payment_method": "payment_method",
		"test_clock": "test_helpers.test_clock", "discounts": "discount", "payments": "", "confirmation_secret": "",
		"parent.subscription_details.subscription": "subscription", "lines.data.pricing.price_details.price": "price",
	})
	RegisterExpandable("invoiceitem", map[string]string{"customer": "customer", "invoice": "invoice", "test_clock": "test_helpers.test_clock"})
	RegisterExpandable("payment_intent", map[string]string{"customer": "customer", "payment_method": "payment_method", "latest_charge": "charge"})
	RegisterExpandable("charge", map[string]string{"customer": "customer", "payment_intent": "payment_intent", "payment_method": ""})
	RegisterExpandable("discount", map[string]string{"customer": "customer", "source.coupon": "coupon", "promotion_code": "promotion_code"})
	RegisterExpandable("subscription_item", map[string]string{"price": "price"})
}

func renderBilling(r *Renderer, obj any, e Expand) (any, bool, error) {
	switch o := obj.(type) {
	case *billing.Subscription:
		v, err := r.subscription(o, e)
		return v, true, err
	case SubscriptionItemRef:
		v, err := r.subscriptionItem(o.Sub, o.Item, e)
		return v, true, err
	case *billing.Invoice:
		if o.Deleted {
			return deletedJSON{ID: o.ID, Object: "invoice", Deleted: true}, true, nil
		}
		v, err := r.invoice(o, e)
		return v, true, err
	case InvoiceLines:
		v, err := r.lineList(o.Invoice, e)
		return v, true, err
	case *billing.InvoiceItem:
		v, err := r.invoiceItem(o, e)
		return v, true, err
	case *billing.PaymentIntent:
		v, err := r.paymentIntent(o, e)
		return v, true, err
	case *billing.Charge:
		v, err := r.charge(o, e)
		return v, true, err
	case *billing.SetupIntent:
		v, err := r.setupIntent(o, e)
		return v, true, err
	case *billing.Discount:
		v, err := r.discount(o, e)
		return v, true, err
	}
	return nil, false, nil
}

// BillingPeriodsOnItems reports whether billing periods live on
// subscription items and invoices point to their subscription through
// parent, payments and line pricing/parent (2025-03-31.basil); before,
// subscription.current_period_*, invoice.subscription, payment_intent and
// paid, and line price, proration, subscription_item and type.
func (v Version) BillingPeriodsOnItems() bool { return v.atLeast("2025-03-31") }

// SubscriptionItemRef is one item of a subscription, rendered as a
// subscription_item.
type SubscriptionItemRef struct {
	Sub  *billing.Subscription
	Item *billing.SubscriptionItem
}

// InvoiceLines is an invoice's lines, rendered as a list.
type InvoiceLines struct{ Invoice *billing.Invoice }

func i64(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func (r *Renderer) refs(objectType string, ids []string, e Expand, path string) ([]Ref, error) {
	out := []Ref{}
	for _, id := range ids {
		ref, err := r.Ref(objectType, id, e, path)
		if err != nil {
			return nil, err
		}
		out = append(out, ref)
	}
	return out, nil
}

func (r *Renderer) subscriptionItem(s *billing.Subscription, it *billing.SubscriptionItem, e Expand) (map[string]any, error) {
	price, err := r.Ref("price", it.Price, e, "price")
	if err != nil {
		return nil, err
	}
	if price.Obj == nil && r.Loader != nil {
		// Stripe always sends the item's price expanded.
		if p, err := r.Loader.Load(r.Ctx, "price", it.Price); err == nil {
			if v, err := r.Render(p, nil); err == nil {
				price = Ref{Obj: v}
			}
		}
	}
	return map[string]any{
		"id": it.ID, "object": "subscription_item", "created": it.Created, "current_period_start": it.CurrentPeriodStart,
		"current_period_end": it.CurrentPeriodEnd, "discounts": strs(it.Discounts), "metadata": metadata(it.Metadata),
		"price": price, "quantity": it.Quantity, "subscription": s.ID, "tax_rates": []any{}, "billing_thresholds": nil,
	}, nil
}

func (r *Renderer) subscription(s *billing.Subscription, e Expand) (any, error) {
	itemsSub, _ := e.Sub("items")
	dataSub, _ := itemsSub.Sub("data")
	items := []any{}
	for i := range s.Items {
		v, err := r.subscriptionItem(s, &s.Items[i], dataSub)
		if err != nil {
			return nil, err
		}
		items = append(items, v)
	}
	out := map[string]any{
		"id": s.ID, "object": "subscription", "application": nil, "application_fee_percent": nil,
		"automatic_tax":        map[string]any{"enabled": false, "liability": nil, "disabled_reason": nil},
		"billing_cycle_anchor": s.BillingCycleAnchor, "billing_cycle_anchor_config": nil,
		"billing_mode": map[string]any{"type": "classic"},
		"cancel_at":    i64(s.CancelAt), "cancel_at_period_end": s.CancelAtPeriodEnd, "canceled_at": i64(s.CanceledAt),
		"cancellation_details": map[string]any{"comment": ns(s.CancellationDetails.Comment), "feedback": ns(s.CancellationDetails.Feedback), "reason": ns(s.CancellationDetails.Reason)},
		"collection_method":    s.CollectionMethod, "created": s.Created, "currency": s.Currency, "days_until_due": i64(s.DaysUntilDue),
		"default_source": nil, "default_tax_rates": []any{}, "description": ns(s.Description), "ended_at": i64(s.EndedAt),
		"invoice_settings": map[string]any{"account_tax_ids": nil, "issuer": map[string]any{"type": "self"}},
		"items":            map[string]any{"object": "list", "data": items, "has_more": false, "url": "/v1/subscription_items?subscription=" + s.ID},
		"livemode":         s.Livemode, "metadata": metadata(s.Metadata), "next_pending_invoice_item_invoice": nil,
		"on_behalf_of": nil, "pause_collection": nil, "payment_settings": map[string]any{"payment_method_options": nil, "payment_method_types": nil, "save_default_payment_method": "off"},
		"pending_invoice_item_interval": nil, "pending_setup_intent": nil, "pending_update": nil, "schedule": nil,
		"start_date": s.StartDate, "status": s.Status, "transfer_data": nil, "trial_end": i64(s.TrialEnd), "trial_start": i64(s.TrialStart),
		"trial_settings": map[string]any{"end_behavior": map[string]any{"missing_payment_method": "create_invoice"}},
	}
	if !r.Version.BillingPeriodsOnItems() && len(s.Items) > 0 {
		out["current_period_start"], out["current_period_end"] = s.Items[0].CurrentPeriodStart, s.Items[0].CurrentPeriodEnd
	}
	if s.PauseCollection != nil {
		out["pause_collection"] = map[string]any{"behavior": s.PauseCollection.Behavior, "resumes_at": i64(s.PauseCollection.ResumesAt)}
	}
	var err error
	for _, f := range []struct{ key, typ, id string }{
		{"customer", "customer", s.Customer}, {"latest_invoice", "invoice", s.LatestInvoice},
		{"default_payment_method", "payment_method", s.DefaultPaymentMethod}, {"test_clock", "test_helpers.test_clock", s.TestClock},
	} {
		if out[f.key], err = r.Ref(f.typ, f.id, e, f.key); err != nil {
			return nil, err
		}
	}
	if out["discounts"], err = r.refs("discount", s.Discounts, e, "discounts"); err != nil {
		return nil, err
	}
	return out, nil
}

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

func (r *Renderer) discount(d *billing.Discount, e Expand) (any, error) {
	coupon, err := r.Ref("coupon", d.Coupon, e, "source.coupon")
	if err != nil {
		return nil, err
	}
	if !r.Version.DiscountSource() && r.Loader != nil {
		// Before clover, the whole coupon was embedded as `coupon`.
		if c, err := r.Loader.Load(r.Ctx, "coupon", d.Coupon); err == nil {
			if coupon.Obj, err = r.Render(c, nil); err != nil {
				return nil, err
			}
		}
	}
	out := map[string]any{
		"id": d.ID, "object": "discount", "checkout_session": nil, "end": i64(d.End), "invoice": ns(d.Invoice), "invoice_item": nil,
		"start": d.Start, "subscription": ns(d.Subscription), "subscription_item": ns(d.SubscriptionItem),
		"source": map[string]any{"type": "coupon", "coupon": coupon},
	}
	if !r.Version.DiscountSource() {
		delete(out, "source")
		out["coupon"] = coupon
	}
	if out["customer"], err = r.Ref("customer", d.Customer, e, "customer"); err != nil {
		return nil, err
	}
	if out["promotion_code"], err = r.Ref("promotion_code", d.PromotionCode, e, "promotion_code"); err != nil {
		return nil, err
	}
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
