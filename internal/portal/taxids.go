package portal

import (
	"errors"
	"html"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/porticohq/portico/internal/billing"
)

// Tax IDs on the billing information, when allowed_updates has tax_id:
// added with the type's format checked by the service, removed one by one.

type taxIDView struct{ ID, Label, Value string }

type taxTypeOption struct{ Type, Label, Example string }

// taxTypes are the tax ID types the add form offers, built once.
var taxTypes = func() []taxTypeOption {
	out := make([]taxTypeOption, 0, len(billing.TaxIDTypes))
	for _, t := range billing.TaxIDTypes {
		out = append(out, taxTypeOption{Type: t.Type, Label: taxTypeLabel(t.Type), Example: t.Example})
	}
	return out
}()

// taxTypeOptions are the add form's <option> elements, rendered once: a
// hundred options through the template cost more than the rest of the
// homepage.
var taxTypeOptions = func() template.HTML {
	var b strings.Builder
	for _, t := range taxTypes {
		b.WriteString(`<option value="` + html.EscapeString(t.Type) + `"`)
		if t.Type == "eu_vat" {
			b.WriteString(" selected")
		}
		b.WriteString(">" + html.EscapeString(t.Label) + "</option>")
	}
	return template.HTML(b.String())
}()

// taxTypeLabel names a type as people write it: eu_vat is "EU VAT".
func taxTypeLabel(typ string) string { return strings.ToUpper(strings.ReplaceAll(typ, "_", " ")) }

func ownTaxID(ids []*billing.TaxID, id string) bool {
	return slices.ContainsFunc(ids, func(t *billing.TaxID) bool { return t.ID == id })
}

// addTaxID adds a tax ID to the visit's customer.
func (h *Handler) addTaxID(w http.ResponseWriter, r *http.Request) {
	vis, d, ok := h.action(w, r)
	if !ok {
		return
	}
	if !billingOf(d).EditTaxIDs {
		h.notFound(w, r)
		return
	}
	_, err := h.svc.CreateCustomerTaxID(vis.ctx, vis.cu.ID, r.PostFormValue("type"), truncate(r.PostFormValue("value"), 64))
	var be *billing.Error
	if errors.As(err, &be) && (be.Param == "value" || be.Param == "type") {
		backHome(w, r, "error", "tax_id_invalid", "billing")
		return
	}
	if err != nil {
		h.actionFailed(w, r, err, "billing")
		return
	}
	backHome(w, r, "notice", "tax_id_added", "billing")
}

// removeTaxID removes one of the customer's tax IDs.
func (h *Handler) removeTaxID(w http.ResponseWriter, r *http.Request) {
	vis, d, ok := h.action(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	if !billingOf(d).EditTaxIDs || !ownTaxID(d.TaxIDs, id) {
		h.notFound(w, r)
		return
	}
	if _, err := h.svc.DeleteCustomerTaxID(vis.ctx, vis.cu.ID, id); err != nil {
		h.actionFailed(w, r, err, "billing")
		return
	}
	backHome(w, r, "notice", "tax_id_removed", "billing")
}
