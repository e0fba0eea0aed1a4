package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"github.com/porticohq/portico/internal/billing"
)

// PortalLinkLifetime is how long a session's URL can be opened after the
// session is created: five minutes, as Stripe's links. After that (or once
// opened) the link is dead; merchants create sessions on demand.
const PortalLinkLifetime = 5 * time.Minute

// PortalSessionParams are the parameters of creating a portal session. The
// API layer has checked shapes, enums and URLs.
type PortalSessionParams struct {
	Customer        string
	Configuration   string
	ReturnURL       string
	Locale          string
	OnBehalfOf      string
	Flow            *billing.PortalFlow
	AfterExpiration *billing.PortalAfterExpiration
}

// HashToken returns the hex SHA-256 of a portal token, the only form in
// which tokens are stored.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// newPortalToken returns a fresh secret for a portal URL: the data set's
// prefix and 32 random characters (190 bits).
func newPortalToken(live bool) string { return modePrefix(live) + billing.RandomString(32) }

// CreatePortalSession creates a portal session for a customer: it checks
// the flow against the customer's subscriptions and the configuration, and
// returns the session with its one-time Token (the rest of Portico only
// ever sees the token's hash).
//
// Where Stripe's behaviour is not documented, Portico chose:
//   - without return_url and without the configuration's
//     default_return_url, the session is created with return_url null and
//     the portal shows no way back (Stripe may require one of the two);
//   - flow_data without after_completion gets after_completion
//     {type: portal_homepage};
//   - a subscription of another customer is a 400 parameter_invalid on
//     flow_data[<type>][subscription];
//   - the cancel flow refuses ended subscriptions and those already set to
//     cancel (cancel_at_period_end or cancel_at); the update flows accept
//     only active, trialing and past_due subscriptions not set to cancel;
//   - a subscription_cancel flow needs features.subscription_cancel
//     enabled, as the update flows need features.subscription_update; a
//     customer_update flow needs features.customer_update, a
//     payment_method_update flow features.payment_method_update (all 400
//     parameter_invalid on flow_data[type]);
//   - an unknown retention coupon is an error (resource_missing); a known
//     one that cannot apply (not redeemable, another currency, limited to
//     other products) is dropped from the flow;
//   - an item's quantity must be at least 1 and within the product's
//     adjustable_quantity bounds when those are enabled; when not given, the
//     flow echoes the item's current quantity;
//   - the configuration must be active (400 parameter_invalid).
func (s *Service) CreatePortalSession(ctx context.Context, p PortalSessionParams) (*billing.PortalSession, error) {
	return s.CreatePreparedPortalSession(ctx, &PreparedPortalSession{params: p})
}

// PreparedPortalSession is a session checked against a read-only snapshot
// before its write transaction; see PreparePortalSession.
type PreparedPortalSession struct {
	params  PortalSessionParams
	live    bool
	session *billing.PortalSession // nil when the check failed
}

// PreparePortalSession runs the reads and checks of creating a session on
// the read pool (and its row cache), outside the write transaction, which
// then only stores the session and its event. Creating portal sessions is
// read-heavy (customer, configuration, subscription, coupon or promotion
// code) and the single writer is the store's bottleneck; a session only
// records a link, whose actions the portal checks again when the customer
// takes them, so checking it against a snapshot taken a moment before the
// write is sound. When the check fails, CreatePreparedPortalSession checks
// again inside the write transaction, so errors (and idempotent replays)
// come from there exactly as for any other request.
func (s *Service) PreparePortalSession(ctx context.Context, p PortalSessionParams) *PreparedPortalSession {
	prep := &PreparedPortalSession{params: p, live: billing.LivemodeFrom(ctx)}
	s.view(ctx, func(tx billing.Tx) error {
		ps, err := checkPortalSession(tx, p, PortalLinkLifetime)
		if err == nil {
			ps.Token = newPortalToken(prep.live)
			ps.TokenHash = HashToken(ps.Token)
			prep.session = ps
		}
		return err
	})
	return prep
}

