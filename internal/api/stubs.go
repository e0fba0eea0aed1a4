package api

// Placeholders until each object's endpoints are written in their own file.
func (a *API) catalogRoutes()   {}
func (a *API) discountRoutes()  {}
func (a *API) taxIDRoutes()     {}
func (a *API) testClockRoutes() {}
