package service

import (
	"context"
	"fmt"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/invoicepdf"
)

// Settings keys of the business printed on invoices.
const (
	SettingBusinessName    = "business.name"
	SettingBusinessAddress = "business.address" // lines separated by newlines
)

// InvoiceDocument returns what the invoice PDF prints for invoice id.
func (s *Service) InvoiceDocument(ctx context.Context, id string) (invoicepdf.Document, error) {
	var doc invoicepdf.Document
	err := s.view(ctx, func(tx billing.Tx) error {
		in, err := tx.Invoice(id)
		if err != nil {
			return notFound(err, "invoice", id)
		}
		c, err := tx.Customer(in.Customer)
		if err != nil {
			return err
		}
		doc = invoicepdf.Document{
			Locale: invoicepdf.Lang(c.PreferredLocales), Number: in.Number, Status: in.Status, Currency: in.Currency,
			Created: in.Created, Subtotal: in.Subtotal, Total: in.Total, AmountPaid: in.AmountPaid, AmountDue: in.AmountRemaining,
			Footer: in.Footer,
		}
		if in.StatusTransitions.FinalizedAt != nil {
			doc.Created = *in.StatusTransitions.FinalizedAt
		}
		if in.DueDate != nil {
			doc.DueDate = *in.DueDate
		}
		doc.Business.Name, _ = tx.Setting(SettingBusinessName)
		if doc.Business.Name == "" {
			doc.Business.Name = "Portico"
		}
		if doc.Brand, err = invoiceBrand(tx); err != nil {
			return err
		}
		if addr, _ := tx.Setting(SettingBusinessAddress); addr != "" {
			doc.Business.Address = splitLines(addr)
		}
		doc.Customer = invoicepdf.Party{Name: c.Name, Email: c.Email}
		if a := c.Address; a != nil {
			for _, l := range []string{a.Line1, a.Line2, a.PostalCode + " " + a.City, a.State, a.Country} {
				if l != "" && l != " " {
					doc.Customer.Address = append(doc.Customer.Address, l)
				}
			}
		}
		if ids, err := tx.ListTaxIDs(c.ID, billing.Page{Limit: 20}); err == nil {
			for _, t := range ids.Data {
				doc.Customer.TaxIDs = append(doc.Customer.TaxIDs, t.Type+" "+t.Value)
			}
		}
		for _, l := range in.Lines {
			doc.Lines = append(doc.Lines, invoicepdf.Line{Description: l.Description, Quantity: l.Quantity, Amount: l.Amount,
				Period: invoicepdf.DateIn(doc.Locale, l.PeriodStart) + " – " + invoicepdf.DateIn(doc.Locale, l.PeriodEnd)})
		}
		for _, d := range in.TotalDiscountAmounts {
			label := d.Discount
			if di, err := tx.Discount(d.Discount); err == nil {
				if cp, err := tx.Coupon(di.Coupon); err == nil {
					label = cp.ID
					if cp.Name != "" {
						label = cp.Name
					}
					if cp.PercentOff != nil {
						label += fmt.Sprintf(" (%g%% off)", *cp.PercentOff)
					}
				}
			}
			doc.Discounts = append(doc.Discounts, invoicepdf.Line{Description: label, Amount: d.Amount})
		}
		return nil
	})
	return doc, err
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '\n' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}
