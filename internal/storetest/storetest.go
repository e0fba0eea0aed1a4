// Package storetest opens the store tests run against: a migrated
// sqlstore.DB on the database testenv.DB chooses (a fresh SQLite file, or a
// fresh schema of PORTICO_TEST_DB), closed when the test ends. sqlstore's
// own tests cannot import it (it imports sqlstore) and have their own.
package storetest

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/porticohq/portico/internal/sqlstore"
	"github.com/porticohq/portico/internal/testenv"
)

// Open returns a migrated store for t, with opt (a nil Logger discards).
func Open(t testing.TB, opt sqlstore.Options) *sqlstore.DB {
	t.Helper()
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, testenv.DB(t), opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}
