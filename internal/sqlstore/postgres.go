package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"runtime"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

var postgresDialect = dialect{
	name:     "postgres",
	isUnique: func(err error) bool { return pgCode(err) == "23505" },
	rebind:   rebindDollar,
	glob: func(col, pattern string) cond {
		// LIKE's escape character is \ by default.
		return cond{col + " LIKE ?", []any{likeEscaper.Replace(pattern)}}
	},
	insertOrder: "seq",
	// A reused key takes the new row's seq, so it sorts last for pruning.
	saveIdempotent: `INSERT INTO ` + idempotencyColumns + `
		ON CONFLICT (livemode, key) DO UPDATE SET method = excluded.method, path = excluded.path,
		fingerprint = excluded.fingerprint, status = excluded.status, body = excluded.body,
		created = excluded.created, seq = excluded.seq`,
	claimLock:            " FOR UPDATE SKIP LOCKED",
	claimIdempotencyKeys: true,
	guardUpdates:         true,
}

// pgCode returns the SQLSTATE of a PostgreSQL error in err's chain, or "".
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// retryable reports whether a transaction that failed with err may succeed
// if run again: a serialization failure or a deadlock.
func retryable(err error) bool {
	switch pgCode(err) {
	case "40001", "40P01":
		return true
	}
	return false
}

// Pool parameters Open accepts in a PostgreSQL URL (the names pgxpool
// uses); they are removed before the URL reaches pgx.
const (
	paramMaxConns        = "pool_max_conns"          // open connections (default Options.MaxConns)
	paramMaxIdleConns    = "pool_max_idle_conns"     // idle connections kept (default: max conns)
	paramMaxConnLifetime = "pool_max_conn_lifetime"  // a Go duration, e.g. 30m (default: none)
	paramMaxConnIdleTime = "pool_max_conn_idle_time" // a Go duration (default: 5m)
)

// maxAttempts bounds how often a write transaction runs when it keeps
// failing to serialize.
const maxAttempts = 12

// aloneAfter is how many failed attempts make a transaction run alone.
// Optimistic retries alone can starve a transaction: two runs of the same
// long job (a test clock advance, part after part) conflict on every part,
// and the one that backs off keeps starting after the other. So a
// transaction that failed aloneAfter times takes the writers lock
// exclusively before it begins, and every write transaction holds it
// shared: the retry waits for the transactions running now, runs with no
// other writer (so it cannot fail to serialize), and the writers that
// arrive meanwhile queue behind it.
const aloneAfter = 2

// writersLock is the advisory lock key of the writers lock, with the
// schema's hash as the second key.
const writersLock = 0x77726974 // "writ"

// openPostgres opens a pool on the PostgreSQL database at dsn. Pool sizes
// come from the URL's pool_* parameters, then from opt.
func openPostgres(ctx context.Context, dsn string, opt Options) (*DB, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: parse PostgreSQL URL %s: %w", redactDSN(dsn), err)
	}
	maxConns := opt.MaxConns
	if maxConns <= 0 {
		maxConns = max(8, 4*runtime.GOMAXPROCS(0))
	}
	maxIdle := -1
	var lifetime time.Duration
	idleTime := 5 * time.Minute
	q := u.Query()
	for name, set := range map[string]func(string) error{
		paramMaxConns:        func(v string) (err error) { maxConns, err = strconv.Atoi(v); return },
		paramMaxIdleConns:    func(v string) (err error) { maxIdle, err = strconv.Atoi(v); return },
		paramMaxConnLifetime: func(v string) (err error) { lifetime, err = time.ParseDuration(v); return },
		paramMaxConnIdleTime: func(v string) (err error) { idleTime, err = time.ParseDuration(v); return },
	} {
		if !q.Has(name) {
			continue
		}
		if err := set(q.Get(name)); err != nil {
			return nil, fmt.Errorf("sqlstore: PostgreSQL URL parameter %s: %w", name, err)
		}
		q.Del(name)
	}
	u.RawQuery = q.Encode()
	cfg, err := pgx.ParseConfig(u.String())
	if err != nil {
		return nil, fmt.Errorf("sqlstore: PostgreSQL URL %s: %w", redactDSN(dsn), err)
	}
	pool := stdlib.OpenDB(*cfg)
	if maxIdle < 0 {
		maxIdle = maxConns
	}
	pool.SetMaxOpenConns(maxConns)
	pool.SetMaxIdleConns(maxIdle)
	pool.SetConnMaxLifetime(lifetime)
	pool.SetConnMaxIdleTime(idleTime)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("sqlstore: connect to %s: %w", redactDSN(dsn), err)
	}
	return &DB{
		dialect: postgresDialect,
		write:   pool,
		read:    pool,
		query:   rebindQuerier{q: pool},
		clock:   opt.Clock,
		log:     opt.Logger,
	}, nil
}

