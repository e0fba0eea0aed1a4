package sqlstore

import (
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/porticohq/portico/internal/billing"
)

var (
	invoicesTable       = &docTable{name: "invoices", noun: "invoice", cols: []string{"customer", "subscription", "status", "paid_amount", "summary"}}
	invoiceItemsTable   = &docTable{name: "invoiceitems", noun: "invoiceitem", cols: []string{"customer", "invoice"}}
	paymentIntentsTable = &docTable{name: "payment_intents", noun: "payment_intent", cols: []string{"customer"}}
	chargesTable        = &docTable{name: "charges", noun: "charge", cols: []string{"customer"}}
	discountsTable      = &docTable{name: "discounts", noun: "discount"}
)

// Invoice returns the invoice with id.
func (t *tx) Invoice(id string) (*billing.Invoice, error) {
	return getDoc[billing.Invoice](t, invoicesTable, id, false)
}

// InsertInvoice adds in.
func (t *tx) InsertInvoice(in *billing.Invoice) error {
	sum, err := invoiceSummary(in)
	if err != nil {
		return err
	}
	return t.insert(invoicesTable, in.ID, in.Created, in, in.Customer, in.Subscription, in.Status, in.AmountPaid, sum)
}

// UpdateInvoice stores in.
func (t *tx) UpdateInvoice(in *billing.Invoice) error {
	sum, err := invoiceSummary(in)
	if err != nil {
		return err
	}
	return t.update(invoicesTable, in.ID, in, in.Customer, in.Subscription, in.Status, in.AmountPaid, sum)
}

// invoiceSummary is the JSON of in's summary, kept in the summary column.
func invoiceSummary(in *billing.Invoice) ([]byte, error) {
	return json.Marshal(billing.InvoiceSummary{ID: in.ID, Customer: in.Customer, Created: in.Created, Status: in.Status,
		Number: in.Number, Currency: in.Currency, Total: in.Total, StatusTransitions: in.StatusTransitions})
}

// DeleteInvoice deletes a draft invoice.
func (t *tx) DeleteInvoice(id string) error { return t.markDeleted(invoicesTable, id) }

// ListInvoices lists invoices, newest first.
func (t *tx) ListInvoices(f billing.InvoiceFilter, p billing.Page) (billing.List[*billing.Invoice], error) {
	return listDocs[billing.Invoice](t, invoicesTable, invoiceConds(f), p)
}

// ListInvoiceSummaries lists invoices as ListInvoices does, reading only
// their summaries (the whole invoice of a row written before summaries
// were kept, decoded into the same fields).
func (t *tx) ListInvoiceSummaries(f billing.InvoiceFilter, p billing.Page) (billing.List[*billing.InvoiceSummary], error) {
	return listColumn(t, invoicesTable, "COALESCE(summary, data)", invoiceConds(f), p, invoiceSummaryDecodes)
}

// invoiceConds are the conditions selecting the invoices f describes.
func invoiceConds(f billing.InvoiceFilter) []cond {
	var cs []cond
	if f.Customer != "" {
		cs = append(cs, eq("customer", f.Customer))
	}
	if f.Subscription != "" {
		cs = append(cs, eq("subscription", f.Subscription))
	}
	if f.Status != "" {
		cs = append(cs, eq("status", f.Status))
	}
	if f.Finalized {
		cs = append(cs, cond{"status <> ?", []any{billing.InvoiceDraft}})
	}
	return append(cs, rangeConds("created", f.Created)...)
}

