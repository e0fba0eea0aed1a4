package e2e

import (
	"strings"
	"testing"

	stripe "github.com/stripe/stripe-go/v85"
)

// The hosted invoice page speaks the customer's preferred language, as the
// PDF does, with the same labels, amounts and dates.
func TestHostedInvoicePageLocalized(t *testing.T) {
	e := start(t)
	f := e.billingSetup(date(2026, 1, 1), "pm_card_chargeCustomerFail")
	for _, c := range []struct {
		locale string
		want   []string
	}{
		{"", []string{`lang="en"`, "Invoice ", "Amount due", "10.00 USD", "Pay 10.00 USD", "1 January 2026 – 1 February 2026", "Open", "Download PDF"}},
		{"fr-FR", []string{`lang="fr"`, "Facture ", "Montant dû", "10,00 USD", "Payer 10,00 USD", "1 janvier 2026 – 1 février 2026", "Ouverte", "Carte de test", "(refusée)"}},
		{"de", []string{`lang="de"`, "Rechnung ", "Fälliger Betrag", "10,00 USD", "Bezahlen 10,00 USD", "1. Januar 2026 – 1. Februar 2026", "Offen", "PDF herunterladen"}},
	} {
		p := &stripe.CustomerUpdateParams{}
		if c.locale != "" {
			p.PreferredLocales = []*string{stripe.String(c.locale)}
		}
		if _, err := e.sc.V1Customers.Update(e.ctx, f.cus.ID, p); err != nil {
			t.Fatal(err)
		}
		s := e.subscribe(f.cus.ID, f.basic.ID)
		status, body := e.page(s.LatestInvoice.HostedInvoiceURL)
		if status != 200 {
			t.Fatalf("%q: page %d %s", c.locale, status, body)
		}
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%q: page has no %q:\n%s", c.locale, w, body)
			}
		}
	}
}
