package sqlstore

import (
	"database/sql"
	"errors"

	"github.com/porticohq/portico/internal/billing"
)

// settingsTable names the settings in the row cache. Settings are read on
// every portal page (the account's name and branding), so read-only
// transactions keep them in the row cache, absent ones included: every
// change goes through SetSetting, which invalidates the key.
const settingsTable = "settings"

// Setting returns the value of a server setting, or billing.ErrNotFound.
// An absent setting is cached as a deleted row.
func (t *tx) Setting(key string) (string, error) {
	row, err := t.cached(rowKey(settingsTable, false, key), func() (cachedRow, error) {
		var v string
		err := t.q.QueryRowContext(t.ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			return cachedRow{deleted: true}, nil
		}
		return cachedRow{data: []byte(v)}, err
	})
	if err != nil {
		return "", err
	}
	if row.deleted {
		return "", billing.ErrNotFound
	}
	return string(row.data), nil
}

// SetSetting stores a server setting.
func (t *tx) SetSetting(key, value string) error {
	_, err := t.q.ExecContext(t.ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value)
	t.touchRow(settingsTable, false, key)
	return err
}
