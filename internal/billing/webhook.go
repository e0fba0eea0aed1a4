package billing

import (
	"net/url"
	"regexp"
)

// Webhook endpoint statuses.
const (
	EndpointEnabled  = "enabled"
	EndpointDisabled = "disabled"
)

// MaxWebhookEndpoints is Stripe's limit on the endpoints of one account (per
// mode).
const MaxWebhookEndpoints = 16

// WebhookEndpoint is a URL that receives events as signed POST requests.
type WebhookEndpoint struct {
	ID       string `json:"id"`
	Created  int64  `json:"created"`
	Livemode bool   `json:"livemode"`
	URL      string `json:"url"`
	// EnabledEvents is ["*"] for every event, or a list of EventTypes.
	EnabledEvents []string `json:"enabled_events"`
	// APIVersion renders the endpoint's events; "" means the account's
	// default version.
	APIVersion  string   `json:"api_version,omitempty"`
	Description string   `json:"description,omitempty"`
	Metadata    Metadata `json:"metadata,omitempty"`
	Status      string   `json:"status"`
	// Secret (whsec_...) keys the signatures; it is shown once, on creation.
	Secret string `json:"secret"`
}

// Wants reports whether the endpoint subscribes to events of type t.
func (w *WebhookEndpoint) Wants(t string) bool {
	for _, e := range w.EnabledEvents {
		if e == "*" || e == t {
			return true
		}
	}
	return false
}

// NewWebhookSecret returns a new signing secret, as long as Stripe's.
func NewWebhookSecret() string { return "whsec_" + RandomString(32) }

// ValidateWebhookURL checks an endpoint URL: an absolute http or https URL
// with a host and without credentials (requests carry no credentials but
// the signature).
func ValidateWebhookURL(param, raw string) *Error {
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		return Missing(param)
	case len(raw) > 2048:
		return Invalid(param, "url_invalid", "Invalid URL: must be at most 2048 characters.")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "":
		return Invalid(param, "url_invalid", "Invalid URL: %s. Webhook URLs must be absolute http:// or https:// URLs.", raw)
	case u.User != nil:
		return Invalid(param, "url_invalid", "Invalid URL: webhook URLs may not contain a user name or password; endpoints authenticate Portico by the Stripe-Signature header.")
	case u.Fragment != "":
		return Invalid(param, "url_invalid", "Invalid URL: webhook URLs may not contain a fragment (#...).")
	}
	return nil
}

// ValidateEnabledEvents checks an enabled_events list: "*" alone, or known
// event types.
func ValidateEnabledEvents(param string, events []string) *Error {
	if len(events) == 0 {
		return Missing(param)
	}
	for i, e := range events {
		name := param + "[" + itoa(i) + "]"
		switch {
		case e == "*":
			if len(events) > 1 {
				return Invalid(name, "parameter_invalid", "Invalid %s: '*' enables every event and cannot be combined with other event types.", name)
			}
		case !KnownEventType(e):
			return Invalid(name, "parameter_invalid", "Invalid %s: '%s' is not a known event type.", name, e)
		}
	}
	return nil
}

var apiVersionRE = regexp.MustCompile(`^20[0-9]{2}-[01][0-9]-[0-3][0-9](\.[a-z]+)?$`)

// ValidAPIVersion reports whether v looks like a Stripe API version
// (2026-03-25.dahlia or, for old versions, 2019-12-03).
func ValidAPIVersion(v string) bool { return apiVersionRE.MatchString(v) }

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	n := len(b)
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	return string(b[n:])
}
