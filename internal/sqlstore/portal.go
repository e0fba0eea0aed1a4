package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync/atomic"

	"github.com/porticohq/portico/internal/billing"
)

var (
	portalConfigurationsTable = &docTable{name: "portal_configurations", noun: "configuration", cols: []string{"active", "is_default", "login_page"}, unique: true}
	portalSessionsTable       = &docTable{name: "portal_sessions", noun: "billing portal session", cols: []string{"token_hash", "customer", "opened_at"}, unique: true}
)

func portalConfigurationCols(c *billing.PortalConfiguration) []any {
	var login any
	if c.LoginPage.Enabled && c.LoginPage.ID != "" {
		login = c.LoginPage.ID
	}
	return []any{boolInt(c.Active), boolInt(c.IsDefault), login}
}

// PortalConfiguration returns the configuration with id. Every portal
// session reads its configuration, a large document, so it is shared
// decoded through the row cache (getShared).
func (t *tx) PortalConfiguration(id string) (*billing.PortalConfiguration, error) {
	return getShared(t, portalConfigurationsTable, id, false, clonePortalConfiguration)
}

// clonePortalConfiguration copies c with its own slices.
func clonePortalConfiguration(c *billing.PortalConfiguration) *billing.PortalConfiguration {
	cp := *c
	f := &cp.Features
	f.CustomerUpdate.AllowedUpdates = slices.Clone(f.CustomerUpdate.AllowedUpdates)
	f.SubscriptionCancel.CancellationReason.Options = slices.Clone(f.SubscriptionCancel.CancellationReason.Options)
	f.SubscriptionUpdate.DefaultAllowedUpdates = slices.Clone(f.SubscriptionUpdate.DefaultAllowedUpdates)
	f.SubscriptionUpdate.ScheduleConditions = slices.Clone(f.SubscriptionUpdate.ScheduleConditions)
	f.SubscriptionUpdate.Products = slices.Clone(f.SubscriptionUpdate.Products)
	for i := range f.SubscriptionUpdate.Products {
		p := &f.SubscriptionUpdate.Products[i]
		p.Prices = slices.Clone(p.Prices)
		p.AdjustableQuantity.Maximum = clonePtr(p.AdjustableQuantity.Maximum)
	}
	cp.Metadata = maps.Clone(cp.Metadata)
	return &cp
}

// DefaultPortalConfiguration returns the default configuration.
func (t *tx) DefaultPortalConfiguration() (*billing.PortalConfiguration, error) {
	return getDocWhere[billing.PortalConfiguration](t, portalConfigurationsTable, eq("is_default", 1))
}

// PortalConfigurationByLoginPage returns the configuration whose enabled
// login page has id.
func (t *tx) PortalConfigurationByLoginPage(id string) (*billing.PortalConfiguration, error) {
	return getDocWhere[billing.PortalConfiguration](t, portalConfigurationsTable, eq("login_page", id))
}

// InsertPortalConfiguration adds c; billing.ErrConflict when it would be a
// second default.
func (t *tx) InsertPortalConfiguration(c *billing.PortalConfiguration) error {
	return t.insert(portalConfigurationsTable, c.ID, c.Created, c, portalConfigurationCols(c)...)
}

// UpdatePortalConfiguration stores c.
func (t *tx) UpdatePortalConfiguration(c *billing.PortalConfiguration) error {
	return t.update(portalConfigurationsTable, c.ID, c, portalConfigurationCols(c)...)
}

// ListPortalConfigurations lists configurations, newest first.
func (t *tx) ListPortalConfigurations(f billing.PortalConfigurationFilter, p billing.Page) (billing.List[*billing.PortalConfiguration], error) {
	var cs []cond
	if f.Active != nil {
		cs = append(cs, eq("active", boolInt(*f.Active)))
	}
	if f.IsDefault != nil {
		cs = append(cs, eq("is_default", boolInt(*f.IsDefault)))
	}
	return listDocs[billing.PortalConfiguration](t, portalConfigurationsTable, cs, p)
}

// InsertPortalSession adds s, keyed by its token's hash.
func (t *tx) InsertPortalSession(s *billing.PortalSession) error {
	return t.insert(portalSessionsTable, s.ID, s.Created, s, s.TokenHash, s.Customer, s.OpenedAt)
}

// PortalSessionByTokenHash returns the session whose token hashes to hash.
func (t *tx) PortalSessionByTokenHash(hash string) (*billing.PortalSession, error) {
	s, err := getDocWhere[billing.PortalSession](t, portalSessionsTable, eq("token_hash", hash))
	if err == nil {
		s.TokenHash = hash
	}
	return s, err
}

