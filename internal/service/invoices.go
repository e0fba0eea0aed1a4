package service

import (
	"context"

	"github.com/porticohq/portico/internal/billing"
)

func voidInvoice(tx billing.Tx, in *billing.Invoice, now int64) error {
	if in.Status != billing.InvoiceOpen && in.Status != billing.InvoiceUncollectible {
		return billing.Invalid("", "invoice_not_open", "You can only void an open or uncollectible invoice; this one is %s.", in.Status)
	}
	prev := cloneInvoice(in)
	in.Status = billing.InvoiceVoid
	in.StatusTransitions.VoidedAt = &now
	in.NextPaymentAttempt = nil
	in.AutoAdvance = false
	if err := tx.UpdateInvoice(in); err != nil {
		return err
	}
	return emit(tx, "invoice.voided", "invoice", in, prev)
}

func markUncollectible(tx billing.Tx, in *billing.Invoice, now int64) error {
	if in.Status != billing.InvoiceOpen {
		return billing.Invalid("", "invoice_not_open", "You can only mark an open invoice uncollectible; this one is %s.", in.Status)
	}
	prev := cloneInvoice(in)
	in.Status = billing.InvoiceUncollectible
	in.StatusTransitions.MarkedUncollectibleAt = &now
	in.NextPaymentAttempt = nil
	in.AutoAdvance = false
	if err := tx.UpdateInvoice(in); err != nil {
		return err
	}
	return emit(tx, "invoice.marked_uncollectible", "invoice", in, prev)
}

// invoiceAction loads an invoice and runs fn on it at its customer's time.
func (s *Service) invoiceAction(ctx context.Context, id string, fn func(tx billing.Tx, in *billing.Invoice, now int64) error) (*billing.Invoice, error) {
	var in *billing.Invoice
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		if in, err = tx.Invoice(id); err != nil {
			return notFound(err, "invoice", id)
		}
		now, err := s.invoiceNow(tx, in)
		if err != nil {
			return err
		}
		return fn(tx, in, now)
	})
	return in, err
}

// FinalizeInvoice finalizes a draft (without charging it, as Stripe's
// finalize with auto_advance=false).
func (s *Service) FinalizeInvoice(ctx context.Context, id string) (*billing.Invoice, error) {
	return s.invoiceStatusChange(ctx, id, finalizeInvoice)
}

// VoidInvoice voids an open invoice.
func (s *Service) VoidInvoice(ctx context.Context, id string) (*billing.Invoice, error) {
	return s.invoiceStatusChange(ctx, id, voidInvoice)
}

// MarkUncollectible marks an open invoice uncollectible.
func (s *Service) MarkUncollectible(ctx context.Context, id string) (*billing.Invoice, error) {
	return s.invoiceStatusChange(ctx, id, markUncollectible)
}

// invoiceStatusChange runs change on the invoice id and then brings its
// subscription's next due time up to date, as every change of an
// invoice's status must.
func (s *Service) invoiceStatusChange(ctx context.Context, id string, change func(billing.Tx, *billing.Invoice, int64) error) (*billing.Invoice, error) {
	return s.invoiceAction(ctx, id, func(tx billing.Tx, in *billing.Invoice, now int64) error {
		if err := change(tx, in, now); err != nil {
			return err
		}
		return s.syncSubNextDue(tx, in)
	})
}

// SendInvoice "sends" an open invoice (records invoice.sent; Portico sends
// no email).
func (s *Service) SendInvoice(ctx context.Context, id string) (*billing.Invoice, error) {
	return s.invoiceAction(ctx, id, func(tx billing.Tx, in *billing.Invoice, now int64) error {
		if in.Status != billing.InvoiceOpen {
			return billing.Invalid("", "invoice_not_open", "You can only send an open invoice.")
		}
		return emit(tx, "invoice.sent", "invoice", in, nil)
	})
}

// DeleteInvoice deletes a draft invoice, releasing its invoice items.
func (s *Service) DeleteInvoice(ctx context.Context, id string) (*billing.Invoice, error) {
	return s.invoiceAction(ctx, id, func(tx billing.Tx, in *billing.Invoice, now int64) error {
		if in.Status != billing.InvoiceDraft {
			return billing.Invalid("", "invoice_not_editable", "You can only delete draft invoices.")
		}
		for _, l := range in.Lines {
			if l.InvoiceItem == "" {
				continue
			}
			if ii, err := tx.InvoiceItem(l.InvoiceItem); err == nil {
				ii.Invoice = ""
				if err := tx.UpdateInvoiceItem(ii); err != nil {
					return err
				}
			}
		}
		if err := tx.DeleteInvoice(in.ID); err != nil {
			return err
		}
		return emit(tx, "invoice.deleted", "invoice", in, nil)
	})
}

// syncSubNextDue recomputes the due time of the invoice's subscription.
func (s *Service) syncSubNextDue(tx billing.Tx, in *billing.Invoice) error {
	if in.Subscription == "" {
		return nil
	}
	sub, err := tx.Subscription(in.Subscription)
	if err != nil {
		return err
	}
	var latest *billing.Invoice
	if sub.LatestInvoice != "" {
		if latest, err = tx.Invoice(sub.LatestInvoice); err != nil {
			return err
		}
	}
	sub.NextDue = nextDue(sub, latest)
	return tx.UpdateSubscription(sub)
}

