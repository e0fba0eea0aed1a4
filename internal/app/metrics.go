package app

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/porticohq/portico/internal/metrics"
	"github.com/porticohq/portico/internal/webhook"
)

// Portico's metrics, served at /metrics in Prometheus's text format. They
// carry route patterns, statuses, counts and durations only: no ids, keys,
// addresses or customer data. /metrics is meant to be reachable from the
// monitoring network only; with PORTICO_METRICS_TOKEN set it also requires
// "Authorization: Bearer <token>".

// appMetrics are the metric families a running Portico records into.
type appMetrics struct {
	reg          *metrics.Registry
	apiRequests  *metrics.CounterVec   // method, route, status
	apiLatency   *metrics.HistogramVec // method, route
	pageRequests *metrics.CounterVec   // method, route, status
	pageLatency  *metrics.HistogramVec // method, route
	pages        sync.Map              // page route pattern → *routeRecorder
}

func newAppMetrics() *appMetrics {
	reg := metrics.NewRegistry()
	metrics.RegisterRuntime(reg)
	return &appMetrics{
		reg: reg,
		apiRequests: reg.Counter("portico_api_requests_total",
			"API requests by method, route pattern and HTTP status.", "method", "route", "status"),
		apiLatency: reg.Histogram("portico_api_request_duration_seconds",
			"API request latency by method and route pattern.", metrics.DefaultLatencyBuckets, "method", "route"),
		pageRequests: reg.Counter("portico_page_requests_total",
			"Requests to the portal and hosted pages by method, route pattern and HTTP status (route \"unmatched\" when no page matched).",
			"method", "route", "status"),
		pageLatency: reg.Histogram("portico_page_request_duration_seconds",
			"Portal and hosted page latency by method and route pattern.", metrics.DefaultLatencyBuckets, "method", "route"),
	}
}

// observeAPI is the API's Observe hook: one recorder per route, resolved
// when the route is registered.
func (m *appMetrics) observeAPI(method, pattern string) func(int, time.Duration) {
	return newRouteRecorder(m.apiRequests, m.apiLatency, method, pattern).record
}

// routeRecorder records one route's requests. Its histogram is resolved
// once; its counters, one per status the route has answered with, are kept
// in a copy-on-write slice read without locks, since a route answers with a
// handful of statuses.
type routeRecorder struct {
	requests      *metrics.CounterVec
	method, route string
	latency       *metrics.Histogram
	mu            sync.Mutex // serializes additions to statuses
	statuses      atomic.Pointer[[]statusCounter]
}

type statusCounter struct {
	status int
	c      *metrics.Counter
}

func newRouteRecorder(requests *metrics.CounterVec, latency *metrics.HistogramVec, method, route string) *routeRecorder {
	return &routeRecorder{requests: requests, method: method, route: route, latency: latency.With(method, route)}
}

// record counts one request and observes its duration.
func (rr *routeRecorder) record(status int, elapsed time.Duration) {
	rr.latency.ObserveDuration(elapsed)
	rr.counter(status).Inc()
}

func (rr *routeRecorder) counter(status int) *metrics.Counter {
	if c := rr.find(status); c != nil {
		return c
	}
	rr.mu.Lock()
	defer rr.mu.Unlock()
	if c := rr.find(status); c != nil {
		return c
	}
	c := rr.requests.With(rr.method, rr.route, strconv.Itoa(status))
	var next []statusCounter
	if p := rr.statuses.Load(); p != nil {
		next = append(next, *p...)
	}
	next = append(next, statusCounter{status, c})
	rr.statuses.Store(&next)
	return c
}

func (rr *routeRecorder) find(status int) *metrics.Counter {
	if p := rr.statuses.Load(); p != nil {
		for _, s := range *p {
			if s.status == status {
				return s.c
			}
		}
	}
	return nil
}

// opsRoutes are not counted as pages.
var opsRoutes = map[string]bool{"GET /healthz": true, "GET /readyz": true, "GET /metrics": true}

// countPages wraps the whole handler and records requests outside /v1 (the
// API records its own) by the pattern the mux matched, never the raw path.
func (m *appMetrics) countPages(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v1/") {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		sw := &pageStatusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		// The mux sets r.Pattern on the request it was given.
		pattern := r.Pattern
		if opsRoutes[pattern] {
			return
		}
		if pattern == "" {
			pattern = "unmatched"
		}
		m.pageRecorder(pattern).record(sw.status, time.Since(start))
	})
}

