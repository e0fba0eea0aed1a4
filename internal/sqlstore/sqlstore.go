// Package sqlstore is Portico's store on database/sql: SQLite, embedded, by
// default, or PostgreSQL (pgx), which several Portico processes can share.
// It implements billing.Store. Objects are kept as JSON next to the columns
// that lists filter, order or keep unique; migrations are embedded per
// dialect and recorded.
//
// On SQLite every write transaction goes through one writer goroutine that
// commits the requests waiting at the same moment together (group commit):
// each request runs inside its own SAVEPOINT, so a failing request rolls back
// alone, and all of them are acknowledged only after the shared COMMIT is
// durable (synchronous=FULL). Reads run concurrently on a pool of read-only
// connections (WAL mode).
//
// On PostgreSQL there is no single writer: each write transaction is its
// own SERIALIZABLE transaction, retried on serialization failures, so
// concurrent read-modify-writes from any number of processes behave as if
// they ran one after another, as on SQLite. Nothing is cached in process
// memory there. The SQL is shared: statements are written with ?
// placeholders, rebound to $n in one place (rebindQuerier), and what really
// differs lives in the dialect.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"runtime"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/porticohq/portico/internal/billing"
)

//go:embed migrations
var migrations embed.FS

// DB is an open store.
type DB struct {
	dialect dialect
	write   *sql.DB    // SQLite: one connection, used only by the writer; PostgreSQL: the pool
	read    *sql.DB    // SQLite: read-only pool; PostgreSQL: the same pool as write
	rcache  *stmtCache // SQLite only
	query   querier    // what View runs on, outside a write transaction
	cache   *rowCache  // nil when rows may change behind this process's back
	// endpoints is the writer's list of enabled webhook endpoints by mode
	// (see enabledEndpoints); nil until filled, and after any commit that
	// wrote an endpoint.
	endpoints atomic.Pointer[map[bool][]endpointSub]
	walPath   string // "" for in-memory databases
	clock     billing.Clock
	writer    *writer // nil on PostgreSQL
	log       *slog.Logger
	// onCommit holds the OnCommit hooks.
	onCommit atomic.Pointer[[]func()]
}

// Options tune Open.
type Options struct {
	Clock  billing.Clock // default: the wall clock
	Logger *slog.Logger  // default: slog.Default()
	// ReadConns is the size of the read pool (default: 2 × GOMAXPROCS).
	ReadConns int
	// MaxConns bounds the PostgreSQL connection pool (default: 4 ×
	// GOMAXPROCS, at least 8). A pool_max_conns parameter in the URL
	// overrides it.
	MaxConns int
}

// Open opens the database named by dsn: "sqlite:PATH" (or a bare path),
// "sqlite::memory:" for a throwaway in-memory database, or a PostgreSQL URL
// (postgres:// or postgresql://, see openPostgres for the pool parameters
// it accepts). Open does not migrate; call Migrate.
func Open(ctx context.Context, dsn string, opt Options) (*DB, error) {
	if opt.Clock == nil {
		opt.Clock = billing.WallClock{}
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.ReadConns <= 0 {
		opt.ReadConns = 2 * runtime.GOMAXPROCS(0)
	}
	switch {
	case IsPostgres(dsn):
		return openPostgres(ctx, dsn, opt)
	case strings.HasPrefix(dsn, "sqlite:"):
		dsn = strings.TrimPrefix(dsn, "sqlite:")
	case strings.Contains(dsn, "://"):
		return nil, fmt.Errorf("sqlstore: unknown database URL scheme in %q; use sqlite:PATH or postgres://", redactDSN(dsn))
	}
	db, err := openSQLite(ctx, dsn, opt)
	if err != nil {
		return nil, err
	}
	db.rcache = newStmtCache(db.read.PrepareContext)
	db.query = cachedQuerier{cache: db.rcache, cancels: cancelRows}
	if db.writer, err = startWriter(ctx, db); err != nil {
		db.read.Close()
		db.write.Close()
		return nil, err
	}
	return db, nil
}

// IsPostgres reports whether dsn names a PostgreSQL database (Open's
// postgres:// and postgresql:// URLs) rather than SQLite.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// redactDSN hides a password in a database URL before it is logged.
func redactDSN(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return dsn
	}
	creds := dsn[scheme+3 : at]
	if user, _, ok := strings.Cut(creds, ":"); ok {
		return dsn[:scheme+3] + user + ":***" + dsn[at:]
	}
	return dsn
}

