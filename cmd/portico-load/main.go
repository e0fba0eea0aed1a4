// Command portico-load is a closed-loop HTTP load generator for measuring
// Portico's throughput and latency over loopback. It only sends requests to
// loopback hosts (127.0.0.0/8, ::1, localhost) and refuses any other URL.
//
// Usage:
//
//	portico-load -url URL [flags]
//	portico-load -urls-file FILE [flags]
//
// Flags:
//
//	-url URL          target URL, e.g. http://127.0.0.1:4242/v1/customers
//	-urls-file FILE   rotate over the URLs in FILE (one per line; blank lines
//	                  and lines starting with # are ignored) instead of -url
//	-method M         HTTP method (default GET)
//	-body S           request body (form-encoded by default); each {n} is
//	                  replaced by a per-request counter
//	-H "Name: value"  extra request header; repeatable
//	-c N              concurrent workers, one request in flight each (default 32)
//	-d D              measurement duration (default 10s; with -n it only
//	                  applies when given explicitly)
//	-n N              stop after exactly N recorded requests
//	-warmup D         unrecorded warm-up period before measuring (default 1s)
//	-idempotency      send a unique Idempotency-Key header on each request
//	-json             print the result as JSON instead of text
//
// Example: create customers at 32 concurrent clients for 10 seconds:
//
//	portico-load -method POST -url http://127.0.0.1:4242/v1/customers \
//	    -H "Authorization: Bearer sk_test_123" \
//	    -body 'email=load{n}@example.com&name=Load+{n}' -idempotency
//
// The report gives the recorded request count, errors (transport errors and
// non-2xx responses), elapsed measurement time, requests per second, exact
// p50/p90/p99/max latencies and a count per HTTP status. Interrupting the
// run (Ctrl-C) prints the partial result. The exit status is 1 if the run
// could not be performed or any recorded request failed.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/porticohq/portico/internal/loadgen"
)

// headerFlag collects repeatable -H "Name: value" flags.
type headerFlag map[string]string

func (h headerFlag) String() string { return fmt.Sprint(map[string]string(h)) }

func (h headerFlag) Set(s string) error {
	name, value, ok := strings.Cut(s, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return fmt.Errorf("header %q: want \"Name: value\"", s)
	}
	h[name] = strings.TrimSpace(value)
	return nil
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("portico-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	headers := headerFlag{}
	var (
		cfg      loadgen.Config
		urlsFile string
		asJSON   bool
	)
	fs.StringVar(&cfg.URL, "url", "", "target `URL` (loopback hosts only)")
	fs.StringVar(&cfg.Method, "method", "GET", "HTTP `method`")
	fs.StringVar(&cfg.Body, "body", "", "request `body`; {n} is replaced by a per-request counter")
	fs.Var(headers, "H", "extra request `header` \"Name: value\" (repeatable)")
	fs.IntVar(&cfg.Concurrency, "c", 32, "number of concurrent workers")
	fs.DurationVar(&cfg.Duration, "d", 10*time.Second, "measurement `duration`")
	fs.IntVar(&cfg.Requests, "n", 0, "stop after this many recorded requests (0: use -d)")
	fs.DurationVar(&cfg.Warmup, "warmup", time.Second, "unrecorded warm-up `duration`")
	fs.BoolVar(&cfg.IdempotencyKeys, "idempotency", false, "send a unique Idempotency-Key header per request")
	fs.StringVar(&urlsFile, "urls-file", "", "`file` of URLs (one per line) to rotate over instead of -url")
	fs.BoolVar(&asJSON, "json", false, "print the result as JSON")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "portico-load: unexpected arguments: %q\n", fs.Args())
		return 2
	}
	if cfg.Requests > 0 {
		dSet := false
		fs.Visit(func(f *flag.Flag) { dSet = dSet || f.Name == "d" })
		if !dSet {
			cfg.Duration = 0 // -n alone: stop on the count only
		}
	}
	cfg.Headers = headers
	if urlsFile != "" {
		urls, err := readURLs(urlsFile)
		if err != nil {
			fmt.Fprintf(stderr, "portico-load: %v\n", err)
			return 1
		}
		cfg.URLs = urls
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := loadgen.Run(ctx, cfg)
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(stderr, "portico-load: %v\n", err)
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "portico-load: interrupted; partial result:")
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(stderr, "portico-load: %v\n", err)
			return 1
		}
	} else {
		fmt.Fprint(stdout, res.String())
	}
	if res.Errors > 0 || res.Requests == 0 {
		return 1
	}
	return 0
}

// readURLs reads one URL per line, skipping blank lines and # comments.
func readURLs(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var urls []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		urls = append(urls, line)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(urls) == 0 {
		return nil, fmt.Errorf("%s: no URLs", path)
	}
	return urls, nil
}
