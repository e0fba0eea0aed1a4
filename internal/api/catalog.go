package api

// catalogRoutes registers the endpoints of this file's objects (placeholder).
func (a *API) catalogRoutes() {}
