package e2e

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/porticohq/portico/internal/app"
	"github.com/porticohq/portico/internal/testenv"
	stripe "github.com/stripe/stripe-go/v85"
)

// env is one Portico under test.
type env struct {
	t   *testing.T
	app *app.App
	srv *httptest.Server
	// sc is a stripe-go client pointed at Portico, with the SDK's default
	// retries (so idempotent retries happen as in production).
	sc *stripe.Client
	// once is a client that never retries, for asserting on single answers.
	once *stripe.Client
	key  string
	ctx  context.Context
}

// start brings up Portico on a fresh database: SQLite in a temporary
// folder, or a new PostgreSQL schema when PORTICO_TEST_DB is set (see
// testenv.DB).
func start(t *testing.T) *env { return startWith(t, app.Config{}) }

// startWith is start with configuration: cfg's database and logger are
// filled in when empty.
func startWith(t *testing.T, cfg app.Config) *env {
	t.Helper()
	if cfg.DB == "" {
		cfg.DB = testenv.DB(t)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	a, err := app.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open app: %v", err)
	}
	a.Start()
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	e := &env{t: t, app: a, srv: srv, key: a.SecretKey, ctx: context.Background()}
	e.sc = e.client(2)
	e.once = e.client(0)
	return e
}

// client returns a stripe-go client for Portico with the given retries.
func (e *env) client(retries int64) *stripe.Client {
	backends := stripe.NewBackendsWithConfig(&stripe.BackendConfig{
		URL:               stripe.String(e.srv.URL),
		MaxNetworkRetries: stripe.Int64(retries),
		LeveledLogger:     &stripe.LeveledLogger{Level: stripe.LevelNull},
	})
	return stripe.NewClient(e.key, stripe.WithBackends(backends))
}

// response is a raw HTTP answer.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a map.
func (r response) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
	return m
}

// ErrorField returns error.<field> of an error body.
func (r response) ErrorField(t *testing.T, field string) string {
	t.Helper()
	m := r.JSON(t)
	errObj, _ := m["error"].(map[string]any)
	if errObj == nil {
		t.Fatalf("no error object in %s", r.Body)
	}
	s, _ := errObj[field].(string)
	return s
}

// do sends a hand-built request, for what the SDK cannot express (unknown
// parameters, bad auth). headers are "Name: value" strings; the secret key
// is sent unless an Authorization header is given.
func (e *env) do(method, path, body string, headers ...string) response {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Authorization", "Bearer "+e.key)
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// stripeErr asserts that err is a Stripe API error and returns it.
func stripeErr(t *testing.T, err error) *stripe.Error {
	t.Helper()
	var se *stripe.Error
	if !errors.As(err, &se) {
		t.Fatalf("want a *stripe.Error, got %v", err)
	}
	return se
}

// wantErr asserts err's HTTP status, type, code and param.
func wantErr(t *testing.T, err error, status int, typ stripe.ErrorType, code stripe.ErrorCode, param string) {
	t.Helper()
	se := stripeErr(t, err)
	if se.HTTPStatusCode != status || se.Type != typ || se.Code != code || se.Param != param {
		t.Fatalf("error = %d %s %s param=%q (%s); want %d %s %s param=%q",
			se.HTTPStatusCode, se.Type, se.Code, se.Param, se.Msg, status, typ, code, param)
	}
}

// rawDB reads a test database's tables directly, on SQLite or PostgreSQL.
// Queries use ? placeholders and portable SQL (decode JSON in Go).
type rawDB struct {
	db *sql.DB
	pg bool
}

// openRO opens the database at dsn (as testenv.DB returned it) for
// reading.
func openRO(t *testing.T, dsn string) *rawDB {
	t.Helper()
	var r rawDB
	var err error
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		r.db, err = sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	} else {
		r.db, err = sql.Open("pgx", dsn)
		r.pg = true
	}
	if err != nil {
		t.Fatal(err)
	}
	return &r
}

// bind numbers the ? placeholders for PostgreSQL.
func (r *rawDB) bind(q string) string {
	if !r.pg {
		return q
	}
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Query runs a query.
func (r *rawDB) Query(q string, args ...any) (*sql.Rows, error) {
	return r.db.Query(r.bind(q), args...)
}

// QueryRow runs a query returning one row.
func (r *rawDB) QueryRow(q string, args ...any) *sql.Row { return r.db.QueryRow(r.bind(q), args...) }

// Close closes the connection.
func (r *rawDB) Close() error { return r.db.Close() }
