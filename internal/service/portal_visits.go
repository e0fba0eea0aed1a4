package service

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/porticohq/portico/internal/billing"
)

// Why a portal link does not open. The portal's pages show each as a plain
// message; none is a Stripe API error.
var (
	ErrPortalLinkInvalid = errors.New("portal: no such link")
	ErrPortalLinkExpired = errors.New("portal: link expired")
	ErrPortalLinkUsed    = errors.New("portal: link already used")
	ErrPortalVisitEnded  = errors.New("portal: visit ended")
	ErrPortalRateLimited = errors.New("portal: too many attempts")
)

// visitTouchEvery is how stale a visit's last activity may get before a
// request records new activity: a page view writes at most once a minute.
const visitTouchEvery = time.Minute

// PortalTokenContext returns ctx selecting the data set a portal token
// (session link, visit cookie or login page id) belongs to, from its
// prefix; ok is false for tokens of neither data set.
func PortalTokenContext(ctx context.Context, token string) (context.Context, bool) {
	switch {
	case strings.HasPrefix(token, "test_"):
		return billing.WithLivemode(ctx, false), true
	case strings.HasPrefix(token, "live_"):
		return billing.WithLivemode(ctx, true), true
	}
	return ctx, false
}

// OpenPortalLink exchanges a session link's token for a visit: the link
// must exist, be younger than its lifetime and not opened before; opening
// it uses it up. It returns the visit and the visit's secret token (for
// the browser's cookie; only its hash is stored).
func (s *Service) OpenPortalLink(ctx context.Context, token string) (*billing.PortalVisit, string, error) {
	var v *billing.PortalVisit
	var visitToken string
	err := s.update(ctx, func(tx billing.Tx) error {
		ps, err := tx.PortalSessionByTokenHash(HashToken(token))
		if errors.Is(err, billing.ErrNotFound) {
			return ErrPortalLinkInvalid
		}
		if err != nil {
			return err
		}
		now := tx.Now().Unix()
		if ps.OpenedAt != 0 {
			return ErrPortalLinkUsed
		}
		if now >= ps.ExpiresAt {
			return ErrPortalLinkExpired
		}
		if ok, err := tx.MarkPortalSessionOpened(ps.ID, now); err != nil || !ok {
			if err == nil {
				err = ErrPortalLinkUsed
			}
			return err
		}
		visitToken = newPortalToken(tx.Livemode()) + billing.RandomString(11)
		v = &billing.PortalVisit{TokenHash: HashToken(visitToken), Livemode: tx.Livemode(), Session: ps.ID, Customer: ps.Customer,
			Configuration: ps.Configuration, ReturnURL: ps.ReturnURL, Created: now, LastActive: now}
		return tx.InsertPortalVisit(v)
	})
	if err != nil {
		return nil, "", err
	}
	return v, visitToken, nil
}

// PortalVisit returns the visit whose cookie is visitToken, its customer
// and the session it was opened from (whose locale and flow the pages
// follow), recording the activity. A visit idle for longer than idle has
// ended (ErrPortalVisitEnded).
func (s *Service) PortalVisit(ctx context.Context, visitToken string, idle time.Duration) (*billing.PortalVisit, *billing.Customer, *billing.PortalSession, error) {
	hash := HashToken(visitToken)
	var v *billing.PortalVisit
	var cu *billing.Customer
	var ps *billing.PortalSession
	var now time.Time
	err := s.view(ctx, func(tx billing.Tx) error {
		var err error
		now = tx.Now()
		if v, err = tx.PortalVisit(hash); err != nil {
			if errors.Is(err, billing.ErrNotFound) {
				return ErrPortalVisitEnded
			}
			return err
		}
		if ps, err = tx.PortalSession(v.Session); err != nil {
			return err
		}
		cu, err = tx.Customer(v.Customer)
		return err
	})
	if err != nil {
		return nil, nil, nil, err
	}
	last := time.Unix(v.LastActive, 0)
	if now.Sub(last) >= idle || cu.Deleted {
		s.update(ctx, func(tx billing.Tx) error { return tx.DeletePortalVisit(hash) })
		return nil, nil, nil, ErrPortalVisitEnded
	}
	if now.Sub(last) >= visitTouchEvery {
		err = s.update(ctx, func(tx billing.Tx) error { return tx.TouchPortalVisit(hash, tx.Now().Unix()) })
	}
	return v, cu, ps, err
}

// EndPortalVisit signs a visit out.
func (s *Service) EndPortalVisit(ctx context.Context, visitToken string) error {
	return s.update(ctx, func(tx billing.Tx) error { return tx.DeletePortalVisit(HashToken(visitToken)) })
}

// PortalLoginRequest is a request for a sign-in link from a login page.
type PortalLoginRequest struct {
	LoginPage string // the configuration's login page id
	Email     string
	ClientIP  string
	// At most PerAddress requests for one address and PerIP from one
	// client address are served per Window; more are ErrPortalRateLimited.
	PerAddress, PerIP int64
	Window            time.Duration
	// LinkLifetime is how long the emailed link can be opened.
	LinkLifetime time.Duration
}

// PortalLoginLink is what a login request produced: when a customer has
// the address, a fresh session link for them (Token set); otherwise
// nothing, and the caller answers exactly as if a link were sent.
type PortalLoginLink struct {
	Token    string
	Customer *billing.Customer
	Config   *billing.PortalConfiguration
}

