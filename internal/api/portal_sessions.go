package api

import (
	"context"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
	"github.com/porticohq/portico/internal/stripewire"
)

// portalLocales are the 47 values of a portal session's locale.
var portalLocales = []string{"auto", "bg", "cs", "da", "de", "el", "en", "en-AU", "en-CA", "en-GB", "en-IE", "en-IN", "en-NZ",
	"en-SG", "es", "es-419", "et", "fi", "fil", "fr", "fr-CA", "hr", "hu", "id", "it", "ja", "ko", "lt",
	"lv", "ms", "mt", "nb", "nl", "pl", "pt", "pt-BR", "ro", "ru", "sk", "sl", "sv", "th", "tr", "vi", "zh",
	"zh-HK", "zh-TW"}

func (a *API) createPortalSession(r *Req) Run {
	f := r.Form
	v, _ := r.HTTP.Context().Value(keyVersion).(stripewire.Version)
	var p service.PortalSessionParams
	p.Customer, _ = f.NonEmptyString("customer")
	f.MaxLen("customer", p.Customer, 5000)
	if _, ok := f.String("customer_account"); ok {
		if p.Customer != "" {
			f.Fail(billing.Invalid("customer_account", "parameters_exclusive", "You may only specify one of these parameters: customer, customer_account."))
		} else {
			f.Fail(billing.Invalid("customer_account", "parameter_invalid", "customer_account is not supported: Portico has no Accounts v2 customers. Pass customer instead."))
		}
	}
	if p.Customer == "" && !f.Failed() {
		f.Fail(billing.Missing("customer"))
	}
	p.Configuration, _ = f.NonEmptyString("configuration")
	f.MaxLen("configuration", p.Configuration, 5000)
	p.ReturnURL = urlField(f, "return_url", false).Value
	p.Locale, _ = f.Enum("locale", portalLocales...)
	p.OnBehalfOf, _ = f.NonEmptyString("on_behalf_of")
	f.MaxLen("on_behalf_of", p.OnBehalfOf, 5000)
	if fd, _ := f.Hash("flow_data"); fd != nil {
		p.Flow = portalFlowData(fd, v)
	}
	if v.AfterExpiration() {
		if ae, _ := f.Hash("after_expiration"); ae != nil {
			x := &billing.PortalAfterExpiration{}
			x.Type, _ = ae.Enum("type", "customer_login")
			if x.Type == "" && !ae.Failed() {
				ae.Fail(billing.Missing(ae.Name("type")))
			}
			if cl, _ := ae.Hash("customer_login"); cl != nil {
				x.ExpiresAt = optZero(cl, "expires_at")
			}
			p.AfterExpiration = x
		}
	}
	// The reads and checks run here, on the read pool, so that the write
	// transaction only stores the session (see service.PreparePortalSession).
	// This departs from the rule that endpoints do not touch the store: it
	// is a read-only check whose result the transaction may discard.
	prep := &service.PreparedPortalSession{}
	if f.Err() == nil {
		prep = a.svc.PreparePortalSession(r.HTTP.Context(), p)
	}
	return func(ctx context.Context) (any, error) { return a.svc.CreatePreparedPortalSession(ctx, prep) }
}

func optZero(f *stripewire.Form, key string) int64 {
	v, _ := f.Int(key)
	return v
}

