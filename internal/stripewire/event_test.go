package stripewire

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/porticohq/portico/internal/billing"
)

func TestPreviousAttributes(t *testing.T) {
	for _, tc := range []struct{ name, old, new, want string }{
		{"scalar", `{"id":"x","email":"a","name":"n"}`, `{"id":"x","email":"b","name":"n"}`, `{"email":"a"}`},
		{"nothing", `{"a":1}`, `{"a":1}`, `{}`},
		{"null to value", `{"a":null}`, `{"a":"v"}`, `{"a":null}`},
		{"nested hash: only changed keys", `{"m":{"k":"1","j":"2"}}`, `{"m":{"k":"1","j":"3"}}`, `{"m":{"j":"2"}}`},
		{"new metadata key is null", `{"metadata":{}}`, `{"metadata":{"plan":"pro"}}`, `{"metadata":{"plan":null}}`},
		{"array whole", `{"l":[1,2,3]}`, `{"l":[1,2,4]}`, `{"l":[1,2,3]}`},
		{"hash became null", `{"h":{"a":1}}`, `{"h":null}`, `{"h":{"a":1}}`},
		{"key gone", `{"a":1,"b":2}`, `{"a":1}`, `{"b":2}`},
	} {
		got, err := PreviousAttributes(json.RawMessage(tc.old), json.RawMessage(tc.new))
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: got %s (%v), want %s", tc.name, got, err, tc.want)
		}
	}
}

func TestRenderEventWithPrevious(t *testing.T) {
	old := &billing.Customer{ID: "cus_1", Email: "a@example.com", InvoicePrefix: "ABC", TaxExempt: "none"}
	cur := *old
	cur.Email = "b@example.com"
	oj, _ := json.Marshal(old)
	cj, _ := json.Marshal(&cur)
	ev := &billing.EventRecord{Event: billing.Event{ID: "evt_1", Type: "customer.updated", Created: 1, ObjectKind: "customer", Object: cj, Previous: oj}}
	out, err := RenderEvent(context.Background(), ev, ParseVersion(VersionEndive), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(out)
	var m map[string]any
	json.Unmarshal(b, &m)
	data := m["data"].(map[string]any)
	if m["api_version"] != VersionEndive || m["object"] != "event" || data["object"].(map[string]any)["email"] != "b@example.com" {
		t.Fatalf("event = %s", b)
	}
	if pa := data["previous_attributes"].(map[string]any); len(pa) != 1 || pa["email"] != "a@example.com" {
		t.Fatalf("previous_attributes = %v", pa)
	}
	if req := m["request"].(map[string]any); req["id"] != nil || req["idempotency_key"] != nil {
		t.Fatalf("request = %v, want nulls for a change no API request made", req)
	}
}
