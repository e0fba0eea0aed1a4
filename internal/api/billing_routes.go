package api

// billingRoutes registers the endpoints of subscriptions, invoices, invoice items, payment intents, setup intents (the billing engine) (placeholder).
func (a *API) billingRoutes() {}
