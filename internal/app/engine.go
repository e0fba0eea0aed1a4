package app

import "net/http"

// The billing engine's parts of a running Portico (placeholders until it
// lands): its pages (the hosted invoice page, the 3-D Secure test page) and
// its background work (the scheduler).

func (a *App) mountBillingPages(mux *http.ServeMux) {}

func (a *App) startBilling() {}

func (a *App) stopBilling() {}
