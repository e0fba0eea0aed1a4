package e2e

import (
	"bufio"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/porticohq/portico/internal/app"
	stripe "github.com/stripe/stripe-go/v85"
)

// scrape GETs /metrics (with the bearer token when given) and returns its
// status, body and samples by series (`name{labels}`).
func (e *env) scrape(token string) (int, string, map[string]float64) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/metrics", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	samples := map[string]float64{}
	if res.StatusCode != http.StatusOK {
		return res.StatusCode, string(b), samples
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/plain; version=0.0.4; charset=utf-8" {
		e.t.Fatalf("/metrics Content-Type %q", ct)
	}
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if i < 0 || err != nil {
			e.t.Fatalf("malformed sample line %q", line)
		}
		samples[line[:i]] = v
	}
	return res.StatusCode, string(b), samples
}

// metrics scrapes an open /metrics and fails unless it answers 200 in the
// text exposition format.
func (e *env) metrics() map[string]float64 {
	e.t.Helper()
	status, body, samples := e.scrape("")
	if status != http.StatusOK {
		e.t.Fatalf("/metrics: %d %s", status, body)
	}
	return samples
}

// TestMetricsCountAPIRequests: API calls through stripe-go move the request
// counters and latency histograms of their route patterns (never a raw path
// with an id), by status, and the exposition leaks no ids or keys.
func TestMetricsCountAPIRequests(t *testing.T) {
	e := start(t)
	for range 2 {
		if _, err := e.once.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{Email: stripe.String("jenny@example.com")}); err != nil {
			t.Fatal(err)
		}
	}
	c, err := e.once.V1Customers.Retrieve(e.ctx, "cus_doesnotexist", nil)
	if err == nil {
		t.Fatalf("retrieved %v", c)
	}
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, "resource_missing", "id")
	if r := e.do("GET", "/v1/customers", "", "Authorization: Bearer sk_test_wrongwrongwrongwrongwrongwrong"); r.Status != 401 {
		t.Fatalf("wrong key: %d", r.Status)
	}
	if r := e.do("GET", "/v1/no_such_thing/cus_123", ""); r.Status != 404 {
		t.Fatalf("unknown endpoint: %d", r.Status)
	}

	status, body, m := e.scrape("")
	if status != 200 {
		t.Fatalf("/metrics: %d", status)
	}
	for series, want := range map[string]float64{
		`portico_api_requests_total{method="POST",route="/v1/customers",status="200"}`:        2,
		`portico_api_requests_total{method="GET",route="/v1/customers/{id}",status="404"}`:    1,
		`portico_api_requests_total{method="GET",route="/v1/customers",status="401"}`:         1,
		`portico_api_requests_total{method="",route="/v1/",status="404"}`:                     1,
		`portico_api_request_duration_seconds_count{method="POST",route="/v1/customers"}`:     2,
		`portico_api_request_duration_seconds_count{method="GET",route="/v1/customers/{id}"}`: 1,
	} {
		if got, ok := m[series]; !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", series, got, ok, want)
		}
	}
	if _, ok := m[`portico_api_requests_total{method="GET",route="/v1/customers/{id}",status="200"}`]; ok {
		t.Errorf("a status never answered has a series")
	}
	if m[`portico_api_request_duration_seconds_bucket{method="POST",route="/v1/customers",le="+Inf"}`] != 2 ||
		m[`portico_api_request_duration_seconds_sum{method="POST",route="/v1/customers"}`] <= 0 {
		t.Errorf("latency histogram of POST /v1/customers not filled:\n%s", body)
	}
	if m["go_goroutines"] <= 0 || m["go_heap_objects_bytes"] <= 0 {
		t.Errorf("runtime metrics missing:\n%s", body)
	}
	for _, secret := range []string{"cus_", e.key, "sk_test_wrong", "jenny@example.com", "no_such_thing"} {
		if strings.Contains(body, secret) {
			t.Errorf("/metrics contains %q", secret)
		}
	}
	// The counters move with later calls (and /metrics counts itself
	// nowhere).
	if _, err := e.once.V1Customers.Create(e.ctx, nil); err != nil {
		t.Fatal(err)
	}
	m = e.metrics()
	if got := m[`portico_api_requests_total{method="POST",route="/v1/customers",status="200"}`]; got != 3 {
		t.Errorf("after a third create: %v", got)
	}
	for series := range m {
		if strings.Contains(series, `route="/metrics"`) {
			t.Errorf("scrapes are counted: %s", series)
		}
	}
}

