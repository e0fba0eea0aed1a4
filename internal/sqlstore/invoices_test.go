package sqlstore

import (
	"context"
	"reflect"
	"testing"

	"github.com/porticohq/portico/internal/billing"
)

// TestInvoiceSummariesFollowTheInvoice: the summaries a list reads follow
// every update of their invoice, and a row written before summaries were
// kept (summary NULL) lists the same fields from the whole invoice.
func TestInvoiceSummariesFollowTheInvoice(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	in := &billing.Invoice{ID: "in_sum", Customer: "cus_sum", Created: 100, Status: billing.InvoiceDraft, Currency: "eur", Total: 1200}
	if err := db.Update(ctx, func(tx billing.Tx) error { return tx.InsertInvoice(in) }); err != nil {
		t.Fatal(err)
	}
	list := func() *billing.InvoiceSummary {
		t.Helper()
		var got *billing.InvoiceSummary
		err := db.View(ctx, func(tx billing.Tx) error {
			l, err := tx.ListInvoiceSummaries(billing.InvoiceFilter{Customer: "cus_sum"}, billing.Page{Limit: 10})
			if err == nil && len(l.Data) == 1 {
				got = l.Data[0]
			}
			return err
		})
		if err != nil || got == nil {
			t.Fatalf("list: %v %v", got, err)
		}
		return got
	}
	if s := list(); s.Status != billing.InvoiceDraft || s.Total != 1200 || s.Currency != "eur" || s.Created != 100 {
		t.Fatalf("draft summary: %+v", s)
	}
	finalized := int64(200)
	in.Status, in.Number, in.Total, in.StatusTransitions.FinalizedAt = billing.InvoiceOpen, "SUM-0001", 1500, &finalized
	if err := db.Update(ctx, func(tx billing.Tx) error { return tx.UpdateInvoice(in) }); err != nil {
		t.Fatal(err)
	}
	want := billing.InvoiceSummary{ID: "in_sum", Customer: "cus_sum", Created: 100, Status: billing.InvoiceOpen, Number: "SUM-0001", Currency: "eur", Total: 1500,
		StatusTransitions: billing.StatusTransitions{FinalizedAt: &finalized}}
	if s := list(); !reflect.DeepEqual(*s, want) {
		t.Fatalf("after update: %+v, want %+v", *s, want)
	}
	if err := db.Update(ctx, func(btx billing.Tx) error {
		_, err := btx.(*tx).q.ExecContext(ctx, "UPDATE invoices SET summary = NULL WHERE id = ?", "in_sum")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if s := list(); !reflect.DeepEqual(*s, want) {
		t.Fatalf("row without a summary: %+v, want %+v", *s, want)
	}
}
