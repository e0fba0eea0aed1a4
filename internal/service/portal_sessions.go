package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
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

// HashToken returns the key a portal token (session link or visit cookie)
// is stored under, the only form in which tokens are stored: the token's
// time part (see newPortalToken) followed by the hex SHA-256 of the whole
// token. The time part is not secret (ids carry the same); it makes keys
// of new tokens sort after older ones, so storing a session appends to the
// token index instead of writing a random page of it, which matters at
// thousands of sessions a second.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	h := hex.EncodeToString(sum[:])
	if _, rest, ok := strings.Cut(token, "_"); ok && len(rest) > billing.TimePartLen {
		return rest[:billing.TimePartLen] + h
	}
	return h
}

// hashSecret returns the hex SHA-256 of s, for keys derived from values
// that are not portal tokens (such as an email address for rate limits).
func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// newPortalToken returns a fresh secret for a portal URL: the data set's
// prefix, the creation time (TimePart: 7 characters, not secret) and 32
// random characters (190 bits).
func newPortalToken(live bool) string {
	return modePrefix(live) + billing.TimePart(time.Now()) + billing.RandomString(32)
}

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
