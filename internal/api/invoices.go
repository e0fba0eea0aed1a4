package api

import (
	"context"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
	"github.com/porticohq/portico/internal/stripewire"
)

func (a *API) invoiceRoutes() {
	a.handle("POST /v1/invoices", "invoice", a.createInvoice)
	a.handle("GET /v1/invoices", "list:invoice", a.listInvoices)
	a.handle("GET /v1/invoices/search", "search:invoice", a.searchInvoices)
	a.handle("GET /v1/invoices/{id}", "invoice", a.getInvoice)
	a.handle("POST /v1/invoices/create_preview", "invoice", a.createPreview)
	a.handle("GET /v1/invoices/upcoming", "invoice", a.upcomingInvoice)
	a.handle("POST /v1/invoices/{id}", "invoice", a.updateInvoice)
	a.handle("DELETE /v1/invoices/{id}", "deleted", a.deleteInvoice)
	a.handle("GET /v1/invoices/{id}/lines", "list:line_item", a.invoiceLines)
	a.handle("POST /v1/invoices/{id}/finalize", "invoice", a.invoiceAction(a.svc.FinalizeInvoice))
	a.handle("POST /v1/invoices/{id}/void", "invoice", a.invoiceAction(a.svc.VoidInvoice))
	a.handle("POST /v1/invoices/{id}/mark_uncollectible", "invoice", a.invoiceAction(a.svc.MarkUncollectible))
	a.handle("POST /v1/invoices/{id}/send", "invoice", a.invoiceAction(a.svc.SendInvoice))
	a.handle("POST /v1/invoices/{id}/pay", "invoice", a.payInvoice)
	a.handle("POST /v1/invoiceitems", "invoiceitem", a.createInvoiceItem)
	a.handle("GET /v1/invoiceitems", "list:invoiceitem", a.listInvoiceItems)
	a.handle("GET /v1/invoiceitems/{id}", "invoiceitem", a.getInvoiceItem)
	a.handle("DELETE /v1/invoiceitems/{id}", "deleted", a.deleteInvoiceItem)
	a.handle("GET /v1/payment_intents", "list:payment_intent", a.listPaymentIntents)
	a.handle("GET /v1/payment_intents/{id}", "payment_intent", a.getPaymentIntent)
	a.handle("POST /v1/payment_intents/{id}/confirm", "payment_intent", a.confirmPaymentIntent)
	a.handle("GET /v1/charges", "list:charge", a.listCharges)
	a.handle("GET /v1/charges/{id}", "charge", a.getCharge)
}

func (a *API) createInvoice(r *Req) Run {
	var p service.InvoiceParams
	p.Customer = r.Form.RequiredString("customer")
	p.CollectionMethod, _ = r.Form.Enum("collection_method", "charge_automatically", "send_invoice")
	if v, ok := r.Form.Int("days_until_due"); ok {
		p.DaysUntilDue = service.Set(v)
	}
	if v, ok := r.Form.Bool("auto_advance"); ok {
		p.AutoAdvance = service.Set(v)
	}
	p.Description, _ = r.Form.String("description")
	p.PendingItems, _ = r.Form.Enum("pending_invoice_items_behavior", "exclude", "include")
	p.Metadata = r.Form.Metadata("metadata")
	return func(ctx context.Context) (any, error) { return a.svc.CreateInvoice(ctx, p) }
}

func (a *API) getInvoice(r *Req) Run {
	id := r.PathValue("id")
	return func(ctx context.Context) (any, error) { return a.svc.Invoice(ctx, id) }
}

func (a *API) invoiceLines(r *Req) Run {
	id := r.PathValue("id")
	p := page(r.Form)
	return func(ctx context.Context) (any, error) {
		in, err := a.svc.Invoice(ctx, id)
		if err != nil {
			return nil, err
		}
		return stripewire.InvoiceLines{Invoice: in, Page: p}, nil
	}
}

func (a *API) deleteInvoice(r *Req) Run {
	id := r.PathValue("id")
	return func(ctx context.Context) (any, error) {
		in, err := a.svc.DeleteInvoice(ctx, id)
		if err != nil {
			return nil, err
		}
		return stripewire.Deleted{ID: in.ID, Object: "invoice"}, nil
	}
}

