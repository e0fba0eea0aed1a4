package app

import (
	"context"
	"net/http"
	"strings"

	"github.com/porticohq/portico/internal/billing"
)

// The customer portal's parts of a running Portico: the default portal
// configuration, the session and login pages and the dev mailbox.

func (a *App) mountPortal(mux *http.ServeMux) {
	ctx := billing.WithLivemode(context.Background(), a.live())
	if _, err := a.Service.EnsureDefaultPortalConfiguration(ctx); err != nil {
		a.cfg.Logger.Error("creating the default portal configuration", "error", err)
	}
}

// live tells the mode of the API key, which is the data set the portal's
// default configuration belongs to.
func (a *App) live() bool {
	if a.cfg.SecretKey != "" {
		return strings.HasPrefix(a.cfg.SecretKey, "sk_live_")
	}
	var mode string
	a.Store.View(context.Background(), func(tx billing.Tx) error {
		mode, _ = tx.Setting(settingKeyMode)
		return nil
	})
	return mode == "live"
}
