package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/porticohq/portico/internal/billing"
)

// IdempotentResponse returns the stored response for key, or
// billing.ErrNotFound.
//
// On PostgreSQL a write transaction first claims the key with a placeholder
// row (status 0), which its SaveIdempotentResponse then overwrites: looking
// up a missing key would take a predicate lock on an index page, and
// concurrent requests inserting other keys into that page would fail each
// other's serializable transactions. A claimed key is a write like any
// other: a second request with the key waits for the first and, once it
// commits, is retried and finds its response. A placeholder is only ever
// read when a request committed its change without its answer (a
// billing.CommittedError, whose answer is stored just after): the caller
// treats status 0 as a request in flight; one older than
// staleIdempotencyClaim (its process died in between) counts as absent.
func (t *tx) IdempotentResponse(key string) (*billing.IdempotentResponse, error) {
	if t.writable && t.db.dialect.claimIdempotencyKeys {
		res, err := t.q.ExecContext(t.ctx, `INSERT INTO idempotency_keys (livemode, key, method, path, fingerprint, status, body, created)
			VALUES (?, ?, '', '', '', 0, ?, ?) ON CONFLICT DO NOTHING`, boolInt(t.livemode), key, []byte{}, t.now.Unix())
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil, billing.ErrNotFound
		}
	}
	r := &billing.IdempotentResponse{Key: key}
	err := t.q.QueryRowContext(t.ctx, "SELECT method, path, fingerprint, status, body, created FROM idempotency_keys WHERE livemode = ? AND key = ?",
		boolInt(t.livemode), key).Scan(&r.Method, &r.Path, &r.Fingerprint, &r.Status, &r.Body, &r.Created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, billing.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if r.Status == 0 && t.now.Unix()-r.Created > staleIdempotencyClaim {
		return nil, billing.ErrNotFound
	}
	return r, nil
}

// staleIdempotencyClaim is how long (seconds) a placeholder claim counts.
const staleIdempotencyClaim = 60

// SaveIdempotentResponse stores r. An expired entry for the same key is
// replaced by a row that sorts last (see dialect.saveIdempotent), which
// keeps rows in time order for pruning.
func (t *tx) SaveIdempotentResponse(r *billing.IdempotentResponse) error {
	_, err := t.q.ExecContext(t.ctx, t.db.dialect.saveIdempotent,
		boolInt(t.livemode), r.Key, r.Method, r.Path, r.Fingerprint, r.Status, r.Body, r.Created)
	return err
}

// InsertIdempotentResponse stores r unless its key has a row already; see
// billing.IdempotencyStore.
func (t *tx) InsertIdempotentResponse(r *billing.IdempotentResponse) error {
	res, err := t.q.ExecContext(t.ctx, `INSERT INTO `+idempotencyColumns+` ON CONFLICT DO NOTHING`,
		boolInt(t.livemode), r.Key, r.Method, r.Path, r.Fingerprint, r.Status, r.Body, r.Created)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return errors.Join(billing.ErrIdempotencyKeyExists, err)
	}
	return nil
}

// ChecksKeysAtInsert reports whether a write may skip looking up its
// Idempotency-Key and rely on InsertIdempotentResponse instead: true on
// SQLite, where this process's one writer makes every change, so no other
// process can store the key between the two. On PostgreSQL, instances that
// share the database claim keys first (see tx.IdempotentResponse).
func (db *DB) ChecksKeysAtInsert() bool { return db.writer != nil }

// PruneIdempotencyKeys deletes stored responses created before cutoff (unix
// seconds) and returns how many it deleted. Rows are in time order, so the
// expired ones are those before the first row that is not; they are deleted
// in chunks, each its own short transaction, so requests are not held up.
func (db *DB) PruneIdempotencyKeys(cutoff int64) (int64, error) {
	const chunk = 5000
	var total int64
	for {
		var n int64
		err := db.update(context.Background(), func(t *tx) error {
			var boundary int64
			err := t.q.QueryRowContext(t.ctx, strings.ReplaceAll(`SELECT coalesce(
				(SELECT ord FROM idempotency_keys WHERE created >= ? ORDER BY ord LIMIT 1),
				(SELECT max(ord) + 1 FROM idempotency_keys), 0)`, "ord", t.db.dialect.insertOrder), cutoff).Scan(&boundary)
			if err != nil {
				return err
			}
			res, err := t.q.ExecContext(t.ctx, strings.ReplaceAll(`DELETE FROM idempotency_keys WHERE ord IN
				(SELECT ord FROM idempotency_keys WHERE ord < ? ORDER BY ord LIMIT ?)`, "ord", t.db.dialect.insertOrder), boundary, chunk)
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
