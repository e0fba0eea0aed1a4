package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"
)

// dialect holds what differs between databases. Everything else is the
// same SQL, written with ? placeholders.
type dialect struct {
	name string
	// isUnique reports whether err is a unique-constraint violation.
	isUnique func(err error) bool
	// rebind turns a statement written with ? placeholders into the
	// database's own (identity on SQLite).
	rebind func(query string) string
	// glob returns a condition matching col against pattern, in which *
	// stands for any run of characters and nothing else is special.
	glob func(col, pattern string) cond
	// insertOrder is the column that orders idempotency_keys by insertion
	// (SQLite's rowid, an explicit seq on PostgreSQL).
	insertOrder string
	// saveIdempotent stores a response, replacing an expired one for the
	// same key by a row that sorts last in insertOrder.
	saveIdempotent string
	// claimLock ends the SELECT that picks deliveries to claim: on a
	// database several workers share, rows another worker is claiming are
	// locked and skipped.
	claimLock string
	// claimIdempotencyKeys makes write transactions claim a key before
	// reading it (see tx.IdempotentResponse).
	claimIdempotencyKeys bool
	// guardUpdates makes updates of rows with unique columns run in a
	// savepoint, because a failed statement aborts a PostgreSQL transaction
	// while callers may go on after a conflict (see tx.guarded).
	guardUpdates bool
	// lastInsertID tells that an INSERT's result carries the new row's
	// INTEGER PRIMARY KEY (SQLite's rowid), so an insert that needs it can
	// do without RETURNING, which SQLite runs through a temporary table.
	lastInsertID bool
}

const idempotencyColumns = `idempotency_keys (livemode, key, method, path, fingerprint, status, body, created)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`

var sqliteDialect = dialect{
	name: "sqlite",
	isUnique: func(err error) bool {
		return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
	},
	rebind: func(query string) string { return query },
	glob: func(col, pattern string) cond {
		return cond{col + " GLOB ?", []any{globEscaper.Replace(pattern)}}
	},
	insertOrder:  "rowid",
	lastInsertID: true,
	// REPLACE deletes and inserts, so the row takes a new rowid.
	saveIdempotent: `INSERT OR REPLACE INTO ` + idempotencyColumns,
}

// globEscaper keeps GLOB's special characters other than * literal; event
// types never contain them, but a filter might.
var globEscaper = strings.NewReplacer("?", "[?]", "[", "[[]")

// likeEscaper makes a pattern with * wildcards a LIKE pattern with \ as
// its escape character.
var likeEscaper = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`, "*", "%")

// rebindCache keeps the rebound text of each statement; statements are
// built from a fixed set of fragments, so it stays small.
var rebindCache sync.Map

// rebindDollar rewrites ? placeholders as $1, $2, ... outside quoted
// strings and identifiers.
func rebindDollar(query string) string {
	if v, ok := rebindCache.Load(query); ok {
		return v.(string)
	}
	if !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	out := b.String()
	rebindCache.Store(query, out)
	return out
}

// rebindQuerier runs statements written with ? on a database that numbers
// its placeholders. pgx prepares and caches each statement per connection
// itself, so no statement cache is needed on top.
type rebindQuerier struct {
	q querier
	// seen records a retryable failure of any statement, so the
	// transaction is retried even when a caller wrapped or replaced the
	// error (nil outside write transactions).
	seen *retrySignal
}

// retrySignal remembers that a statement of the transaction failed in a
// way that a retry of the whole transaction may fix.
type retrySignal struct{ retry bool }

func (q rebindQuerier) note(err error) error {
	if err != nil && q.seen != nil && retryable(err) {
		q.seen.retry = true
	}
	return err
}

// ExecContext runs a statement.
func (q rebindQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := q.q.ExecContext(ctx, rebindDollar(query), args...)
	return res, q.note(err)
}

// QueryContext runs a query.
func (q rebindQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := q.q.QueryContext(ctx, rebindDollar(query), args...)
	return rows, q.note(err)
}

// QueryRowContext runs a query that returns at most one row.
func (q rebindQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	row := q.q.QueryRowContext(ctx, rebindDollar(query), args...)
	q.note(row.Err())
	return row
}
