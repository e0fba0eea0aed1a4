package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	stripe "github.com/stripe/stripe-go/v85"
)

// listEvents lists every event matching params through the SDK.
func (e *env) listEvents(params *stripe.EventListParams) []*stripe.Event {
	e.t.Helper()
	var out []*stripe.Event
	for ev, err := range e.sc.V1Events.List(e.ctx, params).All(e.ctx) {
		if err != nil {
			e.t.Fatalf("list events: %v", err)
		}
		out = append(out, ev)
	}
	return out
}

func types(evs []*stripe.Event) string {
	var s []string
	for _, ev := range evs {
		s = append(s, string(ev.Type))
	}
	return strings.Join(s, ",")
}

func TestEventsListFilters(t *testing.T) {
	e := start(t)
	c, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{Email: stripe.String("a@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sc.V1Customers.Update(e.ctx, c.ID, &stripe.CustomerUpdateParams{Email: stripe.String("b@example.com")}); err != nil {
		t.Fatal(err)
	}
	tid, err := e.sc.V1TaxIDs.Create(e.ctx, &stripe.TaxIDCreateParams{Customer: stripe.String(c.ID), Type: stripe.String("eu_vat"), Value: stripe.String("DE123456789")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sc.V1TaxIDs.Delete(e.ctx, tid.ID, nil); err != nil {
		t.Fatal(err)
	}

	all := e.listEvents(&stripe.EventListParams{})
	if got := types(all); got != "customer.tax_id.deleted,customer.tax_id.created,customer.updated,customer.created" {
		t.Fatalf("all events, newest first = %s", got)
	}
	for _, tc := range []struct {
		name   string
		params *stripe.EventListParams
		want   string
	}{
		{"exact type", &stripe.EventListParams{Type: stripe.String("customer.updated")}, "customer.updated"},
		{"wildcard", &stripe.EventListParams{Type: stripe.String("customer.tax_id.*")}, "customer.tax_id.deleted,customer.tax_id.created"},
		{"leading wildcard", &stripe.EventListParams{Type: stripe.String("*.created")}, "customer.tax_id.created,customer.created"},
		{"types", &stripe.EventListParams{Types: stripe.StringSlice([]string{"customer.created", "customer.tax_id.deleted"})}, "customer.tax_id.deleted,customer.created"},
		{"created range", &stripe.EventListParams{CreatedRange: &stripe.RangeQueryParams{GreaterThanOrEqual: all[3].Created, LesserThanOrEqual: all[0].Created}}, types(all)},
		{"created in the future", &stripe.EventListParams{CreatedRange: &stripe.RangeQueryParams{GreaterThan: time.Now().Unix() + 60}}, ""},
		// No endpoints: nothing is pending, every event counts as
		// delivered.
		{"delivery_success=true", &stripe.EventListParams{DeliverySuccess: stripe.Bool(true)}, types(all)},
		{"delivery_success=false", &stripe.EventListParams{DeliverySuccess: stripe.Bool(false)}, ""},
		{"no match", &stripe.EventListParams{Type: stripe.String("invoice.*")}, ""},
	} {
		if got := types(e.listEvents(tc.params)); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}

	// Pagination both ways.
	pageTypes := func(query string) string {
		t.Helper()
		res := e.do("GET", "/v1/events?"+query, "")
		var l struct {
			Data []*stripe.Event `json:"data"`
		}
		if err := json.Unmarshal(res.Body, &l); err != nil || res.Status != 200 {
			t.Fatalf("%s: %d %s", query, res.Status, res.Body)
		}
		return types(l.Data)
	}
	if got := pageTypes("limit=2"); got != types(all[:2]) {
		t.Errorf("first page = %s", got)
	}
	if got := pageTypes("limit=2&starting_after=" + all[1].ID); got != types(all[2:]) {
		t.Errorf("second page = %s", got)
	}
	if got := pageTypes("limit=2&ending_before=" + all[2].ID); got != types(all[:2]) {
		t.Errorf("page before = %s", got)
	}

	// Errors, as Stripe answers them.
	res := e.do("GET", "/v1/events?type=customer.created&types[]=customer.updated", "")
	if res.Status != 400 || res.ErrorField(t, "param") != "types" {
		t.Errorf("type and types: %d %s", res.Status, res.Body)
	}
	q := "/v1/events?"
	for i := 0; i < 21; i++ {
		q += "types[]=customer.created&"
	}
	if res := e.do("GET", q, ""); res.Status != 400 || res.ErrorField(t, "param") != "types" {
		t.Errorf("21 types: %d %s", res.Status, res.Body)
	}
	_, err = e.once.V1Events.Retrieve(e.ctx, "evt_nope", nil)
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
}

func TestEventShapeAndVersion(t *testing.T) {
	e := start(t)
	c, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{Name: stripe.String("Shape")})
	if err != nil {
		t.Fatal(err)
	}
	evs := e.listEvents(&stripe.EventListParams{Type: stripe.String("customer.created")})
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	// The event is rendered in the account's default version whatever
	// Stripe-Version the request names.
	res := e.do("GET", "/v1/events/"+evs[0].ID, "", "Stripe-Version: 2026-10-28.endive")
	if res.Status != 200 {
		t.Fatalf("retrieve: %d %s", res.Status, res.Body)
	}
	got := res.JSON(t)
	if got["api_version"] != stripe.APIVersion {
		t.Errorf("api_version = %v, want %s", got["api_version"], stripe.APIVersion)
	}
	want := fixture(t, "event")
	delete(want["data"].(map[string]any), "object") // the fixture's is a plan
	if missing := missingKeys(want, got, ""); len(missing) > 0 {
		t.Errorf("event lacks %v", missing)
	}
	data := got["data"].(map[string]any)
	if obj := data["object"].(map[string]any); obj["id"] != c.ID || obj["name"] != "Shape" {
		t.Errorf("data.object = %v", obj)
	}
	if _, ok := data["previous_attributes"]; ok {
		t.Error("a created event has previous_attributes")
	}
	req := got["request"].(map[string]any)
	if !strings.HasPrefix(req["id"].(string), "req_") {
		t.Errorf("request = %v", req)
	}
}

func TestWebhookEndpointCRUD(t *testing.T) {
	e := start(t)
	we, err := e.sc.V1WebhookEndpoints.Create(e.ctx, &stripe.WebhookEndpointCreateParams{
		URL: stripe.String("https://example.com/hooks"), EnabledEvents: stripe.StringSlice([]string{"customer.created", "invoice.paid"}),
		Description: stripe.String("mine"), Metadata: map[string]string{"team": "billing"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(we.ID, "we_") || !strings.HasPrefix(we.Secret, "whsec_") || we.Status != "enabled" || we.Description != "mine" ||
		we.Metadata["team"] != "billing" || len(we.EnabledEvents) != 2 {
		t.Fatalf("created = %+v", we)
	}
	res := e.do("GET", "/v1/webhook_endpoints/"+we.ID, "")
	got := res.JSON(t)
	if _, ok := got["secret"]; ok {
		t.Error("the secret is shown after creation")
	}
	if missing := missingKeys(fixture(t, "webhook_endpoint"), got, ""); len(missing) > 0 {
		t.Errorf("webhook_endpoint lacks %v", missing)
	}
	if got["api_version"] != nil {
		t.Errorf("api_version = %v, want null (the account default)", got["api_version"])
	}
	up, err := e.sc.V1WebhookEndpoints.Update(e.ctx, we.ID, &stripe.WebhookEndpointUpdateParams{
		Disabled: stripe.Bool(true), URL: stripe.String("http://localhost:9999/x"), EnabledEvents: stripe.StringSlice([]string{"*"}),
	})
	if err != nil || up.Status != "disabled" || up.URL != "http://localhost:9999/x" || up.EnabledEvents[0] != "*" || up.Secret != "" {
		t.Fatalf("update: %+v %v", up, err)
	}
	up, err = e.sc.V1WebhookEndpoints.Update(e.ctx, we.ID, &stripe.WebhookEndpointUpdateParams{Disabled: stripe.Bool(false)})
	if err != nil || up.Status != "enabled" {
		t.Fatalf("enable: %+v %v", up, err)
	}
	n := 0
	for _, err := range e.sc.V1WebhookEndpoints.List(e.ctx, &stripe.WebhookEndpointListParams{}).All(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 1 {
		t.Fatalf("listed %d endpoints", n)
	}
	del, err := e.sc.V1WebhookEndpoints.Delete(e.ctx, we.ID, nil)
	if err != nil || !del.Deleted {
		t.Fatalf("delete: %+v %v", del, err)
	}
	_, err = e.once.V1WebhookEndpoints.Retrieve(e.ctx, we.ID, nil)
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")

	for _, tc := range []struct{ body, param string }{
		{"enabled_events[]=customer.created", "url"},
		{"url=https://example.com", "enabled_events"},
		{"url=ftp://example.com/x&enabled_events[]=*", "url"},
		{"url=example.com/x&enabled_events[]=*", "url"},
		{"url=https://user:pw@example.com/x&enabled_events[]=*", "url"},
		{"url=https://example.com&enabled_events[]=customer.nope", "enabled_events[0]"},
		{"url=https://example.com&enabled_events[]=*&enabled_events[]=customer.created", "enabled_events[0]"},
		{"url=https://example.com&enabled_events[]=*&api_version=yesterday", "api_version"},
		{"url=https://example.com&enabled_events[]=*&bogus=1", "bogus"},
	} {
		res := e.do("POST", "/v1/webhook_endpoints", tc.body)
		if res.Status != http.StatusBadRequest || res.ErrorField(t, "param") != tc.param {
			t.Errorf("%s: %d %s, want 400 on %s", tc.body, res.Status, res.Body, tc.param)
		}
	}
	var body map[string]any
	json.Unmarshal(e.do("POST", "/v1/webhook_endpoints", "url=https://example.com&enabled_events[]=*&connect=false").Body, &body)
	if body["id"] == nil {
		t.Errorf("connect=false refused: %v", body)
	}
}