// CreatePreparedPortalSession creates the session prep describes.
func (s *Service) CreatePreparedPortalSession(ctx context.Context, prep *PreparedPortalSession) (*billing.PortalSession, error) {
	var ps *billing.PortalSession
	err := s.update(ctx, func(tx billing.Tx) error {
		if prep.session != nil && prep.live == tx.Livemode() {
			cp := *prep.session
			ps = &cp
			ps.Created = tx.Now().Unix()
			ps.ExpiresAt = tx.Now().Add(PortalLinkLifetime).Unix()
		} else {
			var err error
			if ps, err = checkPortalSession(tx, prep.params, PortalLinkLifetime); err != nil {
				return err
			}
		}
		if err := storePortalSession(tx, ps); err != nil {
			return err
		}
		return emit(tx, "billing_portal.session.created", "billing_portal.session", ps, nil)
	})
	return ps, err
}

// newPortalSession validates p and stores a new session whose link stays
// openable for lifetime.
func (s *Service) newPortalSession(tx billing.Tx, p PortalSessionParams, lifetime time.Duration) (*billing.PortalSession, error) {
	ps, err := checkPortalSession(tx, p, lifetime)
	if err != nil {
		return nil, err
	}
	return ps, storePortalSession(tx, ps)
}

// storePortalSession gives ps its secret token, unless it has one, and
// stores it (by the token's hash).
func storePortalSession(tx billing.Tx, ps *billing.PortalSession) error {
	if ps.Token == "" {
		ps.Token = newPortalToken(tx.Livemode())
		ps.TokenHash = HashToken(ps.Token)
	}
	return tx.InsertPortalSession(ps)
}

// checkPortalSession validates p against tx (reads only) and returns the
// session to store.
func checkPortalSession(tx billing.Tx, p PortalSessionParams, lifetime time.Duration) (*billing.PortalSession, error) {
	cu, err := tx.Customer(p.Customer)
	if err != nil {
		return nil, noSuchParam(err, "customer", "customer", p.Customer)
	}
	if cu.Deleted {
		return nil, billing.NoSuchParam("customer", "customer", p.Customer)
	}
	conf, err := portalConfigurationFor(tx, p.Configuration)
	if err != nil {
		return nil, err
	}
	now := tx.Now()
	ps := &billing.PortalSession{
		ID: billing.NewID("bps"), Created: now.Unix(), Livemode: tx.Livemode(), Customer: cu.ID,
		Configuration: conf.ID, Locale: p.Locale, OnBehalfOf: p.OnBehalfOf, ReturnURL: p.ReturnURL,
		AfterExpiration: p.AfterExpiration, ExpiresAt: now.Add(lifetime).Unix(),
	}
	if ps.ReturnURL == "" {
		ps.ReturnURL = conf.DefaultReturnURL
	}
	if p.AfterExpiration != nil && p.AfterExpiration.ExpiresAt != 0 && p.AfterExpiration.ExpiresAt <= now.Unix() {
		return nil, billing.Invalid("after_expiration[customer_login][expires_at]", "parameter_invalid", "after_expiration[customer_login][expires_at] must be in the future.")
	}
	if p.Flow != nil {
		flow := *p.Flow
		flow.Items = append([]billing.PortalFlowItem(nil), p.Flow.Items...)
		if err := checkPortalFlow(tx, &flow, cu, conf); err != nil {
			return nil, err
		}
		ps.Flow = &flow
	}
	return ps, nil
}

// portalConfigurationFor returns the configuration a session uses: the one
// named, which must be active, or the default.
func portalConfigurationFor(tx billing.Tx, id string) (*billing.PortalConfiguration, error) {
	if id == "" {
		c, err := tx.DefaultPortalConfiguration()
		if errors.Is(err, billing.ErrNotFound) {
			return nil, billing.Invalid("configuration", "parameter_missing",
				"No configuration provided and your default configuration has not been created. Provide a configuration or create a default one (is_default=true).")
		}
		return c, err
	}
	c, err := tx.PortalConfiguration(id)
	if err != nil {
		return nil, noSuchParam(err, "configuration", "configuration", id)
	}
	if !c.Active {
		return nil, billing.Invalid("configuration", "parameter_invalid", "The configuration %s is not active: only active configurations can be used to create portal sessions.", id)
	}
	return c, nil
}

