package loadgen

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// recorder is a test server that counts requests and remembers bodies and
// idempotency keys.
type recorder struct {
	count  atomic.Int64
	mu     sync.Mutex
	bodies []string
	keys   []string
}

func newRecorder(t *testing.T) (*recorder, *httptest.Server) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.count.Add(1)
		b, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.bodies = append(rec.bodies, string(b))
		rec.keys = append(rec.keys, r.Header.Get("Idempotency-Key"))
		rec.mu.Unlock()
		if strings.HasSuffix(r.URL.Path, "/missing") {
			http.Error(w, `{"error":{"type":"invalid_request_error"}}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"cus_123","object":"customer"}`)
	}))
	t.Cleanup(srv.Close)
	return rec, srv
}

func run(t *testing.T, cfg Config) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := Run(ctx, cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

func TestDurationCountMatchesServer(t *testing.T) {
	rec, srv := newRecorder(t)
	res := run(t, Config{URL: srv.URL + "/v1/customers", Concurrency: 4, Duration: 200 * time.Millisecond})
	if res.Requests == 0 {
		t.Fatal("no requests recorded")
	}
	if got := rec.count.Load(); got != int64(res.Requests) {
		t.Errorf("server saw %d requests, result says %d", got, res.Requests)
	}
	if res.Errors != 0 || res.Statuses[200] != res.Requests {
		t.Errorf("errors=%d statuses=%v, want all 200", res.Errors, res.Statuses)
	}
	if res.Elapsed <= 0 || res.RPS <= 0 {
		t.Errorf("elapsed=%v rps=%v, want positive", res.Elapsed, res.RPS)
	}
	if !(res.P50 <= res.P90 && res.P90 <= res.P99 && res.P99 <= res.Max && res.P50 > 0) {
		t.Errorf("percentiles not ordered: %+v", res)
	}
}

func TestWarmupNotRecorded(t *testing.T) {
	rec, srv := newRecorder(t)
	res := run(t, Config{URL: srv.URL, Concurrency: 2, Requests: 50, Warmup: 100 * time.Millisecond})
	if res.Requests != 50 {
		t.Errorf("recorded %d requests, want 50", res.Requests)
	}
	if got := rec.count.Load(); got <= 50 {
		t.Errorf("server saw %d requests, want warm-up requests on top of the 50 recorded", got)
	}
}

func TestRequestsStopsExactly(t *testing.T) {
	for _, c := range []int{1, 8, 50} {
		rec, srv := newRecorder(t)
		res := run(t, Config{URL: srv.URL, Concurrency: c, Requests: 137})
		if res.Requests != 137 {
			t.Errorf("c=%d: recorded %d requests, want 137", c, res.Requests)
		}
		if got := rec.count.Load(); got != 137 {
			t.Errorf("c=%d: server saw %d requests, want 137", c, got)
		}
	}
}

func TestBodyPlaceholderDistinct(t *testing.T) {
	rec, srv := newRecorder(t)
	const n = 200
	res := run(t, Config{
		URL:         srv.URL + "/v1/customers",
		Method:      "post",
		Body:        "email=user{n}@example.com&description=load+{n}",
		Concurrency: 8,
		Requests:    n,
	})
	if res.Requests != n || res.Errors != 0 {
		t.Fatalf("requests=%d errors=%d", res.Requests, res.Errors)
	}
	seen := map[string]bool{}
	for _, b := range rec.bodies {
		if strings.Contains(b, "{n}") {
			t.Fatalf("placeholder not substituted: %q", b)
		}
		var num string
		if _, after, ok := strings.Cut(b, "email=user"); ok {
			num, _, _ = strings.Cut(after, "@")
		}
		if want := "email=user" + num + "@example.com&description=load+" + num; b != want || num == "" {
			t.Fatalf("body %q, want both placeholders replaced by the same counter", b)
		}
		if seen[b] {
			t.Fatalf("duplicate body %q", b)
		}
		seen[b] = true
	}
	if len(seen) != n {
		t.Errorf("%d distinct bodies, want %d", len(seen), n)
	}
}

func TestConstantBody(t *testing.T) {
	rec, srv := newRecorder(t)
	run(t, Config{URL: srv.URL, Method: "POST", Body: "name=x", Concurrency: 3, Requests: 20})
	for _, b := range rec.bodies {
		if b != "name=x" {
			t.Fatalf("body %q, want %q", b, "name=x")
		}
	}
}

func TestIdempotencyKeysUnique(t *testing.T) {
	rec, srv := newRecorder(t)
	const n = 300
	run(t, Config{
		URL:             srv.URL + "/v1/customers",
		Method:          "POST",
		Body:            "email=a@example.com",
		Headers:         map[string]string{"Authorization": "Bearer sk_test_123"},
		Concurrency:     16,
		Requests:        n,
		IdempotencyKeys: true,
	})
	seen := map[string]bool{}
	for _, k := range rec.keys {
		if k == "" {
			t.Fatal("request without Idempotency-Key")
		}
		if seen[k] {
			t.Fatalf("duplicate Idempotency-Key %q", k)
		}
		seen[k] = true
	}
	if len(seen) != n {
		t.Errorf("%d keys, want %d", len(seen), n)
	}

	// Without the option, no key is sent.
	rec2, srv2 := newRecorder(t)
	run(t, Config{URL: srv2.URL, Concurrency: 2, Requests: 10})
	for _, k := range rec2.keys {
		if k != "" {
			t.Fatalf("unexpected Idempotency-Key %q", k)
		}
	}
}

func TestHeadersSent(t *testing.T) {
	var bad atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer sk_test_123" ||
			r.Header.Get("Stripe-Version") != "2024-06-20" ||
			r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			bad.Add(1)
		}
	}))
	defer srv.Close()
	res := run(t, Config{
		URL:         srv.URL,
		Method:      "POST",
		Body:        "a=b",
		Headers:     map[string]string{"authorization": "Bearer sk_test_123", "Stripe-Version": "2024-06-20"},
		Concurrency: 2,
		Requests:    10,
	})
	if res.Requests != 10 || bad.Load() != 0 {
		t.Errorf("requests=%d, %d requests with wrong headers", res.Requests, bad.Load())
	}
}

