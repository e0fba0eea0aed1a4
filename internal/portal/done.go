package portal

import (
	"net/http"

	"github.com/porticohq/portico/internal/billing"
)

// doneView is the hosted confirmation page of a flow: what changed, and
// the merchant's custom_message (escaped like all merchant text).
type doneView struct {
	page
	TextKey string
	Message string
	Sub     *subView
	Card    *cardView
	Billing *billingView
}

// donePage is the confirmation page a flow with after_completion
// hosted_confirmation ends on (GET /p/done?notice=...).
func (h *Handler) donePage(w http.ResponseWriter, r *http.Request) {
	vis, d, ok := h.signedInHome(w, r)
	if !ok {
		return
	}
	f := vis.ps.Flow
	if f == nil {
		http.Redirect(w, r, "/p/", http.StatusSeeOther)
		return
	}
	v := doneView{page: page{TitleKey: "confirm.heading", Business: businessOf(d, vis.v.ReturnURL), InFlow: true},
		Message: f.AfterCompletion.CustomMessage}
	v.LogoutCSRF = h.csrfToken(w, r, "logout")
	if k := r.URL.Query().Get("notice"); notices[k] {
		v.TextKey = "notice." + k
	}
	switch f.Type {
	case billing.FlowPaymentMethodUpdate:
		for _, c := range cardViews(d) {
			if c.Default {
				v.Card = &c
			}
		}
	case billing.FlowCustomerUpdate:
		b := billingOf(d)
		v.Billing = &b
	default:
		// A subscription canceled at once has ended and is not listed:
		// the notice says what happened to it.
		if ps, ok := ownSub(d, f.Subscription); ok {
			sv := subscriptionView(ps, &d.Configuration.Features, d.Now)
			v.Sub = &sv
		}
	}
	h.view(w, r, http.StatusOK, "done", vis.loc, v)
}
