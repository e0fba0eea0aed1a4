package api

// testClockRoutes registers the endpoints of this file's objects (placeholder).
func (a *API) testClockRoutes() {}