// portalFlowData reads flow_data: its type (customer_update only for
// versions that have it), after_completion and the type's own hash, which
// is required (hashes of other types are refused).
func portalFlowData(fd *stripewire.Form, v stripewire.Version) *billing.PortalFlow {
	types := []string{billing.FlowPaymentMethodUpdate, billing.FlowSubscriptionCancel, billing.FlowSubscriptionUpdate, billing.FlowSubscriptionUpdateConfirm}
	if v.CustomerUpdateFlow() {
		types = append(types, billing.FlowCustomerUpdate)
	}
	flow := &billing.PortalFlow{AfterCompletion: billing.PortalAfterCompletion{Type: billing.AfterPortalHomepage}}
	flow.Type, _ = fd.Enum("type", types...)
	if flow.Type == "" && !fd.Failed() {
		fd.Fail(billing.Missing(fd.Name("type")))
	}
	if ac, _ := fd.Hash("after_completion"); ac != nil {
		flow.AfterCompletion.Type, _ = ac.Enum("type", billing.AfterHostedConfirmation, billing.AfterPortalHomepage, billing.AfterRedirect)
		if flow.AfterCompletion.Type == "" && !ac.Failed() {
			ac.Fail(billing.Missing(ac.Name("type")))
		}
		hc, _ := ac.Hash("hosted_confirmation")
		rd, _ := ac.Hash("redirect")
		switch {
		case hc != nil && flow.AfterCompletion.Type != billing.AfterHostedConfirmation:
			ac.Fail(billing.Invalid(ac.Name("hosted_confirmation"), "parameter_invalid", "%s can only be given when %s is hosted_confirmation.", ac.Name("hosted_confirmation"), ac.Name("type")))
		case rd != nil && flow.AfterCompletion.Type != billing.AfterRedirect:
			ac.Fail(billing.Invalid(ac.Name("redirect"), "parameter_invalid", "%s can only be given when %s is redirect.", ac.Name("redirect"), ac.Name("type")))
		case flow.AfterCompletion.Type == billing.AfterRedirect && rd == nil && !ac.Failed():
			ac.Fail(billing.Missing(ac.Name("redirect")))
		}
		if hc != nil {
			flow.AfterCompletion.CustomMessage, _ = hc.String("custom_message")
			hc.MaxLen("custom_message", flow.AfterCompletion.CustomMessage, 500)
		}
		if rd != nil {
			u := urlField(rd, "return_url", false)
			if !u.Set && !rd.Failed() {
				rd.Fail(billing.Missing(rd.Name("return_url")))
			}
			flow.AfterCompletion.RedirectURL = u.Value
		}
	}
	for _, t := range []string{billing.FlowSubscriptionCancel, billing.FlowSubscriptionUpdate, billing.FlowSubscriptionUpdateConfirm} {
		sub, _ := fd.Hash(t)
		switch {
		case sub == nil && t == flow.Type:
			if !fd.Failed() {
				fd.Fail(billing.Missing(fd.Name(t)))
			}
		case sub != nil && t != flow.Type:
			if !fd.Failed() {
				fd.Fail(billing.Invalid(fd.Name(t), "parameter_invalid", "%s can only be given when %s is %s.", fd.Name(t), fd.Name("type"), t))
			}
		case sub != nil:
			flow.Subscription = sub.RequiredString("subscription")
			switch t {
			case billing.FlowSubscriptionCancel:
				if rt, _ := sub.Hash("retention"); rt != nil {
					if typ, _ := rt.Enum("type", "coupon_offer"); typ == "" && !rt.Failed() {
						rt.Fail(billing.Missing(rt.Name("type")))
					}
					if co, _ := rt.Hash("coupon_offer"); co != nil {
						flow.RetentionCoupon = co.RequiredString("coupon")
					} else if !rt.Failed() {
						rt.Fail(billing.Missing(rt.Name("coupon_offer")))
					}
				}
			case billing.FlowSubscriptionUpdateConfirm:
				portalConfirmParams(sub, flow)
			}
		}
	}
	return flow
}

// portalConfirmParams reads subscription_update_confirm's items (exactly
// one) and discounts (at most one, each a coupon or a promotion code).
func portalConfirmParams(sub *stripewire.Form, flow *billing.PortalFlow) {
	items, present := sub.HashList("items")
	switch {
	case (!present || len(items) == 0) && !sub.Failed():
		sub.Fail(billing.Missing(sub.Name("items")))
	case len(items) > 1:
		sub.Fail(billing.Invalid(sub.Name("items"), "parameter_invalid", "Only one item can be updated: %s takes at most one item, and subscriptions with multiple items are not updatable.", sub.Name("items")))
	}
	for _, it := range items {
		item := billing.PortalFlowItem{ID: it.RequiredString("id")}
		item.Price, _ = it.NonEmptyString("price")
		if q, ok := it.Int("quantity"); ok {
			item.Quantity = &q
		}
		flow.Items = append(flow.Items, item)
	}
	ds, _ := sub.HashList("discounts")
	if len(ds) > 1 {
		sub.Fail(billing.Invalid(sub.Name("discounts"), "parameter_invalid", "At most one discount can be given in %s.", sub.Name("discounts")))
	}
	for _, d := range ds {
		var disc billing.PortalFlowDiscount
		disc.Coupon, _ = d.NonEmptyString("coupon")
		disc.PromotionCode, _ = d.NonEmptyString("promotion_code")
		switch {
		case disc.Coupon != "" && disc.PromotionCode != "":
			d.Fail(billing.Invalid(d.Name("promotion_code"), "parameters_exclusive", "You may only specify one of these parameters: coupon, promotion_code."))
		case disc.Coupon == "" && disc.PromotionCode == "" && !d.Failed():
			d.Fail(billing.Missing(d.Name("coupon")))
		}
		flow.Discounts = append(flow.Discounts, disc)
	}
}
