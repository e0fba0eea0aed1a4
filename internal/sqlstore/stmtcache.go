package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps one prepared statement per query text, so SQLite parses
// each statement once per connection rather than on every use (parsing was
// an eighth of the write path's CPU time before the cache).
type stmtCache struct {
	prepare func(ctx context.Context, query string) (*sql.Stmt, error)
	mu      sync.RWMutex
	m       map[string]*sql.Stmt
}

func newStmtCache(prepare func(ctx context.Context, query string) (*sql.Stmt, error)) *stmtCache {
	return &stmtCache{prepare: prepare, m: map[string]*sql.Stmt{}}
}

func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, error) {
	c.mu.RLock()
	st := c.m[query]
	c.mu.RUnlock()
	if st != nil {
		return st, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st = c.m[query]; st != nil {
		return st, nil
	}
	st, err := c.prepare(ctx, query)
	if err != nil {
		return nil, err
	}
	c.m[query] = st
	return st, nil
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = map[string]*sql.Stmt{}
}

// cachedQuerier runs queries through the statement cache. For the read
// pool, database/sql prepares each statement once per pooled connection; for
// the writer, statements are prepared on its one dedicated connection.
//
// Statements that are short by construction run without the request's
// cancellation: the request's context is checked before each statement, and
// the statement itself gets one that cannot end. With a context that can
// end, the SQLite driver starts a goroutine per statement to interrupt it,
// and database/sql another per query to close its rows; at thousands of
// requests a second those goroutines, each woken twice, made up most of the
// scheduler's run queues and delayed the goroutines of the write path (the
// syncer waited about as long for a processor as its fsync took). A
// canceled request still stops at its next statement. In the writer every
// statement runs so (once queued, a job runs to its end anyway, see
// writer.send); on the read pool, single-row queries and statements do,
// while QueryContext, which can scan many rows, keeps the request's
// cancellation.
type cachedQuerier struct {
	cache *stmtCache
	// cancels tells which statements keep the request's cancellation.
	cancels cancelScope
}

// cancelScope tells which of a querier's statements can be interrupted when
// the request's context ends (see cachedQuerier).
type cancelScope int

const (
	cancelAll  cancelScope = iota // every statement
	cancelRows                    // only QueryContext (the read pool)
	cancelNone                    // none (the writer)
)

// runCtx returns the context a statement runs with: ctx, or, for a
// statement that runs without cancellation, one that cannot end (after
// checking that ctx has not ended).
func runCtx(ctx context.Context, cancelable bool) (context.Context, error) {
	if cancelable || ctx.Done() == nil {
		return ctx, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return context.Background(), nil
}

func (q cachedQuerier) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	return q.cache.get(ctx, query)
}

// ExecContext runs a statement.
func (q cachedQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := q.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	rctx, err := runCtx(ctx, q.cancels == cancelAll)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(rctx, args...)
}

// QueryContext runs a query.
func (q cachedQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := q.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	rctx, err := runCtx(ctx, q.cancels != cancelNone)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(rctx, args...)
}

// QueryRowContext runs a query that returns at most one row.
func (q cachedQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := q.stmt(ctx, query)
	if err != nil {
		// A Row can only carry an error by running a query: run an
		// always-failing one that reports the preparation error.
		return errRow(ctx, q.cache, err)
	}
	rctx, err := runCtx(ctx, q.cancels == cancelAll)
	if err != nil {
		return errRow(ctx, q.cache, err)
	}
	return st.QueryRowContext(rctx, args...)
}

// errRow returns a *sql.Row whose Scan fails with err.
func errRow(ctx context.Context, c *stmtCache, err error) *sql.Row {
	cctx, cancel := context.WithCancelCause(ctx)
	cancel(err)
	st, perr := c.get(context.Background(), "SELECT 1")
	if perr != nil {
		panic("sqlstore: cannot prepare SELECT 1: " + perr.Error())
	}
	return st.QueryRowContext(cctx)
}
