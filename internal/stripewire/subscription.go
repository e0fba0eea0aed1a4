package stripewire

import "github.com/porticohq/portico/internal/billing"

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
		"trial_settings": map[string]any{"end_behavior": map[string]any{"missing_payment_method": trialEndBehavior(s)}},
	}
	if !r.Version.BillingPeriodsOnItems() && len(s.Items) > 0 {
		out["current_period_start"], out["current_period_end"] = s.Items[0].CurrentPeriodStart, s.Items[0].CurrentPeriodEnd
	}
	if pu := s.PendingUpdate; pu != nil {
		var pending []any
		for i := range pu.SubscriptionItems {
			v, err := r.subscriptionItem(s, &pu.SubscriptionItems[i], nil)
			if err != nil {
				return nil, err
			}
			pending = append(pending, v)
		}
		out["pending_update"] = map[string]any{"billing_cycle_anchor": i64(pu.BillingCycleAnchor), "expires_at": pu.ExpiresAt,
			"subscription_items": pending, "trial_end": i64(pu.TrialEnd), "trial_from_plan": pu.TrialFromPlan}
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

func trialEndBehavior(s *billing.Subscription) string {
	if s.TrialEndBehavior == "" {
		return "create_invoice"
	}
	return s.TrialEndBehavior
}
