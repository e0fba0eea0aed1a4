package service

import (
	"context"

	"github.com/porticohq/portico/internal/billing"
)

// Previews (POST /v1/invoices/create_preview, GET /v1/invoices/upcoming) run
// the very code a change runs, on a transaction whose writes stay in memory
// (previewTx): the preview of a plan change is what the change bills,
// because it is the same computation. Invoices built in a preview are
// totalled, never finalized or charged.

// previewer marks a transaction that computes a preview.
type previewer interface{ preview() }

func isPreview(tx billing.Tx) bool {
	_, ok := tx.(previewer)
	return ok
}

// previewTotals sets what a preview invoice would ask for, with the
// customer's balance applied as finalization would.
func previewTotals(tx billing.Tx, in *billing.Invoice) error {
	c, err := tx.Customer(in.Customer)
	if err != nil {
		return err
	}
	in.StartingBalance = c.Balance
	due := in.Total + c.Balance
	end := int64(0)
	if due < 0 {
		end, due = due, 0
	}
	in.AmountDue, in.AmountRemaining, in.EndingBalance = due, due, &end
	return nil
}

// previewTx reads through to a real transaction and keeps its writes.
type previewTx struct {
	billing.Tx
	subs      map[string]*billing.Subscription
	invoices  map[string]*billing.Invoice
	created   []*billing.Invoice
	items     map[string]*billing.InvoiceItem
	newItems  []*billing.InvoiceItem
	discounts map[string]*billing.Discount
	coupons   map[string]*billing.Coupon
	codes     map[string]*billing.PromotionCode
	customers map[string]*billing.Customer
	pms       map[string]*billing.PaymentMethod
	pis       map[string]*billing.PaymentIntent
}

func newPreviewTx(tx billing.Tx) *previewTx {
	return &previewTx{Tx: tx, subs: map[string]*billing.Subscription{}, invoices: map[string]*billing.Invoice{},
		items: map[string]*billing.InvoiceItem{}, discounts: map[string]*billing.Discount{}, coupons: map[string]*billing.Coupon{},
		codes: map[string]*billing.PromotionCode{}, customers: map[string]*billing.Customer{}, pms: map[string]*billing.PaymentMethod{},
		pis: map[string]*billing.PaymentIntent{}}
}

func (p *previewTx) preview() {}

// get returns a copy of the kept object, or the stored one.
func get[T any](m map[string]*T, id string, load func(string) (*T, error)) (*T, error) {
	if v, ok := m[id]; ok {
		c := *v
		return &c, nil
	}
	return load(id)
}

func keep[T any](m map[string]*T, id string, v *T) error {
	c := *v
	m[id] = &c
	return nil
}

func (p *previewTx) InsertEvent(*billing.Event) error   { return nil }
func (p *previewTx) InsertCharge(*billing.Charge) error { return nil }
func (p *previewTx) SetSetting(string, string) error    { return nil }

func (p *previewTx) Subscription(id string) (*billing.Subscription, error) {
	if v, ok := p.subs[id]; ok {
		return cloneSub(v), nil
	}
	return p.Tx.Subscription(id)
}
func (p *previewTx) InsertSubscription(s *billing.Subscription) error {
	p.subs[s.ID] = cloneSub(s)
	return nil
}
func (p *previewTx) UpdateSubscription(s *billing.Subscription) error {
	p.subs[s.ID] = cloneSub(s)
	return nil
}

func (p *previewTx) Invoice(id string) (*billing.Invoice, error) {
	if v, ok := p.invoices[id]; ok {
		return cloneInvoice(v), nil
	}
	return p.Tx.Invoice(id)
}
func (p *previewTx) InsertInvoice(in *billing.Invoice) error {
	p.invoices[in.ID] = cloneInvoice(in)
	p.created = append(p.created, in)
	return nil
}
func (p *previewTx) UpdateInvoice(in *billing.Invoice) error {
	p.invoices[in.ID] = cloneInvoice(in)
	return nil
}

func (p *previewTx) InvoiceItem(id string) (*billing.InvoiceItem, error) {
	return get(p.items, id, p.Tx.InvoiceItem)
}
func (p *previewTx) InsertInvoiceItem(ii *billing.InvoiceItem) error {
	p.newItems = append(p.newItems, ii)
	return keep(p.items, ii.ID, ii)
}
func (p *previewTx) UpdateInvoiceItem(ii *billing.InvoiceItem) error { return keep(p.items, ii.ID, ii) }

// PendingInvoiceItems merges the stored pending items with the kept ones.
func (p *previewTx) PendingInvoiceItems(customer string) ([]*billing.InvoiceItem, error) {
	stored, err := p.Tx.PendingInvoiceItems(customer)
	if err != nil {
		return nil, err
	}
	var out []*billing.InvoiceItem
	seen := map[string]bool{}
	for _, ii := range stored {
		seen[ii.ID] = true
		if k, ok := p.items[ii.ID]; ok {
			if k.Invoice != "" {
				continue
			}
			c := *k
			ii = &c
		}
		out = append(out, ii)
	}
	for _, ii := range p.newItems {
		if k := p.items[ii.ID]; !seen[ii.ID] && k.Customer == customer && k.Invoice == "" {
			c := *k
			out = append(out, &c)
		}
	}
	return out, nil
}

