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
type cachedQuerier struct {
	cache *stmtCache
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
	return st.ExecContext(ctx, args...)
}

// QueryContext runs a query.
func (q cachedQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := q.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext runs a query that returns at most one row.
func (q cachedQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := q.stmt(ctx, query)
	if err != nil {
		// A Row can only carry an error by running a query: run an
		// always-failing one that reports the preparation error.
		return errRow(ctx, q.cache, err)
	}
	return st.QueryRowContext(ctx, args...)
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
