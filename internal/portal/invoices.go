package portal

import (
	"net/http"
	"net/url"

	"github.com/porticohq/portico/internal/billing"
)

// Paying an open invoice from the homepage's invoice history, with the
// customer's default card. A decline comes back to the homepage with the
// reason and the way to change the card; a card that asks for 3-D Secure
// goes through the billing engine's hosted 3-D Secure page, which returns
// to /p/invoices/{id}/paid.

// extraNotices and extraErrors are the homepage messages of the invoice
// and shipping actions: URL value to message key.
var (
	extraNotices = map[string]string{"invoice_paid": "invoices.pay_succeeded", "shipping_saved": "shipping.saved"}
	extraErrors  = map[string]string{"pay_declined": "invoices.pay_declined", "pay_no_card": "invoices.pay_no_card",
		"pay_failed": "invoices.pay_failed", "shipping_invalid": "shipping.invalid"}
)

// ownInvoice returns the invoice id when the visit's customer can see it
// (theirs, and not a draft). The homepage lists only the newest invoices,
// so ownership is checked on the invoice itself, not against a list.
func (h *Handler) ownInvoice(vis *visit, id string) (*billing.Invoice, bool) {
	in, err := h.svc.Invoice(vis.ctx, id)
	if err != nil || in.Customer != vis.cu.ID || in.Status == billing.InvoiceDraft {
		return nil, false
	}
	return in, true
}

// payInvoice pays one of the customer's open invoices with their default
// card.
func (h *Handler) payInvoice(w http.ResponseWriter, r *http.Request) {
	vis, d, ok := h.action(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	if in, own := h.ownInvoice(vis, id); !d.Configuration.Features.InvoiceHistory.Enabled || !own || in.Status != billing.InvoiceOpen {
		h.notFound(w, r)
		return
	}
	card := d.Customer.InvoiceSettings.DefaultPaymentMethod
	if card == "" {
		backHome(w, r, "error", "pay_no_card", "payment-methods")
		return
	}
	in, err := h.svc.PayInvoice(vis.ctx, id, card, false)
	if be, ok := billing.AsError(err); ok && be.Type == billing.TypeCard && be.Code != "authentication_required" {
		backHome(w, r, "error", "pay_declined", "invoices")
		return
	}
	if err != nil && !isAuthRequired(err) {
		h.actionFailed(w, r, err, "invoices")
		return
	}
	// A card that asks for 3-D Secure fails with authentication_required
	// and leaves the invoice's payment intent requiring action.
	if in, err = h.svc.Invoice(vis.ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if in.Status == billing.InvoiceOpen && in.PaymentIntent != "" {
		pi, err := h.svc.PaymentIntent(vis.ctx, in.PaymentIntent)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if pi.Status == billing.PIRequiresAction && pi.NextActionURL != "" {
			http.Redirect(w, r, pi.NextActionURL+"?return="+url.QueryEscape("/p/invoices/"+id+"/paid"), http.StatusSeeOther)
			return
		}
	}
	if in.Status != billing.InvoicePaid {
		backHome(w, r, "error", "pay_failed", "invoices")
		return
	}
	backHome(w, r, "notice", "invoice_paid", "invoices")
}

// invoicePaid is where the 3-D Secure page returns: it says how the
// payment ended. It only reads.
func (h *Handler) invoicePaid(w http.ResponseWriter, r *http.Request) {
	vis, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	in, own := h.ownInvoice(vis, r.PathValue("id"))
	if !own {
		h.notFound(w, r)
		return
	}
	if in.Status == billing.InvoicePaid {
		backHome(w, r, "notice", "invoice_paid", "invoices")
	} else {
		backHome(w, r, "error", "pay_declined", "invoices")
	}
}

func isAuthRequired(err error) bool {
	be, ok := billing.AsError(err)
	return ok && be.Type == billing.TypeCard && be.Code == "authentication_required"
}
