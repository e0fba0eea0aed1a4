package sqlstore

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/porticohq/portico/internal/testenv"
)

func TestRebindDollar(t *testing.T) {
	for in, want := range map[string]string{
		"SELECT 1": "SELECT 1",
		"SELECT a FROM t WHERE b = ? AND c IN (?, ?)":    "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)",
		`UPDATE t SET "window" = ?, s = '?' WHERE x = ?`: `UPDATE t SET "window" = $1, s = '?' WHERE x = $2`,
		`SELECT "odd?name" FROM t WHERE k = ? LIMIT ?`:   `SELECT "odd?name" FROM t WHERE k = $1 LIMIT $2`,
	} {
		if got := rebindDollar(in); got != want {
			t.Errorf("rebindDollar(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLikeEscaper(t *testing.T) {
	for in, want := range map[string]string{
		"customer.*":   "customer.%",
		"*.created":    "%.created",
		`a_b%c\d*`:     `a\_b\%c\\d%`,
		"invoice.paid": "invoice.paid",
	} {
		if got := likeEscaper.Replace(in); got != want {
			t.Errorf("like pattern of %q = %q, want %q", in, got, want)
		}
	}
}

// TestPostgresMigrateConcurrently starts several stores on one fresh
// database at once, as instances starting together do: the advisory lock
// lets one migrate while the others wait and then find nothing to do.
func TestPostgresMigrateConcurrently(t *testing.T) {
	dsn := testenv.PostgresSchema(t, testenv.PostgresURL(t))
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := Open(ctx, dsn, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			errs[i] = db.Migrate(ctx)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("instance %d: %v", i, err)
		}
	}
	db, err := Open(ctx, dsn, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if p, err := db.Pending(ctx); err != nil || len(p) != 0 {
		t.Fatalf("pending after concurrent migrations: %v, %v", p, err)
	}
	var n int
	if err := db.read.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n == 0 {
		t.Fatalf("%d migrations recorded (%v)", n, err)
	}
}
