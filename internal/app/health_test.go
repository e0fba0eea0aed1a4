package app

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// /readyz names the failed check and never shows internal error text; a
// database that does not answer fails within the timeout.
func TestReadyChecks(t *testing.T) {
	ok := func(context.Context) error { return nil }
	none := func(context.Context) ([]string, error) { return nil, nil }
	hang := func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }
	for _, tc := range []struct {
		name    string
		ping    func(context.Context) error
		pending func(context.Context) ([]string, error)
		status  int
		want    readiness
	}{
		{"ready", ok, none, 200, readiness{Status: "ok"}},
		{"database down", func(context.Context) error { return errors.New("dial tcp 10.0.0.5:5432: secret detail") }, none, 503,
			readiness{Status: "unavailable", Failed: "database", Detail: "the database did not answer"}},
		{"database hangs", hang, none, 503,
			readiness{Status: "unavailable", Failed: "database", Detail: "the database did not answer within 20ms"}},
		{"migration pending", ok, func(context.Context) ([]string, error) { return []string{"0007_x"}, nil }, 503,
			readiness{Status: "unavailable", Failed: "migrations", Detail: "1 pending: 0007_x (run portico migrate)"}},
		{"migrations unreadable", ok, func(context.Context) ([]string, error) { return nil, errors.New("no such table") }, 503,
			readiness{Status: "unavailable", Failed: "migrations", Detail: "could not read the applied migrations"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := readyChecks{ping: tc.ping, pending: tc.pending, migrated: new(atomic.Bool), timeout: 20 * time.Millisecond,
				log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			rec := httptest.NewRecorder()
			c.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
			var got readiness
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if rec.Code != tc.status || got != tc.want {
				t.Fatalf("got %d %+v, want %d %+v", rec.Code, got, tc.status, tc.want)
			}
		})
	}
}

// Once no migration is pending, /readyz stops asking.
func TestReadyChecksRemembersMigrated(t *testing.T) {
	calls := 0
	c := readyChecks{ping: func(context.Context) error { return nil },
		pending:  func(context.Context) ([]string, error) { calls++; return nil, nil },
		migrated: new(atomic.Bool), timeout: time.Second, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for range 3 {
		rec := httptest.NewRecorder()
		c.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		if rec.Code != 200 {
			t.Fatalf("status %d", rec.Code)
		}
	}
	if calls != 1 {
		t.Fatalf("pending asked %d times", calls)
	}
}
