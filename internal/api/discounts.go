package api

// discountRoutes registers the endpoints of this file's objects (placeholder).
func (a *API) discountRoutes() {}
