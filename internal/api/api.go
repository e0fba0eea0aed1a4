// Package api serves Portico's Stripe-compatible /v1 API. Stripe's HTTP
// contract (authentication, Stripe-Version, Request-Id, Idempotency-Key,
// form decoding, expand[], error bodies) is enforced here, in one place,
// before and around every handler; handlers only parse their parameters and
// call the service.
package api

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
	"github.com/porticohq/portico/internal/stripewire"
)

// Config configures the API.
type Config struct {
	Service *service.Service
	Logger  *slog.Logger
	// SecretKeyHash is the SHA-256 of the key requests must present
	// (sk_test_... or sk_live_...); only the hash is kept in memory.
	SecretKeyHash [32]byte
	// Livemode is the mode of the secret key: objects created with it are
	// live objects.
	Livemode bool
	// PublishableKey is the matching pk_ key, accepted only where Stripe
	// accepts publishable keys.
	PublishableKey string
	// PublicURL is the base of links Portico hands out.
	PublicURL string
	// Clock tells the time (for idempotency expiry).
	Clock billing.Clock
	// RequestHashKey keys the fingerprints of idempotent requests.
	RequestHashKey []byte
	// Observe, when set, is called once per route as routes are
	// registered, with its method ("" for the catch-all) and path pattern;
	// the function it returns is called after each request to the route
	// with the status and duration (metrics).
	Observe func(method, pattern string) func(status int, elapsed time.Duration)
}

// API is the /v1 HTTP handler.
type API struct {
	svc       *service.Service
	log       *slog.Logger
	secret    [32]byte
	publish   []byte
	livemode  bool
	publicURL string
	clock     billing.Clock
	inflight  *inflight
	mux       *http.ServeMux

	requestHashKey []byte
	observe        func(method, pattern string) func(status int, elapsed time.Duration)
}

// New returns the API.
func New(cfg Config) *API {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = billing.WallClock{}
	}
	a := &API{
		svc: cfg.Service, log: cfg.Logger, secret: cfg.SecretKeyHash, publish: []byte(cfg.PublishableKey),
		livemode: cfg.Livemode, publicURL: strings.TrimRight(cfg.PublicURL, "/"),
		clock: cfg.Clock, inflight: newInflight(), mux: http.NewServeMux(),
		requestHashKey: cfg.RequestHashKey, observe: cfg.Observe,
	}
	a.routes()
	return a
}

// Handle registers an extra endpoint; packages that serve more objects
// call it while the server is being built.
func (a *API) Handle(pattern, resultType string, ep Endpoint) { a.handle(pattern, resultType, ep) }

// ServeHTTP serves one /v1 request.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mux.ServeHTTP(w, r)
}

// Req is what a handler gets: the decoded parameters and the path values.
type Req struct {
	HTTP *http.Request
	Form *stripewire.Form
}

// PathValue returns a path wildcard's value.
func (r *Req) PathValue(name string) string { return r.HTTP.PathValue(name) }

// Run executes a parsed request inside the request's transaction and
// returns the domain object (or stripewire list/deleted value) to render.
type Run func(ctx context.Context) (any, error)

// Endpoint parses a request's parameters, recording problems in r.Form,
// and returns what to run once they are valid. It must not touch the store.
type Endpoint func(r *Req) Run

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyVersion
	keyRoute
)

// RequestID returns the id of the request ctx belongs to.
func RequestID(ctx context.Context) string { s, _ := ctx.Value(keyRequestID).(string); return s }

// handle registers pattern ("POST /v1/customers/{id}") whose result is an
// object of resultType ("customer", "list:customer"), used to check expand[]
// before anything runs.
func (a *API) handle(pattern, resultType string, ep Endpoint) {
	a.mux.Handle(pattern, a.contract(pattern, func(w http.ResponseWriter, r *http.Request) {
		a.serve(w, r, resultType, ep)
	}))
}

// statusWriter remembers the status for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// recorder returns what records a route's requests for metrics.
func (a *API) recorder(route string) func(status int, elapsed time.Duration) {
	if a.observe == nil {
		return func(int, time.Duration) {}
	}
	method, path, ok := strings.Cut(route, " ")
	if !ok {
		method, path = "", route
	}
	return a.observe(method, path)
}

