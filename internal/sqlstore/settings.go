package sqlstore

import (
	"database/sql"
	"errors"

	"github.com/porticohq/portico/internal/billing"
)

// Setting returns the value of a server setting, or billing.ErrNotFound.
func (t *tx) Setting(key string) (string, error) {
	var v string
	err := t.q.QueryRowContext(t.ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", billing.ErrNotFound
	}
	return v, err
}

// SetSetting stores a server setting.
func (t *tx) SetSetting(key, value string) error {
	_, err := t.q.ExecContext(t.ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value)
	return err
}
