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
var settingsTable = &docTable{name: "settings", noun: "setting"}

// Setting returns the value of a server setting, or billing.ErrNotFound.
func (t *tx) Setting(key string) (string, error) {
	cache := t.db.cache
	if t.writable {
		cache = nil // the writer may see values that will roll back
	}
	ck := rowKey(settingsTable.name, false, key)
	var gen uint64
	if cache != nil {
		row, ok, g := cache.get(ck)
		if ok {
			if row.deleted {
				return "", billing.ErrNotFound
			}
			return string(row.data), nil
		}
		gen = g
	}
	var v string
	err := t.q.QueryRowContext(t.ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		if cache != nil {
			cache.put(ck, cachedRow{deleted: true}, gen)
		}
		return "", billing.ErrNotFound
	}
	if err == nil && cache != nil {
		cache.put(ck, cachedRow{data: []byte(v)}, gen)
	}
	return v, err
}

// SetSetting stores a server setting.
func (t *tx) SetSetting(key, value string) error {
	_, err := t.q.ExecContext(t.ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value)
	if t.touched != nil {
		t.touched[rowKey(settingsTable.name, false, key)] = struct{}{}
	}
	return err
}
