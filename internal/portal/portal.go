// Package portal serves the customer-facing pages behind portal URLs: the
// session link (/p/session/<token>), which it exchanges for a signed-in
// visit held in a cookie, the hosted portal itself (the homepage at /p/ and
// its actions, each a plain form post that returns to the homepage) and a
// configuration's login page (/p/login/<id>), which emails a one-time link.
package portal

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/porticohq/portico/internal/mail"
	"github.com/porticohq/portico/internal/render"
	"github.com/porticohq/portico/internal/service"
)

// Settings are the portal's tunables, with defaults from DefaultSettings.
type Settings struct {
	// IdleTimeout ends a signed-in visit after this long without a request
	// (PORTICO_PORTAL_IDLE_TIMEOUT, default 1h). Session links themselves
	// must be opened within service.PortalLinkLifetime (5 minutes).
	IdleTimeout time.Duration
	// LoginLinkLifetime is how long an emailed sign-in link can be opened
	// (PORTICO_PORTAL_LOGIN_LINK_LIFETIME, default 15m): longer than an API
	// session's five minutes, since email takes a while to arrive.
	LoginLinkLifetime time.Duration
	// LoginPerAddress and LoginPerIP bound the sign-in links requested for
	// one email address and from one client IP per LoginWindow
	// (PORTICO_PORTAL_LOGIN_PER_ADDRESS, default 5;
	// PORTICO_PORTAL_LOGIN_PER_IP, default 20; window 1h).
	LoginPerAddress int64
	LoginPerIP      int64
	LoginWindow     time.Duration
	// ClientIPHeader names the header a trusted reverse proxy puts the
	// client's address in (PORTICO_CLIENT_IP_HEADER, e.g. X-Forwarded-For;
	// its last entry is used). Empty: the connection's address.
	ClientIPHeader string
}

// DefaultSettings returns the defaults.
func DefaultSettings() Settings {
	return Settings{IdleTimeout: time.Hour, LoginLinkLifetime: 15 * time.Minute, LoginPerAddress: 5, LoginPerIP: 20, LoginWindow: time.Hour}
}

// SettingsFromEnv reads the PORTICO_PORTAL_* variables over the defaults;
// malformed values keep the default.
func SettingsFromEnv(getenv func(string) string) Settings {
	s := DefaultSettings()
	dur := func(key string, dst *time.Duration) {
		if d, err := time.ParseDuration(getenv(key)); err == nil && d > 0 {
			*dst = d
		}
	}
	num := func(key string, dst *int64) {
		if n, err := strconv.ParseInt(getenv(key), 10, 64); err == nil && n > 0 {
			*dst = n
		}
	}
	dur("PORTICO_PORTAL_IDLE_TIMEOUT", &s.IdleTimeout)
	dur("PORTICO_PORTAL_LOGIN_LINK_LIFETIME", &s.LoginLinkLifetime)
	num("PORTICO_PORTAL_LOGIN_PER_ADDRESS", &s.LoginPerAddress)
	num("PORTICO_PORTAL_LOGIN_PER_IP", &s.LoginPerIP)
	s.ClientIPHeader = getenv("PORTICO_CLIENT_IP_HEADER")
	return s
}

// Config configures New.
type Config struct {
	Service   *service.Service
	Mailer    mail.Mailer
	Logger    *slog.Logger
	PublicURL string
	Settings  Settings
}

// Handler serves the portal pages.
type Handler struct {
	svc       *service.Service
	mailer    mail.Mailer
	log       *slog.Logger
	publicURL string
	secure    bool
	set       Settings
	tpl       *render.Engine

	keyOnce sync.Once
	key     []byte
	keyErr  error
}

// New returns the portal's pages.
func New(cfg Config) *Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Settings.IdleTimeout == 0 {
		cfg.Settings = DefaultSettings()
	}
	pub := strings.TrimRight(cfg.PublicURL, "/")
	tpl, err := render.New()
	if err != nil {
		panic(err) // the embedded templates do not parse: a broken build
	}
	return &Handler{svc: cfg.Service, mailer: cfg.Mailer, log: cfg.Logger, publicURL: pub,
		secure: strings.HasPrefix(pub, "https://"), set: cfg.Settings, tpl: tpl}
}

