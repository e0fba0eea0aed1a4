package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/porticohq/portico/internal/billing"
)

// IdempotentResponse returns the stored response for key, or
// billing.ErrNotFound.
func (t *tx) IdempotentResponse(key string) (*billing.IdempotentResponse, error) {
	r := &billing.IdempotentResponse{Key: key}
	err := t.q.QueryRowContext(t.ctx, "SELECT method, path, fingerprint, status, body, created FROM idempotency_keys WHERE livemode = ? AND key = ?",
		boolInt(t.livemode), key).Scan(&r.Method, &r.Path, &r.Fingerprint, &r.Status, &r.Body, &r.Created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, billing.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// SaveIdempotentResponse stores r, replacing an expired entry for the same
// key.
func (t *tx) SaveIdempotentResponse(r *billing.IdempotentResponse) error {
	_, err := t.q.ExecContext(t.ctx, `INSERT INTO idempotency_keys (livemode, key, method, path, fingerprint, status, body, created)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (livemode, key) DO UPDATE SET method = excluded.method, path = excluded.path,
			fingerprint = excluded.fingerprint, status = excluded.status, body = excluded.body, created = excluded.created`,
		boolInt(t.livemode), r.Key, r.Method, r.Path, r.Fingerprint, r.Status, r.Body, r.Created)
	return err
}

// PruneIdempotencyKeys deletes stored responses created before cutoff (unix
// seconds) and returns how many it deleted.
func (db *DB) PruneIdempotencyKeys(cutoff int64) (int64, error) {
	var n int64
	err := db.writer.submit(context.Background(), func(t *tx) error {
		res, err := t.q.ExecContext(t.ctx, "DELETE FROM idempotency_keys WHERE created < ?", cutoff)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n, err
}
