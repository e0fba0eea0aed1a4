// Package testenv finds the outside programs some tests need (Chromium for
// browser tests, PostgreSQL for the second database) and skips those tests
// with a clear message when they are missing, unless PORTICO_REQUIRE_ALL=1
// (as CI sets), which turns the skip into a failure.
package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for PostgresSchema
)

// RequireAll reports whether missing tools fail tests instead of skipping
// them.
func RequireAll() bool { return os.Getenv("PORTICO_REQUIRE_ALL") == "1" }

// Missing skips t because what is not installed (how says how to get it),
// or fails it under PORTICO_REQUIRE_ALL=1.
func Missing(t testing.TB, what, how string) {
	t.Helper()
	missing(t, what, how)
}

// missing skips t, or fails it under PORTICO_REQUIRE_ALL=1.
func missing(t testing.TB, what, how string) {
	t.Helper()
	if RequireAll() {
		t.Fatalf("%s is required (PORTICO_REQUIRE_ALL=1) but not found; %s", what, how)
	}
	t.Skipf("skipping: %s not found; %s (set PORTICO_REQUIRE_ALL=1 to make this a failure)", what, how)
}

// Chromium returns the path of the Chromium binary browser tests drive,
// from PORTICO_CHROMIUM or /usr/bin/chromium, or skips t.
func Chromium(t testing.TB) string {
	t.Helper()
	for _, p := range []string{os.Getenv("PORTICO_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	missing(t, "Chromium", "install it with `apt-get install chromium` (.ci/run does)")
	return ""
}

// PostgresURL returns the URL of a PostgreSQL database for tests, from
// PORTICO_TEST_DB, or skips t.
func PostgresURL(t testing.TB) string {
	t.Helper()
	if u := os.Getenv("PORTICO_TEST_DB"); u != "" {
		return u
	}
	missing(t, "PostgreSQL (PORTICO_TEST_DB)", "set PORTICO_TEST_DB=postgres://... or run .ci/run, which starts a throwaway cluster")
	return ""
}

// Node returns the path of the node binary, for the stripe-node SDK tests,
// or skips t.
func Node(t testing.TB) string {
	t.Helper()
	if p, err := exec.LookPath("node"); err == nil {
		return p
	}
	missing(t, "Node.js", "install it with `apt-get install nodejs npm`")
	return ""
}

// DB returns the URL of a fresh, empty database for one test: a SQLite file
// in t.TempDir() by default, or, when PORTICO_TEST_DB names a PostgreSQL
// database (postgres://...), a new schema in it that the URL selects
// (search_path) and that is dropped when the test ends. The same URL may be
// opened again within the test (a restart sees the same data).
func DB(t testing.TB) string {
	t.Helper()
	base := os.Getenv("PORTICO_TEST_DB")
	if base == "" {
		return "sqlite:" + filepath.Join(t.TempDir(), "portico.db")
	}
	return PostgresSchema(t, base)
}

// PostgresSchema creates a schema with a random name in the PostgreSQL
// database at base and returns base selecting it; the schema is dropped
// when t ends.
func PostgresSchema(t testing.TB, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("PORTICO_TEST_DB must be a postgres:// URL, got %q", base)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "test_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("PORTICO_TEST_DB: %v", err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("PORTICO_TEST_DB: create schema: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Errorf("PORTICO_TEST_DB: %v", err)
			return
		}
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("PORTICO_TEST_DB: drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
