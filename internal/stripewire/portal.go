package stripewire

import (
	"encoding/json"

	"github.com/porticohq/portico/internal/billing"
)

func init() {
	RegisterRenderer(renderPortal)
	// Stripe lists flow as expandable though it is always an object:
	// expanding it is accepted and changes nothing.
	RegisterExpandable("billing_portal.session", map[string]string{"flow": ""})
	RegisterKind("billing_portal.configuration", func() any { return new(billing.PortalConfiguration) })
	RegisterKind("billing_portal.session", func() any { return new(billing.PortalSession) })
}

func renderPortal(r *Renderer, obj any, e Expand) (any, bool, error) {
	switch o := obj.(type) {
	case *billing.PortalConfiguration:
		return r.portalConfiguration(o), true, nil
	case *billing.PortalSession:
		v, err := r.portalSession(o, e)
		return v, true, err
	}
	return nil, false, nil
}

type portalAdjustableQuantityJSON struct {
	Enabled bool   `json:"enabled"`
	Maximum *int64 `json:"maximum"`
	Minimum int64  `json:"minimum"`
}

type portalProductJSON struct {
	AdjustableQuantity portalAdjustableQuantityJSON `json:"adjustable_quantity"`
	Prices             []string                     `json:"prices"`
	Product            string                       `json:"product"`
}

type portalConditionJSON struct {
	Type string `json:"type"`
}

type portalFeaturesJSON struct {
	CustomerUpdate struct {
		AllowedUpdates []string `json:"allowed_updates"`
		Enabled        bool     `json:"enabled"`
	} `json:"customer_update"`
	InvoiceHistory struct {
		Enabled bool `json:"enabled"`
	} `json:"invoice_history"`
	PaymentMethodUpdate struct {
		Enabled                    bool    `json:"enabled"`
		PaymentMethodConfiguration *string `json:"payment_method_configuration"`
	} `json:"payment_method_update"`
	SubscriptionCancel struct {
		CancellationReason struct {
			Enabled bool     `json:"enabled"`
			Options []string `json:"options"`
		} `json:"cancellation_reason"`
		Enabled           bool   `json:"enabled"`
		Mode              string `json:"mode"`
		ProrationBehavior string `json:"proration_behavior"`
	} `json:"subscription_cancel"`
	// SubscriptionPause is Portico's extension (see billing.PortalFeatures).
	SubscriptionPause struct {
		Enabled bool `json:"enabled"`
	} `json:"subscription_pause"`
	SubscriptionUpdate struct {
		BillingCycleAnchor    *string             `json:"billing_cycle_anchor"`
		DefaultAllowedUpdates []string            `json:"default_allowed_updates"`
		Enabled               bool                `json:"enabled"`
		Products              []portalProductJSON `json:"products"`
		ProrationBehavior     string              `json:"proration_behavior"`
		ScheduleAtPeriodEnd   struct {
			Conditions []portalConditionJSON `json:"conditions"`
		} `json:"schedule_at_period_end"`
		TrialUpdateBehavior string `json:"trial_update_behavior"`
	} `json:"subscription_update"`
}

type portalConfigurationJSON struct {
	ID              string `json:"id"`
	Object          string `json:"object"`
	Active          bool   `json:"active"`
	Application     any    `json:"application"`
	BusinessProfile struct {
		Headline          *string `json:"headline"`
		PrivacyPolicyURL  *string `json:"privacy_policy_url"`
		TermsOfServiceURL *string `json:"terms_of_service_url"`
	} `json:"business_profile"`
	Created          int64              `json:"created"`
	DefaultReturnURL *string            `json:"default_return_url"`
	Features         portalFeaturesJSON `json:"features"`
	IsDefault        bool               `json:"is_default"`
	Livemode         bool               `json:"livemode"`
	LoginPage        struct {
		Enabled bool    `json:"enabled"`
		URL     *string `json:"url"`
	} `json:"login_page"`
	Metadata billing.Metadata `json:"metadata"`
	Name     *string          `json:"name"`
	Updated  int64            `json:"updated"`
}

// PortalLoginURL is the URL of a configuration's login page.
func PortalLoginURL(publicURL, id string) string { return publicURL + "/p/login/" + id }

// PortalSessionURL is the URL that opens a portal session.
func PortalSessionURL(publicURL, token string) string { return publicURL + "/p/session/" + token }