// featureDisabled is the error for a flow whose portal feature is off in the
// configuration.
func featureDisabled(feature string) error {
	return billing.Invalid("flow_data[type]", "parameter_invalid",
		"This flow cannot be created because the %s feature in the portal configuration is disabled.", feature)
}

// checkPortalFlow checks a flow against the customer, their subscription
// and the configuration, and completes what it echoes (item quantities, a
// retention coupon that does not apply is dropped).
func checkPortalFlow(tx billing.Tx, f *billing.PortalFlow, cu *billing.Customer, conf *billing.PortalConfiguration) error {
	feats := &conf.Features
	switch f.Type {
	case billing.FlowPaymentMethodUpdate:
		if !feats.PaymentMethodUpdate.Enabled {
			return featureDisabled("payment method update")
		}
		return nil
	case billing.FlowCustomerUpdate:
		if !feats.CustomerUpdate.Enabled {
			return featureDisabled("customer update")
		}
		return nil
	case billing.FlowSubscriptionCancel:
		if !feats.SubscriptionCancel.Enabled {
			return featureDisabled("subscription cancel")
		}
		param := "flow_data[subscription_cancel][subscription]"
		sub, err := flowSubscription(tx, f.Subscription, param, cu)
		if err != nil {
			return err
		}
		if sub.CancelAtPeriodEnd || sub.CancelAt != nil {
			return billing.Invalid(param, "parameter_invalid", "Subscription %s is already scheduled to be canceled.", sub.ID)
		}
		if f.RetentionCoupon != "" {
			keep, err := retentionApplies(tx, f.RetentionCoupon, sub)
			if err != nil {
				return err
			}
			if !keep {
				f.RetentionCoupon = ""
			}
		}
		return nil
	}
	// subscription_update and subscription_update_confirm.
	if !feats.SubscriptionUpdate.Enabled {
		return featureDisabled("subscription update")
	}
	param := "flow_data[" + f.Type + "][subscription]"
	sub, err := flowSubscription(tx, f.Subscription, param, cu)
	if err != nil {
		return err
	}
	switch {
	case sub.Status != billing.SubActive && sub.Status != billing.SubTrialing && sub.Status != billing.SubPastDue:
		return billing.Invalid(param, "parameter_invalid", "Subscription %s cannot be updated while its status is %s.", sub.ID, sub.Status)
	case sub.CancelAtPeriodEnd || sub.CancelAt != nil:
		return billing.Invalid(param, "parameter_invalid", "Subscription %s is scheduled to be canceled and cannot be updated.", sub.ID)
	case len(sub.Items) != 1:
		return billing.Invalid(param, "parameter_invalid", "Subscription %s has several items: subscriptions with multiple items are not updatable in the portal.", sub.ID)
	}
	if f.Type == billing.FlowSubscriptionUpdateConfirm {
		return checkUpdateConfirm(tx, f, sub, cu, conf)
	}
	return nil
}

// flowSubscription loads the flow's subscription, which must be the
// customer's and not over.
func flowSubscription(tx billing.Tx, id, param string, cu *billing.Customer) (*billing.Subscription, error) {
	sub, err := tx.Subscription(id)
	if err != nil {
		return nil, noSuchParam(err, param, "subscription", id)
	}
	if sub.Customer != cu.ID {
		return nil, billing.Invalid(param, "parameter_invalid", "Subscription %s does not belong to customer %s.", sub.ID, cu.ID)
	}
	if sub.Ended() {
		return nil, billing.Invalid(param, "parameter_invalid", "Subscription %s is %s.", sub.ID, sub.Status)
	}
	return sub, nil
}

