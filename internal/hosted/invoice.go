package hosted

import (
	"net/http"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/invoicepdf"
	"github.com/porticohq/portico/internal/render"
)

// invoiceView is the hosted invoice page: the invoice as its PDF prints
// it (Doc, in the customer's language, with the same strings), plus what
// paying it needs.
type invoiceView struct {
	Lang    string
	Doc     invoicepdf.Document
	Invoice *billing.Invoice
	Token   string
	Cards   []TestCard
	Error   string
	// Accent is the brand colour made readable on white, Ink the text
	// colour on it; empty without branding.
	Accent, Ink string
}

// showInvoice renders the page for in, with a payment error when set.
func (p *Pages) showInvoice(w http.ResponseWriter, r *http.Request, in *billing.Invoice, payErr string) {
	doc, err := p.svc.InvoiceDocument(r.Context(), in.ID)
	if err != nil {
		p.fail(w, err)
		return
	}
	if payErr != "" {
		w.WriteHeader(http.StatusPaymentRequired)
	}
	v := invoiceView{Lang: invoicepdf.Lang([]string{doc.Locale}), Doc: doc, Invoice: in,
		Token: p.token("invoice", in.ID), Cards: TestCards, Error: payErr}
	if c := doc.Brand.Color; billing.ValidColor(c) {
		v.Accent = render.Readable(c, []string{"#ffffff"}, 0)
		v.Ink = render.Ink(v.Accent)
	}
	p.render(w, "invoice.html", v)
}

func (p *Pages) invoicePage(w http.ResponseWriter, r *http.Request) {
	in, ctx, err := find(r, p.svc.Invoice)
	if err != nil || in.Status == billing.InvoiceDraft {
		if err == nil {
			err = errNotFound
		}
		p.fail(w, err)
		return
	}
	p.showInvoice(w, r.WithContext(ctx), in, "")
}

func (p *Pages) payInvoice(w http.ResponseWriter, r *http.Request) {
	in, ctx, err := find(r, p.svc.Invoice)
	if err != nil {
		p.fail(w, err)
		return
	}
	if !p.checkPost(r, "invoice", in.ID) {
		http.Error(w, "Invalid form token", http.StatusForbidden)
		return
	}
	card := r.PostFormValue("card")
	ok := false
	for _, c := range TestCards {
		ok = ok || c.ID == card
	}
	if !ok {
		http.Error(w, "Unknown card", http.StatusBadRequest)
		return
	}
	back := "/billing/invoices/" + in.ID
	if _, err := p.svc.PayInvoice(ctx, in.ID, card, false); err != nil {
		if e, ok := billing.AsError(err); ok {
			// Shown on the page itself: a message in the URL could be
			// forged by whoever sends the link.
			if fresh, err := p.svc.Invoice(ctx, in.ID); err == nil {
				in = fresh // with the failed attempt
			}
			p.showInvoice(w, r.WithContext(ctx), in, e.Message)
			return
		}
		p.fail(w, err)
		return
	}
	// A card that asks for 3-D Secure leaves the intent requiring action.
	if in, err = p.svc.Invoice(ctx, in.ID); err == nil && in.Status == billing.InvoiceOpen && in.PaymentIntent != "" {
		if pi, err := p.svc.PaymentIntent(ctx, in.PaymentIntent); err == nil && pi.Status == billing.PIRequiresAction {
			http.Redirect(w, r, pi.NextActionURL, http.StatusSeeOther)
			return
		}
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

func (p *Pages) invoicePDF(w http.ResponseWriter, r *http.Request) {
	in, ctx, err := find(r, p.svc.Invoice)
	if err != nil || in.Status == billing.InvoiceDraft {
		if err == nil {
			err = errNotFound
		}
		p.fail(w, err)
		return
	}
	doc, err := p.svc.InvoiceDocument(ctx, in.ID)
	if err != nil {
		p.fail(w, err)
		return
	}
	b, err := invoicepdf.Render(doc)
	if err != nil {
		p.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+in.Number+`.pdf"`)
	w.Write(b)
}