// Mount registers the pages on mux.
func (h *Handler) Mount(mux *http.ServeMux) {
	mux.HandleFunc("GET /p/session/{token}", h.openSession)
	mux.HandleFunc("POST /p/session/{token}", h.sessionPost)
	mux.HandleFunc("GET /p/{$}", h.home)
	mux.HandleFunc("GET /p/invoices", h.invoiceHistory)
	mux.HandleFunc("GET "+render.StaticPrefix+"{file}", h.tpl.ServeAsset)
	mux.HandleFunc("GET "+render.BrandPrefix+"{file}", brandCSS)
	mux.HandleFunc("POST /p/payment-methods", h.addCard)
	mux.HandleFunc("POST /p/payment-methods/{id}/default", h.makeDefault)
	mux.HandleFunc("POST /p/payment-methods/{id}/remove", h.removeCard)
	mux.HandleFunc("POST /p/billing", h.updateBilling)
	mux.HandleFunc("POST /p/tax-ids", h.addTaxID)
	mux.HandleFunc("POST /p/tax-ids/{id}/remove", h.removeTaxID)
	mux.HandleFunc("GET /p/subscriptions/{id}/cancel", h.cancelPage)
	mux.HandleFunc("POST /p/subscriptions/{id}/cancel", h.cancel)
	mux.HandleFunc("POST /p/subscriptions/{id}/renew", h.renew)
	mux.HandleFunc("POST /p/subscriptions/{id}/pause", h.pause)
	mux.HandleFunc("POST /p/subscriptions/{id}/resume", h.resume)
	mux.HandleFunc("GET /p/subscriptions/{id}/update", h.updatePage)
	mux.HandleFunc("GET /p/subscriptions/{id}/review", h.reviewPage)
	mux.HandleFunc("POST /p/subscriptions/{id}/update", h.confirmUpdate)
	mux.HandleFunc("POST /p/invoices/{id}/pay", h.payInvoice)
	mux.HandleFunc("GET /p/invoices/{id}/paid", h.invoicePaid)
	mux.HandleFunc("POST /p/shipping", h.updateShipping)
	mux.HandleFunc("POST /p/logout", h.logout)
	// Flows (flow_data) and the pages they add.
	mux.HandleFunc("GET /p/payment-methods/new", h.addCardPage)
	mux.HandleFunc("GET /p/payment-methods/setup/{id}", h.setupReturn)
	mux.HandleFunc("GET /p/billing", h.billingPage)
	mux.HandleFunc("GET /p/done", h.donePage)
	mux.HandleFunc("POST /p/subscriptions/{id}/retention", h.acceptRetention)
	mux.HandleFunc("POST /p/subscriptions/{id}/retry", h.retryPayment)
	mux.HandleFunc("GET /p/subscriptions/{id}/paid", h.paidReturn)
	mux.HandleFunc("GET /p/login/{id}", h.loginForm)
	mux.HandleFunc("POST /p/login/{id}", h.loginSubmit)
}

// visitCookie is the cookie holding a visit's secret.
const visitCookie = "portico_portal"

// setVisitCookie gives the browser the visit's secret: HttpOnly, SameSite
// Lax (the link arrives by navigation from the merchant's site), Secure
// when Portico is served over https.
func (h *Handler) setVisitCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: visitCookie, Value: token, Path: "/p/", HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
}

func (h *Handler) clearVisitCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: visitCookie, Value: "", Path: "/p/", MaxAge: -1, HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
}

// openSession exchanges a session link for a visit and sends the browser
// on to the portal, so the token leaves the address bar and history.
func (h *Handler) openSession(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	ctx, ok := service.PortalTokenContext(r.Context(), token)
	if !ok {
		h.localMessage(w, r, http.StatusNotFound, "msg.link_invalid", "msg.link_invalid_text")
		return
	}
	if r.URL.Query().Has("confirm") {
		// Emailed links stop here and open with a button: mail scanners
		// fetch links in email, and must not use up a one-time link.
		h.confirmPage(w, r)
		return
	}
	h.exchange(w, r.WithContext(ctx), token)
}

// exchange opens a session link: a visit cookie and on to the portal, or
// the page saying why not.
func (h *Handler) exchange(w http.ResponseWriter, r *http.Request, token string) {
	ctx := r.Context()
	_, visitToken, err := h.svc.OpenPortalLink(ctx, token)
	switch {
	case err == nil:
		h.setVisitCookie(w, visitToken)
		http.Redirect(w, r, "/p/", http.StatusSeeOther)
	case errors.Is(err, service.ErrPortalLinkInvalid):
		h.localMessage(w, r, http.StatusNotFound, "msg.link_invalid", "msg.link_invalid_text")
	case errors.Is(err, service.ErrPortalLinkExpired), errors.Is(err, service.ErrPortalLinkUsed):
		if ok, rerr := h.svc.PortalLinkRecoverable(ctx, token); rerr == nil && ok {
			h.recoverPage(w, r)
			return
		}
		ps, _ := h.svc.PortalLinkSession(ctx, token)
		h.linkExpired(w, r, ps)
	default:
		h.fail(w, r, err)
	}
}

// logout ends the visit.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	if !h.checkCSRF(r, "logout") {
		h.localMessage(w, r, http.StatusForbidden, "msg.retry", "msg.form_expired_text")
		return
	}
	if c, err := r.Cookie(visitCookie); err == nil {
		if ctx, ok := service.PortalTokenContext(r.Context(), c.Value); ok {
			if err := h.svc.EndPortalVisit(ctx, c.Value); err != nil {
				h.fail(w, r, err)
				return
			}
		}
	}
	h.clearVisitCookie(w)
	h.localMessage(w, r, http.StatusOK, "msg.signed_out", "msg.signed_out_text")
}

// fail logs an internal error and answers with a generic page.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	h.log.Error("portal page failed", "path", r.URL.Path[:min(len(r.URL.Path), len("/p/session/"))], "error", err)
	h.localMessage(w, r, http.StatusInternalServerError, "msg.retry", "err.generic")
}

// clientIP returns the client's address: from the trusted proxy's header
// when one is configured, else the connection's.
func (h *Handler) clientIP(r *http.Request) string {
	if h.set.ClientIPHeader != "" {
		if v := r.Header.Get(h.set.ClientIPHeader); v != "" {
			parts := strings.Split(v, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
