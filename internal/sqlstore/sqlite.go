package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"

	"github.com/porticohq/portico/internal/billing"
)

// openSQLite opens the writer connection and the read pool on one SQLite
// file. Pragmas are in the DSN so every connection gets them: WAL, so readers
// never block the writer; synchronous=FULL, so a commit is on disk before
// it is acknowledged; a busy timeout; foreign keys.
func openSQLite(ctx context.Context, path string, opt Options) (*DB, error) {
	if path == "" {
		return nil, fmt.Errorf("sqlstore: empty SQLite path")
	}
	memory := path == ":memory:"
	base := "file:" + path
	if memory {
		base = "file:portico-" + billing.RandomString(12) + "?mode=memory&cache=shared"
	} else if strings.ContainsAny(path, "?#") {
		base = "file:" + url.PathEscape(path)
	}
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	pragmas := sqlitePragmas(memory)
	write, err := sql.Open(sqliteDriver, base+sep+pragmas+"")
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlstore: open %s: %w", path, err)
	}
	read, err := sql.Open(sqliteDriver, base+sep+pragmas+readOnlyPragma)
	if err != nil {
		write.Close()
		return nil, err
	}
	read.SetMaxOpenConns(opt.ReadConns)
	read.SetMaxIdleConns(opt.ReadConns)
	read.SetConnMaxLifetime(0)
	read.SetConnMaxIdleTime(0)
	walPath := ""
	if !memory {
		walPath = path + "-wal"
	}
	return &DB{
		cache:   newRowCache(),
		walPath: walPath,
		dialect: sqliteDialect,
		write:   write,
		read:    read,
		clock:   opt.Clock,
		log:     opt.Logger,
	}, nil
}
