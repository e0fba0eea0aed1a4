package billing

// WebhookStore keeps webhook endpoints and their deliveries, and event reads.
type WebhookStore interface{}
