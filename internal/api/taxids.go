package api

// taxIDRoutes registers the endpoints of this file's objects (placeholder).
func (a *API) taxIDRoutes() {}