func (r *Renderer) portalConfiguration(c *billing.PortalConfiguration) portalConfigurationJSON {
	out := portalConfigurationJSON{ID: c.ID, Object: "billing_portal.configuration", Active: c.Active, Created: c.Created,
		DefaultReturnURL: ns(c.DefaultReturnURL), IsDefault: c.IsDefault, Livemode: c.Livemode,
		Metadata: metadata(c.Metadata), Name: ns(c.Name), Updated: c.Updated}
	bp := c.BusinessProfile
	out.BusinessProfile.Headline, out.BusinessProfile.PrivacyPolicyURL, out.BusinessProfile.TermsOfServiceURL = ns(bp.Headline), ns(bp.PrivacyPolicyURL), ns(bp.TermsOfServiceURL)
	out.LoginPage.Enabled = c.LoginPage.Enabled
	if c.LoginPage.Enabled && c.LoginPage.ID != "" {
		u := PortalLoginURL(r.PublicURL, c.LoginPage.ID)
		out.LoginPage.URL = &u
	}
	f, in := &out.Features, &c.Features
	f.CustomerUpdate.AllowedUpdates, f.CustomerUpdate.Enabled = strs(in.CustomerUpdate.AllowedUpdates), in.CustomerUpdate.Enabled
	f.InvoiceHistory.Enabled = in.InvoiceHistory.Enabled
	f.PaymentMethodUpdate.Enabled = in.PaymentMethodUpdate.Enabled
	f.PaymentMethodUpdate.PaymentMethodConfiguration = ns(in.PaymentMethodUpdate.PaymentMethodConfiguration)
	sc := &f.SubscriptionCancel
	sc.Enabled, sc.Mode, sc.ProrationBehavior = in.SubscriptionCancel.Enabled, in.SubscriptionCancel.Mode, in.SubscriptionCancel.ProrationBehavior
	sc.CancellationReason.Enabled = in.SubscriptionCancel.CancellationReason.Enabled
	sc.CancellationReason.Options = strs(in.SubscriptionCancel.CancellationReason.Options)
	f.SubscriptionPause.Enabled = in.SubscriptionPause.Enabled
	su, isu := &f.SubscriptionUpdate, &in.SubscriptionUpdate
	su.BillingCycleAnchor, su.DefaultAllowedUpdates, su.Enabled = ns(isu.BillingCycleAnchor), strs(isu.DefaultAllowedUpdates), isu.Enabled
	su.ProrationBehavior, su.TrialUpdateBehavior = isu.ProrationBehavior, isu.TrialUpdateBehavior
	su.Products = make([]portalProductJSON, 0, len(isu.Products))
	for _, p := range isu.Products {
		su.Products = append(su.Products, portalProductJSON{Prices: strs(p.Prices), Product: p.Product,
			AdjustableQuantity: portalAdjustableQuantityJSON{Enabled: p.AdjustableQuantity.Enabled, Maximum: p.AdjustableQuantity.Maximum, Minimum: p.AdjustableQuantity.Minimum}})
	}
	su.ScheduleAtPeriodEnd.Conditions = make([]portalConditionJSON, 0, len(isu.ScheduleConditions))
	for _, c := range isu.ScheduleConditions {
		su.ScheduleAtPeriodEnd.Conditions = append(su.ScheduleAtPeriodEnd.Conditions, portalConditionJSON{Type: c})
	}
	return out
}

type portalAfterCompletionJSON struct {
	HostedConfirmation *struct {
		CustomMessage *string `json:"custom_message"`
	} `json:"hosted_confirmation"`
	Redirect *struct {
		ReturnURL string `json:"return_url"`
	} `json:"redirect"`
	Type string `json:"type"`
}

type portalSubscriptionRefJSON struct {
	Subscription string `json:"subscription"`
}

type portalRetentionJSON struct {
	CouponOffer struct {
		Coupon string `json:"coupon"`
	} `json:"coupon_offer"`
	Type string `json:"type"`
}

type portalCancelJSON struct {
	Retention    *portalRetentionJSON `json:"retention"`
	Subscription string               `json:"subscription"`
}

type portalConfirmItemJSON struct {
	ID       *string `json:"id"`
	Price    *string `json:"price"`
	Quantity int64   `json:"quantity"`
}

type portalConfirmDiscountJSON struct {
	Coupon        *string `json:"coupon"`
	PromotionCode *string `json:"promotion_code"`
}

type portalConfirmJSON struct {
	Discounts    []portalConfirmDiscountJSON `json:"discounts"`
	Items        []portalConfirmItemJSON     `json:"items"`
	Subscription string                      `json:"subscription"`
}

type portalFlowJSON struct {
	AfterCompletion portalAfterCompletionJSON `json:"after_completion"`
	// CustomerUpdate is there for versions that know the customer_update
	// flow (2026-08-26.dahlia). Stripe's changelog names the key without
	// describing its content; Portico sends {} for customer_update flows
	// and null otherwise.
	CustomerUpdate            json.RawMessage            `json:"customer_update,omitempty"`
	SubscriptionCancel        *portalCancelJSON          `json:"subscription_cancel"`
	SubscriptionUpdate        *portalSubscriptionRefJSON `json:"subscription_update"`
	SubscriptionUpdateConfirm *portalConfirmJSON         `json:"subscription_update_confirm"`
	Type                      string                     `json:"type"`
}

