package portal

import (
	"net/http"
	"slices"
	"strings"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
)

// The customer's shipping details (name, phone, address), shown in the
// billing information section and editable when the configuration's
// customer_update allows shipping.

// shippingView is the shipping part of the billing information section.
type shippingView struct {
	Show, Edit   bool
	Name, Phone  string
	Address      billing.Address
	AddressLines []string
}

func shippingOf(d *service.PortalHomeData) shippingView {
	cuf := d.Configuration.Features.CustomerUpdate
	v := shippingView{Edit: cuf.Enabled && slices.Contains(cuf.AllowedUpdates, "shipping")}
	if s := d.Customer.Shipping; s != nil {
		v.Name, v.Phone, v.Address = s.Name, s.Phone, s.Address
		v.AddressLines = addressLines(&s.Address)
	}
	v.Show = v.Edit || d.Customer.Shipping != nil
	return v
}

// addressLines is an address as printed: North American addresses put
// the postal code after the city and state; most others before the city.
func addressLines(a *billing.Address) []string {
	cityLine := []string{strings.TrimSpace(a.PostalCode + " " + a.City), a.State}
	if a.Country == "US" || a.Country == "CA" {
		cityLine = []string{strings.TrimSpace(strings.Trim(a.City+", "+a.State, ", ") + " " + a.PostalCode)}
	}
	var out []string
	for _, l := range append(append([]string{a.Line1, a.Line2}, cityLine...), a.Country) {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// updateShipping saves the shipping details. A name, a first address line
// and a two-letter country are required, as Stripe requires them.
func (h *Handler) updateShipping(w http.ResponseWriter, r *http.Request) {
	vis, d, ok := h.action(w, r)
	if !ok {
		return
	}
	if !shippingOf(d).Edit {
		h.notFound(w, r)
		return
	}
	val := func(k string, max int) string { return strings.TrimSpace(truncate(r.PostFormValue(k), max)) }
	s := &billing.Shipping{Name: val("ship_name", 256), Phone: val("ship_phone", 64), Address: billing.Address{
		Line1: val("ship_line1", 200), Line2: val("ship_line2", 200), City: val("ship_city", 200), PostalCode: val("ship_postal_code", 20),
		State: val("ship_state", 200), Country: strings.ToUpper(val("ship_country", 2))}}
	if s.Name == "" || s.Address.Line1 == "" || len(s.Address.Country) != 2 || strings.Trim(s.Address.Country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		backHome(w, r, "error", "shipping_invalid", "shipping")
		return
	}
	if _, err := h.svc.UpdateCustomer(vis.ctx, vis.cu.ID, service.CustomerParams{Shipping: service.Set(s)}); err != nil {
		h.actionFailed(w, r, err, "shipping")
		return
	}
	backHome(w, r, "notice", "shipping_saved", "billing")
}
