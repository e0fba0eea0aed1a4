package app

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/mail"
	"github.com/porticohq/portico/internal/portal"
	"github.com/porticohq/portico/internal/service"
	"github.com/porticohq/portico/internal/stripewire"
)

// The customer portal's parts of a running Portico: the default portal
// configuration, the session and login pages, the dev mailbox and (in dev
// mode) a standing link into the demo customer's portal.

// openPortal makes sure the default portal configuration exists (a fresh
// Portico has one from its first start) and sets up the mailer.
//
// The mail and portal settings come from the environment
// (mail.ConfigFromEnv: PORTICO_SMTP_URL, PORTICO_SMTP_FROM;
// portal.SettingsFromEnv: PORTICO_PORTAL_*, PORTICO_CLIENT_IP_HEADER).
func (a *App) openPortal(ctx context.Context) error {
	if _, err := a.Service.EnsureDefaultPortalConfiguration(billing.WithLivemode(ctx, a.livemode)); err != nil {
		return fmt.Errorf("creating the default portal configuration: %w", err)
	}
	mailer, mailbox, err := mail.New(mail.ConfigFromEnv(os.Getenv), a.cfg.Logger)
	if err != nil {
		return fmt.Errorf("PORTICO_SMTP_URL: %w", err)
	}
	a.mailer, a.mailbox = mailer, mailbox
	return nil
}

// mountPortal mounts the portal's pages.
func (a *App) mountPortal(mux *http.ServeMux) {
	portal.New(portal.Config{Service: a.Service, Mailer: a.mailer, Logger: a.cfg.Logger, PublicURL: a.cfg.PublicURL,
		Settings: portal.SettingsFromEnv(os.Getenv)}).Mount(mux)
	if a.mailbox != nil {
		mux.Handle("GET /p/dev/mailbox", a.keyProtected(a.mailbox))
	}
	if a.cfg.Dev {
		mux.HandleFunc("GET /p/dev/customers/{id}", a.devPortalLink)
	}
}

// keyProtected lets through requests that present the API secret key (as
// the user name of Basic auth, as curl -u sk_...: sends it, or as a Bearer
// token); in dev mode everyone. The dev mailbox holds sign-in links, so
// outside dev mode only the merchant may read it.
func (a *App) keyProtected(h http.Handler) http.Handler {
	want := a.keyHash[:]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.cfg.Dev {
			key, _, ok := r.BasicAuth()
			if !ok {
				key, _ = strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			}
			sum := sha256.Sum256([]byte(key))
			if key == "" || subtle.ConstantTimeCompare(sum[:], want) != 1 {
				w.Header().Set("WWW-Authenticate", `Basic realm="Portico dev mailbox (user: your secret key)"`)
				http.Error(w, "The dev mailbox needs your secret key as the user name.", http.StatusUnauthorized)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

// devPortalLink (dev mode only) opens a fresh portal session for a
// customer at every visit, so the link printed at start keeps working
// although each session link works once, for five minutes.
func (a *App) devPortalLink(w http.ResponseWriter, r *http.Request) {
	ctx := billing.WithLivemode(r.Context(), a.livemode)
	ps, err := a.Service.CreatePortalSession(ctx, service.PortalSessionParams{Customer: r.PathValue("id")})
	if err != nil {
		http.Error(w, "Cannot open the portal for this customer.", http.StatusNotFound)
		return
	}
	http.Redirect(w, r, stripewire.PortalSessionURL(strings.TrimRight(a.cfg.PublicURL, "/"), ps.Token), http.StatusSeeOther)
}

// DemoPortalLink returns, in dev mode, a link that opens the portal of the
// demo customer (jenny.rosen@example.com) whenever it is visited; "" when
// not in dev mode or there is no demo customer. cmd/portico prints it at
// start.
func (a *App) DemoPortalLink(ctx context.Context) string {
	if !a.cfg.Dev {
		return ""
	}
	l, err := a.Service.ListCustomers(billing.WithLivemode(ctx, a.livemode), billing.CustomerFilter{Email: "jenny.rosen@example.com"}, billing.Page{Limit: 1})
	if err != nil || len(l.Data) == 0 {
		return ""
	}
	return strings.TrimRight(a.cfg.PublicURL, "/") + "/p/dev/customers/" + l.Data[0].ID
}