func (a *API) invoiceAction(fn func(ctx context.Context, id string) (*billing.Invoice, error)) Endpoint {
	return func(r *Req) Run {
		id := r.PathValue("id")
		if r.Form.Has("auto_advance") {
			r.Form.Bool("auto_advance")
		}
		return func(ctx context.Context) (any, error) { return fn(ctx, id) }
	}
}

func (a *API) payInvoice(r *Req) Run {
	id := r.PathValue("id")
	pm, _ := r.Form.NonEmptyString("payment_method")
	oob, _ := r.Form.Bool("paid_out_of_band")
	if r.Form.Has("off_session") {
		r.Form.Bool("off_session")
	}
	return func(ctx context.Context) (any, error) { return a.svc.PayInvoice(ctx, id, pm, oob) }
}

func (a *API) listInvoices(r *Req) Run {
	var f billing.InvoiceFilter
	f.Customer, _ = r.Form.NonEmptyString("customer")
	f.Subscription, _ = r.Form.NonEmptyString("subscription")
	f.Status, _ = r.Form.Enum("status", "draft", "open", "paid", "uncollectible", "void")
	r.Form.Enum("collection_method", "charge_automatically", "send_invoice")
	f.Created = rangeParam(r.Form, "created")
	p := page(r.Form)
	return func(ctx context.Context) (any, error) {
		l, err := a.svc.ListInvoices(ctx, f, p)
		return stripewire.ListOf("/v1/invoices", l), err
	}
}

func (a *API) createInvoiceItem(r *Req) Run {
	var p service.InvoiceItemParams
	p.Customer = r.Form.RequiredString("customer")
	if v, ok := r.Form.Int("amount"); ok {
		p.Amount = service.Set(v)
	}
	p.Currency, _ = r.Form.NonEmptyString("currency")
	p.Description = str(r.Form, "description", 500)
	if pr, _ := r.Form.Hash("pricing"); pr != nil {
		p.Price, _ = pr.NonEmptyString("price")
	}
	if p.Price == "" {
		p.Price, _ = r.Form.NonEmptyString("price")
	}
	if v, ok := r.Form.Int("quantity"); ok {
		p.Quantity = service.Set(v)
	}
	p.Invoice, _ = r.Form.NonEmptyString("invoice")
	p.Subscription, _ = r.Form.NonEmptyString("subscription")
	if v, ok := r.Form.Bool("discountable"); ok {
		p.Discountable = service.Set(v)
	}
	p.Metadata = r.Form.Metadata("metadata")
	return func(ctx context.Context) (any, error) { return a.svc.CreateInvoiceItem(ctx, p) }
}

func (a *API) getInvoiceItem(r *Req) Run {
	id := r.PathValue("id")
	return func(ctx context.Context) (any, error) { return a.svc.InvoiceItem(ctx, id) }
}

func (a *API) deleteInvoiceItem(r *Req) Run {
	id := r.PathValue("id")
	return func(ctx context.Context) (any, error) {
		ii, err := a.svc.DeleteInvoiceItem(ctx, id)
		if err != nil {
			return nil, err
		}
		return stripewire.Deleted{ID: ii.ID, Object: "invoiceitem"}, nil
	}
}

func (a *API) listInvoiceItems(r *Req) Run {
	var f billing.InvoiceItemFilter
	f.Customer, _ = r.Form.NonEmptyString("customer")
	f.Invoice, _ = r.Form.NonEmptyString("invoice")
	f.Pending = optBool(r.Form, "pending")
	f.Created = rangeParam(r.Form, "created")
	p := page(r.Form)
	return func(ctx context.Context) (any, error) {
		l, err := a.svc.ListInvoiceItems(ctx, f, p)
		return stripewire.ListOf("/v1/invoiceitems", l), err
	}
}

func (a *API) getPaymentIntent(r *Req) Run {
	id := r.PathValue("id")
	r.Form.String("client_secret")
	return func(ctx context.Context) (any, error) { return a.svc.PaymentIntent(ctx, id) }
}

