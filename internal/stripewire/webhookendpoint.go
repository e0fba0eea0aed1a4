package stripewire

import "github.com/porticohq/portico/internal/billing"

// NewWebhookEndpoint is an endpoint just created: the one time its secret is
// shown.
type NewWebhookEndpoint struct{ *billing.WebhookEndpoint }

type webhookEndpointJSON struct {
	ID            string           `json:"id"`
	Object        string           `json:"object"`
	APIVersion    *string          `json:"api_version"`
	Application   *string          `json:"application"`
	Created       int64            `json:"created"`
	Description   *string          `json:"description"`
	EnabledEvents []string         `json:"enabled_events"`
	Livemode      bool             `json:"livemode"`
	Metadata      billing.Metadata `json:"metadata"`
	Secret        string           `json:"secret,omitempty"`
	Status        string           `json:"status"`
	URL           string           `json:"url"`
}

// webhookEndpoint renders an endpoint; api_version is null when it follows
// the account's default.
func webhookEndpoint(w *billing.WebhookEndpoint, withSecret bool) webhookEndpointJSON {
	out := webhookEndpointJSON{
		ID: w.ID, Object: "webhook_endpoint", APIVersion: ns(w.APIVersion), Created: w.Created,
		Description: ns(w.Description), EnabledEvents: strs(w.EnabledEvents), Livemode: w.Livemode,
		Metadata: metadata(w.Metadata), Status: w.Status, URL: w.URL,
	}
	if withSecret {
		out.Secret = w.Secret
	}
	return out
}
