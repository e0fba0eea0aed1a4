package portal

import (
	"errors"
	"html/template"
	"net/http"

	"github.com/porticohq/portico/internal/billing"
)

// invoicesView is a page of the invoice history (templates/invoices.html).
type invoicesView struct {
	page
	Invoices    []invoiceView
	InvoiceRows template.HTML // the table's rows: invoiceRows
	// Older is the cursor of the next page (the last invoice shown), or
	// "" on the last page.
	Older string
}

// invoiceHistory is GET /p/invoices: the customer's whole invoice history,
// a page at a time (?after=<invoice id> for older ones). The homepage
// lists only the most recent invoices and links here.
func (h *Handler) invoiceHistory(w http.ResponseWriter, r *http.Request) {
	vis, ok := h.signedIn(w, r)
	if !ok || toFlow(w, r, vis) {
		return
	}
	d, err := h.svc.PortalInvoiceHistory(vis.ctx, vis.v, r.URL.Query().Get("after"))
	if errors.Is(err, billing.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !d.Configuration.Features.InvoiceHistory.Enabled {
		h.notFound(w, r)
		return
	}
	v := invoicesView{page: page{TitleKey: "inv.heading", Business: businessOf(d, vis.v.ReturnURL)}, Invoices: h.invoiceViews(d)}
	v.CSRF = h.csrfToken(w, r, csrfPortal)
	v.LogoutCSRF = h.csrfToken(w, r, "logout")
	if d.MoreInvoices && len(v.Invoices) > 0 {
		v.Older = v.Invoices[len(v.Invoices)-1].ID
	}
	v.InvoiceRows = invoiceRows(v.Invoices, v.CSRF, vis.loc)
	h.view(w, r, http.StatusOK, "invoices", vis.loc, v)
}
