package service

import (
	"context"

	"github.com/porticohq/portico/internal/billing"
)

// WebhookEndpointParams are the parameters of creating or updating a
// webhook endpoint; on update, unset fields stay as they are.
type WebhookEndpointParams struct {
	URL           Field[string]
	EnabledEvents Field[[]string]
	APIVersion    Field[string]
	Description   Field[string]
	Metadata      billing.MetadataUpdate
	// Disabled, on update, disables (true) or enables (false) the endpoint.
	Disabled Field[bool]
}

// validate checks the parameters that are set.
func (p *WebhookEndpointParams) validate() error {
	if p.URL.Set {
		if err := billing.ValidateWebhookURL("url", p.URL.Value); err != nil {
			return err
		}
	}
	if p.EnabledEvents.Set {
		if err := billing.ValidateEnabledEvents("enabled_events", p.EnabledEvents.Value); err != nil {
			return err
		}
	}
	if p.APIVersion.Set && !billing.ValidAPIVersion(p.APIVersion.Value) {
		return billing.Invalid("api_version", "parameter_invalid", "Invalid api_version: %s. Use a Stripe API version such as 2026-03-25.dahlia.", p.APIVersion.Value)
	}
	return nil
}

// CreateWebhookEndpoint adds an endpoint (POST /v1/webhook_endpoints). Its
// secret is generated here and shown only in this answer.
func (s *Service) CreateWebhookEndpoint(ctx context.Context, p WebhookEndpointParams) (*billing.WebhookEndpoint, error) {
	if !p.URL.Set {
		return nil, billing.Missing("url")
	}
	if !p.EnabledEvents.Set {
		return nil, billing.Missing("enabled_events")
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	var w *billing.WebhookEndpoint
	err := s.update(ctx, func(tx billing.Tx) error {
		n, err := tx.CountWebhookEndpoints()
		if err != nil {
			return err
		}
		if n >= billing.MaxWebhookEndpoints {
			return billing.Invalid("", "", "You have reached the maximum of %d webhook endpoints; delete one before adding another.", billing.MaxWebhookEndpoints)
		}
		w = &billing.WebhookEndpoint{
			ID: billing.NewID("we"), Created: tx.Now().Unix(), Livemode: tx.Livemode(), URL: p.URL.Value,
			EnabledEvents: p.EnabledEvents.Value, APIVersion: p.APIVersion.Value, Description: p.Description.Value,
			Status: billing.EndpointEnabled, Secret: billing.NewWebhookSecret(),
		}
		if w.Metadata, err = p.Metadata.Apply(nil, "metadata"); err != nil {
			return err
		}
		return tx.InsertWebhookEndpoint(w)
	})
	return w, err
}

// liveEndpoint loads an endpoint named in the URL path.
func liveEndpoint(tx billing.Tx, id string) (*billing.WebhookEndpoint, error) {
	w, err := tx.WebhookEndpoint(id)
	if err != nil {
		return nil, notFound(err, "webhook_endpoint", id)
	}
	return w, nil
}

// WebhookEndpoint returns an endpoint (GET /v1/webhook_endpoints/{id}).
func (s *Service) WebhookEndpoint(ctx context.Context, id string) (*billing.WebhookEndpoint, error) {
	var w *billing.WebhookEndpoint
	err := s.view(ctx, func(tx billing.Tx) error {
		var err error
		w, err = liveEndpoint(tx, id)
		return err
	})
	return w, err
}

// UpdateWebhookEndpoint changes an endpoint
// (POST /v1/webhook_endpoints/{id}).
func (s *Service) UpdateWebhookEndpoint(ctx context.Context, id string, p WebhookEndpointParams) (*billing.WebhookEndpoint, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	var w *billing.WebhookEndpoint
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		if w, err = liveEndpoint(tx, id); err != nil {
			return err
		}
		apply(&w.URL, p.URL)
		apply(&w.EnabledEvents, p.EnabledEvents)
		apply(&w.Description, p.Description)
		if p.Disabled.Set {
			w.Status = billing.EndpointEnabled
			if p.Disabled.Value {
				w.Status = billing.EndpointDisabled
			}
		}
		if w.Metadata, err = p.Metadata.Apply(w.Metadata, "metadata"); err != nil {
			return err
		}
		return tx.UpdateWebhookEndpoint(w)
	})
	return w, err
}

// DeleteWebhookEndpoint deletes an endpoint
// (DELETE /v1/webhook_endpoints/{id}); deliveries still pending to it fail.
func (s *Service) DeleteWebhookEndpoint(ctx context.Context, id string) (*billing.WebhookEndpoint, error) {
	var w *billing.WebhookEndpoint
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		if w, err = liveEndpoint(tx, id); err != nil {
			return err
		}
		return notFound(tx.DeleteWebhookEndpoint(id), "webhook_endpoint", id)
	})
	return w, err
}

// ListWebhookEndpoints lists endpoints (GET /v1/webhook_endpoints).
func (s *Service) ListWebhookEndpoints(ctx context.Context, p billing.Page) (billing.List[*billing.WebhookEndpoint], error) {
	var l billing.List[*billing.WebhookEndpoint]
	err := s.view(ctx, func(tx billing.Tx) error {
		var err error
		l, err = tx.ListWebhookEndpoints(p)
		return err
	})
	return l, err
}