// contract wraps every endpoint with the request id, the request log and
// metrics, panic recovery and authentication.
func (a *API) contract(route string, next http.HandlerFunc) http.Handler {
	record := a.recorder(route)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		reqID := "req_" + billing.RandomString(14)
		w.Header().Set("Request-Id", reqID)
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				a.log.Error("panic serving request", "request_id", reqID, "route", route, "panic", p)
				stripewire.WriteError(sw, stripewire.InternalError)
			}
			elapsed := time.Since(start)
			record(sw.status, elapsed)
			if a.log.Enabled(r.Context(), slog.LevelInfo) {
				a.log.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("method", r.Method), slog.String("route", route),
					slog.Int("status", sw.status), slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
					slog.String("request_id", reqID))
			}
		}()
		if err := a.authenticate(r); err != nil {
			stripewire.WriteError(sw, err)
			return
		}
		ctx := r.Context()
		ctx = context.WithValue(ctx, keyRequestID, reqID)
		ctx = context.WithValue(ctx, keyVersion, stripewire.ParseVersion(r.Header.Get("Stripe-Version")))
		ctx = billing.WithLivemode(ctx, a.livemode)
		next(sw, r.WithContext(ctx))
	})
}

// authenticate checks the API key: Bearer, or Basic with the key as user
// name (or as the whole credential).
func (a *API) authenticate(r *http.Request) *billing.Error {
	h := r.Header.Get("Authorization")
	var key string
	switch {
	case h == "":
		return &billing.Error{Kind: billing.KindUnauthorized, Type: billing.TypeInvalidRequest,
			Message: "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."}
	case len(h) > 7 && strings.EqualFold(h[:7], "Bearer "):
		key = strings.TrimSpace(h[7:])
	case len(h) > 6 && strings.EqualFold(h[:6], "Basic "):
		cred := strings.TrimSpace(h[6:])
		if dec, err := base64.StdEncoding.DecodeString(cred); err == nil {
			key, _, _ = strings.Cut(string(dec), ":")
		} else {
			key = cred
		}
	default:
		return &billing.Error{Kind: billing.KindUnauthorized, Type: billing.TypeInvalidRequest,
			Message: "Invalid Authorization header: use Bearer auth with your secret key."}
	}
	if sum := sha256.Sum256([]byte(key)); subtle.ConstantTimeCompare(sum[:], a.secret[:]) == 1 {
		return nil
	}
	if len(a.publish) > 0 && subtle.ConstantTimeCompare([]byte(key), a.publish) == 1 {
		return &billing.Error{Kind: billing.KindUnauthorized, Type: billing.TypeInvalidRequest,
			Message: "This API call cannot be made with a publishable API key. Please use a secret API key."}
	}
	return &billing.Error{Kind: billing.KindUnauthorized, Type: billing.TypeInvalidRequest,
		Message: "Invalid API Key provided: " + redactKey(key)}
}

// redactKey shows only a key's prefix and last four characters, as Stripe's
// error messages do, so a mistyped secret is never echoed or logged whole.
func redactKey(key string) string {
	if len(key) <= 12 {
		return strings.Repeat("*", len(key))
	}
	prefix := key[:8]
	return prefix + strings.Repeat("*", 4) + key[len(key)-4:]
}

// readParams returns the request's raw parameters: the query string, and
// for POST the form body too.
func readParams(r *http.Request) (string, *billing.Error) {
	raw := r.URL.RawQuery
	if r.Method != http.MethodPost {
		return raw, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, stripewire.MaxBodyBytes+1))
	if err != nil {
		return "", billing.Invalid("", "parameter_invalid", "Could not read the request body.")
	}
	if len(body) > stripewire.MaxBodyBytes {
		return "", billing.Invalid("", "parameter_invalid", "Request body too large: at most %d bytes.", stripewire.MaxBodyBytes)
	}
	if ct := r.Header.Get("Content-Type"); len(body) > 0 && ct != "" && !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return "", billing.Invalid("", "parameter_invalid", "Invalid Content-Type %q: Portico's API takes application/x-www-form-urlencoded bodies, as Stripe's does.", ct)
	}
	if raw == "" {
		return string(body), nil
	}
	if len(body) == 0 {
		return raw, nil
	}
	return raw + "&" + string(body), nil
}