type portalSessionJSON struct {
	ID              string          `json:"id"`
	Object          string          `json:"object"`
	Configuration   Ref             `json:"configuration"`
	Created         int64           `json:"created"`
	Customer        string          `json:"customer"`
	CustomerAccount *string         `json:"customer_account"`
	Flow            any             `json:"flow"`
	Livemode        bool            `json:"livemode"`
	Locale          *string         `json:"locale"`
	OnBehalfOf      *string         `json:"on_behalf_of"`
	ReturnURL       *string         `json:"return_url"`
	URL             string          `json:"url"`
	AfterExpiration json.RawMessage `json:"after_expiration,omitempty"`
}

type portalAfterExpirationJSON struct {
	CustomerLogin *struct {
		ExpiresAt *int64 `json:"expires_at"`
	} `json:"customer_login"`
	Type string `json:"type"`
}

// portalSession renders a session. Its url carries the secret token only
// in the response to the create call: the token is never stored, so a
// session rendered later (in an event) links to <public-url>/p/session/<id>,
// a page that says the link can no longer be opened.
func (r *Renderer) portalSession(s *billing.PortalSession, e Expand) (any, error) {
	out := portalSessionJSON{ID: s.ID, Object: "billing_portal.session", Created: s.Created, Customer: s.Customer,
		Livemode: s.Livemode, Locale: ns(s.Locale), OnBehalfOf: ns(s.OnBehalfOf), ReturnURL: ns(s.ReturnURL)}
	secret := s.Token
	if secret == "" {
		secret = s.ID
	}
	out.URL = PortalSessionURL(r.PublicURL, secret)
	var err error
	if out.Configuration, err = r.Ref("billing_portal.configuration", s.Configuration, e, "configuration"); err != nil {
		return nil, err
	}
	if s.Flow != nil {
		out.Flow = r.portalFlow(s.Flow)
	}
	if r.Version.AfterExpiration() {
		ae := []byte("null")
		if x := s.AfterExpiration; x != nil {
			v := portalAfterExpirationJSON{Type: x.Type}
			v.CustomerLogin = &struct {
				ExpiresAt *int64 `json:"expires_at"`
			}{}
			if x.ExpiresAt != 0 {
				at := x.ExpiresAt
				v.CustomerLogin.ExpiresAt = &at
			}
			if ae, err = json.Marshal(v); err != nil {
				return nil, err
			}
		}
		out.AfterExpiration = ae
	}
	return out, nil
}

func (r *Renderer) portalFlow(f *billing.PortalFlow) any {
	out := portalFlowJSON{Type: f.Type}
	ac := &out.AfterCompletion
	ac.Type = f.AfterCompletion.Type
	switch ac.Type {
	case billing.AfterRedirect:
		ac.Redirect = &struct {
			ReturnURL string `json:"return_url"`
		}{f.AfterCompletion.RedirectURL}
	case billing.AfterHostedConfirmation:
		ac.HostedConfirmation = &struct {
			CustomMessage *string `json:"custom_message"`
		}{ns(f.AfterCompletion.CustomMessage)}
	}
	switch f.Type {
	case billing.FlowSubscriptionCancel:
		c := &portalCancelJSON{Subscription: f.Subscription}
		if f.RetentionCoupon != "" {
			c.Retention = &portalRetentionJSON{Type: "coupon_offer"}
			c.Retention.CouponOffer.Coupon = f.RetentionCoupon
		}
		out.SubscriptionCancel = c
	case billing.FlowSubscriptionUpdate:
		out.SubscriptionUpdate = &portalSubscriptionRefJSON{Subscription: f.Subscription}
	case billing.FlowSubscriptionUpdateConfirm:
		c := &portalConfirmJSON{Subscription: f.Subscription, Items: []portalConfirmItemJSON{}}
		for _, it := range f.Items {
			j := portalConfirmItemJSON{ID: ns(it.ID), Price: ns(it.Price)}
			if it.Quantity != nil {
				j.Quantity = *it.Quantity
			}
			c.Items = append(c.Items, j)
		}
		if len(f.Discounts) > 0 {
			c.Discounts = []portalConfirmDiscountJSON{}
			for _, d := range f.Discounts {
				c.Discounts = append(c.Discounts, portalConfirmDiscountJSON{Coupon: ns(d.Coupon), PromotionCode: ns(d.PromotionCode)})
			}
		}
		out.SubscriptionUpdateConfirm = c
	}
	if r.Version.CustomerUpdateFlow() {
		out.CustomerUpdate = json.RawMessage("null")
		if f.Type == billing.FlowCustomerUpdate {
			out.CustomerUpdate = json.RawMessage("{}")
		}
	}
	return out
}