// Invoice returns an invoice.
func (s *Service) Invoice(ctx context.Context, id string) (*billing.Invoice, error) {
	return getByID(s, ctx, "invoice", id, billing.Tx.Invoice)
}

// ListInvoices lists invoices.
func (s *Service) ListInvoices(ctx context.Context, f billing.InvoiceFilter, p billing.Page) (billing.List[*billing.Invoice], error) {
	return listPage(s, ctx, func(tx billing.Tx) (billing.List[*billing.Invoice], error) { return tx.ListInvoices(f, p) })
}

// InvoiceParams are the parameters of a manual invoice.
type InvoiceParams struct {
	Customer         string
	CollectionMethod string
	DaysUntilDue     Field[int64]
	AutoAdvance      Field[bool]
	Description      string
	Metadata         billing.MetadataUpdate
	PendingItems     string // include (default: exclude, as Stripe since 2022)
}

// CreateInvoice creates a draft invoice for a customer, with the pending
// invoice items when asked.
func (s *Service) CreateInvoice(ctx context.Context, p InvoiceParams) (*billing.Invoice, error) {
	var in *billing.Invoice
	err := s.update(ctx, func(tx billing.Tx) error {
		c, err := tx.Customer(p.Customer)
		if err != nil || c.Deleted {
			return billing.NoSuchParam("customer", "customer", p.Customer)
		}
		now, err := customerNow(tx, c)
		if err != nil {
			return err
		}
		cur := c.Currency
		if cur == "" {
			cur = "usd"
		}
		in = newInvoice(tx, c, nil, cur, billing.ReasonManual, now)
		in.AutoAdvance = false
		if p.AutoAdvance.Set {
			in.AutoAdvance = p.AutoAdvance.Value
		}
		if in.AutoAdvance {
			// Stripe finalizes an auto-advancing draft about an hour later.
			fin := now + draftFinalizeDelay
			in.AutomaticallyFinalizesAt = &fin
		}
		if p.CollectionMethod != "" {
			in.CollectionMethod = p.CollectionMethod
		}
		if p.DaysUntilDue.Set {
			d := now + p.DaysUntilDue.Value*86400
			in.DueDate = &d
		}
		in.Description = p.Description
		if in.Metadata, err = p.Metadata.Apply(nil, "metadata"); err != nil {
			return err
		}
		var items []*billing.InvoiceItem
		if p.PendingItems == "include" {
			if items, err = tx.PendingInvoiceItems(c.ID); err != nil {
				return err
			}
			claimItems(in, items)
		}
		if err := insertInvoice(tx, in, now); err != nil {
			return err
		}
		return storeClaimed(tx, items)
	})
	return in, err
}

// InvoiceItemParams are the parameters of an invoice item.
type InvoiceItemParams struct {
	Customer     string
	Amount       Field[int64]
	Currency     string
	Description  Field[string]
	Price        string
	Quantity     Field[int64]
	Invoice      string
	Subscription string
	Discountable Field[bool]
	Metadata     billing.MetadataUpdate
}

// CreateInvoiceItem adds a pending item (or a line of a draft invoice).
func (s *Service) CreateInvoiceItem(ctx context.Context, p InvoiceItemParams) (*billing.InvoiceItem, error) {
	var ii *billing.InvoiceItem
	err := s.update(ctx, func(tx billing.Tx) error {
		c, err := tx.Customer(p.Customer)
		if err != nil || c.Deleted {
			return billing.NoSuchParam("customer", "customer", p.Customer)
		}
		now, err := customerNow(tx, c)
		if err != nil {
			return err
		}
		ii = &billing.InvoiceItem{ID: billing.NewID("ii"), Created: now, Livemode: tx.Livemode(), Customer: c.ID,
			Quantity: 1, PeriodStart: now, PeriodEnd: now, Discountable: true, TestClock: c.TestClock, Subscription: p.Subscription}
		if p.Quantity.Set {
			ii.Quantity = p.Quantity.Value
		}
		switch {
		case p.Price != "":
			price, err := tx.Price(p.Price)
			if err != nil {
				return noSuchParam(err, "price", "price", p.Price)
			}
			ii.Price, ii.Product, ii.Currency, ii.UnitAmount = price.ID, price.Product, price.Currency, unitAmount(price)
			ii.Amount = billing.LineAmount(price, ii.Quantity)
			ii.Description = productName(tx, price.Product)
		case p.Amount.Set:
			if p.Currency == "" {
				return billing.Missing("currency")
			}
			ii.Amount, ii.Currency, ii.UnitAmount = p.Amount.Value, p.Currency, p.Amount.Value
		default:
			return billing.Missing("amount")
		}
		apply(&ii.Description, p.Description)
		apply(&ii.Discountable, p.Discountable)
		if ii.Metadata, err = p.Metadata.Apply(nil, "metadata"); err != nil {
			return err
		}
		if p.Invoice != "" {
			in, err := tx.Invoice(p.Invoice)
			if err != nil {
				return noSuchParam(err, "invoice", "invoice", p.Invoice)
			}
			if in.Status != billing.InvoiceDraft {
				return billing.Invalid("invoice", "invoice_not_editable", "You can only add invoice items to draft invoices.")
			}
			ii.Invoice = in.ID
			in.Lines = append(in.Lines, lineFromItem(ii))
			if err := computeTotals(tx, in, now); err != nil {
				return err
			}
			if err := tx.UpdateInvoice(in); err != nil {
				return err
			}
		}
		if err := tx.InsertInvoiceItem(ii); err != nil {
			return err
		}
		return emit(tx, "invoiceitem.created", "invoiceitem", ii, nil)
	})
	return ii, err
}

