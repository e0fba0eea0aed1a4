package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	stripe "github.com/stripe/stripe-go/v85"
	"github.com/stripe/stripe-go/v85/webhook"
)

// receiver is a webhook endpoint under test: it verifies every delivery
// with stripe-go's webhook.ConstructEvent, as an integration would, and
// answers with what respond says (200 by default).
type receiver struct {
	t      *testing.T
	srv    *httptest.Server
	secret atomic.Value // string, set once the endpoint exists
	// respond decides the status of the n-th request (from 1) for an
	// event; nil answers 200.
	respond func(n int, ev stripe.Event) int

	mu       sync.Mutex
	requests map[string]int // event id → requests received
	ok       []stripe.Event // events answered with a 2xx, in order
	bad      []string       // verification failures
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{t: t, requests: map[string]int{}}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	secret, _ := r.secret.Load().(string)
	ev, err := webhook.ConstructEvent(body, req.Header.Get("Stripe-Signature"), secret)
	r.mu.Lock()
	if err != nil {
		r.bad = append(r.bad, err.Error())
		r.mu.Unlock()
		http.Error(w, "bad signature", http.StatusBadRequest)
		return
	}
	r.requests[ev.ID]++
	n := r.requests[ev.ID]
	r.mu.Unlock()
	status := http.StatusOK
	if r.respond != nil {
		status = r.respond(n, ev)
	}
	if status >= 200 && status < 300 {
		r.mu.Lock()
		r.ok = append(r.ok, ev)
		r.mu.Unlock()
	}
	w.WriteHeader(status)
	io.WriteString(w, `{"received":true}`)
}

// endpoint creates a webhook endpoint for the receiver.
func (r *receiver) endpoint(e *env, events ...string) *stripe.WebhookEndpoint {
	r.t.Helper()
	we, err := e.sc.V1WebhookEndpoints.Create(e.ctx, &stripe.WebhookEndpointCreateParams{
		URL: stripe.String(r.srv.URL + "/hook"), EnabledEvents: stripe.StringSlice(events),
	})
	if err != nil {
		r.t.Fatalf("create webhook endpoint: %v", err)
	}
	if !strings.HasPrefix(we.Secret, "whsec_") {
		r.t.Fatalf("secret = %q, want whsec_...", we.Secret)
	}
	r.secret.Store(we.Secret)
	return we
}

// received returns the events answered with a 2xx so far.
func (r *receiver) received() []stripe.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.bad) > 0 {
		r.t.Fatalf("deliveries failed verification: %v", r.bad)
	}
	return append([]stripe.Event(nil), r.ok...)
}

// patience bounds every wait on a condition in these tests. Waits end as
// soon as their condition holds, so the bound costs nothing when the code
// works; it is generous because CI runs these tests under -race on two
// cores beside other packages' tests.
const patience = 2 * time.Minute

// waitFor polls cond until it holds or patience runs out.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", patience, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitEvents waits until the receiver has n events and returns them.
func (r *receiver) waitEvents(n int) []stripe.Event {
	r.t.Helper()
	var got []stripe.Event
	waitFor(r.t, "webhook deliveries", func() bool {
		got = r.received()
		return len(got) >= n
	})
	return got
}

func deliveredTypes(evs []stripe.Event) []string {
	var out []string
	for _, ev := range evs {
		out = append(out, string(ev.Type))
	}
	sort.Strings(out)
	return out
}

