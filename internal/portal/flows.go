package portal

import (
	"crypto/hmac"
	"net/http"

	"github.com/porticohq/portico/internal/billing"
)

// Flows (a session's flow_data) deep-link into one action with the
// portal's navigation hidden. The visit's entry point (/p/) sends the
// browser to the flow's page; the action's handler, once it has done its
// work, calls done, which follows the flow's after_completion. A flow that
// completes with portal_homepage ends: a signed cookie, bound to the
// visit, marks it done, and the visit then sees the whole portal.

// flowDoneCookie marks a visit whose flow has ended.
const flowDoneCookie = "portico_flow_done"

// flowDone reports whether the flow of the visit with visitToken has ended.
func (h *Handler) flowDone(r *http.Request, visitToken string) bool {
	c, err := r.Cookie(flowDoneCookie)
	return err == nil && hmac.Equal([]byte(c.Value), []byte(h.sign(r, visitToken, "flow_done")))
}

// endFlow marks the visit's flow ended.
func (h *Handler) endFlow(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(visitCookie)
	if err != nil {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: flowDoneCookie, Value: h.sign(r, c.Value, "flow_done"), Path: "/p/", HttpOnly: true,
		Secure: h.secure, SameSite: http.SameSiteLaxMode})
}

// flowEntry is the page a flow starts on.
func flowEntry(f *billing.PortalFlow) string {
	switch f.Type {
	case billing.FlowPaymentMethodUpdate:
		return "/p/payment-methods/new"
	case billing.FlowSubscriptionCancel:
		return "/p/subscriptions/" + f.Subscription + "/cancel"
	case billing.FlowSubscriptionUpdate:
		return "/p/subscriptions/" + f.Subscription + "/update"
	case billing.FlowSubscriptionUpdateConfirm:
		return "/p/subscriptions/" + f.Subscription + "/review"
	case billing.FlowCustomerUpdate:
		return "/p/billing"
	}
	return ""
}

// toFlow sends a visit in a flow from the homepage to the flow's page,
// with the homepage's notice or error (an action of the flow's page, such
// as adding a tax ID, returns "home" like any other). It reports false
// when the visit is in no flow.
func toFlow(w http.ResponseWriter, r *http.Request, vis *visit) bool {
	if vis.flow == nil {
		return false
	}
	u := flowEntry(vis.flow)
	if u == "" {
		return false
	}
	if q := r.URL.RawQuery; q != "" {
		u += "?" + q
	}
	http.Redirect(w, r, u, http.StatusSeeOther)
	return true
}

// inFlow reports whether the visit is in a flow of type typ about
// subscription sub ("" for flows without one).
func (vis *visit) inFlow(typ, sub string) bool {
	return vis.flow != nil && vis.flow.Type == typ && vis.flow.Subscription == sub
}

// done finishes an action: without a flow, back to the homepage with the
// notice; in a flow, as its after_completion says: the merchant's URL, the
// confirmation page, or the homepage (the flow ends there).
func (h *Handler) done(w http.ResponseWriter, r *http.Request, vis *visit, notice, anchor string) {
	f := vis.flow
	switch {
	case f == nil:
	case f.AfterCompletion.Type == billing.AfterRedirect && f.AfterCompletion.RedirectURL != "":
		// Validated when the session was made: an absolute http(s) URL.
		http.Redirect(w, r, f.AfterCompletion.RedirectURL, http.StatusSeeOther)
		return
	case f.AfterCompletion.Type == billing.AfterHostedConfirmation || f.AfterCompletion.Type == "":
		http.Redirect(w, r, "/p/done?notice="+notice, http.StatusSeeOther)
		return
	default:
		h.endFlow(w, r)
	}
	backHome(w, r, "notice", notice, anchor)
}
