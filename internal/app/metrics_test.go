package app

import (
	"testing"
	"time"
)

// A route's recorder keeps one counter per status, created on first use.
func TestRouteRecorderCountsByStatus(t *testing.T) {
	m := newAppMetrics()
	rec := m.observeAPI("GET", "/v1/customers/{id}")
	for _, s := range []int{200, 200, 404, 200} {
		rec(s, time.Millisecond)
	}
	if n := m.apiRequests.With("GET", "/v1/customers/{id}", "200").Value(); n != 3 {
		t.Errorf("200s = %d", n)
	}
	if n := m.apiRequests.With("GET", "/v1/customers/{id}", "404").Value(); n != 1 {
		t.Errorf("404s = %d", n)
	}
	if n := m.apiLatency.With("GET", "/v1/customers/{id}").Count(); n != 4 {
		t.Errorf("latencies = %d", n)
	}
}

// What the API adds to each request for metrics: the route's pre-resolved
// recorder finds the status's counter and records count and latency
// (go test -bench RouteRecorder -cpu 1,2 ./internal/app).
func BenchmarkRouteRecorder(b *testing.B) {
	rec := newAppMetrics().observeAPI("POST", "/v1/customers")
	for _, s := range []int{400, 402, 404} { // a route's usual error statuses, seen before 200
		rec(s, time.Millisecond)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec(200, 700*time.Microsecond)
		}
	})
}
