package e2e

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	stripe "github.com/stripe/stripe-go/v85"
)

// compressRetries makes the retry schedule a thousand times shorter (the
// first retry after about 60 ms instead of a minute) for the Portico the
// test starts next.
func compressRetries(t *testing.T) {
	t.Setenv("PORTICO_WEBHOOK_RETRY_SCALE", "0.001")
}

func TestWebhookRetriesUntilSuccess(t *testing.T) {
	compressRetries(t)
	e := start(t)
	r := newReceiver(t)
	r.respond = func(n int, ev stripe.Event) int {
		if n <= 2 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	}
	r.endpoint(e, "customer.created")
	if _, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{}); err != nil {
		t.Fatal(err)
	}
	ev := r.waitEvents(1)[0]
	// Delivered once as a success, after two recorded failures.
	waitFor(t, 5*time.Second, "the success to be recorded", func() bool {
		_, reports, err := e.app.Service.EventDeliveries(e.ctx, ev.ID)
		return err == nil && len(reports) == 1 && reports[0].Delivery.State == "succeeded"
	})
	_, reports, _ := e.app.Service.EventDeliveries(e.ctx, ev.ID)
	var statuses []int
	for _, a := range reports[0].Attempts {
		statuses = append(statuses, a.Status)
	}
	if len(statuses) != 3 || statuses[0] != 500 || statuses[1] != 500 || statuses[2] != 200 {
		t.Fatalf("attempt statuses = %v, want [500 500 200]", statuses)
	}
	if reports[0].Attempts[0].Response != `{"received":true}` {
		t.Errorf("response snippet = %q", reports[0].Attempts[0].Response)
	}
	// The retries waited (with the compressed schedule, about 60 ms and
	// then 180 ms, each ±20 %).
	gap := reports[0].Attempts[1].Attempted - reports[0].Attempts[0].Attempted
	if gap < 40 {
		t.Errorf("first retry after %d ms, want the backoff", gap)
	}
	if n := len(r.received()); n != 1 {
		t.Fatalf("event answered with 2xx %d times, want 1", n)
	}
	r.mu.Lock()
	requests := r.requests[ev.ID]
	r.mu.Unlock()
	if requests != 3 {
		t.Fatalf("receiver saw %d requests, want 3", requests)
	}
	got, err := e.sc.V1Events.Retrieve(e.ctx, ev.ID, nil)
	if err != nil || got.PendingWebhooks != 0 {
		t.Fatalf("event after delivery: %+v %v", got, err)
	}
}

// TestWebhookHangingEndpointDoesNotDelayOthers: one endpoint never
// answers; another, healthy, gets every event promptly.
func TestWebhookHangingEndpointDoesNotDelayOthers(t *testing.T) {
	e := start(t)
	release := make(chan struct{})
	var hung atomic.Int64
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hung.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); hang.Close() })
	if _, err := e.sc.V1WebhookEndpoints.Create(e.ctx, &stripe.WebhookEndpointCreateParams{
		URL: stripe.String(hang.URL), EnabledEvents: stripe.StringSlice([]string{"*"}),
	}); err != nil {
		t.Fatal(err)
	}
	healthy := newReceiver(t)
	healthy.endpoint(e, "*")

	const n = 100
	start := time.Now()
	for i := 0; i < n; i++ {
		if _, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{}); err != nil {
			t.Fatal(err)
		}
	}
	healthy.waitEvents(n)
	took := time.Since(start)
	if took > 5*time.Second {
		t.Fatalf("healthy endpoint got %d events in %s with another endpoint hanging", n, took)
	}
	if hung.Load() == 0 {
		t.Fatal("the hanging endpoint was never tried")
	}
	// The hanging endpoint holds at most its concurrency bound.
	if h := hung.Load(); h > 16 {
		t.Fatalf("%d attempts in flight to the hanging endpoint, want at most 16", h)
	}
	t.Logf("%d events reached the healthy endpoint in %s; %d attempts hang on the other", n, took.Round(time.Millisecond), hung.Load())
}
