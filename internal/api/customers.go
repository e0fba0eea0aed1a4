package api

import (
	"context"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
	"github.com/porticohq/portico/internal/stripewire"
)

func (a *API) customerRoutes() {
	a.handle("POST /v1/customers", "customer", a.createCustomer)
	a.handle("GET /v1/customers", "list:customer", a.listCustomers)
	a.handle("GET /v1/customers/search", "search:customer", a.searchCustomers)
	a.handle("GET /v1/customers/{id}", "customer", a.getCustomer)
	a.handle("POST /v1/customers/{id}", "customer", a.updateCustomer)
	a.handle("DELETE /v1/customers/{id}", "deleted", a.deleteCustomer)
}

// customerParams reads the parameters customers' create and update share.
func customerParams(f *stripewire.Form, create bool) service.CustomerParams {
	var p service.CustomerParams
	p.Name = str(f, "name", 256)
	p.Email = str(f, "email", 512)
	p.Phone = str(f, "phone", 20)
	p.Description = str(f, "description", 350)
	p.Address = address(f, "address")
	if sub, cleared := f.Hash("shipping"); cleared {
		p.Shipping = service.Set[*billing.Shipping](nil)
	} else if sub != nil {
		s := &billing.Shipping{}
		if a := address(sub, "address"); a.Value != nil {
			s.Address = *a.Value
		} else if !sub.Failed() {
			sub.Fail(billing.Missing(sub.Name("address")))
		}
		s.Name = sub.RequiredString("name")
		s.Phone, _ = sub.String("phone")
		p.Shipping = service.Set(s)
	}
	if b, ok := f.Int("balance"); ok {
		p.Balance = service.Set(b)
	}
	p.InvoicePrefix = nonEmpty(f, "invoice_prefix", 12)
	if sub, _ := f.Hash("invoice_settings"); sub != nil {
		p.DefaultPM = str(sub, "default_payment_method", 5000)
		p.Footer = str(sub, "footer", 5000)
		if items, present := sub.HashList("custom_fields"); present {
			if len(items) > 4 {
				sub.Fail(billing.Invalid(sub.Name("custom_fields"), "parameter_invalid", "You can have at most 4 custom fields."))
			}
			fields := []billing.CustomField{}
			for _, it := range items {
				name := it.RequiredString("name")
				value := it.RequiredString("value")
				it.MaxLen("name", name, 40)
				it.MaxLen("value", value, 140)
				fields = append(fields, billing.CustomField{Name: name, Value: value})
			}
			if len(items) == 0 {
				fields = nil
			}
			p.CustomFields = service.Set(fields)
		}
		if sub.Has("rendering_options") {
			sub.Raw("rendering_options")
		}
	}
	if locs, present := f.StringList("preferred_locales"); present {
		p.PreferredLocales = service.Set(locs)
	}
	if v, ok := f.Enum("tax_exempt", billing.TaxExemptNone, billing.TaxExemptExempt, billing.TaxExemptReverse); ok {
		p.TaxExempt = service.Set(v)
	}
	p.Metadata = f.Metadata("metadata")
	if create {
		p.TestClock, _ = f.NonEmptyString("test_clock")
		p.PaymentMethod, _ = f.NonEmptyString("payment_method")
	}
	return p
}

func (a *API) createCustomer(r *Req) Run {
	p := customerParams(r.Form, true)
	return func(ctx context.Context) (any, error) { return a.svc.CreateCustomer(ctx, p) }
}

func (a *API) getCustomer(r *Req) Run {
	id := r.PathValue("id")
	return func(ctx context.Context) (any, error) { return a.svc.Customer(ctx, id) }
}

func (a *API) updateCustomer(r *Req) Run {
	id := r.PathValue("id")
	p := customerParams(r.Form, false)
	return func(ctx context.Context) (any, error) { return a.svc.UpdateCustomer(ctx, id, p) }
}

func (a *API) deleteCustomer(r *Req) Run {
	id := r.PathValue("id")
	return func(ctx context.Context) (any, error) {
		c, err := a.svc.DeleteCustomer(ctx, id)
		if err != nil {
			return nil, err
		}
		return stripewire.Deleted{ID: c.ID, Object: "customer"}, nil
	}
}

func (a *API) listCustomers(r *Req) Run {
	f := billing.CustomerFilter{}
	f.Email, _ = r.Form.String("email")
	r.Form.MaxLen("email", f.Email, 512)
	f.TestClock, _ = r.Form.NonEmptyString("test_clock")
	f.Created = rangeParam(r.Form, "created")
	p := page(r.Form)
	return func(ctx context.Context) (any, error) {
		l, err := a.svc.ListCustomers(ctx, f, p)
		return stripewire.ListOf("/v1/customers", l), err
	}
}

func (a *API) searchCustomers(r *Req) Run {
	q, limit, pg := searchParams(r.Form)
	return func(ctx context.Context) (any, error) {
		res, err := a.svc.SearchCustomers(ctx, q, limit, pg)
		return searchResult("/v1/customers/search", res, err)
	}
}