// serializable runs fn in a SERIALIZABLE transaction, running it again
// (with a new transaction and a new "now") when PostgreSQL reports a
// serialization failure or deadlock, up to maxAttempts times with jittered
// exponential backoff, the later attempts alone (see aloneAfter). fn must therefore be safe to re-run: it may only
// change the database (and its own results, which it sets anew each run).
// The OnCommit hooks run after the commit.
func (db *DB) serializable(ctx context.Context, fn func(*tx) error) error {
	return db.retried(ctx, sql.LevelSerializable, fn)
}

// retried runs fn in transactions at isolation level iso until one
// commits or fails for good (see serializable).
func (db *DB) retried(ctx context.Context, iso sql.IsolationLevel, fn func(*tx) error) error {
	backoff := time.Millisecond
	for attempt := 1; ; attempt++ {
		err := db.attempt(ctx, iso, fn, attempt > aloneAfter)
		if err == nil {
			if hooks := db.onCommit.Load(); hooks != nil {
				for _, h := range *hooks {
					h()
				}
			}
			return nil
		}
		var again *retryError
		if !errors.As(err, &again) {
			return err
		}
		if attempt >= maxAttempts {
			return fmt.Errorf("sqlstore: transaction still conflicting after %d attempts: %w", attempt, again.err)
		}
		wait := backoff/2 + rand.N(backoff)
		backoff = min(2*backoff, 250*time.Millisecond)
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return errors.Join(ctx.Err(), again.err)
		case <-timer.C:
		}
	}
}

// retryError marks a transaction that failed in a way a retry may fix.
type retryError struct{ err error }

func (e *retryError) Error() string { return e.err.Error() }

// attempt runs fn once in a new transaction at isolation level iso, alone
// among writers if alone is set.
func (db *DB) attempt(ctx context.Context, iso sql.IsolationLevel, fn func(*tx) error, alone bool) error {
	if alone {
		// The lock is taken outside the transaction, so its snapshot is
		// taken once the other writers are done.
		return db.locked(ctx, writersLock, func(conn *sql.Conn) error { return db.runTx(ctx, conn.BeginTx, iso, fn, false) })
	}
	return db.runTx(ctx, db.write.BeginTx, iso, fn, true)
}

// runTx runs fn in a transaction at isolation level iso started by begin,
// holding the writers lock shared if shared is set.
func (db *DB) runTx(ctx context.Context, begin func(context.Context, *sql.TxOptions) (*sql.Tx, error), iso sql.IsolationLevel, fn func(*tx) error, shared bool) (err error) {
	sqlTx, err := begin(ctx, &sql.TxOptions{Isolation: iso})
	if err != nil {
		return fmt.Errorf("sqlstore: begin: %w", err)
	}
	if shared {
		if _, err := sqlTx.ExecContext(ctx, `SELECT pg_advisory_xact_lock_shared($1, hashtext(current_schema()))`, writersLock); err != nil {
			sqlTx.Rollback()
			return fmt.Errorf("sqlstore: take the writers lock: %w", err)
		}
	}
	seen := &retrySignal{}
	t := newTx(db, rebindQuerier{q: sqlTx, seen: seen}, db.clock.Now(), ctx, true)
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("sqlstore: panic in transaction: %v\n%s", p, debug.Stack())
		}
		if err != nil {
			sqlTx.Rollback()
			if seen.retry || retryable(err) {
				err = &retryError{err}
			}
		}
	}()
	if err := fn(t); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: commit: %w", err)
	}
	return nil
}

// migrationLock is the advisory lock key under which migrations run
// (with the schema's hash as the second key, so databases in different
// schemas migrate independently).
const migrationLock = 0x706f7274 // "port"

// migrateLocked runs the migrations holding the migration lock.
func (db *DB) migrateLocked(ctx context.Context) error {
	return db.locked(ctx, migrationLock, func(conn *sql.Conn) error { return db.migrate(ctx, conn) })
}

// locked runs fn on one connection holding the session advisory lock key
// (with the schema's hash as second key).
func (db *DB) locked(ctx context.Context, key int, fn func(*sql.Conn) error) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlstore: connection: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1, hashtext(current_schema()))`, key); err != nil {
		return fmt.Errorf("sqlstore: take advisory lock %#x: %w", key, err)
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1, hashtext(current_schema()))`, key)
	return fn(conn)
}
