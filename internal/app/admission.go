package app

import (
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// pageGate admits the portal's page views (GET and HEAD under /p/, not its
// static assets) a few at a time, the others waiting in arrival order.
//
// A page costs a few hundred microseconds of CPU and nothing else; under a
// load that fills the cores, letting every request compete for them (and
// for the read connections, which database/sql hands to a random waiter,
// golang/go#31708) made the slowest pages several times slower than the
// median. A request holds its slot only while it computes: the slot is
// given back when it starts writing its answer, so a slow client never
// holds one.
type pageGate struct {
	slots   chan struct{}
	waiting atomic.Int64 // page views queued for a slot
}

// pageConcurrency is how many page views compute at once: the setting
// (PORTICO_PAGE_CONCURRENCY; 0 for no limit), else two per CPU. On 2 CPUs,
// 32 clients on the portal homepage: p99 23.3 - 23.5 ms without a limit,
// 17.3 - 18.3 ms with 3 or 4, 20.0 - 20.4 ms with 6, at the same rate
// (bench/README.md).
func pageConcurrency(setting string) int {
	if n, err := strconv.Atoi(setting); err == nil && n >= 0 {
		return n
	}
	return 2 * runtime.NumCPU()
}

func newPageGate(n int) *pageGate { return &pageGate{slots: make(chan struct{}, n)} }

// wrap gates the page views among the requests next serves.
func (g *pageGate) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || !strings.HasPrefix(r.URL.Path, "/p/") || strings.HasPrefix(r.URL.Path, "/p/static/") {
			next.ServeHTTP(w, r)
			return
		}
		g.waiting.Add(1)
		select {
		case g.slots <- struct{}{}: // a channel's waiting senders go first come, first served
			g.waiting.Add(-1)
		case <-r.Context().Done():
			g.waiting.Add(-1)
			http.Error(w, "The portal is busy; please try again.", http.StatusServiceUnavailable)
			return
		}
		gw := &gatedWriter{ResponseWriter: w, release: func() { <-g.slots }}
		defer gw.done()
		next.ServeHTTP(gw, r)
	})
}

// gatedWriter gives its request's slot back at the first byte of the
// answer, or when the handler returns.
type gatedWriter struct {
	http.ResponseWriter
	release func()
	once    sync.Once
}

func (w *gatedWriter) done() { w.once.Do(w.release) }

// WriteHeader releases the slot, then sends the header.
func (w *gatedWriter) WriteHeader(code int) {
	w.done()
	w.ResponseWriter.WriteHeader(code)
}

// Write releases the slot, then writes.
func (w *gatedWriter) Write(b []byte) (int, error) {
	w.done()
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *gatedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
