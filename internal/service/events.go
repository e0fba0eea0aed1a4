package service

import (
	"context"
	"strings"
	"time"

	"github.com/porticohq/portico/internal/billing"
)

// EventRetention is how long events (and their deliveries) are kept and
// listed by default, as on Stripe; Config.EventRetention changes it.
const EventRetention = 30 * 24 * time.Hour

// MaxEventTypesFilter is Stripe's limit on types[] in an event list.
const MaxEventTypesFilter = 20

// retained returns the unix time before which events are no longer shown.
func (s *Service) retained(tx billing.Tx) int64 { return tx.Now().Add(-s.eventRetention).Unix() }

// Event returns an event of the last 30 days (GET /v1/events/{id}).
func (s *Service) Event(ctx context.Context, id string) (*billing.EventRecord, error) {
	var e *billing.EventRecord
	err := s.view(ctx, func(tx billing.Tx) error {
		var err error
		if e, err = tx.EventRecord(id); err != nil {
			return notFound(err, "event", id)
		}
		if e.Created < s.retained(tx) {
			return billing.NotFound("event", id)
		}
		return nil
	})
	return e, err
}

// ValidateEventFilter checks an event list's filters as Stripe does: type
// or types, not both; at most 20 types.
func ValidateEventFilter(f billing.EventFilter) *billing.Error {
	switch {
	case f.Type != "" && f.Types != nil:
		return billing.Invalid("types", "parameters_exclusive", "You may pass either `type` or `types`, but not both.")
	case len(f.Types) > MaxEventTypesFilter:
		return billing.Invalid("types", "parameter_invalid", "You may pass at most %d types.", MaxEventTypesFilter)
	case strings.ContainsAny(f.Type, "?[]"):
		return billing.Invalid("type", "parameter_invalid", "Invalid type: %s. Use * as the only wildcard.", f.Type)
	}
	return nil
}

// ListEvents lists the events of the last 30 days, newest first
// (GET /v1/events).
func (s *Service) ListEvents(ctx context.Context, f billing.EventFilter, p billing.Page) (billing.List[*billing.EventRecord], error) {
	var l billing.List[*billing.EventRecord]
	if err := ValidateEventFilter(f); err != nil {
		return l, err
	}
	err := s.view(ctx, func(tx billing.Tx) error {
		cutoff := s.retained(tx)
		if f.Created.GTE == nil || *f.Created.GTE < cutoff {
			f.Created.GTE = &cutoff
		}
		var err error
		l, err = tx.ListEvents(f, p)
		return err
	})
	return l, err
}

// DeliveryReport is one delivery of an event with its attempts, for
// `portico deliveries`.
type DeliveryReport struct {
	Delivery *billing.Delivery
	Endpoint *billing.WebhookEndpoint // nil when the endpoint was deleted
	Attempts []*billing.DeliveryAttempt
}

// EventDeliveries returns an event's deliveries and their attempts.
func (s *Service) EventDeliveries(ctx context.Context, eventID string) (*billing.EventRecord, []DeliveryReport, error) {
	var e *billing.EventRecord
	var out []DeliveryReport
	err := s.view(ctx, func(tx billing.Tx) error {
		var err error
		if e, err = tx.EventRecord(eventID); err != nil {
			return notFound(err, "event", eventID)
		}
		ds, err := tx.EventDeliveries(eventID)
		if err != nil {
			return err
		}
		for _, d := range ds {
			r := DeliveryReport{Delivery: d}
			if r.Endpoint, err = tx.WebhookEndpoint(d.Endpoint); err != nil {
				r.Endpoint = nil
			}
			if r.Attempts, err = tx.DeliveryAttempts(d.Seq); err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	return e, out, err
}

// ResendEvent delivers an event again, now: to endpointID, or (when it is
// "") to every enabled endpoint it was delivered to before. It returns the
// endpoints it is resent to.
func (s *Service) ResendEvent(ctx context.Context, eventID, endpointID string) ([]string, error) {
	var sent []string
	err := s.update(ctx, func(tx billing.Tx) error {
		sent = nil // from a run of a retried transaction
		e, err := tx.EventRecord(eventID)
		if err != nil {
			return notFound(err, "event", eventID)
		}
		if endpointID != "" {
			w, err := liveEndpoint(tx, endpointID)
			if err != nil {
				return err
			}
			if w.Status != billing.EndpointEnabled {
				return billing.Invalid("endpoint", "", "Webhook endpoint %s is disabled; enable it (disabled=false) before resending to it.", endpointID)
			}
			sent = []string{endpointID}
		} else {
			// Deleted and disabled endpoints receive nothing.
			ds, err := tx.EventDeliveries(e.ID)
			if err != nil {
				return err
			}
			for _, d := range ds {
				if w, err := tx.WebhookEndpoint(d.Endpoint); err == nil && w.Status == billing.EndpointEnabled {
					sent = append(sent, d.Endpoint)
				}
			}
		}
		for _, ep := range sent {
			if err := tx.ResendEvent(e.ID, ep, tx.Now().UnixMilli()); err != nil {
				return err
			}
		}
		return nil
	})
	return sent, err
}
