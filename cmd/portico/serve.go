package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"time"

	"github.com/porticohq/portico/internal/app"
	"github.com/porticohq/portico/internal/sqlstore"
)

// shutdownGrace is how long in-flight requests get to finish after a
// SIGINT or SIGTERM.
const shutdownGrace = 20 * time.Second

// serve runs the server until ctx ends, then shuts down in order: stop
// accepting and finish in-flight requests, then close the store (which
// finishes queued writes).
func serve(ctx context.Context, c config, stdout io.Writer) error {
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	publicURL := c.publicURL
	if publicURL == "" {
		publicURL = "http://" + ln.Addr().String()
	}
	if !sqlstore.IsPostgres(c.db) && os.Getenv("GOMAXPROCS") == "" {
		// On SQLite one goroutine runs every write transaction and another
		// blocks in each fsync; one processor more than there are CPUs
		// lets the writer run without waiting for one behind the request
		// goroutines. bench/run.sh on 2 CPUs: portal sessions 8,350-8,550/s
		// instead of 7,400-7,650/s, POST /v1/customers 11,050/s instead of
		// 10,400-10,700/s, GET /v1/customers/{id} as fast with a lower p99.
		// GOMAXPROCS in the environment still decides.
		runtime.GOMAXPROCS(runtime.GOMAXPROCS(0) + 1)
	}
	a, err := app.Open(ctx, app.Config{DB: c.db, PublicURL: publicURL, SecretKey: c.secretKey, Dev: c.dev, Logger: c.log,
		EventRetention: c.retention})
	if err != nil {
		ln.Close()
		return err
	}
	defer a.Close()
	if c.dev {
		if err := seedDemo(ctx, a, stdout); err != nil {
			return fmt.Errorf("seed demo data: %w", err)
		}
	}
	if c.logOut != nil {
		c.logOut.Flush() // the start-up log before the banner, as it happened
	}
	printBanner(stdout, a, publicURL, c.dev)
	if link := a.DemoPortalLink(ctx); link != "" {
		fmt.Fprintf(stdout, "Customer portal of the demo customer (a fresh session at every visit):\n\n    %s\n\n", link)
	}
	a.Start()

	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      90 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          nil,
	}
	if c.debugAddr != "" {
		startDebugServer(c)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	c.log.Info("portico listening", "addr", ln.Addr().String(), "public_url", publicURL)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	c.log.Info("shutting down: finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		c.log.Error("shutdown", "error", err)
	}
	c.log.Info("stopped")
	return nil
}

// printBanner tells a person how to use the running server. The secret key
// is printed only when it was generated now, or in dev mode.
func printBanner(w io.Writer, a *app.App, publicURL string, dev bool) {
	fmt.Fprintf(w, "\nPortico is running at %s\n", publicURL)
	switch {
	case a.NewSecretKey && !dev:
		fmt.Fprintf(w, "\nA secret key was generated for this database. It is shown only this once: keep it.\n\n    %s\n\n", a.SecretKey)
		fmt.Fprintf(w, "Use it as your Stripe secret key, with your SDK's base URL set to %s,\nor set PORTICO_SECRET_KEY to choose your own.\n", publicURL)
	case dev && a.SecretKey != "":
		fmt.Fprintf(w, "\nSecret key (dev mode): %s\n", a.SecretKey)
	}
	if a.SecretKey != "" {
		fmt.Fprintf(w, "\nTry it:\n\n    curl %s/v1/customers -u %s: -d email=jenny@example.com\n\n", publicURL, a.SecretKey)
	}
}

// migrate applies migrations and exits.
func migrate(ctx context.Context, c config, stdout io.Writer) error {
	a, err := app.Open(ctx, app.Config{DB: c.db, SecretKey: c.secretKey, Logger: c.log})
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintln(stdout, "migrations applied")
	return nil
}
