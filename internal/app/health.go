package app

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/porticohq/portico/internal/billing"
)

// readyTimeout bounds the database checks of one /readyz request.
const readyTimeout = 2 * time.Second

// readiness is /readyz's answer: which checks passed.
type readiness struct {
	Status string `json:"status"` // "ok" or "unavailable"
	// Failed names the check that failed: "database" or "migrations".
	Failed string `json:"failed,omitempty"`
	// Detail says why, without internal error text.
	Detail string `json:"detail,omitempty"`
}

// readyChecks are what /readyz asks the store.
type readyChecks struct {
	// ping runs a cheap query.
	ping func(ctx context.Context) error
	// pending lists migrations not yet applied.
	pending func(ctx context.Context) ([]string, error)
	// migrated, once set, skips pending: embedded migrations never become
	// pending again once applied.
	migrated interface {
		Load() bool
		Store(bool)
	}
	timeout time.Duration
	log     *slog.Logger
}

// readyHandler answers /readyz for this App's store.
func (a *App) readyHandler() http.Handler {
	return readyChecks{ping: a.pingStore, pending: a.Store.Pending, migrated: &a.migrated, timeout: readyTimeout, log: a.cfg.Logger}
}

// pingStore reads one setting: a primary-key look-up on the read pool.
func (a *App) pingStore(ctx context.Context) error {
	return a.Store.View(ctx, func(tx billing.Tx) error {
		_, err := tx.Setting(settingKeyHash)
		if errors.Is(err, billing.ErrNotFound) {
			return nil // the database answered
		}
		return err
	})
}

// ServeHTTP answers 200 when the database answers within the timeout and
// no migration is pending, else 503 naming the failed check.
func (c readyChecks) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), c.timeout)
	defer cancel()
	res := readiness{Status: "ok"}
	if err := c.ping(ctx); err != nil {
		c.log.Warn("readiness: the database does not answer", "error", err)
		res = readiness{Status: "unavailable", Failed: "database", Detail: "the database did not answer"}
		if ctx.Err() != nil {
			res.Detail += " within " + c.timeout.String()
		}
	} else if !c.migrated.Load() {
		switch pending, err := c.pending(ctx); {
		case err != nil:
			c.log.Warn("readiness: listing pending migrations", "error", err)
			res = readiness{Status: "unavailable", Failed: "migrations", Detail: "could not read the applied migrations"}
		case len(pending) > 0:
			res = readiness{Status: "unavailable", Failed: "migrations",
				Detail: strconv.Itoa(len(pending)) + " pending: " + strings.Join(pending, ", ") + " (run portico migrate)"}
		default:
			c.migrated.Store(true)
		}
	}
	status := http.StatusOK
	if res.Failed != "" {
		status = http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(res)
}
