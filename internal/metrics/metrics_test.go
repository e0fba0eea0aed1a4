package metrics

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func scrape(t *testing.T, r *Registry) string {
	t.Helper()
	var b bytes.Buffer
	if err := r.Write(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// The whole exposition of a small registry, byte for byte: families sorted
// by name, series by label values, histogram buckets cumulative with +Inf
// equal to _count.
func TestExpositionFormat(t *testing.T) {
	r := NewRegistry()
	req := r.Counter("app_requests_total", "Requests served.", "route", "status")
	req.With("/v1/customers", "200").Add(3)
	req.With("/v1/customers/{id}", "404").Inc()
	req.With("/v1/customers", "400").Inc()
	g := r.Gauge("app_queue_depth", "Items waiting.")
	g.With().Set(7)
	g.With().Add(-2.5)
	h := r.Histogram("app_latency_seconds", "Latency.", []float64{0.1, 1}, "route")
	h.With("/a").Observe(0.05)
	h.With("/a").Observe(0.1) // on the bound: counts in le="0.1"
	h.With("/a").Observe(3)
	h.With("/never") // created, never observed: left out
	r.Func(KindGauge, "app_lag_seconds", "Lag.", []string{"mode"}, func(ctx context.Context, emit Emit) {
		emit(1.5, "test")
		emit(0, "live")
	})
	want := `# HELP app_lag_seconds Lag.
# TYPE app_lag_seconds gauge
app_lag_seconds{mode="live"} 0
app_lag_seconds{mode="test"} 1.5
# HELP app_latency_seconds Latency.
# TYPE app_latency_seconds histogram
app_latency_seconds_bucket{route="/a",le="0.1"} 2
app_latency_seconds_bucket{route="/a",le="1"} 2
app_latency_seconds_bucket{route="/a",le="+Inf"} 3
app_latency_seconds_sum{route="/a"} 3.15
app_latency_seconds_count{route="/a"} 3
# HELP app_queue_depth Items waiting.
# TYPE app_queue_depth gauge
app_queue_depth 4.5
# HELP app_requests_total Requests served.
# TYPE app_requests_total counter
app_requests_total{route="/v1/customers",status="200"} 3
app_requests_total{route="/v1/customers",status="400"} 1
app_requests_total{route="/v1/customers/{id}",status="404"} 1
`
	if got := scrape(t, r); got != want {
		t.Fatalf("exposition:\n%s\nwant:\n%s", got, want)
	}
}

// Label values and help text are escaped as the format requires, so no
// value can break a line or forge another sample.
func TestEscaping(t *testing.T) {
	r := NewRegistry()
	r.Counter("x_total", "Help with \\ and\nnewline.", "v").With("a\"b\\c\nd} 99\nforged 1").Inc()
	got := scrape(t, r)
	want := "# HELP x_total Help with \\\\ and\\nnewline.\n# TYPE x_total counter\n" +
		`x_total{v="a\"b\\c\nd} 99\nforged 1"} 1` + "\n"
	if got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
	if strings.Count(got, "\n") != 3 {
		t.Fatalf("a label value added lines: %q", got)
	}
}

func TestFormatFloat(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 42: "42", -3: "-3", 0.25: "0.25", 1e20: "1e+20", 1.5e-7: "1.5e-07"} {
		if got := formatFloat(v); got != want {
			t.Errorf("formatFloat(%v) = %q, want %q", v, got, want)
		}
	}
	inf := 1.0
	for range 2000 {
		inf *= 10
	}
	if got := formatFloat(inf); got != "+Inf" {
		t.Errorf("formatFloat(+Inf) = %q", got)
	}
	if got := formatFloat(-inf); got != "-Inf" {
		t.Errorf("formatFloat(-Inf) = %q", got)
	}
	if got := formatFloat(inf - inf); got != "NaN" {
		t.Errorf("formatFloat(NaN) = %q", got)
	}
}

func TestRegistrationMistakesPanic(t *testing.T) {
	for name, f := range map[string]func(r *Registry){
		"bad name":        func(r *Registry) { r.Counter("1x", "") },
		"bad label":       func(r *Registry) { r.Counter("x", "", "a-b") },
		"reserved label":  func(r *Registry) { r.Counter("x", "", "__x") },
		"le on histogram": func(r *Registry) { r.Histogram("x", "", []float64{1}, "le") },
		"twice":           func(r *Registry) { r.Counter("x", ""); r.Gauge("x", "") },
		"unsorted":        func(r *Registry) { r.Histogram("x", "", []float64{2, 1}) },
		"label count":     func(r *Registry) { r.Counter("x", "", "a", "b").With("only one") },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			f(NewRegistry())
		})
	}
}

// Many goroutines recording at once lose nothing (run with -race too).
func TestConcurrentRecording(t *testing.T) {
	r := NewRegistry()
	c := r.Counter("c_total", "", "k")
	h := r.Histogram("h_seconds", "", []float64{1, 2}, "k")
	g := r.Gauge("g", "")
	const workers, each = 8, 1000
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := []string{"even", "odd"}[w%2]
			for range each {
				c.With(key).Inc()
				h.With(key).Observe(1.5)
				g.With().Add(1)
			}
		}()
		wg.Add(1)
		go func() { // scrapes race with recording
			defer wg.Done()
			r.Write(context.Background(), &bytes.Buffer{})
		}()
	}
	wg.Wait()
	if n := c.With("even").Value() + c.With("odd").Value(); n != workers*each {
		t.Fatalf("counter = %d, want %d", n, workers*each)
	}
	if n := h.With("even").Count() + h.With("odd").Count(); n != workers*each {
		t.Fatalf("histogram count = %d, want %d", n, workers*each)
	}
	if v := g.With().Value(); v != workers*each {
		t.Fatalf("gauge = %v, want %d", v, workers*each)
	}
	out := scrape(t, r)
	if !strings.Contains(out, `h_seconds_sum{k="even"} 6000`) || !strings.Contains(out, `h_seconds_bucket{k="odd",le="1"} 0`) {
		t.Fatalf("histogram exposition:\n%s", out)
	}
}

func TestHandlerAndRuntime(t *testing.T) {
	r := NewRegistry()
	RegisterRuntime(r)
	r.Histogram("d_seconds", "", DefaultLatencyBuckets).With().ObserveDuration(3 * time.Millisecond)
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if ct := rec.Header().Get("Content-Type"); ct != ContentType {
		t.Fatalf("Content-Type = %q", ct)
	}
	body := rec.Body.String()
	for _, want := range []string{"# TYPE go_goroutines gauge\ngo_goroutines ", "\ngo_heap_objects_bytes ",
		"\nprocess_start_time_seconds ", `d_seconds_bucket{le="0.005"} 1`, `d_seconds_bucket{le="0.0025"} 0`} {
		if !strings.Contains(body, want) {
			t.Errorf("missing %q in:\n%s", want, body)
		}
	}
	if strings.Contains(body, "go_goroutines 0\n") {
		t.Errorf("no goroutines counted:\n%s", body)
	}
}
