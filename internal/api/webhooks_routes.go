package api

// webhookRoutes registers the endpoints of events and webhook endpoints (placeholder).
func (a *API) webhookRoutes() {}
