package metrics

import (
	"testing"
	"time"
)

// The cost of recording one API request as Portico does: a pre-resolved
// counter (route and status) and a pre-resolved latency histogram, from
// every core at once (go test -bench . -cpu 1,2 ./internal/metrics).
func BenchmarkRecordRequest(b *testing.B) {
	r := NewRegistry()
	c := r.Counter("requests_total", "", "method", "route", "status").With("POST", "/v1/customers", "200")
	h := r.Histogram("request_duration_seconds", "", DefaultLatencyBuckets, "method", "route").With("POST", "/v1/customers")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		d := 700 * time.Microsecond
		for pb.Next() {
			c.Inc()
			h.ObserveDuration(d)
		}
	})
}

// With looks a series up by its label values (a sync.Map read): the price
// of not resolving the series in advance.
func BenchmarkCounterWith(b *testing.B) {
	r := NewRegistry()
	v := r.Counter("requests_total", "", "route", "status")
	v.With("/v1/customers", "200")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			v.With("/v1/customers", "200").Inc()
		}
	})
}

// A scrape of 150 routes × 4 statuses and 150 histograms.
func BenchmarkScrape(b *testing.B) {
	r := NewRegistry()
	c := r.Counter("requests_total", "", "route", "status")
	h := r.Histogram("request_duration_seconds", "", DefaultLatencyBuckets, "route")
	for i := range 150 {
		route := "/v1/route" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		for _, s := range []string{"200", "400", "402", "404"} {
			c.With(route, s).Inc()
		}
		h.With(route).Observe(0.001)
	}
	b.ReportAllocs()
	for b.Loop() {
		r.Write(b.Context(), discard{})
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
