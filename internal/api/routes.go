package api

import (
	"net/http"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/stripewire"
)

// routes registers every /v1 endpoint: one function per object, each in
// that object's file.
func (a *API) routes() {
	a.customerRoutes()
	a.paymentMethodRoutes()
	a.catalogRoutes()
	a.discountRoutes()
	a.taxIDRoutes()
	a.testClockRoutes()
	a.billingRoutes()
	a.portalRoutes()
	a.webhookRoutes()
	a.accountRoutes()
	a.fileRoutes()
	// Anything else under /v1 is an unknown endpoint, answered in Stripe's
	// error shape (after authentication, as Stripe does).
	a.mux.Handle("/v1/", a.contract("/v1/", func(w http.ResponseWriter, r *http.Request) {
		stripewire.WriteError(w, &billing.Error{Kind: billing.KindNotFound, Type: billing.TypeInvalidRequest,
			Message: "Unrecognized request URL (" + r.Method + ": " + r.URL.Path + "). Please see https://stripe.com/docs or we can help at https://support.stripe.com/."})
	}))
}
