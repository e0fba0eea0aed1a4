package api

import (
	"context"
	"strconv"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
	"github.com/porticohq/portico/internal/stripewire"
)

// billingRoutes registers the endpoints of subscriptions, invoices, invoice
// items, payment intents and charges (the billing engine).
func (a *API) billingRoutes() {
	a.handle("POST /v1/subscriptions", "subscription", a.createSubscription)
	a.handle("GET /v1/subscriptions", "list:subscription", a.listSubscriptions)
	a.handle("GET /v1/subscriptions/search", "search:subscription", a.searchSubscriptions)
	a.handle("GET /v1/subscriptions/{id}", "subscription", a.getSubscription)
	a.handle("POST /v1/subscriptions/{id}", "subscription", a.updateSubscription)
	a.handle("DELETE /v1/subscriptions/{id}", "subscription", a.cancelSubscription)
	a.handle("POST /v1/subscriptions/{id}/resume", "subscription", a.resumeSubscription)
	a.subscriptionItemRoutes()
	a.setupIntentRoutes()
	a.invoiceRoutes()
}

// subscriptionParams reads the parameters create and update share.
func subscriptionParams(f *stripewire.Form, create bool) service.SubscriptionParams {
	var p service.SubscriptionParams
	if create {
		p.Customer = f.RequiredString("customer")
		p.TrialFromPlan, _ = f.Bool("trial_from_plan")
		if ts, _ := f.Hash("trial_settings"); ts != nil {
			if eb, _ := ts.Hash("end_behavior"); eb != nil {
				p.TrialEndBehavior, _ = eb.Enum("missing_payment_method", "cancel", "create_invoice", "pause")
			}
		}
		if v, ok := f.Int("trial_period_days"); ok {
			p.TrialPeriodDays = service.Set(v)
		}
		if v, ok := f.Int("billing_cycle_anchor"); ok {
			p.BillingCycleAnchor = service.Set(v)
		}
	} else {
		if v, ok := f.String("billing_cycle_anchor"); ok {
			if v == "now" {
				p.AnchorNow = true
			} else if v != "unchanged" {
				f.Fail(billing.BadEnum("billing_cycle_anchor", v, "now", "unchanged"))
			}
		}
		if v, ok := f.Int("proration_date"); ok {
			p.ProrationDate = service.Set(v)
		}
		if sub, _ := f.Hash("cancellation_details"); sub != nil {
			p.CancellationDetails = service.Set(cancellationDetails(sub))
		}
	}
	if items, ok := f.HashList("items"); ok {
		var ips []service.ItemParams
		for _, it := range items {
			var ip service.ItemParams
			ip.ID, _ = it.NonEmptyString("id")
			ip.Price, _ = it.NonEmptyString("price")
			if q, ok := it.Int("quantity"); ok {
				ip.Quantity = service.Set(q)
			}
			ip.Deleted, _ = it.Bool("deleted")
			ip.Metadata = it.Metadata("metadata")
			if it.Has("clear_usage") {
				it.Bool("clear_usage")
			}
			ips = append(ips, ip)
		}
		p.Items = service.Set(ips)
	}
	p.DefaultPaymentMethod = str(f, "default_payment_method", 5000)
	if ds, ok := f.HashList("discounts"); ok {
		var dps []service.DiscountParams
		for _, d := range ds {
			var dp service.DiscountParams
			dp.Coupon, _ = d.NonEmptyString("coupon")
			dp.PromotionCode, _ = d.NonEmptyString("promotion_code")
			dp.Discount, _ = d.NonEmptyString("discount")
			dps = append(dps, dp)
		}
		p.Discounts = service.Set(dps)
	} else if _, cleared := f.Hash("discounts"); cleared {
		p.Discounts = service.Set[[]service.DiscountParams](nil)
	}
	if f.Has("trial_end") {
		if v, ok := f.String("trial_end"); ok && v == "now" {
			p.TrialEndNow = true
			p.TrialEnd = service.Set[int64](0)
		} else if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			p.TrialEnd = service.Set(n)
		} else {
			f.Fail(billing.Invalid("trial_end", "parameter_invalid_integer", "Invalid trial_end: must be a Unix timestamp or `now`."))
		}
	}
	if b, ok := f.Bool("cancel_at_period_end"); ok {
		p.CancelAtPeriodEnd = service.Set(b)
	}
	if f.Has("cancel_at") {
		if v, _ := f.String("cancel_at"); v == "" {
			p.CancelAt = service.Set[*int64](nil)
		} else if n, ok := f.Int("cancel_at"); ok {
			p.CancelAt = service.Set(&n)
		}
	}
	if v, ok := f.Enum("collection_method", "charge_automatically", "send_invoice"); ok {
		p.CollectionMethod = service.Set(v)
	}
	if v, ok := f.Int("days_until_due"); ok {
		p.DaysUntilDue = service.Set(v)
	}
	p.PaymentBehavior, _ = f.Enum("payment_behavior", "allow_incomplete", "default_incomplete", "error_if_incomplete", "pending_if_incomplete")
	p.ProrationBehavior, _ = f.Enum("proration_behavior", "create_prorations", "always_invoice", "none")
	if sub, cleared := f.Hash("pause_collection"); cleared {
		p.PauseCollection = service.Set[*billing.PauseCollection](nil)
	} else if sub != nil {
		pc := &billing.PauseCollection{}
		pc.Behavior, _ = sub.Enum("behavior", "keep_as_draft", "mark_uncollectible", "void")
		if pc.Behavior == "" && !sub.Failed() {
			sub.Fail(billing.Missing(sub.Name("behavior")))
		}
		if v, ok := sub.Int("resumes_at"); ok {
			pc.ResumesAt = &v
		}
		p.PauseCollection = service.Set(pc)
	}
	p.Description = str(f, "description", 500)
	p.Metadata = f.Metadata("metadata")
	if f.Has("off_session") {
		f.Bool("off_session")
	}
	if f.Has("payment_settings") {
		f.Raw("payment_settings")
	}
	return p
}

