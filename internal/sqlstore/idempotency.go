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

// SaveIdempotentResponse stores r. An expired entry for the same key is
// replaced by a new row (REPLACE deletes and inserts), which keeps rows in
// time order for pruning.
func (t *tx) SaveIdempotentResponse(r *billing.IdempotentResponse) error {
	_, err := t.q.ExecContext(t.ctx, `INSERT OR REPLACE INTO idempotency_keys (livemode, key, method, path, fingerprint, status, body, created)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		boolInt(t.livemode), r.Key, r.Method, r.Path, r.Fingerprint, r.Status, r.Body, r.Created)
	return err
}

// PruneIdempotencyKeys deletes stored responses created before cutoff (unix
// seconds) and returns how many it deleted. Rows are in time order, so the
// expired ones are those before the first row that is not; they are deleted
// in chunks, each its own short transaction, so requests are not held up.
func (db *DB) PruneIdempotencyKeys(cutoff int64) (int64, error) {
	const chunk = 5000
	var total int64
	for {
		var n int64
		err := db.writer.submit(context.Background(), func(t *tx) error {
			var boundary int64
			err := t.q.QueryRowContext(t.ctx, `SELECT coalesce(
				(SELECT rowid FROM idempotency_keys WHERE created >= ? ORDER BY rowid LIMIT 1),
				(SELECT max(rowid) + 1 FROM idempotency_keys), 0)`, cutoff).Scan(&boundary)
			if err != nil {
				return err
			}
			res, err := t.q.ExecContext(t.ctx, `DELETE FROM idempotency_keys WHERE rowid IN
				(SELECT rowid FROM idempotency_keys WHERE rowid < ? ORDER BY rowid LIMIT ?)`, boundary, chunk)
			if err != nil {
				return err
			}
			n, _ = res.RowsAffected()
			return nil
		})
		total += n
		if err != nil || n < chunk {
			return total, err
		}
	}
}
