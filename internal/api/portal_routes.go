package api

import (
	"context"
	"strconv"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
	"github.com/porticohq/portico/internal/stripewire"
)

// portalRoutes registers the endpoints of billing portal configurations and
// sessions.
func (a *API) portalRoutes() {
	a.handle("POST /v1/billing_portal/configurations", "billing_portal.configuration", a.createPortalConfiguration)
	a.handle("GET /v1/billing_portal/configurations", "list:billing_portal.configuration", a.listPortalConfigurations)
	a.handle("GET /v1/billing_portal/configurations/{id}", "billing_portal.configuration", a.getPortalConfiguration)
	a.handle("POST /v1/billing_portal/configurations/{id}", "billing_portal.configuration", a.updatePortalConfiguration)
	a.handle("POST /v1/billing_portal/sessions", "billing_portal.session", a.createPortalSession)
}

func (a *API) createPortalConfiguration(r *Req) Run {
	p := portalConfigurationParams(r.Form, true)
	return func(ctx context.Context) (any, error) { return a.svc.CreatePortalConfiguration(ctx, p) }
}

func (a *API) updatePortalConfiguration(r *Req) Run {
	id := r.PathValue("id")
	p := portalConfigurationParams(r.Form, false)
	return func(ctx context.Context) (any, error) { return a.svc.UpdatePortalConfiguration(ctx, id, p) }
}

func (a *API) getPortalConfiguration(r *Req) Run {
	id := r.PathValue("id")
	return func(ctx context.Context) (any, error) { return a.svc.PortalConfiguration(ctx, id) }
}

func (a *API) listPortalConfigurations(r *Req) Run {
	f := billing.PortalConfigurationFilter{Active: optBool(r.Form, "active"), IsDefault: optBool(r.Form, "is_default")}
	p := page(r.Form)
	return func(ctx context.Context) (any, error) {
		l, err := a.svc.ListPortalConfigurations(ctx, f, p)
		return stripewire.ListOf("/v1/billing_portal/configurations", l), err
	}
}

// boolField reads an optional boolean into a Field; required makes it
// parameter_missing when absent.
func boolField(f *stripewire.Form, key string, required bool) service.Field[bool] {
	if required {
		return service.Set(f.RequiredBool(key))
	}
	if v, ok := f.Bool(key); ok {
		return service.Set(v)
	}
	return service.Field[bool]{}
}

// enumField reads an optional enum into a Field.
func enumField(f *stripewire.Form, key string, allowed []string) service.Field[string] {
	if v, ok := f.Enum(key, allowed...); ok {
		return service.Set(v)
	}
	return service.Field[string]{}
}