func (m *appMetrics) pageRecorder(pattern string) *routeRecorder {
	if rr, ok := m.pages.Load(pattern); ok {
		return rr.(*routeRecorder)
	}
	method, route, ok := strings.Cut(pattern, " ")
	if !ok {
		method, route = "", pattern
	}
	rr, _ := m.pages.LoadOrStore(pattern, newRouteRecorder(m.pageRequests, m.pageLatency, method, route))
	return rr.(*routeRecorder)
}

// pageStatusWriter remembers the status a page answered with.
type pageStatusWriter struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (w *pageStatusWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.status, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *pageStatusWriter) Write(b []byte) (int, error) {
	w.wroteHeader = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *pageStatusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// metricsHandler serves /metrics, behind the bearer token when one is
// configured.
func (a *App) metricsHandler() http.Handler {
	h := a.metrics.reg.Handler()
	token := a.cfg.MetricsToken
	if token == "" {
		return h
	}
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		sum := sha256.Sum256([]byte(got))
		if !ok || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="Portico metrics"`)
			http.Error(w, "Metrics need the bearer token set in PORTICO_METRICS_TOKEN.", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// scrapeTimeout bounds the store reads of one scrape.
const scrapeTimeout = 2 * time.Second

// registerWorkerMetrics adds the families read at scrape time from the
// webhook worker, the scheduler and the store.
func (a *App) registerWorkerMetrics() {
	reg := a.metrics.reg
	reg.Func(metrics.KindCounter, "portico_webhook_attempts_total",
		"Webhook delivery attempts by outcome: succeeded, retrying (failed, due again after the backoff), gave_up (failed past the retry window).",
		[]string{"outcome"}, a.fromWebhookWorker(func(s webhook.Stats, emit metrics.Emit) {
			emit(float64(s.Succeeded), "succeeded")
			emit(float64(s.Retrying), "retrying")
			emit(float64(s.GaveUp), "gave_up")
		}))
	reg.Func(metrics.KindCounter, "portico_webhook_endpoints_disabled_total",
		"Webhook endpoints disabled by this process for failing too long.", nil,
		a.fromWebhookWorker(func(s webhook.Stats, emit metrics.Emit) { emit(float64(s.Disabled)) }))
	reg.Func(metrics.KindGauge, "portico_webhook_deliveries_claimed",
		"Webhook deliveries this process has claimed, by state: in_flight (being sent) or queued (waiting for a slot on their endpoint).",
		[]string{"state"}, a.fromWebhookWorker(func(s webhook.Stats, emit metrics.Emit) {
			emit(float64(s.InFlight), "in_flight")
			emit(float64(s.Queued), "queued")
		}))
	reg.Func(metrics.KindGauge, "portico_webhook_endpoints_due",
		"Enabled webhook endpoints with a delivery due now and not claimed (read from the database).", nil,
		a.fromWebhookQueue(func(q webhookQueueState, emit metrics.Emit) { emit(float64(q.endpointsDue)) }))
	reg.Func(metrics.KindGauge, "portico_webhook_oldest_due_seconds",
		"How long the oldest unclaimed due webhook delivery has been waiting (0 when none is due).", nil,
		a.fromWebhookQueue(func(q webhookQueueState, emit metrics.Emit) { emit(q.oldestDue.Seconds()) }))
	reg.Func(metrics.KindGauge, "portico_scheduler_last_pass_age_seconds",
		"Time since the billing scheduler last finished a pass over due subscriptions (it runs every 10 s).", nil,
		func(ctx context.Context, emit metrics.Emit) {
			if sc := a.scheduler(); sc != nil && !sc.LastPass().IsZero() {
				emit(time.Since(sc.LastPass()).Seconds())
			}
		})
	reg.Func(metrics.KindGauge, "portico_scheduler_due_lag_seconds",
		"How far behind now the earliest due renewal, trial end or other scheduled subscription step is (0 when nothing is due).", nil,
		func(ctx context.Context, emit metrics.Emit) {
			if lag, ok := a.schedulerLag(ctx); ok {
				emit(lag.Seconds())
			}
		})
}

// fromWebhookWorker collects from the webhook worker's counts, while it
// runs.
func (a *App) fromWebhookWorker(collect func(webhook.Stats, metrics.Emit)) func(context.Context, metrics.Emit) {
	return func(_ context.Context, emit metrics.Emit) {
		if w := a.webhookWorker.Load(); w != nil {
			collect(w.Stats(), emit)
		}
	}
}

// fromWebhookQueue collects from the outbox, read now.
func (a *App) fromWebhookQueue(collect func(webhookQueueState, metrics.Emit)) func(context.Context, metrics.Emit) {
	return func(ctx context.Context, emit metrics.Emit) {
		if q, ok := a.webhookQueue(ctx); ok {
			collect(q, emit)
		}
	}
}
