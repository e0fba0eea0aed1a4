package e2e

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/porticohq/portico/internal/app"
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
	waitFor(t, "the success to be recorded", func() bool {
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
// answers; another, healthy, gets every event while every attempt at the
// hanging one is still waiting (none has reached its 10 s timeout), so no
// delivery waited for the hanging endpoint.
func TestWebhookHangingEndpointDoesNotDelayOthers(t *testing.T) {
	e := start(t)
	release := make(chan struct{})
	var hung, gaveUp atomic.Int64
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hung.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
			gaveUp.Add(1)
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
	for i := 0; i < n; i++ {
		if _, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{}); err != nil {
			t.Fatal(err)
		}
	}
	healthy.waitEvents(n)
	if g := gaveUp.Load(); g > 0 {
		t.Fatalf("the healthy endpoint got its %d events only after %d attempts at the hanging one timed out", n, g)
	}
	if hung.Load() == 0 {
		t.Fatal("the hanging endpoint was never tried")
	}
	// The hanging endpoint holds at most its concurrency bound.
	if h := hung.Load(); h > 16 {
		t.Fatalf("%d attempts in flight to the hanging endpoint, want at most 16", h)
	}
	t.Logf("%d events reached the healthy endpoint; %d attempts hang on the other", n, hung.Load())
}

// TestWebhookBlockPrivate: with PORTICO_WEBHOOK_BLOCK_PRIVATE=1, a
// loopback endpoint is refused when dialing, and the refusal is recorded.
func TestWebhookBlockPrivate(t *testing.T) {
	t.Setenv("PORTICO_WEBHOOK_BLOCK_PRIVATE", "1")
	e := start(t)
	r := newReceiver(t)
	r.endpoint(e, "customer.created")
	c, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{})
	if err != nil {
		t.Fatal(err)
	}
	var evID string
	for ev, err := range e.sc.V1Events.List(e.ctx, &stripe.EventListParams{Type: stripe.String("customer.created")}).All(e.ctx) {
		if err != nil || ev.Data.Object["id"] != c.ID {
			t.Fatal(err, ev)
		}
		evID = ev.ID
	}
	waitFor(t, "the refused attempt", func() bool {
		_, reports, err := e.app.Service.EventDeliveries(e.ctx, evID)
		return err == nil && len(reports) == 1 && len(reports[0].Attempts) > 0
	})
	_, reports, _ := e.app.Service.EventDeliveries(e.ctx, evID)
	a := reports[0].Attempts[0]
	if a.Status != 0 || !strings.Contains(a.Error, "not a public address") {
		t.Fatalf("attempt = %+v, want a refusal", a)
	}
	if n := len(r.received()); n != 0 {
		t.Fatalf("the loopback receiver got %d events", n)
	}
}

// TestWebhookEndpointDisabledAfterFailingForDays compresses three days of
// retries into about a second: an endpoint that only ever fails is then
// disabled, with a notice in the log, and its delivery fails for good.
func TestWebhookEndpointDisabledAfterFailingForDays(t *testing.T) {
	t.Setenv("PORTICO_WEBHOOK_RETRY_SCALE", "0.000005") // 72 h → 1.3 s
	var logs syncBuffer
	e := startWith(t, app.Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	dead := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer dead.Close()
	we, err := e.sc.V1WebhookEndpoints.Create(e.ctx, &stripe.WebhookEndpointCreateParams{
		URL: stripe.String(dead.URL), EnabledEvents: stripe.StringSlice([]string{"*"}),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the endpoint to be disabled", func() bool {
		got, err := e.sc.V1WebhookEndpoints.Retrieve(e.ctx, we.ID, nil)
		return err == nil && got.Status == "disabled"
	})
	// The notice follows the commit that disabled it.
	waitFor(t, "the notice in the log", func() bool {
		return strings.Contains(logs.String(), "webhook endpoint disabled") && strings.Contains(logs.String(), we.ID)
	})
	if strings.Contains(logs.String(), "whsec_") {
		t.Error("the log shows a signing secret")
	}
	waitFor(t, "the event to count as failed", func() bool {
		evs := e.listEvents(&stripe.EventListParams{DeliverySuccess: stripe.Bool(false)})
		return len(evs) == 1 && evs[0].PendingWebhooks == 1
	})
}

// syncBuffer collects log output written from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