// Close stops the writer (finishing queued work) and closes the database.
func (db *DB) Close() error {
	if db.writer == nil {
		return db.write.Close()
	}
	db.writer.stop()
	db.rcache.close()
	err1 := db.read.Close()
	err2 := db.write.Close()
	return errors.Join(err1, err2)
}

// Dialect names the database: "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.dialect.name }

// Shared reports whether several processes may use the database at once
// (PostgreSQL), so nothing may assume this process holds every claim.
func (db *DB) Shared() bool { return db.writer == nil }

// Migrate applies the embedded migrations not yet recorded in
// schema_migrations, each in its own transaction. On PostgreSQL it holds an
// advisory lock meanwhile, so instances starting together migrate one at a
// time (the later ones find nothing left to do).
func (db *DB) Migrate(ctx context.Context) error {
	if db.writer == nil {
		return db.migrateLocked(ctx)
	}
	return db.writer.exclusive(ctx, func(conn *sql.Conn) error { return db.migrate(ctx, conn) })
}

// update runs fn in a write transaction of its own: through the writer on
// SQLite, as a retried serializable transaction on PostgreSQL.
func (db *DB) update(ctx context.Context, fn func(*tx) error) error {
	if db.writer == nil {
		return db.serializable(ctx, fn)
	}
	return db.writer.submit(ctx, fn)
}

func (db *DB) migrate(ctx context.Context, conn *sql.Conn) error {
	q := db.dialect.rebind
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("sqlstore: create schema_migrations: %w", err)
	}
	dir := "migrations/" + db.dialect.name
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return fmt.Errorf("sqlstore: read migrations: %w", err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, name := range names {
		version := strings.TrimSuffix(name, ".sql")
		var n int
		if err := conn.QueryRowContext(ctx, q(`SELECT count(*) FROM schema_migrations WHERE version = ?`), version).Scan(&n); err != nil {
			return fmt.Errorf("sqlstore: check migration %s: %w", version, err)
		}
		if n > 0 {
			continue
		}
		body, err := fs.ReadFile(migrations, dir+"/"+name)
		if err != nil {
			return err
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("sqlstore: migration %s: %w", version, err)
		}
		if _, err := tx.ExecContext(ctx, q(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`),
			version, db.clock.Now().Unix()); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("sqlstore: commit migration %s: %w", version, err)
		}
		db.log.Info("applied migration", "version", version)
	}
	return nil
}

// Pending returns the embedded migrations not yet applied.
func (db *DB) Pending(ctx context.Context) ([]string, error) {
	dir := "migrations/" + db.dialect.name
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, err
	}
	var pending []string
	for _, e := range entries {
		version := strings.TrimSuffix(e.Name(), ".sql")
		var n int
		err := db.read.QueryRowContext(ctx, db.dialect.rebind(`SELECT count(*) FROM schema_migrations WHERE version = ?`), version).Scan(&n)
		if err != nil || n == 0 {
			pending = append(pending, version)
		}
	}
	return pending, nil
}

// OnCommit registers fn to be called after every durable commit of one or
// more write transactions (on SQLite from the syncer's goroutine, on
// PostgreSQL from the committing one: fn must not block, typically a
// non-blocking send that wakes a worker). Register hooks at start-up,
// before writes begin.
func (db *DB) OnCommit(fn func()) {
	for {
		old := db.onCommit.Load()
		var hooks []func()
		if old != nil {
			hooks = append(hooks, *old...)
		}
		hooks = append(hooks, fn)
		if db.onCommit.CompareAndSwap(old, &hooks) {
			return
		}
	}
}
