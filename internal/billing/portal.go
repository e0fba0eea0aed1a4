package billing

import (
	"net/url"
	"strings"
)

// Enumerations of portal configurations, as Stripe names them.
var (
	PortalCustomerUpdates     = []string{"address", "email", "name", "phone", "shipping", "tax_id"}
	PortalCancelModes         = []string{"at_period_end", "immediately"}
	PortalProrationBehaviors  = []string{"always_invoice", "create_prorations", "none"}
	PortalCancelReasons       = []string{"customer_service", "low_quality", "missing_features", "other", "switched_service", "too_complex", "too_expensive", "unused"}
	PortalSubscriptionUpdates = []string{"price", "promotion_code", "quantity"}
	PortalScheduleConditions  = []string{"decreasing_item_amount", "shortening_interval"}
	PortalTrialBehaviors      = []string{"continue_trial", "end_trial"}
	PortalBillingCycleAnchors = []string{"now", "unchanged"}
	// PortalDefaultCancelReasons are the options a configuration gets when
	// none are given: Stripe's five, in Stripe's order.
	PortalDefaultCancelReasons = []string{"too_expensive", "missing_features", "switched_service", "unused", "other"}
)

// PortalMaxProducts is Stripe's limit on features.subscription_update.products.
const PortalMaxProducts = 10

// PortalBusinessProfile is what the portal shows about the merchant.
type PortalBusinessProfile struct {
	Headline          string `json:"headline,omitempty"`
	PrivacyPolicyURL  string `json:"privacy_policy_url,omitempty"`
	TermsOfServiceURL string `json:"terms_of_service_url,omitempty"`
}

// PortalAdjustableQuantity lets customers change an item's quantity within
// bounds. Maximum nil means no upper bound.
type PortalAdjustableQuantity struct {
	Enabled bool   `json:"enabled"`
	Minimum int64  `json:"minimum"`
	Maximum *int64 `json:"maximum,omitempty"`
}

// PortalProduct is one product customers may switch to, with its prices.
type PortalProduct struct {
	Product            string                   `json:"product"`
	Prices             []string                 `json:"prices"`
	AdjustableQuantity PortalAdjustableQuantity `json:"adjustable_quantity"`
}

// PortalFeatures are the portal's features a configuration turns on.
type PortalFeatures struct {
	CustomerUpdate struct {
		Enabled        bool     `json:"enabled"`
		AllowedUpdates []string `json:"allowed_updates"`
	} `json:"customer_update"`
	InvoiceHistory struct {
		Enabled bool `json:"enabled"`
	} `json:"invoice_history"`
	PaymentMethodUpdate struct {
		Enabled                    bool   `json:"enabled"`
		PaymentMethodConfiguration string `json:"payment_method_configuration,omitempty"`
	} `json:"payment_method_update"`
	SubscriptionCancel struct {
		Enabled            bool   `json:"enabled"`
		Mode               string `json:"mode"`
		ProrationBehavior  string `json:"proration_behavior"`
		CancellationReason struct {
			Enabled bool     `json:"enabled"`
			Options []string `json:"options"`
		} `json:"cancellation_reason"`
	} `json:"subscription_cancel"`
	SubscriptionUpdate struct {
		Enabled               bool            `json:"enabled"`
		DefaultAllowedUpdates []string        `json:"default_allowed_updates"`
		Products              []PortalProduct `json:"products"`
		ProrationBehavior     string          `json:"proration_behavior"`
		BillingCycleAnchor    string          `json:"billing_cycle_anchor,omitempty"`
		ScheduleConditions    []string        `json:"schedule_conditions"`
		TrialUpdateBehavior   string          `json:"trial_update_behavior"`
	} `json:"subscription_update"`
	// SubscriptionPause is a Portico extension: Stripe removed pausing from
	// its portal (and features.subscription_pause from its API), but
	// Portico's portal offers pause and resume when it is enabled.
	SubscriptionPause struct {
		Enabled bool `json:"enabled"`
	} `json:"subscription_pause"`
}

// PortalProductFor returns the configured product whose prices include
// price.
func (f *PortalFeatures) PortalProductFor(price string) (*PortalProduct, bool) {
	for i := range f.SubscriptionUpdate.Products {
		for _, p := range f.SubscriptionUpdate.Products[i].Prices {
			if p == price {
				return &f.SubscriptionUpdate.Products[i], true
			}
		}
	}
	return nil, false
}

// PortalLoginPage is a configuration's shareable login page. ID is the
// secret-less, stable part of its URL (<public-url>/p/login/<ID>), set while
// the page is enabled; disabling clears it, so the old URL stops working, and
// enabling again issues a new one.
type PortalLoginPage struct {
	Enabled bool   `json:"enabled"`
	ID      string `json:"id,omitempty"`
}