func (a *API) listPaymentIntents(r *Req) Run {
	customer, _ := r.Form.NonEmptyString("customer")
	p := page(r.Form)
	return func(ctx context.Context) (any, error) {
		l, err := a.svc.ListPaymentIntents(ctx, customer, p)
		return stripewire.ListOf("/v1/payment_intents", l), err
	}
}

func (a *API) confirmPaymentIntent(r *Req) Run {
	id := r.PathValue("id")
	pm, _ := r.Form.NonEmptyString("payment_method")
	r.Form.String("return_url")
	if r.Form.Has("off_session") {
		r.Form.Bool("off_session")
	}
	return func(ctx context.Context) (any, error) { return a.svc.ConfirmPaymentIntent(ctx, id, pm) }
}

func (a *API) getCharge(r *Req) Run {
	id := r.PathValue("id")
	return func(ctx context.Context) (any, error) { return a.svc.Charge(ctx, id) }
}

func (a *API) listCharges(r *Req) Run {
	customer, _ := r.Form.NonEmptyString("customer")
	p := page(r.Form)
	return func(ctx context.Context) (any, error) {
		l, err := a.svc.ListCharges(ctx, customer, p)
		return stripewire.ListOf("/v1/charges", l), err
	}
}

func (a *API) createPreview(r *Req) Run {
	var p service.PreviewParams
	p.Customer, _ = r.Form.NonEmptyString("customer")
	p.Subscription, _ = r.Form.NonEmptyString("subscription")
	if sub, _ := r.Form.Hash("subscription_details"); sub != nil {
		d := subscriptionParams(sub, false)
		p.Details = &d
	}
	if r.Form.Has("automatic_tax") {
		r.Form.Raw("automatic_tax")
	}
	return func(ctx context.Context) (any, error) { return a.svc.PreviewInvoice(ctx, p) }
}

// upcomingInvoice serves the legacy GET /v1/invoices/upcoming (removed from
// the API in 2025-03-31.basil; older SDKs still call it).
func (a *API) upcomingInvoice(r *Req) Run {
	var p service.PreviewParams
	f := r.Form
	p.Customer, _ = f.NonEmptyString("customer")
	p.Subscription, _ = f.NonEmptyString("subscription")
	var d service.SubscriptionParams
	changed := false
	if items, ok := f.HashList("subscription_items"); ok {
		var ips []service.ItemParams
		for _, it := range items {
			var ip service.ItemParams
			ip.ID, _ = it.NonEmptyString("id")
			ip.Price, _ = it.NonEmptyString("price")
			if q, ok := it.Int("quantity"); ok {
				ip.Quantity = service.Set(q)
			}
			ip.Deleted, _ = it.Bool("deleted")
			ips = append(ips, ip)
		}
		d.Items, changed = service.Set(ips), true
	}
	if v, ok := f.Int("subscription_proration_date"); ok {
		d.ProrationDate, changed = service.Set(v), true
	}
	if v, ok := f.Enum("subscription_proration_behavior", "create_prorations", "always_invoice", "none"); ok {
		d.ProrationBehavior, changed = v, true
	}
	if v, ok := f.Bool("subscription_cancel_at_period_end"); ok {
		d.CancelAtPeriodEnd, changed = service.Set(v), true
	}
	if changed {
		p.Details = &d
	}
	return func(ctx context.Context) (any, error) { return a.svc.PreviewInvoice(ctx, p) }
}

func (a *API) searchInvoices(r *Req) Run {
	q, limit, pg := searchParams(r.Form)
	return func(ctx context.Context) (any, error) {
		res, err := a.svc.SearchInvoices(ctx, q, limit, pg)
		return searchResult("/v1/invoices/search", res, err)
	}
}

func (a *API) updateInvoice(r *Req) Run {
	id := r.PathValue("id")
	var p service.InvoiceUpdate
	p.Description = str(r.Form, "description", 1500)
	p.Footer = str(r.Form, "footer", 5000)
	if v, ok := r.Form.Bool("auto_advance"); ok {
		p.AutoAdvance = service.Set(v)
	}
	if v, ok := r.Form.Int("days_until_due"); ok {
		p.DaysUntilDue = service.Set(v)
	}
	p.Metadata = r.Form.Metadata("metadata")
	return func(ctx context.Context) (any, error) { return a.svc.UpdateInvoice(ctx, id, p) }
}
