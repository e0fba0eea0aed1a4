package portal

import (
	"net/http"
	"slices"
	"strings"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
)

// cancelPage shows what cancelling a subscription means under the
// configuration's mode, with the reason survey when it is enabled.
func (h *Handler) cancelPage(w http.ResponseWriter, r *http.Request) {
	vis, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	d, err := h.svc.PortalHome(vis.ctx, vis.v)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := &d.Configuration.Features
	ps, ok := ownSub(d, r.PathValue("id"))
	if !ok {
		h.notFound(w, r)
		return
	}
	sv := subscriptionView(ps, f, d.Now)
	if !sv.CanCancel {
		h.notFound(w, r)
		return
	}
	v := cancelView{page: page{TitleKey: "subs.cancel_heading", Business: businessOf(d, vis.v.ReturnURL)}, Sub: sv,
		Immediately: f.SubscriptionCancel.Mode == "immediately"}
	if f.SubscriptionCancel.CancellationReason.Enabled {
		v.Reasons = f.SubscriptionCancel.CancellationReason.Options
	}
	v.CSRF = h.csrfToken(w, r, csrfPortal)
	v.LogoutCSRF = h.csrfToken(w, r, "logout")
	h.view(w, r, http.StatusOK, "cancel", vis.loc, v)
}

// cancel cancels a subscription as the configuration says: at the period
// end, or at once with its proration behavior. The survey's answer is kept
// in cancellation_details.
func (h *Handler) cancel(w http.ResponseWriter, r *http.Request) {
	vis, d, ok := h.action(w, r)
	if !ok {
		return
	}
	f := &d.Configuration.Features
	ps, ok := ownSub(d, r.PathValue("id"))
	if !ok || !subscriptionView(ps, f, d.Now).CanCancel {
		h.notFound(w, r)
		return
	}
	var details billing.CancellationDetails
	if cr := f.SubscriptionCancel.CancellationReason; cr.Enabled {
		if fb := r.PostFormValue("reason"); slices.Contains(cr.Options, fb) {
			details.Feedback = fb
		}
		details.Comment = strings.TrimSpace(truncate(r.PostFormValue("comment"), 500))
	}
	id := ps.Subscription.ID
	if f.SubscriptionCancel.Mode == "immediately" {
		pb := f.SubscriptionCancel.ProrationBehavior
		_, err := h.svc.CancelSubscription(vis.ctx, id, service.CancelParams{Prorate: pb != "none", InvoiceNow: pb == "always_invoice",
			CancellationDetails: service.Set(details)})
		if err != nil {
			h.actionFailed(w, r, err, "subscriptions")
			return
		}
		backHome(w, r, "notice", "canceled", "subscriptions")
		return
	}
	_, err := h.svc.UpdateSubscription(vis.ctx, id, service.SubscriptionParams{CancelAtPeriodEnd: service.Set(true),
		CancellationDetails: service.Set(details)})
	if err != nil {
		h.actionFailed(w, r, err, "subscriptions")
		return
	}
	backHome(w, r, "notice", "cancel_scheduled", "sub-"+id)
}

// renew undoes a cancellation scheduled for the period end.
func (h *Handler) renew(w http.ResponseWriter, r *http.Request) {
	vis, d, ok := h.action(w, r)
	if !ok {
		return
	}
	ps, ok := ownSub(d, r.PathValue("id"))
	if !ok || !subscriptionView(ps, &d.Configuration.Features, d.Now).CanRenew {
		h.notFound(w, r)
		return
	}
	p := service.SubscriptionParams{CancelAtPeriodEnd: service.Set(false)}
	if ps.Subscription.CancelAt != nil && !ps.Subscription.CancelAtPeriodEnd {
		p = service.SubscriptionParams{CancelAt: service.Set[*int64](nil)}
	}
	if _, err := h.svc.UpdateSubscription(vis.ctx, ps.Subscription.ID, p); err != nil {
		h.actionFailed(w, r, err, "subscriptions")
		return
	}
	backHome(w, r, "notice", "renewed", "sub-"+ps.Subscription.ID)
}