// CustomerHasPaidInvoice reports whether customer paid an invoice with a
// positive amount.
func (t *tx) CustomerHasPaidInvoice(customer string) (bool, error) {
	var one int
	err := t.q.QueryRowContext(t.ctx, "SELECT 1 FROM invoices WHERE customer = ? AND livemode = ? AND status = 'paid' AND paid_amount > 0 AND deleted = 0 LIMIT 1",
		customer, boolInt(t.livemode)).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// InvoiceItem returns the invoice item with id.
func (t *tx) InvoiceItem(id string) (*billing.InvoiceItem, error) {
	return getDoc[billing.InvoiceItem](t, invoiceItemsTable, id, false)
}

// InsertInvoiceItem adds ii.
func (t *tx) InsertInvoiceItem(ii *billing.InvoiceItem) error {
	return t.insert(invoiceItemsTable, ii.ID, ii.Created, ii, ii.Customer, ii.Invoice)
}

// UpdateInvoiceItem stores ii.
func (t *tx) UpdateInvoiceItem(ii *billing.InvoiceItem) error {
	return t.update(invoiceItemsTable, ii.ID, ii, ii.Customer, ii.Invoice)
}

// DeleteInvoiceItem deletes an invoice item.
func (t *tx) DeleteInvoiceItem(id string) error { return t.markDeleted(invoiceItemsTable, id) }

// ListInvoiceItems lists invoice items, newest first.
func (t *tx) ListInvoiceItems(f billing.InvoiceItemFilter, p billing.Page) (billing.List[*billing.InvoiceItem], error) {
	var cs []cond
	if f.Customer != "" {
		cs = append(cs, eq("customer", f.Customer))
	}
	if f.Invoice != "" {
		cs = append(cs, eq("invoice", f.Invoice))
	}
	if f.Pending != nil {
		if *f.Pending {
			cs = append(cs, eq("invoice", ""))
		} else {
			cs = append(cs, cond{"invoice <> ''", nil})
		}
	}
	cs = append(cs, rangeConds("created", f.Created)...)
	return listDocs[billing.InvoiceItem](t, invoiceItemsTable, cs, p)
}

// PendingInvoiceItems returns customer's items not on an invoice yet,
// oldest first.
func (t *tx) PendingInvoiceItems(customer string) ([]*billing.InvoiceItem, error) {
	var out []*billing.InvoiceItem
	err := scanDocs(t, invoiceItemsTable, []cond{eq("customer", customer), eq("invoice", "")}, func(ii *billing.InvoiceItem) bool {
		out = append(out, ii)
		return true
	})
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, err
}

// PaymentIntent returns the payment intent with id.
func (t *tx) PaymentIntent(id string) (*billing.PaymentIntent, error) {
	return getDoc[billing.PaymentIntent](t, paymentIntentsTable, id, false)
}

// InsertPaymentIntent adds pi.
func (t *tx) InsertPaymentIntent(pi *billing.PaymentIntent) error {
	return t.insert(paymentIntentsTable, pi.ID, pi.Created, pi, pi.Customer)
}

// UpdatePaymentIntent stores pi.
func (t *tx) UpdatePaymentIntent(pi *billing.PaymentIntent) error {
	return t.update(paymentIntentsTable, pi.ID, pi, pi.Customer)
}

// ListPaymentIntents lists payment intents, newest first.
func (t *tx) ListPaymentIntents(customer string, p billing.Page) (billing.List[*billing.PaymentIntent], error) {
	var cs []cond
	if customer != "" {
		cs = append(cs, eq("customer", customer))
	}
	return listDocs[billing.PaymentIntent](t, paymentIntentsTable, cs, p)
}

// Charge returns the charge with id.
func (t *tx) Charge(id string) (*billing.Charge, error) {
	return getDoc[billing.Charge](t, chargesTable, id, false)
}

// InsertCharge adds c.
func (t *tx) InsertCharge(c *billing.Charge) error {
	return t.insert(chargesTable, c.ID, c.Created, c, c.Customer)
}

// ListCharges lists charges, newest first.
func (t *tx) ListCharges(customer string, p billing.Page) (billing.List[*billing.Charge], error) {
	var cs []cond
	if customer != "" {
		cs = append(cs, eq("customer", customer))
	}
	return listDocs[billing.Charge](t, chargesTable, cs, p)
}

// Discount returns the discount with id.
func (t *tx) Discount(id string) (*billing.Discount, error) {
	return getShared(t, discountsTable, id, false, cloneDiscount)
}

// InsertDiscount adds d.
func (t *tx) InsertDiscount(d *billing.Discount) error {
	return t.insert(discountsTable, d.ID, d.Start, d)
}

// UpdateDiscount stores d.
func (t *tx) UpdateDiscount(d *billing.Discount) error { return t.update(discountsTable, d.ID, d) }

// DueDrafts returns the ids of the drafts of no subscription on clock due to
// finalize by at. Drafts are few and short-lived, so they are filtered here.
func (t *tx) DueDrafts(clock string, at int64) ([]string, error) {
	var ids []string
	err := scanDocs(t, invoicesTable, []cond{eq("status", billing.InvoiceDraft), eq("subscription", "")}, func(in *billing.Invoice) bool {
		if in.TestClock == clock && in.AutoAdvance && in.AutomaticallyFinalizesAt != nil && *in.AutomaticallyFinalizesAt <= at {
			ids = append(ids, in.ID)
		}
		return true
	})
	return ids, err
}

// ScanInvoices calls fn for every invoice, newest first.
func (t *tx) ScanInvoices(fn func(*billing.Invoice) bool) error {
	return scanDocs(t, invoicesTable, nil, fn)
}
