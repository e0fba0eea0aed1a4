package api

// webhookRoutes registers the endpoints of events and webhook endpoints.
func (a *API) webhookRoutes() {
	a.handle("GET /v1/events", "list:event", a.listEvents)
	a.handle("GET /v1/events/{id}", "event", a.getEvent)
	a.handle("POST /v1/webhook_endpoints", "webhook_endpoint", a.createWebhookEndpoint)
	a.handle("GET /v1/webhook_endpoints", "list:webhook_endpoint", a.listWebhookEndpoints)
	a.handle("GET /v1/webhook_endpoints/{id}", "webhook_endpoint", a.getWebhookEndpoint)
	a.handle("POST /v1/webhook_endpoints/{id}", "webhook_endpoint", a.updateWebhookEndpoint)
	a.handle("DELETE /v1/webhook_endpoints/{id}", "deleted", a.deleteWebhookEndpoint)
}