// MarkPortalSessionOpened records the first opening of a session's link.
func (t *tx) MarkPortalSessionOpened(id string, at int64) (bool, error) {
	res, err := t.q.ExecContext(t.ctx, "UPDATE portal_sessions SET opened_at = ? WHERE id = ? AND livemode = ? AND opened_at = 0", at, id, boolInt(t.livemode))
	t.touch(portalSessionsTable, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// InsertPortalVisit adds v.
func (t *tx) InsertPortalVisit(v *billing.PortalVisit) error {
	_, err := t.q.ExecContext(t.ctx, `INSERT INTO portal_visits (token_hash, livemode, session, customer, configuration, return_url, created, last_active)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, v.TokenHash, boolInt(t.livemode), v.Session, v.Customer, v.Configuration, v.ReturnURL, v.Created, v.LastActive)
	t.touchRow(portalVisitsTable, t.livemode, v.TokenHash)
	return t.wrap(err)
}

// portalVisitsTable names visits in the row cache: every portal page reads
// its visit, and every change to one invalidates it (touchRow).
const portalVisitsTable = "portal_visits"

// PortalVisit returns the visit whose cookie hashes to tokenHash.
func (t *tx) PortalVisit(tokenHash string) (*billing.PortalVisit, error) {
	row, err := t.cached(rowKey(portalVisitsTable, t.livemode, tokenHash), func() (cachedRow, error) {
		var v billing.PortalVisit
		err := t.q.QueryRowContext(t.ctx, `SELECT session, customer, configuration, return_url, created, last_active FROM portal_visits
			WHERE token_hash = ? AND livemode = ?`, tokenHash, boolInt(t.livemode)).
			Scan(&v.Session, &v.Customer, &v.Configuration, &v.ReturnURL, &v.Created, &v.LastActive)
		if errors.Is(err, sql.ErrNoRows) {
			return cachedRow{}, billing.ErrNotFound
		}
		if err != nil {
			return cachedRow{}, err
		}
		// The entry holds the visit itself: decodeRow copies it.
		dec := new(atomic.Value)
		dec.Store(&v)
		return cachedRow{dec: dec}, nil
	})
	if err != nil {
		return nil, err
	}
	v, err := decodeRow(row, clonePtr[billing.PortalVisit])
	if err != nil {
		return nil, fmt.Errorf("sqlstore: decode portal visit: %w", err)
	}
	v.TokenHash, v.Livemode = tokenHash, t.livemode
	return v, nil
}

// TouchPortalVisit records activity on a visit.
func (t *tx) TouchPortalVisit(tokenHash string, at int64) error {
	_, err := t.q.ExecContext(t.ctx, "UPDATE portal_visits SET last_active = ? WHERE token_hash = ? AND livemode = ?", at, tokenHash, boolInt(t.livemode))
	t.touchRow(portalVisitsTable, t.livemode, tokenHash)
	return err
}

// DeletePortalVisit ends a visit.
func (t *tx) DeletePortalVisit(tokenHash string) error {
	_, err := t.q.ExecContext(t.ctx, "DELETE FROM portal_visits WHERE token_hash = ? AND livemode = ?", tokenHash, boolInt(t.livemode))
	t.touchRow(portalVisitsTable, t.livemode, tokenHash)
	return err
}

// CountHit counts one hit on key in window and returns the window's count.
func (t *tx) CountHit(key string, window int64) (int64, error) {
	var n int64
	err := t.q.QueryRowContext(t.ctx, `INSERT INTO rate_counters (key, "window", count) VALUES (?, ?, 1)
		ON CONFLICT (key) DO UPDATE SET
			count = CASE WHEN rate_counters."window" = excluded."window" THEN rate_counters.count + 1 ELSE 1 END,
			"window" = excluded."window"
		RETURNING count`, key, window).Scan(&n)
	return n, err
}

// PrunePortal deletes visits idle since before idleCutoff and rate
// counters of windows that started before windowCutoff (unix seconds), and
// returns how many rows it deleted. Session links are objects and stay.
func (db *DB) PrunePortal(idleCutoff, windowCutoff int64) (int64, error) {
	var n int64
	err := db.update(context.Background(), func(t *tx) error {
		rows, err := t.q.QueryContext(t.ctx, "DELETE FROM portal_visits WHERE last_active < ? RETURNING token_hash, livemode", idleCutoff)
		if err != nil {
			return err
		}
		var a int64
		for rows.Next() {
			var hash string
			var live int
			if err := rows.Scan(&hash, &live); err != nil {
				rows.Close()
				return err
			}
			t.touchRow(portalVisitsTable, live != 0, hash)
			a++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		res, err := t.q.ExecContext(t.ctx, `DELETE FROM rate_counters WHERE "window" < ?`, windowCutoff)
		if err != nil {
			return err
		}
		b, _ := res.RowsAffected()
		n = a + b
		return nil
	})
	return n, err
}

// PortalSession returns the session with id.
func (t *tx) PortalSession(id string) (*billing.PortalSession, error) {
	return getDoc[billing.PortalSession](t, portalSessionsTable, id, false)
}