func TestNon2xxCountedAsErrors(t *testing.T) {
	rec, srv := newRecorder(t)
	res := run(t, Config{
		URLs:        []string{srv.URL + "/v1/customers/cus_1", srv.URL + "/v1/customers/missing"},
		Concurrency: 4,
		Requests:    100,
	})
	if res.Requests != 100 || rec.count.Load() != 100 {
		t.Fatalf("requests=%d server=%d, want 100", res.Requests, rec.count.Load())
	}
	// URLs rotate per request, so exactly half hit the 404 path.
	if res.Statuses[200] != 50 || res.Statuses[404] != 50 || len(res.Statuses) != 2 {
		t.Errorf("statuses=%v, want 200=50 404=50", res.Statuses)
	}
	if res.Errors != 50 {
		t.Errorf("errors=%d, want 50", res.Errors)
	}
	if s := res.String(); !strings.Contains(s, "404=50") || !strings.Contains(s, "200=50") {
		t.Errorf("report lacks status counts:\n%s", s)
	}
}

func TestTransportErrorsCounted(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	res := run(t, Config{URL: url, Concurrency: 2, Requests: 10})
	if res.Requests != 10 || res.Errors != 10 || len(res.Statuses) != 0 || res.FirstError == "" {
		t.Errorf("got %+v, want 10 transport errors", res)
	}
}