func TestWebhookDeliversSignedEvents(t *testing.T) {
	e := start(t)
	r := newReceiver(t)
	r.endpoint(e, "*")

	c, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{Email: stripe.String("old@example.com"), Name: stripe.String("Jenny")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sc.V1Customers.Update(e.ctx, c.ID, &stripe.CustomerUpdateParams{Email: stripe.String("new@example.com"),
		Metadata: map[string]string{"plan": "pro"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sc.V1PaymentMethods.Attach(e.ctx, "pm_card_visa", &stripe.PaymentMethodAttachParams{Customer: stripe.String(c.ID)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sc.V1TaxIDs.Create(e.ctx, &stripe.TaxIDCreateParams{Customer: stripe.String(c.ID), Type: stripe.String("eu_vat"), Value: stripe.String("DE123456789")}); err != nil {
		t.Fatal(err)
	}
	got := r.waitEvents(4)
	want := []string{"customer.created", "customer.tax_id.created", "customer.updated", "payment_method.attached"}
	if types := deliveredTypes(got); strings.Join(types, ",") != strings.Join(want, ",") {
		t.Fatalf("event types = %v, want %v", types, want)
	}
	for _, ev := range got {
		if ev.APIVersion != stripe.APIVersion || ev.Object != "event" || !strings.HasPrefix(ev.ID, "evt_") || ev.Livemode {
			t.Errorf("%s: api_version=%s object=%s id=%s", ev.Type, ev.APIVersion, ev.Object, ev.ID)
		}
		if ev.Request == nil || !strings.HasPrefix(ev.Request.ID, "req_") || ev.Request.IdempotencyKey == "" {
			t.Errorf("%s: request = %+v, want the API request's id and idempotency key", ev.Type, ev.Request)
		}
		if ev.PendingWebhooks != 1 {
			t.Errorf("%s: pending_webhooks = %d, want 1 while being delivered", ev.Type, ev.PendingWebhooks)
		}
		switch ev.Type {
		case "customer.created":
			if ev.Data.Object["email"] != "old@example.com" || ev.Data.PreviousAttributes != nil {
				t.Errorf("customer.created data = %v / %v", ev.Data.Object, ev.Data.PreviousAttributes)
			}
		case "customer.updated":
			// The object as it was then; previous_attributes holds the old
			// values of what changed, and null for metadata keys that are
			// new.
			pa := ev.Data.PreviousAttributes
			if ev.Data.Object["email"] != "new@example.com" || pa["email"] != "old@example.com" {
				t.Errorf("customer.updated object email %v, previous %v", ev.Data.Object["email"], pa)
			}
			if md, _ := pa["metadata"].(map[string]any); md == nil || md["plan"] != nil || len(md) != 1 {
				t.Errorf("previous_attributes.metadata = %v, want {plan: null}", pa["metadata"])
			}
			if _, ok := pa["name"]; ok || len(pa) != 2 {
				t.Errorf("previous_attributes = %v, want only email and metadata", pa)
			}
		case "payment_method.attached":
			if ev.Data.Object["customer"] != c.ID || ev.Data.Object["object"] != "payment_method" {
				t.Errorf("payment_method.attached object = %v", ev.Data.Object)
			}
		case "customer.tax_id.created":
			if ev.Data.Object["value"] != "DE123456789" || ev.Data.Object["customer"] != c.ID {
				t.Errorf("customer.tax_id.created object = %v", ev.Data.Object)
			}
		}
	}
	// Once delivered, the event has no pending webhooks; the attempts
	// are recorded as successes.
	ev := got[0]
	waitFor(t, "pending_webhooks 0", func() bool {
		got, err := e.sc.V1Events.Retrieve(e.ctx, ev.ID, nil)
		return err == nil && got.PendingWebhooks == 0
	})
	_, reports, err := e.app.Service.EventDeliveries(e.ctx, ev.ID)
	if err != nil || len(reports) != 1 || reports[0].Delivery.State != "succeeded" || len(reports[0].Attempts) != 1 || reports[0].Attempts[0].Status != 200 {
		t.Fatalf("deliveries = %+v, %v", reports, err)
	}
}

func TestWebhookEnabledEventsFilter(t *testing.T) {
	e := start(t)
	created, updated, none := newReceiver(t), newReceiver(t), newReceiver(t)
	created.endpoint(e, "customer.created")
	updated.endpoint(e, "customer.updated", "customer.deleted")
	off := none.endpoint(e, "customer.created")
	if _, err := e.sc.V1WebhookEndpoints.Update(e.ctx, off.ID, &stripe.WebhookEndpointUpdateParams{Disabled: stripe.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	c, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sc.V1Customers.Update(e.ctx, c.ID, &stripe.CustomerUpdateParams{Name: stripe.String("Renamed")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sc.V1Customers.Delete(e.ctx, c.ID, nil); err != nil {
		t.Fatal(err)
	}
	if got := deliveredTypes(created.waitEvents(1)); strings.Join(got, ",") != "customer.created" {
		t.Errorf("customer.created endpoint got %v", got)
	}
	got := updated.waitEvents(2)
	if types := deliveredTypes(got); strings.Join(types, ",") != "customer.deleted,customer.updated" {
		t.Errorf("customer.updated endpoint got %v", types)
	}
	for _, ev := range got {
		if ev.Type == "customer.deleted" && (ev.Data.Object["id"] != c.ID || ev.Data.Object["object"] != "customer") {
			t.Errorf("customer.deleted object = %v", ev.Data.Object)
		}
	}
	// A later event proves the others had their chance: nothing more
	// arrived at the first endpoint, nothing at the disabled one.
	if _, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{}); err != nil {
		t.Fatal(err)
	}
	created.waitEvents(2)
	if n := len(updated.received()); n != 2 {
		t.Errorf("customer.updated endpoint got %d events, want 2", n)
	}
	if n := len(none.received()); n != 0 {
		t.Errorf("disabled endpoint got %d events", n)
	}
}

// TestWebhookEndpointVersion: an endpoint pinned to another version gets
// its events in that version.
func TestWebhookEndpointVersion(t *testing.T) {
	e := start(t)
	var body atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		body.Store(b)
	}))
	defer srv.Close()
	we, err := e.sc.V1WebhookEndpoints.Create(e.ctx, &stripe.WebhookEndpointCreateParams{
		URL: stripe.String(srv.URL), EnabledEvents: stripe.StringSlice([]string{"customer.created"}),
		APIVersion: stripe.String("2026-10-28.endive"),
	})
	if err != nil || we.APIVersion != "2026-10-28.endive" {
		t.Fatalf("create: %+v %v", we, err)
	}
	if _, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the delivery", func() bool { return body.Load() != nil })
	var ev map[string]any
	json.Unmarshal(body.Load().([]byte), &ev)
	if ev["api_version"] != "2026-10-28.endive" {
		t.Fatalf("api_version = %v", ev["api_version"])
	}
}

// TestWebhookSubscriptionEvents: the billing engine's events arrive
// signed, with prices embedded in the subscription items as Stripe sends
// them, and previous_attributes on updates.
func TestWebhookSubscriptionEvents(t *testing.T) {
	e := start(t)
	r := newReceiver(t)
	r.endpoint(e, "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted", "invoice.paid")
	f := e.billingSetup(0, "pm_card_visa")
	sub := e.subscribe(f.cus.ID, f.basic.ID)
	if _, err := e.sc.V1Subscriptions.Update(e.ctx, sub.ID, &stripe.SubscriptionUpdateParams{CancelAtPeriodEnd: stripe.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sc.V1Subscriptions.Cancel(e.ctx, sub.ID, nil); err != nil {
		t.Fatal(err)
	}
	// Deliveries are concurrent and unordered, and the subscription has more
	// than one update (its first invoice being paid also updates it): wait
	// for the update this test is about, not just any.
	var got []stripe.Event
	waitFor(t, "the subscription's events", func() bool {
		got = r.received()
		seen := map[string]bool{}
		for _, ev := range got {
			seen[string(ev.Type)] = true
			if _, ok := ev.Data.PreviousAttributes["cancel_at_period_end"]; ok && ev.Type == "customer.subscription.updated" {
				seen["cancel update"] = true
			}
		}
		return seen["customer.subscription.created"] && seen["customer.subscription.deleted"] && seen["invoice.paid"] && seen["cancel update"]
	})
	cancelAtPeriodEnd := false
	for _, ev := range got {
		switch ev.Type {
		case "customer.subscription.created":
			items, _ := ev.Data.Object["items"].(map[string]any)
			data, _ := items["data"].([]any)
			if len(data) != 1 {
				t.Fatalf("items = %v", ev.Data.Object["items"])
			}
			price, _ := data[0].(map[string]any)["price"].(map[string]any)
			if price["id"] != f.basic.ID || price["unit_amount"] != float64(1000) {
				t.Errorf("item price = %v, want the embedded price object", data[0].(map[string]any)["price"])
			}
		case "customer.subscription.updated":
			if ev.Data.PreviousAttributes == nil {
				t.Errorf("customer.subscription.updated without previous_attributes")
			}
			if v, ok := ev.Data.PreviousAttributes["cancel_at_period_end"]; ok {
				cancelAtPeriodEnd = v == false && ev.Data.Object["cancel_at_period_end"] == true
			}
		case "customer.subscription.deleted":
			if ev.Data.Object["status"] != "canceled" {
				t.Errorf("deleted subscription status = %v", ev.Data.Object["status"])
			}
		}
	}
	if !cancelAtPeriodEnd {
		t.Error("no customer.subscription.updated with previous_attributes.cancel_at_period_end = false")
	}
}