// serve decodes, validates, runs (in one transaction, with idempotency for
// POST and DELETE) and renders one request.
func (a *API) serve(w http.ResponseWriter, r *http.Request, resultType string, ep Endpoint) {
	ctx := r.Context()
	raw, perr := readParams(r)
	if perr != nil {
		stripewire.WriteError(w, perr)
		return
	}
	if r.Method != http.MethodGet {
		// Counted from here, once its body is read, to the end: the writer
		// keeps a batch open a little longer while many are under way.
		defer a.svc.WriteRequest()()
	}
	pairs, perr := stripewire.Pairs(raw)
	if perr != nil {
		stripewire.WriteError(w, perr)
		return
	}
	tree, perr := stripewire.Assemble(pairs)
	if perr != nil {
		stripewire.WriteError(w, perr)
		return
	}
	form := stripewire.NewForm(tree)
	paths, _ := form.StringList("expand")
	exp, perr := stripewire.ParseExpand(paths)
	if perr == nil {
		perr = exp.Validate(resultType)
	}
	if perr != nil {
		stripewire.WriteError(w, perr)
		return
	}
	run := ep(&Req{HTTP: r, Form: form})
	if err := form.Err(); err != nil {
		stripewire.WriteError(w, err)
		return
	}
	key := r.Header.Get("Idempotency-Key")
	write := r.Method != http.MethodGet
	info := billing.RequestInfo{ID: RequestID(ctx)}
	if write && key != "" {
		info.IdempotencyKey = key
	}
	ctx = billing.WithRequestInfo(ctx, info)
	if write && key != "" {
		a.serveIdempotent(w, r.WithContext(ctx), key, pairs, exp, run)
		return
	}
	res := a.execute(ctx, write, exp, run, nil, nil)
	stripewire.WriteJSON(w, res.status, res.body)
}

// result is the response to a request.
type result struct {
	status   int
	body     []byte
	replayed bool // a stored idempotent response
	keyError bool // an idempotency_error about the key itself
	// keyExists: the Idempotency-Key had a stored row, so nothing was
	// committed (see billing.ErrIdempotencyKeyExists); status and body are
	// unset.
	keyExists bool
	// committed: the change committed, answering with an error (a
	// *billing.CommittedError).
	committed bool
}

// execute runs run in one transaction and renders its result. before, when
// set, runs first in the same transaction (the idempotency look-up); save,
// when set, is called with the response inside the same transaction (to
// store an idempotent response atomically with the change). run's error
// rolls the transaction back, except a *billing.CommittedError (a declined
// payment, say), which commits and then answers with the error it carries.
func (a *API) execute(ctx context.Context, write bool, exp stripewire.Expand, run Run, before func(ctx context.Context) error, save func(ctx context.Context, status int, body []byte) error) result {
	var body []byte
	var committed *billing.CommittedError
	txn := a.svc.Read
	if write {
		txn = a.svc.Atomic
	}
	err := txn(ctx, func(ctx context.Context) error {
		committed = nil
		if before != nil {
			if err := before(ctx); err != nil {
				return err
			}
		}
		obj, err := run(ctx)
		if errors.As(err, &committed) {
			return nil // commit what the failure recorded; answer below
		}
		if err != nil {
			return err
		}
		if body, err = a.render(ctx, obj, exp); err != nil {
			return err
		}
		if save != nil {
			return save(ctx, http.StatusOK, body)
		}
		return nil
	})
	var rp *replay
	switch {
	case err == nil && committed != nil:
		// Not saved here: as for any error, serveIdempotent records the
		// answer for retries with the same key.
		e := a.clientError(ctx, committed.Err)
		return result{status: stripewire.Status(e), body: stripewire.ErrorJSON(e), committed: true}
	case err == nil:
		return result{status: http.StatusOK, body: body}
	case errors.As(err, &rp) && rp.resp != nil:
		return result{status: rp.resp.Status, body: rp.resp.Body, replayed: true}
	case errors.As(err, &rp):
		return result{status: stripewire.Status(rp.err), body: stripewire.ErrorJSON(rp.err), keyError: true}
	case errors.Is(err, billing.ErrIdempotencyKeyExists):
		return result{keyExists: true}
	}
	e := a.clientError(ctx, err)
	return result{status: stripewire.Status(e), body: stripewire.ErrorJSON(e)}
}

// clientError returns err as a client-facing error, logging internal ones.
func (a *API) clientError(ctx context.Context, err error) *billing.Error {
	if e, ok := billing.AsError(err); ok {
		return e
	}
	if errors.Is(err, context.Canceled) {
		return &billing.Error{Kind: billing.KindConflict, Type: billing.TypeAPI, Message: "The request was canceled."}
	}
	a.log.Error("request failed", "request_id", RequestID(ctx), "error", err)
	return stripewire.InternalError
}

// render renders obj for the request's API version.
func (a *API) render(ctx context.Context, obj any, exp stripewire.Expand) ([]byte, error) {
	v, _ := ctx.Value(keyVersion).(stripewire.Version)
	rd := &stripewire.Renderer{Ctx: ctx, Version: v, Loader: a.svc, PublicURL: a.publicURL}
	out, err := rd.Render(obj, exp)
	if err != nil {
		return nil, err
	}
	return marshal(out)
}
