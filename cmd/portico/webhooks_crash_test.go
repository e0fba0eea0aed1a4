package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/porticohq/portico/internal/testenv"
	"github.com/stripe/stripe-go/v85/webhook"
)

// hookCounter is a webhook receiver that verifies signatures and counts
// each event's arrivals.
type hookCounter struct {
	secret   atomic.Value
	mu       sync.Mutex
	arrivals map[string]int    // event id → verified arrivals
	customer map[string]string // customer id → its customer.created event
	bad      int
}

func (h *hookCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	secret, _ := h.secret.Load().(string)
	ev, err := webhook.ConstructEvent(body, r.Header.Get("Stripe-Signature"), secret)
	h.mu.Lock()
	defer h.mu.Unlock()
	if err != nil {
		h.bad++
		w.WriteHeader(400)
		return
	}
	h.arrivals[ev.ID]++
	if ev.Type == "customer.created" {
		h.customer[fmt.Sprint(ev.Data.Object["id"])] = ev.ID
	}
}

// eventIDs lists the ids of every event matching filter ("&type=..."),
// newest first, page by page.
func eventIDs(t *testing.T, key, base, filter string) []string {
	t.Helper()
	var ids []string
	after := ""
	for {
		var page struct {
			Data    []struct{ ID string } `json:"data"`
			HasMore bool                  `json:"has_more"`
		}
		getJSON(t, key, base+"/v1/events?limit=100"+filter+after, &page)
		for _, e := range page.Data {
			ids = append(ids, e.ID)
		}
		if !page.HasMore {
			return ids
		}
		after = "&starting_after=" + page.Data[len(page.Data)-1].ID
	}
}

func getJSON(t *testing.T, key, u string, v any) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// TestWebhooksSurviveKillNine creates a burst of 1,000 customers (each a
// customer.created event for one endpoint), kills the server with SIGKILL
// in the middle, restarts it, finishes the burst and checks that every
// event reached the receiver: duplicates are allowed (and counted), losses
// are not. It then uses `portico events` and `portico deliveries` on the
// same database.
func TestWebhooksSurviveKillNine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	hc := &hookCounter{arrivals: map[string]int{}, customer: map[string]string{}}
	recv := httptest.NewServer(hc)
	defer recv.Close()

	db := testenv.DB(t)
	key := "sk_test_" + strings.Repeat("w", 32)
	// A short lease: on PostgreSQL the claims of the killed process are
	// released by running out (on SQLite the restart releases them).
	env := []string{"PORTICO_SECRET_KEY=" + key, "PORTICO_LOG_LEVEL=error", "PORTICO_WEBHOOK_RETRY_SCALE=0.001", "PORTICO_WEBHOOK_LEASE=5s"}
	s := startServer(t, env, "serve", "--db", db)
	status, body, err := post(key, s.url+"/v1/webhook_endpoints", url.Values{"url": {recv.URL}, "enabled_events[]": {"customer.created"}})
	if err != nil || status != 200 {
		t.Fatalf("create endpoint: %d %s %v", status, body, err)
	}
	var we struct{ Secret string }
	json.Unmarshal([]byte(body), &we)
	hc.secret.Store(we.Secret)

	const burst = 1000
	var next atomic.Int64
	var mu sync.Mutex
	var acked []string
	create := func(base string) {
		var wg sync.WaitGroup
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					mu.Lock()
					done := len(acked) >= burst
					mu.Unlock()
					if done {
						return
					}
					i := next.Add(1)
					status, body, err := post(key, base+"/v1/customers", url.Values{"email": {fmt.Sprintf("c%d@example.com", i)}})
					if err != nil {
						return // the server is gone
					}
					if status == 200 {
						m := idRE.FindStringSubmatch(body)
						mu.Lock()
						acked = append(acked, m[1])
						mu.Unlock()
					}
				}
			}()
		}
		wg.Wait()
	}
	// Kill once 400 creates are acknowledged, with deliveries in flight.
	go func() {
		for {
			mu.Lock()
			n := len(acked)
			mu.Unlock()
			if n >= 400 {
				s.cmd.Process.Signal(syscall.SIGKILL)
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	create(s.url)
	s.cmd.Wait()
	mu.Lock()
	beforeKill := len(acked)
	mu.Unlock()
	hc.mu.Lock()
	arrivedBeforeKill := len(hc.arrivals)
	hc.mu.Unlock()

	s2 := startServer(t, env, "serve", "--db", db)
	create(s2.url)

	// Every acknowledged customer's event arrives, and so does every
	// event the database holds (creates that committed but whose answer
	// the kill cut off included).
	deadline := time.Now().Add(2 * time.Minute)
	for {
		hc.mu.Lock()
		missing := 0
		for _, id := range acked {
			if hc.customer[id] == "" {
				missing++
			}
		}
		hc.mu.Unlock()
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d acknowledged customers' events never arrived", missing, len(acked))
		}
		time.Sleep(20 * time.Millisecond)
	}
	ids := eventIDs(t, key, s2.url, "&type=customer.created")
	hc.mu.Lock()
	dups, lost := 0, 0
	for _, id := range ids {
		switch n := hc.arrivals[id]; {
		case n == 0:
			lost++
		case n > 1:
			dups += n - 1
		}
	}
	bad := hc.bad
	hc.mu.Unlock()
	if lost > 0 || bad > 0 {
		t.Fatalf("%d of %d events lost, %d failed verification", lost, len(ids), bad)
	}
	if len(ids) < burst {
		t.Fatalf("only %d events stored", len(ids))
	}
	t.Logf("%d acknowledged before SIGKILL (%d events had arrived); all %d events delivered after restart, %d duplicate deliveries",
		beforeKill, arrivedBeforeKill, len(ids), dups)

	// The CLI reads the same database while the server runs.
	out, err := exec.Command(portico(t), "events", "--db", db, "--limit", "3").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "customer.created") || strings.Count(string(out), "evt_") != 3 {
		t.Fatalf("portico events: %v\n%s", err, out)
	}
	out, err = exec.Command(portico(t), "deliveries", "--db", db, ids[0]).CombinedOutput()
	if err != nil || !strings.Contains(string(out), recv.URL) || !strings.Contains(string(out), "succeeded") || !strings.Contains(string(out), " 200 ") {
		t.Fatalf("portico deliveries: %v\n%s", err, out)
	}
	hc.mu.Lock()
	before := hc.arrivals[ids[0]]
	hc.mu.Unlock()
	out, err = exec.Command(portico(t), "deliveries", ids[0], "--resend", "--db", db).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "delivered again") {
		t.Fatalf("portico deliveries --resend: %v\n%s", err, out)
	}
	deadline = time.Now().Add(2 * time.Minute)
	for {
		hc.mu.Lock()
		n := hc.arrivals[ids[0]]
		hc.mu.Unlock()
		if n > before {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the resent event did not arrive")
		}
		time.Sleep(20 * time.Millisecond)
	}
	out, _ = exec.Command(portico(t), "deliveries", "--db", db, ids[0]).CombinedOutput()
	t.Logf("portico deliveries %s:\n%s", ids[0], out)
}
