package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/porticohq/portico/internal/testenv"
)

// TestPostgresTwoInstances runs two `portico serve` processes on one
// PostgreSQL database under a load of concurrent subscription updates and
// portal sessions spread over both, and kills one with SIGKILL half-way.
// Afterwards every acknowledged change is there (each client writes its own
// metadata key on subscriptions every client updates, so an update lost to
// a concurrent read-modify-write shows as a missing or older value), no
// subscription has a second first invoice, portal links open on the other
// instance than the one that made them, and every event arrived at the
// webhook receiver at least once.
func TestPostgresTwoInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	db := testenv.PostgresSchema(t, testenv.PostgresURL(t))
	hc := &hookCounter{arrivals: map[string]int{}, customer: map[string]string{}}
	recv := httptest.NewServer(hc)
	defer recv.Close()
	key := "sk_test_" + strings.Repeat("m", 32)
	// A short lease: the killed instance's claims come due again soon.
	env := []string{"PORTICO_SECRET_KEY=" + key, "PORTICO_LOG_LEVEL=error", "PORTICO_WEBHOOK_RETRY_SCALE=0.001", "PORTICO_WEBHOOK_LEASE=5s"}
	servers := []*server{startServer(t, env, "serve", "--db", db), startServer(t, env, "serve", "--db", db)}

	must := func(base, path string, form url.Values) map[string]any {
		t.Helper()
		status, body, err := post(key, base+path, form)
		if err != nil || status != 200 {
			t.Fatalf("POST %s: %d %s %v", path, status, body, err)
		}
		var m map[string]any
		json.Unmarshal([]byte(body), &m)
		return m
	}
	we := must(servers[0].url, "/v1/webhook_endpoints", url.Values{"url": {recv.URL}, "enabled_events[]": {"*"}})
	hc.secret.Store(we["secret"].(string))
	prod := must(servers[1].url, "/v1/products", url.Values{"name": {"Plan"}})
	price := must(servers[0].url, "/v1/prices", url.Values{"product": {prod["id"].(string)}, "currency": {"usd"},
		"unit_amount": {"1000"}, "recurring[interval]": {"month"}})
	const nSubs = 4
	var subs, customers []string
	for i := range nSubs {
		base := servers[i%2].url
		cus := must(base, "/v1/customers", url.Values{"email": {fmt.Sprintf("m%d@example.com", i)}})
		sub := must(servers[(i+1)%2].url, "/v1/subscriptions", url.Values{"customer": {cus["id"].(string)},
			"items[0][price]": {price["id"].(string)}, "collection_method": {"send_invoice"}, "days_until_due": {"30"}})
		customers = append(customers, cus["id"].(string))
		subs = append(subs, sub["id"].(string))
	}

	// Clients alternate between the instances; once the first is killed,
	// they use the second. Each client updates every subscription in turn,
	// setting its own metadata key to its request number.
	const clients = 6
	var mu sync.Mutex
	acked := map[string]map[string]int{} // subscription → client key → last acknowledged value
	for _, s := range subs {
		acked[s] = map[string]int{}
	}
	var sessions []string // portal links, each opened on the other instance
	var opened, failedOpen int
	stop := make(chan struct{})
	var dead atomic.Bool // set just before the first instance is killed
	var ackCount, errorAnswers int
	// A request the killed instance never answered has an unknown outcome;
	// an answer with an error status is a failure.
	countError := func(err error, status int) {
		if err == nil {
			mu.Lock()
			errorAnswers++
			mu.Unlock()
			t.Logf("answered %d", status)
		}
	}
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ck := fmt.Sprintf("c%d", c)
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				from := (c + i) % 2
				if dead.Load() {
					from = 1
				}
				base := servers[from].url
				sub := subs[i%nSubs]
				if i%5 == 4 { // a portal session, opened on the other instance
					status, body, err := post(key, base+"/v1/billing_portal/sessions", url.Values{"customer": {customers[i%nSubs]}})
					if err != nil || status != 200 {
						countError(err, status)
						continue
					}
					var s struct{ URL string }
					json.Unmarshal([]byte(body), &s)
					other := servers[1-from]
					if dead.Load() {
						other = servers[1]
					}
					u, _ := url.Parse(s.URL)
					res, err := noRedirect.Get(other.url + u.Path)
					mu.Lock()
					sessions = append(sessions, s.URL)
					switch {
					case err == nil && res.StatusCode < 400:
						opened++
					case other == servers[1] || !dead.Load():
						failedOpen++ // not the kill's doing
					}
					mu.Unlock()
					if err == nil {
						res.Body.Close()
					}
					continue
				}
				status, _, err := post(key, base+"/v1/subscriptions/"+sub, url.Values{"metadata[" + ck + "]": {fmt.Sprint(i)}})
				if err != nil || status != 200 {
					countError(err, status)
					continue
				}
				mu.Lock()
				acked[sub][ck] = i
				ackCount++
				mu.Unlock()
			}
		}()
	}
	waitUntil(t, "300 acknowledged updates before the kill", func() bool { mu.Lock(); defer mu.Unlock(); return ackCount >= 300 })
	dead.Store(true)
	servers[0].cmd.Process.Signal(syscall.SIGKILL)
	servers[0].cmd.Wait()
	mu.Lock()
	atKill := ackCount
	mu.Unlock()
	waitUntil(t, "300 more acknowledged updates after the kill", func() bool { mu.Lock(); defer mu.Unlock(); return ackCount >= atKill+300 })
	close(stop)
	wg.Wait()

	// Every acknowledged value is there (a later, unacknowledged one may
	// have replaced it: each client's updates are in order).
	for _, sub := range subs {
		var s struct{ Metadata map[string]string }
		getJSON(t, key, servers[1].url+"/v1/subscriptions/"+sub, &s)
		for ck, v := range acked[sub] {
			var got int
			if _, err := fmt.Sscan(s.Metadata[ck], &got); err != nil || got < v {
				t.Errorf("subscription %s metadata[%s] = %q, but %d was acknowledged: lost update", sub, ck, s.Metadata[ck], v)
			}
		}
		// Exactly one first invoice.
		var inv struct {
			Data []struct {
				ID            string
				BillingReason string `json:"billing_reason"`
			}
		}
		getJSON(t, key, servers[1].url+"/v1/invoices?limit=100&subscription="+sub, &inv)
		creates := 0
		for _, in := range inv.Data {
			if in.BillingReason == "subscription_create" {
				creates++
			}
		}
		if creates != 1 {
			t.Errorf("subscription %s has %d subscription_create invoices, want 1: %+v", sub, creates, inv.Data)
		}
	}
	if errorAnswers > 0 {
		t.Errorf("%d requests answered with an error status", errorAnswers)
	}
	if failedOpen > 0 || opened == 0 {
		t.Errorf("portal links opened on the other instance: %d of %d, %d failed", opened, len(sessions), failedOpen)
	}

	// Every event arrives at least once (the killed instance's claims
	// come due when their lease runs out).
	ids := eventIDs(t, key, servers[1].url, "")
	missing := func() []string {
		hc.mu.Lock()
		defer hc.mu.Unlock()
		var out []string
		for _, id := range ids {
			if hc.arrivals[id] == 0 {
				out = append(out, id)
			}
		}
		return out
	}
	waitUntil(t, "every event delivered", func() bool { return len(missing()) == 0 })
	hc.mu.Lock()
	dups := 0
	for _, id := range ids {
		dups += hc.arrivals[id] - 1
	}
	bad := hc.bad
	hc.mu.Unlock()
	if bad > 0 {
		t.Errorf("%d deliveries failed signature verification", bad)
	}
	t.Logf("%d updates acknowledged (%d before SIGKILL), %d portal links opened across instances, %d events all delivered (%d duplicates)",
		ackCount, atKill, opened, len(ids), dups)
}

// noRedirect is an HTTP client that returns redirects as they are.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// waitUntil waits for cond with a generous deadline.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
