package service

import "github.com/porticohq/portico/internal/billing"

// previewer marks a transaction that computes a preview: invoices are
// built and totalled but never finalized or charged.
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