func (p *previewTx) Discount(id string) (*billing.Discount, error) {
	return get(p.discounts, id, p.Tx.Discount)
}
func (p *previewTx) InsertDiscount(d *billing.Discount) error { return keep(p.discounts, d.ID, d) }
func (p *previewTx) UpdateDiscount(d *billing.Discount) error { return keep(p.discounts, d.ID, d) }
func (p *previewTx) Coupon(id string) (*billing.Coupon, error) {
	return get(p.coupons, id, p.Tx.Coupon)
}
func (p *previewTx) UpdateCoupon(c *billing.Coupon) error { return keep(p.coupons, c.ID, c) }
func (p *previewTx) PromotionCode(id string) (*billing.PromotionCode, error) {
	return get(p.codes, id, p.Tx.PromotionCode)
}
func (p *previewTx) UpdatePromotionCode(c *billing.PromotionCode) error {
	return keep(p.codes, c.ID, c)
}
func (p *previewTx) Customer(id string) (*billing.Customer, error) {
	return get(p.customers, id, p.Tx.Customer)
}
func (p *previewTx) UpdateCustomer(c *billing.Customer) error { return keep(p.customers, c.ID, c) }
func (p *previewTx) PaymentMethod(id string) (*billing.PaymentMethod, error) {
	return get(p.pms, id, p.Tx.PaymentMethod)
}
func (p *previewTx) InsertPaymentMethod(pm *billing.PaymentMethod) error {
	return keep(p.pms, pm.ID, pm)
}
func (p *previewTx) UpdatePaymentMethod(pm *billing.PaymentMethod) error {
	return keep(p.pms, pm.ID, pm)
}
func (p *previewTx) PaymentIntent(id string) (*billing.PaymentIntent, error) {
	return get(p.pis, id, p.Tx.PaymentIntent)
}
func (p *previewTx) InsertPaymentIntent(pi *billing.PaymentIntent) error {
	return keep(p.pis, pi.ID, pi)
}
func (p *previewTx) UpdatePaymentIntent(pi *billing.PaymentIntent) error {
	return keep(p.pis, pi.ID, pi)
}

// PreviewParams ask for the next invoice of a customer or subscription,
// with a proposed change.
type PreviewParams struct {
	Customer     string
	Subscription string
	// Details is the proposed change (subscription_details), or the new
	// subscription when only a customer is given.
	Details *SubscriptionParams
}

// PreviewInvoice returns the invoice a proposed change would bill at once
// (always_invoice, an anchor or interval change, the end of a trial), or
// else the subscription's next renewal invoice with the change applied.
func (s *Service) PreviewInvoice(ctx context.Context, p PreviewParams) (*billing.Invoice, error) {
	var out *billing.Invoice
	err := s.view(ctx, func(real billing.Tx) error {
		tx := newPreviewTx(real)
		var sub *billing.Subscription
		var c *billing.Customer
		var err error
		switch {
		case p.Subscription != "":
			if sub, err = tx.Subscription(p.Subscription); err != nil {
				return noSuchParam(err, "subscription", "subscription", p.Subscription)
			}
			if c, err = tx.Customer(sub.Customer); err != nil {
				return err
			}
		case p.Customer != "":
			if c, err = tx.Customer(p.Customer); err != nil || c.Deleted {
				return billing.NoSuchParam("customer", "customer", p.Customer)
			}
			if p.Details == nil || !p.Details.Items.Set {
				l, err := tx.ListSubscriptions(billing.SubscriptionFilter{Customer: c.ID}, billing.Page{Limit: 1})
				if err != nil {
					return err
				}
				if len(l.Data) == 0 {
					return noUpcoming()
				}
				sub = l.Data[0]
			}
		default:
			return billing.Missing("customer")
		}
		now, err := customerNow(tx, c)
		if err != nil {
			return err
		}
		if sub == nil {
			d := *p.Details
			d.Customer = c.ID
			if _, err := s.createSubscription(tx, c, d, now); err != nil {
				return err
			}
		} else if p.Details != nil {
			if err := s.updateSubscription(tx, sub, c, *p.Details, now); err != nil {
				return err
			}
		}
		if len(tx.created) > 0 {
			out = tx.created[len(tx.created)-1]
		} else {
			if sub, err = tx.Subscription(sub.ID); err != nil {
				return err
			}
			if sub.Ended() || sub.CancelAtPeriodEnd || (sub.CancelAt != nil && *sub.CancelAt <= periodEnd(sub)) {
				return noUpcoming()
			}
			if out, err = s.renew(tx, sub, c, periodEnd(sub)); err != nil {
				return err
			}
			if err := computeTotals(tx, out, periodEnd(sub)); err != nil {
				return err
			}
			out.AutomaticallyFinalizesAt = nil
		}
		if err := previewTotals(tx, out); err != nil {
			return err
		}
		out.ID = ""
		out.BillingReason = billing.ReasonUpcoming
		out.Status = billing.InvoiceDraft
		out.PaymentIntent = ""
		return nil
	})
	return out, err
}

func noUpcoming() error {
	return billing.Invalid("", "invoice_upcoming_none", "No upcoming invoices for customer.")
}
