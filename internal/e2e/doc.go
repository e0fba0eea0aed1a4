// Package e2e holds Portico's end-to-end tests: the whole program (store,
// service, API) on a real SQLite file behind a real HTTP server, driven by
// the official stripe-go SDK as a merchant's backend would drive Stripe.
package e2e
