package api

import (
	"context"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/stripewire"
)

func (a *API) taxIDRoutes() {
	a.handle("POST /v1/customers/{customer}/tax_ids", "tax_id", a.createCustomerTaxID)
	a.handle("GET /v1/customers/{customer}/tax_ids", "list:tax_id", a.listCustomerTaxIDs)
	a.handle("GET /v1/customers/{customer}/tax_ids/{id}", "tax_id", a.getCustomerTaxID)
	a.handle("DELETE /v1/customers/{customer}/tax_ids/{id}", "deleted", a.deleteCustomerTaxID)
	a.handle("POST /v1/tax_ids", "tax_id", a.createTaxID)
	a.handle("GET /v1/tax_ids", "list:tax_id", a.listTaxIDs)
	a.handle("GET /v1/tax_ids/{id}", "tax_id", a.getTaxID)
	a.handle("DELETE /v1/tax_ids/{id}", "deleted", a.deleteTaxID)
}

// Owner types of the top-level tax ID endpoints. Portico keeps customers'
// tax IDs only; the account's own (self), a connected account's and an
// application's are not supported.
const (
	ownerCustomer = "customer"
	ownerSelf     = "self"
)

// taxIDOwner reads owner[...]: the owner type (self when owner is not sent,
// as on Stripe) and, for customers, the customer id.
func taxIDOwner(f *stripewire.Form) (typ, customer string) {
	sub, _ := f.Hash("owner")
	if sub == nil {
		return ownerSelf, ""
	}
	typ, ok := sub.Enum("type", "account", "application", ownerCustomer, ownerSelf)
	if !ok && !f.Failed() {
		f.Fail(billing.Missing("owner[type]"))
	}
	customer, _ = sub.NonEmptyString("customer")
	account, _ := sub.NonEmptyString("account")
	switch {
	case f.Failed():
	case typ == ownerCustomer && customer == "":
		f.Fail(billing.Missing("owner[customer]"))
	case typ == "account" && account == "":
		f.Fail(billing.Missing("owner[account]"))
	}
	return typ, customer
}

// unsupportedOwner is the error for tax IDs of owners other than customers.
func unsupportedOwner(typ string) *billing.Error {
	return billing.Invalid("owner[type]", "parameter_invalid",
		"Portico supports only tax IDs owned by customers: pass owner[type]=customer and owner[customer]=cus_... (owner[type]=%s is not supported).", typ)
}

func (a *API) createCustomerTaxID(r *Req) Run {
	customer := r.PathValue("customer")
	typ := r.Form.RequiredString("type")
	value := r.Form.RequiredString("value")
	return func(ctx context.Context) (any, error) { return a.svc.CreateCustomerTaxID(ctx, customer, typ, value) }
}

func (a *API) createTaxID(r *Req) Run {
	typ := r.Form.RequiredString("type")
	value := r.Form.RequiredString("value")
	ownerType, customer := taxIDOwner(r.Form)
	if ownerType != ownerCustomer && !r.Form.Failed() {
		r.Form.Fail(unsupportedOwner(ownerType))
	}
	return func(ctx context.Context) (any, error) { return a.svc.CreateTaxID(ctx, customer, typ, value) }
}

func (a *API) getCustomerTaxID(r *Req) Run {
	customer, id := r.PathValue("customer"), r.PathValue("id")
	return func(ctx context.Context) (any, error) { return a.svc.CustomerTaxID(ctx, customer, id) }
}

func (a *API) getTaxID(r *Req) Run {
	id := r.PathValue("id")
	return func(ctx context.Context) (any, error) { return a.svc.TaxID(ctx, id) }
}

// deletedTaxID renders the answer to a deletion.
func deletedTaxID(t *billing.TaxID, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return stripewire.Deleted{ID: t.ID, Object: "tax_id"}, nil
}

func (a *API) deleteCustomerTaxID(r *Req) Run {
	customer, id := r.PathValue("customer"), r.PathValue("id")
	return func(ctx context.Context) (any, error) {
		return deletedTaxID(a.svc.DeleteCustomerTaxID(ctx, customer, id))
	}
}

func (a *API) deleteTaxID(r *Req) Run {
	id := r.PathValue("id")
	return func(ctx context.Context) (any, error) { return deletedTaxID(a.svc.DeleteTaxID(ctx, id)) }
}

func (a *API) listCustomerTaxIDs(r *Req) Run {
	customer := r.PathValue("customer")
	p := page(r.Form)
	return func(ctx context.Context) (any, error) {
		l, err := a.svc.ListCustomerTaxIDs(ctx, customer, p)
		return stripewire.ListOf("/v1/customers/"+customer+"/tax_ids", l), err
	}
}

func (a *API) listTaxIDs(r *Req) Run {
	ownerType, customer := taxIDOwner(r.Form)
	p := page(r.Form)
	switch {
	case r.Form.Failed():
	case ownerType == ownerSelf:
		// The account's own tax IDs: Portico keeps none, so the list is
		// empty rather than an error.
		return func(ctx context.Context) (any, error) {
			return stripewire.ListOf("/v1/tax_ids", billing.List[*billing.TaxID]{}), nil
		}
	case ownerType != ownerCustomer:
		r.Form.Fail(unsupportedOwner(ownerType))
	}
	return func(ctx context.Context) (any, error) {
		l, err := a.svc.ListTaxIDs(ctx, customer, p)
		return stripewire.ListOf("/v1/tax_ids", l), err
	}
}