// PortalConfiguration is a billing_portal.configuration: which portal
// features a session offers and how they behave.
type PortalConfiguration struct {
	ID               string                `json:"id"`
	Created          int64                 `json:"created"`
	Updated          int64                 `json:"updated"`
	Livemode         bool                  `json:"livemode"`
	Active           bool                  `json:"active"`
	IsDefault        bool                  `json:"is_default"`
	Name             string                `json:"name,omitempty"`
	BusinessProfile  PortalBusinessProfile `json:"business_profile"`
	DefaultReturnURL string                `json:"default_return_url,omitempty"`
	Features         PortalFeatures        `json:"features"`
	LoginPage        PortalLoginPage       `json:"login_page"`
	Metadata         Metadata              `json:"metadata,omitempty"`
}

// Portal flow types and after-completion types.
const (
	FlowPaymentMethodUpdate       = "payment_method_update"
	FlowSubscriptionCancel        = "subscription_cancel"
	FlowSubscriptionUpdate        = "subscription_update"
	FlowSubscriptionUpdateConfirm = "subscription_update_confirm"
	FlowCustomerUpdate            = "customer_update"

	AfterHostedConfirmation = "hosted_confirmation"
	AfterPortalHomepage     = "portal_homepage"
	AfterRedirect           = "redirect"
)

// PortalAfterCompletion says where the customer goes after a flow.
type PortalAfterCompletion struct {
	Type string `json:"type"`
	// RedirectURL is redirect.return_url, for type redirect.
	RedirectURL string `json:"redirect_url,omitempty"`
	// CustomMessage is hosted_confirmation.custom_message.
	CustomMessage string `json:"custom_message,omitempty"`
}

// PortalFlowItem is one item change of a subscription_update_confirm flow.
type PortalFlowItem struct {
	ID       string `json:"id"`
	Price    string `json:"price,omitempty"`
	Quantity *int64 `json:"quantity,omitempty"`
}

// PortalFlowDiscount is a coupon or promotion code to apply with a
// subscription_update_confirm flow.
type PortalFlowDiscount struct {
	Coupon        string `json:"coupon,omitempty"`
	PromotionCode string `json:"promotion_code,omitempty"`
}

// PortalFlow is a session's deep link into one portal action.
type PortalFlow struct {
	Type            string                `json:"type"`
	AfterCompletion PortalAfterCompletion `json:"after_completion"`
	// Subscription is the subscription the flow acts on (cancel, update and
	// update-confirm flows).
	Subscription string `json:"subscription,omitempty"`
	// RetentionCoupon is the coupon a cancel flow offers instead of
	// cancelling; empty when none was asked for or it does not apply.
	RetentionCoupon string               `json:"retention_coupon,omitempty"`
	Items           []PortalFlowItem     `json:"items,omitempty"`
	Discounts       []PortalFlowDiscount `json:"discounts,omitempty"`
}

// PortalAfterExpiration is what happens when an expired session URL is
// visited (2026-10-28.endive): with type customer_login, the customer can
// have a new link sent to their email address until ExpiresAt.
type PortalAfterExpiration struct {
	Type      string `json:"type"`
	ExpiresAt int64  `json:"expires_at"`
}

// PortalSession is a billing_portal.session: a short-lived, single-use link
// into the portal for one customer. The link's secret token is never
// stored: TokenHash is its SHA-256, and Token is set only on the object
// returned by the create call, so only that response carries the URL.
type PortalSession struct {
	ID              string                 `json:"id"`
	Created         int64                  `json:"created"`
	Livemode        bool                   `json:"livemode"`
	Customer        string                 `json:"customer"`
	Configuration   string                 `json:"configuration"`
	Locale          string                 `json:"locale,omitempty"`
	OnBehalfOf      string                 `json:"on_behalf_of,omitempty"`
	ReturnURL       string                 `json:"return_url,omitempty"`
	Flow            *PortalFlow            `json:"flow,omitempty"`
	AfterExpiration *PortalAfterExpiration `json:"after_expiration,omitempty"`
	// ExpiresAt is when the link stops opening (unix seconds); OpenedAt is
	// when it was opened (0 while unused). Neither is on Stripe's object.
	ExpiresAt int64  `json:"expires_at"`
	OpenedAt  int64  `json:"opened_at,omitempty"`
	TokenHash string `json:"-"`
	Token     string `json:"-"`
}

// PortalVisit is a customer's signed-in stay in the portal, made by opening
// a session link: the browser holds a cookie whose SHA-256 is TokenHash. It
// ends after a stretch of inactivity (see LastActive).
type PortalVisit struct {
	TokenHash     string
	Livemode      bool
	Session       string
	Customer      string
	Configuration string
	ReturnURL     string
	Created       int64
	LastActive    int64
}

// CheckURL returns the error for v, the value of param, unless it is an
// absolute http or https URL (no javascript:, no relative paths).
func CheckURL(param, v string) *Error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(v, " \t\r\n") {
		return Invalid(param, "url_invalid", "Not a valid URL: %s must be an absolute http or https URL.", param)
	}
	return nil
}