func cancellationDetails(f *stripewire.Form) billing.CancellationDetails {
	var d billing.CancellationDetails
	d.Comment, _ = f.String("comment")
	d.Feedback, _ = f.Enum("feedback", "customer_service", "low_quality", "missing_features", "other", "switched_service", "too_complex", "too_expensive", "unused")
	return d
}

func (a *API) createSubscription(r *Req) Run {
	p := subscriptionParams(r.Form, true)
	return func(ctx context.Context) (any, error) { return a.svc.CreateSubscription(ctx, p) }
}

func (a *API) getSubscription(r *Req) Run {
	id := r.PathValue("id")
	return func(ctx context.Context) (any, error) { return a.svc.Subscription(ctx, id) }
}

func (a *API) updateSubscription(r *Req) Run {
	id := r.PathValue("id")
	p := subscriptionParams(r.Form, false)
	return func(ctx context.Context) (any, error) { return a.svc.UpdateSubscription(ctx, id, p) }
}

func (a *API) cancelSubscription(r *Req) Run {
	id := r.PathValue("id")
	var p service.CancelParams
	p.InvoiceNow, _ = r.Form.Bool("invoice_now")
	p.Prorate, _ = r.Form.Bool("prorate")
	if sub, _ := r.Form.Hash("cancellation_details"); sub != nil {
		p.CancellationDetails = service.Set(cancellationDetails(sub))
	}
	return func(ctx context.Context) (any, error) { return a.svc.CancelSubscription(ctx, id, p) }
}

func (a *API) resumeSubscription(r *Req) Run {
	id := r.PathValue("id")
	r.Form.Enum("proration_behavior", "create_prorations", "always_invoice", "none")
	r.Form.String("billing_cycle_anchor")
	return func(ctx context.Context) (any, error) { return a.svc.ResumeSubscription(ctx, id) }
}

func (a *API) listSubscriptions(r *Req) Run {
	var f billing.SubscriptionFilter
	f.Customer, _ = r.Form.NonEmptyString("customer")
	f.Price, _ = r.Form.NonEmptyString("price")
	f.Status, _ = r.Form.Enum("status", "active", "all", "canceled", "ended", "incomplete", "incomplete_expired", "past_due", "paused", "trialing", "unpaid")
	f.Created = rangeParam(r.Form, "created")
	p := page(r.Form)
	return func(ctx context.Context) (any, error) {
		l, err := a.svc.ListSubscriptions(ctx, f, p)
		return stripewire.ListOf("/v1/subscriptions", l), err
	}
}

func (a *API) searchSubscriptions(r *Req) Run {
	q, limit, pg := searchParams(r.Form)
	return func(ctx context.Context) (any, error) {
		res, err := a.svc.SearchSubscriptions(ctx, q, limit, pg)
		return searchResult("/v1/subscriptions/search", res, err)
	}
}
