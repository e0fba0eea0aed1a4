package api

// portalRoutes registers the endpoints of billing portal configurations and sessions (placeholder).
func (a *API) portalRoutes() {}