// enumList reads a list of enum values ("" for an empty list), without
// duplicates. required makes it parameter_missing when absent.
func enumList(f *stripewire.Form, key string, allowed []string, required bool) service.Field[[]string] {
	list, present := f.StringList(key)
	if !present {
		if required && !f.Failed() {
			f.Fail(billing.Missing(f.Name(key)))
		}
		return service.Field[[]string]{}
	}
	out := []string{}
	seen := map[string]bool{}
	for i, v := range list {
		ok := false
		for _, a := range allowed {
			ok = ok || v == a
		}
		if !ok {
			f.Fail(billing.BadEnum(f.Name(key)+"["+strconv.Itoa(i)+"]", v, allowed...))
			return service.Field[[]string]{}
		}
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return service.Set(out)
}

// urlField reads an optional URL ("" clears it when clearable).
func urlField(f *stripewire.Form, key string, clearable bool) service.Field[string] {
	var v string
	var ok bool
	if clearable {
		v, ok = f.String(key)
	} else {
		v, ok = f.NonEmptyString(key)
	}
	if !ok {
		return service.Field[string]{}
	}
	f.MaxLen(key, v, 5000)
	if v != "" {
		if err := billing.CheckURL(f.Name(key), v); err != nil {
			f.Fail(err)
		}
	}
	return service.Set(v)
}

// portalConfigurationParams reads the parameters of a configuration's
// create (create=true) or update. Sub-hashes follow Stripe's rules: on
// create most of them need their `enabled`; on update only some do.
func portalConfigurationParams(f *stripewire.Form, create bool) service.PortalConfigurationParams {
	var p service.PortalConfigurationParams
	p.Name = str(f, "name", 256)
	p.DefaultReturnURL = urlField(f, "default_return_url", true)
	if bp, cleared := f.Hash("business_profile"); bp != nil {
		p.Headline = str(bp, "headline", 60)
		p.PrivacyPolicyURL = urlField(bp, "privacy_policy_url", !create)
		p.TermsOfServiceURL = urlField(bp, "terms_of_service_url", !create)
	} else if cleared {
		p.Headline, p.PrivacyPolicyURL, p.TermsOfServiceURL = service.Set(""), service.Set(""), service.Set("")
	}
	feats, cleared := f.Hash("features")
	if feats == nil && !cleared && create && !f.Failed() {
		f.Fail(billing.Missing("features"))
	}
	if feats != nil {
		portalFeatureParams(feats, create, &p)
	}
	if lp, _ := f.Hash("login_page"); lp != nil {
		p.LoginPage = boolField(lp, "enabled", true)
	}
	if !create {
		p.Active = boolField(f, "active", false)
	}
	// is_default is a Portico extension on both create and update (Stripe
	// sets it only from its Dashboard).
	p.IsDefault = boolField(f, "is_default", false)
	p.Metadata = f.Metadata("metadata")
	return p
}

func portalFeatureParams(feats *stripewire.Form, create bool, p *service.PortalConfigurationParams) {
	if cu, _ := feats.Hash("customer_update"); cu != nil {
		p.CustomerUpdateEnabled = boolField(cu, "enabled", create)
		p.AllowedUpdates = enumList(cu, "allowed_updates", billing.PortalCustomerUpdates, false)
	}
	if ih, _ := feats.Hash("invoice_history"); ih != nil {
		p.InvoiceHistory = boolField(ih, "enabled", true)
	}
	if pm, _ := feats.Hash("payment_method_update"); pm != nil {
		p.PaymentMethodUpdate = boolField(pm, "enabled", true)
		p.PaymentMethodConfig = str(pm, "payment_method_configuration", 5000)
	}
	if sc, _ := feats.Hash("subscription_cancel"); sc != nil {
		p.CancelEnabled = boolField(sc, "enabled", create)
		p.CancelMode = enumField(sc, "mode", billing.PortalCancelModes)
		p.CancelProration = enumField(sc, "proration_behavior", billing.PortalProrationBehaviors)
		if cr, _ := sc.Hash("cancellation_reason"); cr != nil {
			p.ReasonEnabled = boolField(cr, "enabled", true)
			p.ReasonOptions = enumList(cr, "options", billing.PortalCancelReasons, create)
		}
	}
	if su, _ := feats.Hash("subscription_update"); su != nil {
		p.UpdateEnabled = boolField(su, "enabled", create)
		p.AllowedSubUpdates = enumList(su, "default_allowed_updates", billing.PortalSubscriptionUpdates, false)
		if items, present := su.HashList("products"); present {
			p.Products = service.Set(portalProducts(su, items))
		}
		p.UpdateProration = enumField(su, "proration_behavior", billing.PortalProrationBehaviors)
		p.BillingCycleAnchor = enumField(su, "billing_cycle_anchor", billing.PortalBillingCycleAnchors)
		p.TrialUpdateBehavior = enumField(su, "trial_update_behavior", billing.PortalTrialBehaviors)
		if sp, cleared := su.Hash("schedule_at_period_end"); cleared {
			p.ScheduleConditions = service.Set([]string{})
		} else if sp != nil {
			if conds, present := sp.HashList("conditions"); present {
				types := []string{}
				for _, c := range conds {
					if t, ok := c.Enum("type", billing.PortalScheduleConditions...); ok {
						types = append(types, t)
					} else if !c.Failed() {
						c.Fail(billing.Missing(c.Name("type")))
					}
				}
				p.ScheduleConditions = service.Set(types)
			}
		}
	}
	if sp, _ := feats.Hash("subscription_pause"); sp != nil {
		p.PauseEnabled = boolField(sp, "enabled", true)
	}
}

// portalProducts reads features[subscription_update][products].
func portalProducts(su *stripewire.Form, items []*stripewire.Form) []billing.PortalProduct {
	if len(items) > billing.PortalMaxProducts {
		su.Fail(billing.Invalid(su.Name("products"), "parameter_invalid", "You can list at most %d products in %s.", billing.PortalMaxProducts, su.Name("products")))
		return nil
	}
	out := []billing.PortalProduct{}
	for _, it := range items {
		pp := billing.PortalProduct{Product: it.RequiredString("product"), AdjustableQuantity: billing.PortalAdjustableQuantity{Minimum: 1}}
		prices, present := it.StringList("prices")
		if (!present || len(prices) == 0) && !it.Failed() {
			it.Fail(billing.Missing(it.Name("prices")))
		}
		for i, pr := range prices {
			if pr == "" {
				it.Fail(billing.Invalid(it.Name("prices")+"["+strconv.Itoa(i)+"]", "parameter_invalid_empty", "Price ids in %s may not be empty.", it.Name("prices")))
			}
		}
		pp.Prices = prices
		if aq, _ := it.Hash("adjustable_quantity"); aq != nil {
			pp.AdjustableQuantity.Enabled = aq.RequiredBool("enabled")
			if v, ok := aq.Int("minimum"); ok {
				if v < 0 {
					aq.Fail(billing.Invalid(aq.Name("minimum"), "parameter_invalid_integer", "Invalid %s: must be at least 0.", aq.Name("minimum")))
				}
				pp.AdjustableQuantity.Minimum = v
			}
			if v, ok := aq.Int("maximum"); ok {
				if v < 1 {
					aq.Fail(billing.Invalid(aq.Name("maximum"), "parameter_invalid_integer", "Invalid %s: must be at least 1.", aq.Name("maximum")))
				}
				pp.AdjustableQuantity.Maximum = &v
			}
		}
		out = append(out, pp)
	}
	return out
}
