package portal

import (
	"net/http"
	"strconv"

	"github.com/porticohq/portico/internal/locale"
	"github.com/porticohq/portico/internal/render"
	"github.com/porticohq/portico/internal/service"
)

// csrfPortal is the purpose of the tokens on the portal's action forms.
const csrfPortal = "portal"

// home is the portal homepage: every section the visit's configuration
// enables.
func (h *Handler) home(w http.ResponseWriter, r *http.Request) {
	vis, ok := h.signedIn(w, r)
	if !ok || toFlow(w, r, vis) {
		return
	}
	h.homePage(w, r, vis, false)
}

// signedInHome is the request's visit with its homepage data (the
// customer's objects and the configuration), for pages that show or act on
// them; it has answered the request when ok is false.
func (h *Handler) signedInHome(w http.ResponseWriter, r *http.Request) (*visit, *service.PortalHomeData, bool) {
	vis, ok := h.signedIn(w, r)
	if !ok {
		return nil, nil, false
	}
	return h.homeData(w, r, vis)
}

// homeData loads the homepage data of vis.
func (h *Handler) homeData(w http.ResponseWriter, r *http.Request, vis *visit) (*visit, *service.PortalHomeData, bool) {
	d, err := h.svc.PortalHome(vis.ctx, vis.v)
	if err != nil {
		h.fail(w, r, err)
		return nil, nil, false
	}
	return vis, d, true
}

// billingPage is the billing information alone: the customer_update
// flow's page.
func (h *Handler) billingPage(w http.ResponseWriter, r *http.Request) {
	vis, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	h.homePage(w, r, vis, true)
}

// homePage renders the homepage, or with billingOnly its billing section.
func (h *Handler) homePage(w http.ResponseWriter, r *http.Request, vis *visit, billingOnly bool) {
	_, d, ok := h.homeData(w, r, vis)
	if !ok {
		return
	}
	v := h.homeViewOf(d, vis.v.ReturnURL)
	v.CSRF = h.csrfToken(w, r, csrfPortal)
	v.LogoutCSRF = h.csrfToken(w, r, "logout")
	q := r.URL.Query()
	if k := q.Get("notice"); notices[k] {
		v.Notice = "notice." + k
	}
	if k := q.Get("error"); errs[k] {
		// Errors of a form show in the form, which opens; others on top.
		switch k {
		case "card_invalid", "card_declined", "card_auth_failed":
			v.AddCardOpen, v.CardError = true, "err."+k
		case "tax_id_invalid":
			v.TaxIDOpen, v.TaxIDError = true, "err."+k
		default:
			v.Error = "err." + k
			v.BillingOpen = k == "invalid"
		}
	}
	if billingOnly {
		if !v.ShowBilling {
			h.notFound(w, r)
			return
		}
		v.TitleKey, v.InFlow, v.BillingOpen = "flow.customer_update_heading", vis.flow != nil, true
		v.ShowSubscriptions, v.ShowPaymentMethods, v.ShowInvoices = false, false, false
	}
	v.CardForm = cardForm{Action: "/p/payment-methods", CSRF: v.CSRF, Error: v.CardError}
	if key, ok := extraNotices[q.Get("notice")]; ok {
		v.Notice = key
	}
	if key, ok := extraErrors[q.Get("error")]; ok {
		v.Error, v.ShippingOpen = key, key == "shipping.invalid"
	}
	localizeHome(&v, vis.loc)
	h.view(w, r, http.StatusOK, "home", vis.loc, v)
}

// securityHeaders are the portal pages' headers: no inline scripts or
// styles, nothing from other origins, forms posting only here, no framing,
// no caching of pages that show billing details, no referrers.
func securityHeaders(hd http.Header) {
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
	hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	hd.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
}

// view renders a page of the render engine in loc's language.
func (h *Handler) view(w http.ResponseWriter, r *http.Request, status int, name string, loc *locale.Locale, data any) {
	buf := render.GetBuffer()
	defer render.PutBuffer(buf)
	if err := h.tpl.Render(buf, name, loc, data); err != nil {
		// Not h.fail: its page is rendered here too.
		h.log.Error("rendering portal page", "page", name, "error", err)
		http.Error(w, "Something went wrong. Please try again.", http.StatusInternalServerError)
		return
	}
	securityHeaders(w.Header())
	w.Header().Set("Content-Language", loc.Lang())
	// A known length spares the page chunked encoding.
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
