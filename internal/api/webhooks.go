package api

import (
	"context"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
	"github.com/porticohq/portico/internal/stripewire"
)

// webhookEndpointParams reads the parameters shared by create and update.
func webhookEndpointParams(f *stripewire.Form) service.WebhookEndpointParams {
	var p service.WebhookEndpointParams
	p.URL = nonEmpty(f, "url", 2048)
	if events, ok := f.StringList("enabled_events"); ok {
		p.EnabledEvents = service.Set(events)
	}
	p.Description = str(f, "description", 5000)
	p.Metadata = f.Metadata("metadata")
	return p
}

func (a *API) createWebhookEndpoint(r *Req) Run {
	p := webhookEndpointParams(r.Form)
	p.APIVersion = nonEmpty(r.Form, "api_version", 64)
	// Portico has no connected accounts: connect=false is accepted,
	// connect=true is not.
	if connect, ok := r.Form.Bool("connect"); ok && connect {
		r.Form.Fail(billing.Invalid("connect", "parameter_invalid", "Portico has no connected accounts: connect=true is not supported."))
	}
	return func(ctx context.Context) (any, error) {
		w, err := a.svc.CreateWebhookEndpoint(ctx, p)
		if err != nil {
			return nil, err
		}
		return stripewire.NewWebhookEndpoint{WebhookEndpoint: w}, nil
	}
}

func (a *API) getWebhookEndpoint(r *Req) Run {
	id := r.PathValue("id")
	return func(ctx context.Context) (any, error) { return a.svc.WebhookEndpoint(ctx, id) }
}

func (a *API) updateWebhookEndpoint(r *Req) Run {
	id := r.PathValue("id")
	p := webhookEndpointParams(r.Form)
	if d, ok := r.Form.Bool("disabled"); ok {
		p.Disabled = service.Set(d)
	}
	return func(ctx context.Context) (any, error) { return a.svc.UpdateWebhookEndpoint(ctx, id, p) }
}

func (a *API) deleteWebhookEndpoint(r *Req) Run {
	id := r.PathValue("id")
	return func(ctx context.Context) (any, error) {
		w, err := a.svc.DeleteWebhookEndpoint(ctx, id)
		if err != nil {
			return nil, err
		}
		return stripewire.Deleted{ID: w.ID, Object: "webhook_endpoint"}, nil
	}
}

func (a *API) listWebhookEndpoints(r *Req) Run {
	p := page(r.Form)
	return func(ctx context.Context) (any, error) {
		l, err := a.svc.ListWebhookEndpoints(ctx, p)
		return stripewire.ListOf("/v1/webhook_endpoints", l), err
	}
}
