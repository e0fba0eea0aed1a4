package app

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"
	"time"
)

// TestPageGateLimitsPageViews: with one slot, page views compute one at a
// time, the others waiting; API requests, POSTs and static assets pass by
// the queue.
func TestPageGateLimitsPageViews(t *testing.T) {
	g := newPageGate(1)
	var mu sync.Mutex
	var order []string
	running, most := 0, 0
	release := make(chan struct{})
	h := g.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		running++
		most = max(most, running)
		mu.Unlock()
		if r.URL.Path == "/p/first" {
			<-release // holds the only slot
		}
		mu.Lock()
		running--
		order = append(order, r.Method+" "+r.URL.Path)
		mu.Unlock()
		w.Write([]byte("ok"))
	}))
	var wg sync.WaitGroup
	serve := func(method, path string) {
		defer wg.Done()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
		if rec.Code != http.StatusOK {
			t.Errorf("%s %s: %d", method, path, rec.Code)
		}
	}
	wg.Add(1)
	go serve("GET", "/p/first")
	waitFor(t, func() bool { return len(g.slots) == 1 })
	for _, path := range []string{"/p/a", "/p/b", "/p/c"} {
		wg.Add(1)
		go serve("GET", path)
	}
	waitFor(t, func() bool { return queued(g) == 3 })
	// These do not wait for the slot (served here, while it is held).
	for _, req := range [][2]string{{"GET", "/v1/customers"}, {"POST", "/p/billing"}, {"GET", "/p/static/app.css"}} {
		wg.Add(1)
		serve(req[0], req[1])
	}
	mu.Lock()
	passed := len(order)
	mu.Unlock()
	if passed != 3 {
		t.Fatalf("while a page view held the slot: %v", order)
	}
	close(release)
	wg.Wait()
	if len(order) != 7 || order[3] != "GET /p/first" {
		t.Fatalf("order %v", order)
	}
	if most != 2 { // one page view and, at most, one request passing by
		t.Fatalf("%d requests ran at once", most)
	}
}

// TestPageGateReleasesAtTheAnswer: a page view gives its slot back when it
// starts answering (a slow client reading the page holds none), and when
// its handler panics.
func TestPageGateReleasesAtTheAnswer(t *testing.T) {
	g := newPageGate(1)
	wrote := make(chan struct{})
	finish := make(chan struct{})
	h := g.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/p/slow-reader":
			w.WriteHeader(http.StatusOK)
			close(wrote)
			<-finish // still sending
		case "/p/panics":
			panic("boom")
		}
	}))
	go h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/p/slow-reader", nil))
	<-wrote
	if len(g.slots) != 0 {
		t.Fatal("the slot is held while the answer is sent")
	}
	func() {
		defer func() { recover() }()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/p/panics", nil))
	}()
	if len(g.slots) != 0 {
		t.Fatal("a panicking handler kept its slot")
	}
	close(finish)
}

func TestPageConcurrencySetting(t *testing.T) {
	for setting, want := range map[string]int{"": 2 * runtime.NumCPU(), "0": 0, "6": 6, "-1": 2 * runtime.NumCPU(), "x": 2 * runtime.NumCPU()} {
		if got := pageConcurrency(setting); got != want {
			t.Errorf("%q: %d, want %d", setting, got, want)
		}
	}
}

// queued is how many page views wait for a slot of g.
func queued(g *pageGate) int { return int(g.waiting.Load()) }

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(time.Millisecond)
	}
}
