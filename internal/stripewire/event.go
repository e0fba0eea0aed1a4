package stripewire

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/porticohq/portico/internal/billing"
)

func init() {
	RegisterExpandable("event", map[string]string{})
	RegisterExpandable("webhook_endpoint", map[string]string{})
	RegisterRenderer(renderWebhookObjects)
}

// renderWebhookObjects renders events and webhook endpoints.
func renderWebhookObjects(r *Renderer, obj any, e Expand) (any, bool, error) {
	switch o := obj.(type) {
	case *billing.EventRecord:
		// Events read through /v1/events are shown in the account's
		// default version whatever the request's Stripe-Version, as on
		// Stripe, where an event's data never changes.
		v, err := RenderEvent(r.Ctx, o, ParseVersion(DefaultVersion), r.Loader)
		return v, true, err
	case *billing.WebhookEndpoint:
		return webhookEndpoint(o, false), true, nil
	case NewWebhookEndpoint:
		return webhookEndpoint(o.WebhookEndpoint, true), true, nil
	}
	return nil, false, nil
}

type eventRequestJSON struct {
	ID             *string `json:"id"`
	IdempotencyKey *string `json:"idempotency_key"`
}

type eventDataJSON struct {
	Object             json.RawMessage `json:"object"`
	PreviousAttributes json.RawMessage `json:"previous_attributes,omitempty"`
}

// EventJSON is an event as Stripe sends it.
type EventJSON struct {
	ID              string           `json:"id"`
	Object          string           `json:"object"`
	APIVersion      string           `json:"api_version"`
	Created         int64            `json:"created"`
	Data            eventDataJSON    `json:"data"`
	Livemode        bool             `json:"livemode"`
	PendingWebhooks int              `json:"pending_webhooks"`
	Request         eventRequestJSON `json:"request"`
	Type            string           `json:"type"`
}

// RenderEvent renders an event with its object (and, for updates,
// previous_attributes) in version v, which becomes its api_version. loader
// (which may be nil) provides what objects always embed, such as the prices
// of subscription items; ctx must select the event's mode.
func RenderEvent(ctx context.Context, ev *billing.EventRecord, v Version, loader Loader) (*EventJSON, error) {
	r := &Renderer{Ctx: ctx, Version: v, Loader: loader}
	obj, err := r.eventObject(ev.ObjectKind, ev.Object)
	if err != nil {
		return nil, fmt.Errorf("stripewire: event %s: %w", ev.ID, err)
	}
	out := &EventJSON{
		ID: ev.ID, Object: "event", APIVersion: v.String(), Created: ev.Created, Livemode: ev.Livemode,
		PendingWebhooks: ev.PendingWebhooks, Type: ev.Type,
		Request: eventRequestJSON{ID: ns(ev.Request.ID), IdempotencyKey: ns(ev.Request.IdempotencyKey)},
	}
	out.Data.Object = obj
	if len(ev.Previous) > 0 {
		prev, err := r.eventObject(ev.ObjectKind, ev.Previous)
		if err != nil {
			return nil, fmt.Errorf("stripewire: event %s previous: %w", ev.ID, err)
		}
		if out.Data.PreviousAttributes, err = PreviousAttributes(prev, obj); err != nil {
			return nil, fmt.Errorf("stripewire: event %s previous_attributes: %w", ev.ID, err)
		}
	}
	return out, nil
}

// eventObject renders the stored domain JSON of an object of kind, without
// expansions.
func (r *Renderer) eventObject(kind string, data []byte) (json.RawMessage, error) {
	obj, err := DecodeKind(kind, data)
	if err != nil {
		return nil, err
	}
	// A deleted customer is sent whole in customer.deleted, not as the
	// {id, object, deleted} stub an API read of it returns.
	if c, ok := obj.(*billing.Customer); ok && c.Deleted {
		cp := *c
		cp.Deleted = false
		obj = &cp
	}
	w, err := r.Render(obj, nil)
	if err != nil {
		return nil, err
	}
	return json.Marshal(w)
}

// PreviousAttributes returns what changed from old to new (both rendered
// objects) as Stripe's data.previous_attributes: the old value of every key
// whose value differs; within a hash that changed, only its changed keys
// (recursively); an array that changed, whole; null for a key new has and
// old had not.
func PreviousAttributes(old, new json.RawMessage) (json.RawMessage, error) {
	var o, n map[string]json.RawMessage
	if err := json.Unmarshal(old, &o); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(new, &n); err != nil {
		return nil, err
	}
	diff := diffObjects(o, n)
	if diff == nil {
		diff = map[string]json.RawMessage{}
	}
	return json.Marshal(diff)
}

func diffObjects(o, n map[string]json.RawMessage) map[string]json.RawMessage {
	var out map[string]json.RawMessage
	set := func(k string, v json.RawMessage) {
		if out == nil {
			out = map[string]json.RawMessage{}
		}
		out[k] = v
	}
	for k, ov := range o {
		nv, ok := n[k]
		if !ok {
			set(k, ov)
			continue
		}
		if bytes.Equal(ov, nv) {
			continue
		}
		var oo, no map[string]json.RawMessage
		if isObject(ov) && isObject(nv) && json.Unmarshal(ov, &oo) == nil && json.Unmarshal(nv, &no) == nil {
			if d := diffObjects(oo, no); d != nil {
				b, _ := json.Marshal(d)
				set(k, b)
			}
			continue
		}
		set(k, ov)
	}
	for k := range n {
		if _, ok := o[k]; !ok {
			set(k, json.RawMessage("null"))
		}
	}
	return out
}

func isObject(v json.RawMessage) bool {
	v = bytes.TrimSpace(v)
	return len(v) > 0 && v[0] == '{'
}