// checkUpdateConfirm checks a subscription_update_confirm flow's item and
// discount.
func checkUpdateConfirm(tx billing.Tx, f *billing.PortalFlow, sub *billing.Subscription, cu *billing.Customer, conf *billing.PortalConfiguration) error {
	const base = "flow_data[subscription_update_confirm]"
	it := &f.Items[0]
	cur, ok := sub.Item(it.ID)
	if !ok {
		return billing.Invalid(base+"[items][0][id]", "resource_missing", "Subscription %s has no item %s.", sub.ID, it.ID)
	}
	price := cur.Price
	if it.Price != "" {
		if _, ok := conf.Features.PortalProductFor(it.Price); !ok {
			return billing.Invalid(base+"[items][0][price]", "parameter_invalid",
				"Price %s is not among the products of the configuration's subscription update feature (features[subscription_update][products]).", it.Price)
		}
		price = it.Price
	}
	if it.Quantity != nil {
		if *it.Quantity < 1 {
			return billing.Invalid(base+"[items][0][quantity]", "parameter_invalid_integer", "Invalid quantity: must be at least 1.")
		}
		if pp, ok := conf.Features.PortalProductFor(price); ok && pp.AdjustableQuantity.Enabled {
			q := pp.AdjustableQuantity
			if *it.Quantity < q.Minimum || (q.Maximum != nil && *it.Quantity > *q.Maximum) {
				return billing.Invalid(base+"[items][0][quantity]", "parameter_invalid", "Quantity %d is outside the range the configuration allows for this product.", *it.Quantity)
			}
		}
	} else {
		q := cur.Quantity
		it.Quantity = &q
	}
	now := tx.Now().Unix()
	for i, d := range f.Discounts {
		param := base + "[discounts][" + itoa(int64(i)) + "]"
		if d.Coupon != "" {
			c, err := tx.Coupon(d.Coupon)
			if err != nil {
				return noSuchParam(err, param+"[coupon]", "coupon", d.Coupon)
			}
			if err := ValidateCoupon(c, now, param+"[coupon]"); err != nil {
				return err
			}
			continue
		}
		pc, err := tx.PromotionCode(d.PromotionCode)
		if err != nil {
			return noSuchParam(err, param+"[promotion_code]", "promotion code", d.PromotionCode)
		}
		if err := ValidatePromotionCode(tx, pc, cu.ID, now); err != nil {
			if e, ok := billing.AsError(err); ok {
				re := *e
				re.Param = param + "[promotion_code]"
				return &re
			}
			return err
		}
	}
	return nil
}

// retentionApplies reports whether the coupon offered by a cancel flow can
// apply to sub: it must be redeemable, in the subscription's currency when
// it is an amount off, and (when limited to products) cover one of the
// subscription's products. An unknown coupon is an error; one that merely
// does not apply is dropped from the flow, as Stripe shows the cancel page
// without the offer then.
func retentionApplies(tx billing.Tx, couponID string, sub *billing.Subscription) (bool, error) {
	const param = "flow_data[subscription_cancel][retention][coupon_offer][coupon]"
	c, err := tx.Coupon(couponID)
	if err != nil {
		return false, noSuchParam(err, param, "coupon", couponID)
	}
	if !c.Valid(tx.Now().Unix()) {
		return false, nil
	}
	if c.AmountOff != nil && sub.Currency != "" && c.Currency != sub.Currency {
		return false, nil
	}
	if c.AppliesTo == nil || len(c.AppliesTo.Products) == 0 {
		return true, nil
	}
	for _, it := range sub.Items {
		pr, err := tx.Price(it.Price)
		if errors.Is(err, billing.ErrNotFound) {
			continue
		}
		if err != nil {
			return false, err
		}
		for _, prod := range c.AppliesTo.Products {
			if prod == pr.Product {
				return true, nil
			}
		}
	}
	return false, nil
}
