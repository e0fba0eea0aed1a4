// Command portico is Portico, a self-hosted billing customer portal whose
// API is wire-compatible with Stripe's Billing API.
//
// Usage:
//
//	portico              dev mode: serve on an embedded SQLite database,
//	                     seeding demo data on first start
//	portico serve        the production server
//	portico migrate      apply database migrations and exit
//	portico events       list recent events
//	portico deliveries   show (or resend) an event's webhook deliveries
//
// Flags (each with an environment variable):
//
//	--addr        PORTICO_ADDR        listen address (default 127.0.0.1:4242)
//	--db          PORTICO_DB          database (default sqlite:portico.db)
//	--public-url  PORTICO_PUBLIC_URL  base of links Portico hands out
//	                                  (default http://<addr>)
//
// The API key comes from PORTICO_SECRET_KEY (sk_test_... or sk_live_...);
// when it is unset, a test key is generated on first start, stored as a
// hash, and printed once.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/porticohq/portico/internal/logbuf"
)

func main() {
	// A request allocates tens of kilobytes that die young, and the live
	// heap is small (15-30 MB under the benchmarks), so collecting at 9x
	// the live heap rather than 2x costs little memory and much less CPU.
	// Against 5x (GOGC=400), alternating runs on 2 CPUs: portal sessions
	// 3-5 % more per second; the portal homepage 2.5 % more pages per
	// second with p99 15.7-15.9 ms instead of 17.1 ms; peak RSS under that
	// load 186-200 MB instead of 120 MB. GOGC (and GOMEMLIMIT), when set,
	// still decide.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(800)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "portico:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

const usage = `Usage: portico [serve|migrate|events|deliveries] [flags]

  portico            dev mode: serve, seed demo data on first start, print a key
  portico serve      the production server
  portico migrate    apply database migrations and exit
  portico events     list recent events (portico events -h)
  portico deliveries show or resend an event's webhook deliveries

Flags:
  --addr ADDR        listen address (PORTICO_ADDR, default 127.0.0.1:4242)
  --db URL           database (PORTICO_DB, default sqlite:portico.db)
  --public-url URL   base of links Portico hands out (PORTICO_PUBLIC_URL)

Environment:
  PORTICO_SECRET_KEY  the API key (sk_test_... or sk_live_...); generated if unset
  PORTICO_LOG_FORMAT  text (default) or json
  PORTICO_LOG_LEVEL   debug, info (default), warn, error
  PORTICO_DEBUG_ADDR  loopback address for Go's profiler (off by default)
  PORTICO_SMTP_URL    smtp://user:pass@host:587 (or smtps://) for portal sign-in
                      email; unset: a dev mailbox at /p/dev/mailbox
  PORTICO_SMTP_FROM   sender address of that email
  PORTICO_WEBHOOK_BLOCK_PRIVATE=1  refuse webhook endpoints on private addresses
  (more in the README's configuration table)
`

// run is the whole program, with its environment passed in for tests.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "dev"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "events":
		return runEvents(ctx, args, getenv, stdout, stderr)
	case "deliveries":
		return runDeliveries(ctx, args, getenv, stdout, stderr)
	}
	var logOut *logbuf.Writer
	if cmd == "dev" || cmd == "serve" {
		// A line per request, written by the request itself, was a system
		// call on every request's path; written in batches instead, a
		// portal session costs 3-4 µs less CPU (see internal/logbuf's
		// commit).
		logOut = logbuf.New(stderr)
		defer logOut.Close()
		stderr = logOut
	}
	cfg, err := parseConfig(cmd, args, getenv, stderr)
	if err != nil {
		return err
	}
	cfg.logOut = logOut
	switch cmd {
	case "dev":
		cfg.dev = true
		return serve(ctx, cfg, stdout)
	case "serve":
		return serve(ctx, cfg, stdout)
	case "migrate":
		return migrate(ctx, cfg, stdout)
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "portico: unknown command %q\n\n%s", cmd, usage)
	return errUsage
}