// RequestPortalLogin counts the request against the rate limits (kept in
// the store, so every instance shares them), finds the login page's
// configuration (ErrPortalLinkInvalid when it is gone or disabled) and the
// newest customer with the email address (exactly as typed, else in lower
// case), and makes a session link for that customer. Login-page sessions
// record no billing_portal.session.created event: no API request made them.
func (s *Service) RequestPortalLogin(ctx context.Context, r PortalLoginRequest) (PortalLoginLink, error) {
	var out PortalLoginLink
	err := s.update(ctx, func(tx billing.Tx) error {
		// A retried transaction may find no customer where a rolled-back
		// run found one: no link from that run may be emailed.
		out = PortalLoginLink{}
		conf, err := tx.PortalConfigurationByLoginPage(r.LoginPage)
		if errors.Is(err, billing.ErrNotFound) {
			return ErrPortalLinkInvalid
		}
		if err != nil {
			return err
		}
		if !conf.Active {
			return ErrPortalLinkInvalid
		}
		if err := countLoginHits(tx, r); err != nil {
			return err
		}
		cu, err := customerByEmail(tx, r.Email)
		if errors.Is(err, billing.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		ps, err := s.newPortalSession(tx, PortalSessionParams{Customer: cu.ID, Configuration: conf.ID}, r.LinkLifetime)
		if err != nil {
			return err
		}
		out = PortalLoginLink{Token: ps.Token, Customer: cu, Config: conf}
		return nil
	})
	// A refused request rolls its counts back, which keeps a counter at its
	// limit: every further request in the window is refused too.
	return out, err
}

// customerByEmail returns the newest live customer with the address.
func customerByEmail(tx billing.Tx, email string) (*billing.Customer, error) {
	for _, e := range []string{email, strings.ToLower(email)} {
		l, err := tx.ListCustomers(billing.CustomerFilter{Email: e}, billing.Page{Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(l.Data) > 0 {
			return l.Data[0], nil
		}
	}
	return nil, billing.ErrNotFound
}

// settingPortalKey keys the portal's CSRF tokens.
const settingPortalKey = "portal_csrf_key"

// PortalKey returns the installation's secret for the portal's form
// tokens, made on first use.
func (s *Service) PortalKey(ctx context.Context) ([]byte, error) {
	var key string
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		key, err = tx.Setting(settingPortalKey)
		if errors.Is(err, billing.ErrNotFound) {
			key = billing.RandomString(43)
			err = tx.SetSetting(settingPortalKey, key)
		}
		return err
	})
	return []byte(key), err
}

// PortalLinkRecoverable reports whether a dead session link (expired or
// used) offers recovery: its session was created with
// after_expiration[type]=customer_login (2026-10-28.endive) and that offer
// has not run out.
func (s *Service) PortalLinkRecoverable(ctx context.Context, token string) (bool, error) {
	var ok bool
	err := s.view(ctx, func(tx billing.Tx) error {
		ps, err := tx.PortalSessionByTokenHash(HashToken(token))
		if errors.Is(err, billing.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		ok = recoverable(ps, tx.Now().Unix())
		return nil
	})
	return ok, err
}

func recoverable(ps *billing.PortalSession, now int64) bool {
	ae := ps.AfterExpiration
	return ae != nil && ae.Type == "customer_login" && (ae.ExpiresAt == 0 || now < ae.ExpiresAt)
}

// RecoverPortalLink makes a replacement for a dead session link that
// offers recovery, when email is the session's customer's address (in any
// case): a new session with the same configuration, return URL, locale and
// flow, whose link the caller emails. The rate limits of login pages apply
// (r.LoginPage is ignored). As for login pages, a wrong address yields no
// link and no error, so the caller answers the same either way.
func (s *Service) RecoverPortalLink(ctx context.Context, token string, r PortalLoginRequest) (PortalLoginLink, error) {
	var out PortalLoginLink
	err := s.update(ctx, func(tx billing.Tx) error {
		out = PortalLoginLink{} // as in RequestPortalLogin
		old, err := tx.PortalSessionByTokenHash(HashToken(token))
		if errors.Is(err, billing.ErrNotFound) {
			return ErrPortalLinkInvalid
		}
		if err != nil {
			return err
		}
		if !recoverable(old, tx.Now().Unix()) {
			return ErrPortalLinkExpired
		}
		if err := countLoginHits(tx, r); err != nil {
			return err
		}
		cu, err := tx.Customer(old.Customer)
		if err != nil || cu.Deleted || cu.Email == "" || !strings.EqualFold(cu.Email, r.Email) {
			return nil
		}
		ps, err := s.newPortalSession(tx, PortalSessionParams{Customer: cu.ID, Configuration: old.Configuration, ReturnURL: old.ReturnURL,
			Locale: old.Locale, OnBehalfOf: old.OnBehalfOf, Flow: old.Flow, AfterExpiration: old.AfterExpiration}, r.LinkLifetime)
		if err != nil {
			// The flow may no longer apply (say, the subscription ended):
			// offer the portal's homepage instead.
			ps, err = s.newPortalSession(tx, PortalSessionParams{Customer: cu.ID, Configuration: old.Configuration, ReturnURL: old.ReturnURL,
				Locale: old.Locale, OnBehalfOf: old.OnBehalfOf}, r.LinkLifetime)
			if err != nil {
				return err
			}
		}
		out = PortalLoginLink{Token: ps.Token, Customer: cu}
		return nil
	})
	return out, err
}

// countLoginHits counts a sign-in request against the per-address and
// per-IP limits.
func countLoginHits(tx billing.Tx, r PortalLoginRequest) error {
	now, secs := tx.Now().Unix(), int64(r.Window.Seconds())
	window := now - now%secs
	ipHits, err := tx.CountHit("portal_login:ip:"+r.ClientIP, window)
	if err != nil {
		return err
	}
	mailHits, err := tx.CountHit("portal_login:email:"+hashSecret(strings.ToLower(r.Email)), window)
	if err != nil {
		return err
	}
	if ipHits > r.PerIP || mailHits > r.PerAddress {
		return ErrPortalRateLimited
	}
	return nil
}
