// Package testenv finds the outside programs some tests need (Chromium for
// browser tests, PostgreSQL for the second database) and skips those tests
// with a clear message when they are missing, unless PORTICO_REQUIRE_ALL=1
// (as CI sets), which turns the skip into a failure.
package testenv

import (
	"os"
	"os/exec"
	"testing"
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
