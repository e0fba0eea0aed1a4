package api

import (
	"context"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
	"github.com/porticohq/portico/internal/stripewire"
)

func (a *API) paymentMethodRoutes() {
	a.handle("POST /v1/payment_methods", "payment_method", a.createPaymentMethod)
	a.handle("GET /v1/payment_methods", "list:payment_method", a.listPaymentMethods)
	a.handle("GET /v1/payment_methods/{id}", "payment_method", a.getPaymentMethod)
	a.handle("POST /v1/payment_methods/{id}", "payment_method", a.updatePaymentMethod)
	a.handle("POST /v1/payment_methods/{id}/attach", "payment_method", a.attachPaymentMethod)
	a.handle("POST /v1/payment_methods/{id}/detach", "payment_method", a.detachPaymentMethod)
	a.handle("GET /v1/customers/{customer}/payment_methods", "list:payment_method", a.listCustomerPaymentMethods)
	a.handle("GET /v1/customers/{customer}/payment_methods/{id}", "payment_method", a.getCustomerPaymentMethod)
}

// billingDetails reads billing_details; on update, fields not sent are
// left as they are.
func billingDetails(f *stripewire.Form) service.BillingDetailsParams {
	sub, cleared := f.Hash("billing_details")
	if cleared {
		return service.BillingDetailsParams{Clear: true}
	}
	if sub == nil {
		return service.BillingDetailsParams{}
	}
	var bd service.BillingDetailsParams
	bd.Address = address(sub, "address")
	bd.Email = str(sub, "email", 800)
	bd.Name = str(sub, "name", 5000)
	bd.Phone = str(sub, "phone", 5000)
	if sub.Has("tax_id") {
		sub.String("tax_id")
	}
	return bd
}

func (a *API) createPaymentMethod(r *Req) Run {
	f := r.Form
	var p service.PaymentMethodParams
	p.Type = f.RequiredString("type")
	if p.Type != "" && p.Type != "card" && !f.Failed() {
		f.Fail(billing.BadEnum("type", p.Type, "card"))
	}
	if sub, _ := f.Hash("card"); sub != nil {
		c := &service.CardParams{}
		if tok, ok := sub.NonEmptyString("token"); ok {
			c.Token = tok
		} else {
			c.Number = sub.RequiredString("number")
			c.ExpMonth, _ = sub.Int("exp_month")
			c.ExpYear, _ = sub.Int("exp_year")
			if !sub.Has("exp_month") && !f.Failed() {
				f.Fail(billing.Missing("card[exp_month]"))
			}
			if !sub.Has("exp_year") && !f.Failed() {
				f.Fail(billing.Missing("card[exp_year]"))
			}
			c.CVC, _ = sub.String("cvc")
		}
		p.Card = c
	} else if p.Type == "card" && !f.Failed() {
		f.Fail(billing.Missing("card"))
	}
	p.BillingDetails = billingDetails(f)
	if v, ok := f.Enum("allow_redisplay", "always", "limited", "unspecified"); ok {
		p.AllowRedisplay = service.Set(v)
	}
	p.Metadata = f.Metadata("metadata")
	return func(ctx context.Context) (any, error) { return a.svc.CreatePaymentMethod(ctx, p) }
}

func (a *API) getPaymentMethod(r *Req) Run {
	id := r.PathValue("id")
	return func(ctx context.Context) (any, error) { return a.svc.PaymentMethod(ctx, id) }
}

func (a *API) updatePaymentMethod(r *Req) Run {
	id := r.PathValue("id")
	f := r.Form
	var p service.PaymentMethodParams
	if sub, _ := f.Hash("card"); sub != nil {
		if m, ok := sub.Int("exp_month"); ok {
			p.ExpMonth = service.Set(m)
		}
		if y, ok := sub.Int("exp_year"); ok {
			p.ExpYear = service.Set(y)
		}
	}
	p.BillingDetails = billingDetails(f)
	if v, ok := f.Enum("allow_redisplay", "always", "limited", "unspecified"); ok {
		p.AllowRedisplay = service.Set(v)
	}
	p.Metadata = f.Metadata("metadata")
	return func(ctx context.Context) (any, error) { return a.svc.UpdatePaymentMethod(ctx, id, p) }
}

func (a *API) attachPaymentMethod(r *Req) Run {
	id := r.PathValue("id")
	customer := r.Form.RequiredString("customer")
	return func(ctx context.Context) (any, error) { return a.svc.AttachPaymentMethod(ctx, id, customer) }
}

func (a *API) detachPaymentMethod(r *Req) Run {
	id := r.PathValue("id")
	return func(ctx context.Context) (any, error) { return a.svc.DetachPaymentMethod(ctx, id) }
}

func (a *API) listPaymentMethods(r *Req) Run {
	var f billing.PaymentMethodFilter
	f.Customer, _ = r.Form.NonEmptyString("customer")
	if t, ok := r.Form.Enum("type", "card"); ok {
		f.Type = t
	}
	p := page(r.Form)
	return func(ctx context.Context) (any, error) {
		l, err := a.svc.ListPaymentMethods(ctx, f, p)
		return stripewire.ListOf("/v1/payment_methods", l), err
	}
}

func (a *API) listCustomerPaymentMethods(r *Req) Run {
	customer := r.PathValue("customer")
	var f billing.PaymentMethodFilter
	f.Customer = customer
	if t, ok := r.Form.Enum("type", "card"); ok {
		f.Type = t
	}
	if r.Form.Has("allow_redisplay") {
		r.Form.Enum("allow_redisplay", "always", "limited", "unspecified")
	}
	p := page(r.Form)
	return func(ctx context.Context) (any, error) {
		if _, err := a.svc.Customer(ctx, customer); err != nil {
			return nil, err
		}
		l, err := a.svc.ListPaymentMethods(ctx, f, p)
		return stripewire.ListOf("/v1/customers/"+customer+"/payment_methods", l), err
	}
}

func (a *API) getCustomerPaymentMethod(r *Req) Run {
	customer, id := r.PathValue("customer"), r.PathValue("id")
	return func(ctx context.Context) (any, error) { return a.svc.CustomerPaymentMethod(ctx, customer, id) }
}
