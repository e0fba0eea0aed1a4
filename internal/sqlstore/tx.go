package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/porticohq/portico/internal/billing"
)

type timeNow = time.Time

// querier is what a tx runs SQL on.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// tx implements billing.Tx on one database/sql transaction.
type tx struct {
	db       *DB
	q        querier
	now      time.Time
	ctx      context.Context
	livemode bool
	writable bool
	// touched collects the rows a write transaction changed, for the row
	// cache (nil when there is none).
	touched map[string]struct{}
	// endpointsDirty is set once the transaction writes a webhook endpoint.
	endpointsDirty bool
}

type txKey struct{}

func newTx(db *DB, q querier, now time.Time, ctx context.Context, writable bool) *tx {
	live := billing.LivemodeFrom(ctx)
	t := &tx{db: db, q: q, now: now, livemode: live, writable: writable}
	t.ctx = context.WithValue(ctx, txKey{}, t)
	return t
}

// Context returns the context that carries this transaction; store calls
// made with it join the transaction.
func (t *tx) Context() context.Context { return t.ctx }

// Now is the time fixed for the whole transaction.
func (t *tx) Now() time.Time { return t.now }

// Livemode tells which data set the transaction works on.
func (t *tx) Livemode() bool { return t.livemode }

// Update runs fn in a write transaction: the one ctx carries, or a new one
// committed by the writer together with whatever else is waiting.
func (db *DB) Update(ctx context.Context, fn func(billing.Tx) error) error {
	if t, ok := ctx.Value(txKey{}).(*tx); ok && t.writable {
		return fn(t)
	}
	return db.update(ctx, func(t *tx) error { return fn(t) })
}

// Claim runs fn in a write transaction that only claims queue rows
// (ClaimDeliveries). On PostgreSQL it runs at READ COMMITTED, what FOR
// UPDATE SKIP LOCKED is made for: rows another instance is claiming are
// skipped, rows it claimed meanwhile are checked again, and two claimers
// never fail each other (at SERIALIZABLE their reads of the same index
// pages would). On SQLite it is Update.
func (db *DB) Claim(ctx context.Context, fn func(billing.Tx) error) error {
	if t, ok := ctx.Value(txKey{}).(*tx); ok && t.writable {
		return fn(t)
	}
	if db.writer != nil {
		return db.Update(ctx, fn)
	}
	return db.retried(ctx, sql.LevelReadCommitted, func(t *tx) error { return fn(t) })
}

// View runs fn on a read-only snapshot (or inside the transaction ctx
// carries).
func (db *DB) View(ctx context.Context, fn func(billing.Tx) error) error {
	if t, ok := ctx.Value(txKey{}).(*tx); ok {
		return fn(t)
	}
	// Reads run statement by statement on the read pool, without BEGIN and
	// ROLLBACK round trips: each statement sees a committed state, and a
	// request's reads are few and short.
	return fn(newTx(db, db.query, db.clock.Now(), ctx, false))
}
