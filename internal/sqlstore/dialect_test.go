package sqlstore

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/porticohq/portico/internal/billing"
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

type testClock struct{ now *time.Time }

func (c testClock) Now() time.Time { return *c.now }

// TestIdempotencyClaims: on PostgreSQL a keyed write claims its key with a
// placeholder, which a request committing without its answer leaves behind
// for a moment: others see it as in flight (status 0) until it is stale.
// On SQLite a missing key stays missing.
func TestIdempotencyClaims(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	ctx := context.Background()
	db, err := Open(ctx, testenv.DB(t), Options{Clock: testClock{&now}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	lookup := func() (r *billing.IdempotentResponse, err error) {
		uerr := db.Update(ctx, func(tx billing.Tx) error {
			r, err = tx.IdempotentResponse("k")
			return nil
		})
		return r, errors.Join(err, uerr)
	}
	// The first look-up misses (and commits its claim, as a request whose
	// answer is stored separately does).
	if _, err := lookup(); !errors.Is(err, billing.ErrNotFound) {
		t.Fatalf("first look-up: %v", err)
	}
	r, err := lookup()
	if db.dialect.claimIdempotencyKeys {
		if err != nil || r.Status != 0 {
			t.Fatalf("look-up of a claimed key = %+v, %v; want the placeholder", r, err)
		}
		now = now.Add(2 * staleIdempotencyClaim * time.Second)
		r, err = lookup()
	}
	if !errors.Is(err, billing.ErrNotFound) {
		t.Fatalf("look-up of a stale claim (or on SQLite) = %+v, %v", r, err)
	}
	// The answer replaces the claim.
	if err := db.Update(ctx, func(tx billing.Tx) error {
		return tx.SaveIdempotentResponse(&billing.IdempotentResponse{Key: "k", Method: "POST", Path: "/v1/x", Status: 200, Body: []byte("{}"), Created: now.Unix()})
	}); err != nil {
		t.Fatal(err)
	}
	if r, err := lookup(); err != nil || r.Status != 200 || string(r.Body) != "{}" {
		t.Fatalf("look-up after the answer = %+v, %v", r, err)
	}
}