// TestMetricsCountPages: portal pages are counted by their route pattern
// (the one-time token never appears), unmatched paths as one route.
func TestMetricsCountPages(t *testing.T) {
	e := start(t)
	cus, err := e.sc.V1Customers.Create(e.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.sc.V1BillingPortalSessions.Create(e.ctx, &stripe.BillingPortalSessionCreateParams{Customer: stripe.String(cus.ID)})
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) int {
		res, err := noRedirect.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if st := get(u.Path); st != http.StatusSeeOther {
		t.Fatalf("open the session link: %d", st)
	}
	again := get(u.Path) // a used link
	if st := get("/no/such/page/" + cus.ID); st != http.StatusNotFound {
		t.Fatalf("unknown page: %d", st)
	}
	_, body, m := e.scrape("")
	for series, want := range map[string]float64{
		`portico_page_requests_total{method="GET",route="/p/session/{token}",status="303"}`:                         1,
		`portico_page_requests_total{method="GET",route="/p/session/{token}",status="` + strconv.Itoa(again) + `"}`: 1,
		`portico_page_requests_total{method="",route="unmatched",status="404"}`:                                     1,
		`portico_page_request_duration_seconds_count{method="GET",route="/p/session/{token}"}`:                      2,
	} {
		if got := m[series]; got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	if token := strings.TrimPrefix(u.Path, "/p/session/"); strings.Contains(body, token) || strings.Contains(body, cus.ID) {
		t.Errorf("/metrics names a token or id:\n%s", body)
	}
}

// TestMetricsWebhooksAndScheduler: the webhook gauges show a delivery in
// flight while its endpoint holds it, the outcome counters move when it
// answers, and the scheduler reports its last pass and its lag.
func TestMetricsWebhooksAndScheduler(t *testing.T) {
	e := start(t)
	release := make(chan struct{})
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hook.Close()
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()
	if _, err := e.sc.V1WebhookEndpoints.Create(e.ctx, &stripe.WebhookEndpointCreateParams{
		URL: stripe.String(hook.URL), EnabledEvents: stripe.StringSlice([]string{"customer.created"}),
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sc.V1Customers.Create(e.ctx, nil); err != nil {
		t.Fatal(err)
	}
	var m map[string]float64
	waitFor(t, "a delivery in flight", func() bool {
		m = e.metrics()
		return m[`portico_webhook_deliveries_claimed{state="in_flight"}`] == 1
	})
	if m[`portico_webhook_attempts_total{outcome="succeeded"}`] != 0 {
		t.Fatalf("succeeded before the endpoint answered: %v", m)
	}
	// Claimed deliveries are not waiting in the outbox.
	if m["portico_webhook_endpoints_due"] != 0 || m["portico_webhook_oldest_due_seconds"] != 0 {
		t.Errorf("a claimed delivery counts as due: %v %v", m["portico_webhook_endpoints_due"], m["portico_webhook_oldest_due_seconds"])
	}
	close(release)
	waitFor(t, "the delivery's success counted", func() bool {
		m = e.metrics()
		return m[`portico_webhook_attempts_total{outcome="succeeded"}`] == 1
	})
	waitFor(t, "the lane emptied", func() bool {
		m = e.metrics()
		return m[`portico_webhook_deliveries_claimed{state="in_flight"}`] == 0
	})
	if m[`portico_webhook_attempts_total{outcome="retrying"}`] != 0 || m[`portico_webhook_attempts_total{outcome="gave_up"}`] != 0 ||
		m["portico_webhook_endpoints_disabled_total"] != 0 {
		t.Errorf("failures counted: %v", m)
	}
	// The scheduler makes its first pass at start.
	waitFor(t, "the scheduler's first pass", func() bool {
		_, ok := e.metrics()["portico_scheduler_last_pass_age_seconds"]
		return ok
	})
	m = e.metrics()
	if age := m["portico_scheduler_last_pass_age_seconds"]; age < 0 || age > 3600 {
		t.Errorf("last pass age = %v", age)
	}
	if lag, ok := m["portico_scheduler_due_lag_seconds"]; !ok || lag != 0 {
		t.Errorf("scheduler lag = %v (present %v), want 0 with nothing due", lag, ok)
	}
}

// TestMetricsToken: with a token configured, /metrics answers only to it.
func TestMetricsToken(t *testing.T) {
	e := startWith(t, app.Config{MetricsToken: "metrics-secret-1234"})
	if status, _, _ := e.scrape(""); status != http.StatusUnauthorized {
		t.Fatalf("no token: %d", status)
	}
	if status, _, _ := e.scrape("wrong"); status != http.StatusUnauthorized {
		t.Fatalf("wrong token: %d", status)
	}
	if status, body, _ := e.scrape("metrics-secret-1234"); status != http.StatusOK || !strings.Contains(body, "# TYPE portico_api_requests_total counter") {
		t.Fatalf("right token: %d %s", status, body)
	}
}

// TestReadyz: ready on a migrated, reachable database; 503 naming the
// migrations when one is not applied.
func TestReadyz(t *testing.T) {
	readyz := func(e *env) (int, map[string]any) {
		r := e.do("GET", "/readyz", "")
		var body map[string]any
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatalf("/readyz body %q: %v", r.Body, err)
		}
		return r.Status, body
	}
	if status, body := readyz(start(t)); status != 200 || body["status"] != "ok" || body["failed"] != nil {
		t.Fatalf("/readyz: %d %v", status, body)
	}
	if r := start(t).do("GET", "/healthz", ""); r.Status != 200 {
		t.Fatalf("/healthz: %d", r.Status)
	}

	path := filepath.Join(t.TempDir(), "portico.db")
	e := startWith(t, app.Config{DB: "sqlite:" + path})
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var latest string
	if err := db.QueryRow(`SELECT max(version) FROM schema_migrations`).Scan(&latest); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DELETE FROM schema_migrations WHERE version = ?`, latest); err != nil {
		t.Fatal(err)
	}
	status, body := readyz(e)
	if status != http.StatusServiceUnavailable || body["status"] != "unavailable" || body["failed"] != "migrations" ||
		!strings.Contains(body["detail"].(string), latest) {
		t.Fatalf("/readyz with %s unapplied: %d %v", latest, status, body)
	}
}