// InvoiceItem returns an invoice item.
func (s *Service) InvoiceItem(ctx context.Context, id string) (*billing.InvoiceItem, error) {
	return getByID(s, ctx, "invoiceitem", id, billing.Tx.InvoiceItem)
}

// ListInvoiceItems lists invoice items.
func (s *Service) ListInvoiceItems(ctx context.Context, f billing.InvoiceItemFilter, p billing.Page) (billing.List[*billing.InvoiceItem], error) {
	return listPage(s, ctx, func(tx billing.Tx) (billing.List[*billing.InvoiceItem], error) { return tx.ListInvoiceItems(f, p) })
}

// DeleteInvoiceItem deletes a pending invoice item.
func (s *Service) DeleteInvoiceItem(ctx context.Context, id string) (*billing.InvoiceItem, error) {
	var ii *billing.InvoiceItem
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		if ii, err = tx.InvoiceItem(id); err != nil {
			return notFound(err, "invoiceitem", id)
		}
		if ii.Invoice != "" {
			return billing.Invalid("", "invoice_not_editable", "This invoice item is already on an invoice.")
		}
		if err := tx.DeleteInvoiceItem(id); err != nil {
			return err
		}
		return emit(tx, "invoiceitem.deleted", "invoiceitem", ii, nil)
	})
	return ii, err
}

// finalizeDueDrafts finalizes (and, for automatic collection, charges) the
// manual drafts on clock due by now.
func (s *Service) finalizeDueDrafts(tx billing.Tx, clock string, now int64) (int, error) {
	ids, err := tx.DueDrafts(clock, now)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := s.finalizeDueDraft(tx, id); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// finalizeDueDraft finalizes (and, for automatic collection, charges) a
// draft at its automatically_finalizes_at; one no longer a draft is left.
func (s *Service) finalizeDueDraft(tx billing.Tx, id string) error {
	in, err := tx.Invoice(id)
	if err != nil {
		return err
	}
	if in.Status != billing.InvoiceDraft || in.AutomaticallyFinalizesAt == nil {
		return nil
	}
	at := *in.AutomaticallyFinalizesAt
	if err := finalizeInvoice(tx, in, at); err != nil {
		return err
	}
	if in.Status == billing.InvoiceOpen && in.CollectionMethod == "charge_automatically" {
		if _, _, err := s.attemptPayment(tx, in, "", true, at); err != nil {
			return err
		}
	}
	return nil
}

// InvoiceUpdate are the fields of POST /v1/invoices/{id}: metadata on any
// invoice, the rest on drafts only, as Stripe allows.
type InvoiceUpdate struct {
	Description  Field[string]
	Footer       Field[string]
	AutoAdvance  Field[bool]
	DaysUntilDue Field[int64]
	Metadata     billing.MetadataUpdate
}

// UpdateInvoice changes an invoice.
func (s *Service) UpdateInvoice(ctx context.Context, id string, p InvoiceUpdate) (*billing.Invoice, error) {
	return s.invoiceAction(ctx, id, func(tx billing.Tx, in *billing.Invoice, now int64) error {
		prev := cloneInvoice(in)
		draftOnly := p.Description.Set || p.Footer.Set || p.AutoAdvance.Set || p.DaysUntilDue.Set
		if draftOnly && in.Status != billing.InvoiceDraft {
			return billing.Invalid("", "invoice_not_editable", "You can only update the metadata of a finalized invoice; this one is %s.", in.Status)
		}
		md, err := p.Metadata.Apply(in.Metadata, "metadata")
		if err != nil {
			return err
		}
		in.Metadata = md
		apply(&in.Description, p.Description)
		apply(&in.Footer, p.Footer)
		if p.AutoAdvance.Set {
			in.AutoAdvance = p.AutoAdvance.Value
			in.AutomaticallyFinalizesAt = nil
			if in.AutoAdvance && in.Subscription == "" {
				fin := now + draftFinalizeDelay
				in.AutomaticallyFinalizesAt = &fin
			}
		}
		if p.DaysUntilDue.Set {
			d := now + p.DaysUntilDue.Value*86400
			in.DueDate = &d
		}
		if err := tx.UpdateInvoice(in); err != nil {
			return err
		}
		if err := s.syncSubNextDue(tx, in); err != nil {
			return err
		}
		return emit(tx, "invoice.updated", "invoice", in, prev)
	})
}
