package api

import (
	"context"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
	"github.com/porticohq/portico/internal/stripewire"
)

func (a *API) getEvent(r *Req) Run {
	id := r.PathValue("id")
	return func(ctx context.Context) (any, error) { return a.svc.Event(ctx, id) }
}

func (a *API) listEvents(r *Req) Run {
	var f billing.EventFilter
	f.Type, _ = r.Form.NonEmptyString("type")
	f.Types, _ = r.Form.StringList("types")
	f.Created = rangeParam(r.Form, "created")
	f.DeliverySuccess = optBool(r.Form, "delivery_success")
	p := page(r.Form)
	if err := service.ValidateEventFilter(f); err != nil {
		r.Form.Fail(err)
	}
	return func(ctx context.Context) (any, error) {
		l, err := a.svc.ListEvents(ctx, f, p)
		return stripewire.ListOf("/v1/events", l), err
	}
}
