package api

import (
	"context"

	"github.com/porticohq/portico/internal/service"
	"github.com/porticohq/portico/internal/stripewire"
)

func (a *API) setupIntentRoutes() {
	a.handle("POST /v1/setup_intents", "setup_intent", a.createSetupIntent)
	a.handle("GET /v1/setup_intents", "list:setup_intent", a.listSetupIntents)
	a.handle("GET /v1/setup_intents/{id}", "setup_intent", a.getSetupIntent)
	a.handle("POST /v1/setup_intents/{id}/confirm", "setup_intent", a.confirmSetupIntent)
	a.handle("POST /v1/setup_intents/{id}/cancel", "setup_intent", a.cancelSetupIntent)
}

func (a *API) createSetupIntent(r *Req) Run {
	var p service.SetupIntentParams
	f := r.Form
	p.Customer, _ = f.NonEmptyString("customer")
	p.PaymentMethod, _ = f.NonEmptyString("payment_method")
	p.Confirm, _ = f.Bool("confirm")
	p.Usage, _ = f.Enum("usage", "off_session", "on_session")
	p.Description, _ = f.String("description")
	p.Metadata = f.Metadata("metadata")
	f.StringList("payment_method_types")
	f.String("return_url")
	if f.Has("automatic_payment_methods") {
		f.Raw("automatic_payment_methods")
	}
	return func(ctx context.Context) (any, error) { return a.svc.CreateSetupIntent(ctx, p) }
}

func (a *API) getSetupIntent(r *Req) Run {
	id := r.PathValue("id")
	r.Form.String("client_secret")
	return func(ctx context.Context) (any, error) { return a.svc.SetupIntent(ctx, id) }
}

func (a *API) confirmSetupIntent(r *Req) Run {
	id := r.PathValue("id")
	pm, _ := r.Form.NonEmptyString("payment_method")
	r.Form.String("return_url")
	return func(ctx context.Context) (any, error) { return a.svc.ConfirmSetupIntent(ctx, id, pm) }
}

func (a *API) cancelSetupIntent(r *Req) Run {
	id := r.PathValue("id")
	reason, _ := r.Form.Enum("cancellation_reason", "abandoned", "duplicate", "requested_by_customer")
	return func(ctx context.Context) (any, error) { return a.svc.CancelSetupIntent(ctx, id, reason) }
}

func (a *API) listSetupIntents(r *Req) Run {
	customer, _ := r.Form.NonEmptyString("customer")
	r.Form.NonEmptyString("payment_method")
	p := page(r.Form)
	return func(ctx context.Context) (any, error) {
		l, err := a.svc.ListSetupIntents(ctx, customer, p)
		return stripewire.ListOf("/v1/setup_intents", l), err
	}
}