func TestNonLoopbackRejected(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	bad := []string{
		"http://example.com/v1/customers",
		"http://10.0.0.1:4242/",
		"http://192.168.1.10/",
		"http://0.0.0.0:4242/",
		"http://[::2]:4242/",
		"http://[::]:4242/",
		"http://127.0.0.1.nip.io/",
		"http://localhost.example.com/",
		"https://api.stripe.com/v1/customers",
		"ftp://127.0.0.1/",
		"/v1/customers",
		"http://user:pw@127.0.0.1/",
	}
	for _, u := range bad {
		if err := CheckLoopbackURL(u); err == nil {
			t.Errorf("CheckLoopbackURL(%q) = nil, want error", u)
		}
		_, err := Run(context.Background(), Config{URL: u, Concurrency: 1, Requests: 1})
		if err == nil {
			t.Errorf("Run(%q) succeeded, want error", u)
		}
		// A bad URL anywhere in the rotation rejects the whole run.
		_, err = Run(context.Background(), Config{URLs: []string{srv.URL, u}, Concurrency: 1, Requests: 2})
		if err == nil {
			t.Errorf("Run(URLs with %q) succeeded, want error", u)
		}
	}
	if _, err := Run(context.Background(), Config{URL: "http://example.com/", Concurrency: 1, Requests: 1}); !errors.Is(err, ErrNotLoopback) {
		t.Errorf("error %v, want ErrNotLoopback", err)
	}
	if hits.Load() != 0 {
		t.Errorf("server got %d requests from rejected runs", hits.Load())
	}
	good := []string{
		"http://127.0.0.1:4242/v1/customers",
		"http://127.1.2.3/",
		"http://localhost:4242/",
		"http://LOCALHOST/",
		"https://[::1]:4242/",
		"http://[::ffff:127.0.0.1]/",
	}
	for _, u := range good {
		if err := CheckLoopbackURL(u); err != nil {
			t.Errorf("CheckLoopbackURL(%q) = %v, want nil", u, err)
		}
	}
}

func TestDialRefusesNonLoopback(t *testing.T) {
	if err := dialControl("tcp4", "10.1.2.3:80", nil); !errors.Is(err, ErrNotLoopback) {
		t.Errorf("dialControl(10.1.2.3) = %v, want ErrNotLoopback", err)
	}
	if err := dialControl("tcp6", "[::1]:80", nil); err != nil {
		t.Errorf("dialControl(::1) = %v", err)
	}
}

func TestConfigValidation(t *testing.T) {
	u := "http://127.0.0.1:1/"
	for name, cfg := range map[string]Config{
		"no concurrency": {URL: u, Requests: 1},
		"no limit":       {URL: u, Concurrency: 1},
		"negative":       {URL: u, Concurrency: 1, Requests: -1},
		"no url":         {Concurrency: 1, Requests: 1},
	} {
		if _, err := Run(context.Background(), cfg); err == nil {
			t.Errorf("%s: Run succeeded, want error", name)
		}
	}
}

func TestCancel(t *testing.T) {
	_, srv := newRecorder(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	res, err := Run(ctx, Config{URL: srv.URL, Concurrency: 4, Duration: time.Hour})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err=%v, want context.Canceled", err)
	}
	if res.Errors != 0 {
		t.Errorf("aborted requests counted as errors: %+v", res)
	}
}

func TestPercentile(t *testing.T) {
	var lat []time.Duration
	for i := 1; i <= 1000; i++ {
		lat = append(lat, time.Duration(i))
	}
	for _, tc := range []struct {
		p    float64
		want time.Duration
	}{{50, 500}, {90, 900}, {99, 990}, {99.9, 999}, {100, 1000}, {0.01, 1}} {
		if got := Percentile(lat, tc.p); got != tc.want {
			t.Errorf("Percentile(%v) = %d, want %d", tc.p, got, tc.want)
		}
	}
	if got := Percentile(lat[:1], 99); got != 1 {
		t.Errorf("single sample: %d", got)
	}
	if got := Percentile(nil, 50); got != 0 {
		t.Errorf("empty: %d", got)
	}
	// 100 samples: p99 is the 99th smallest, not the max.
	if got := Percentile(lat[:100], 99); got != 99 {
		t.Errorf("p99 of 1..100 = %d, want 99", got)
	}
}
