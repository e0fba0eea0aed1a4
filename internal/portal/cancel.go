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
	vis, d, ok := h.signedInHome(w, r)
	if !ok {
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
	v := cancelView{page: page{TitleKey: "subs.cancel_heading", Business: businessOf(d, vis.v.ReturnURL), InFlow: vis.flow != nil}, Sub: sv,
		Immediately: f.SubscriptionCancel.Mode == "immediately"}
	if f.SubscriptionCancel.CancellationReason.Enabled {
		v.Reasons = f.SubscriptionCancel.CancellationReason.Options
	}
	if v.Immediately && f.SubscriptionCancel.ProrationBehavior != "none" {
		v.Credit = cancelCredit(ps, d.Now)
	}
	if vis.inFlow(billing.FlowSubscriptionCancel, ps.Subscription.ID) && vis.flow.RetentionCoupon != "" {
		if co, err := h.svc.Coupon(vis.ctx, vis.flow.RetentionCoupon); err == nil {
			dv := couponView(co)
			v.Offer = &dv
		}
	}
	if k := r.URL.Query().Get("error"); errs[k] {
		v.Error = "err." + k
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
		h.done(w, r, vis, "canceled", "subscriptions")
		return
	}
	_, err := h.svc.UpdateSubscription(vis.ctx, id, service.SubscriptionParams{CancelAtPeriodEnd: service.Set(true),
		CancellationDetails: service.Set(details)})
	if err != nil {
		h.actionFailed(w, r, err, "subscriptions")
		return
	}
	h.done(w, r, vis, "cancel_scheduled", "sub-"+id)
}

// cancelCredit is what cancelling now credits for the rest of the period:
// each item's amount prorated from now to its period end (trials and
// free items credit nothing).
func cancelCredit(ps service.PortalSubscription, now int64) int64 {
	sub := ps.Subscription
	if sub.Status == billing.SubTrialing {
		return 0
	}
	var credit int64
	for _, it := range sub.Items {
		if pr := ps.Prices[it.Price]; pr != nil {
			credit += billing.Prorate(billing.LineAmount(pr, it.Quantity), it.CurrentPeriodStart, it.CurrentPeriodEnd, now)
		}
	}
	return credit
}

// acceptRetention applies the cancel flow's retention coupon and keeps
// the subscription (the existing discounts stay).
func (h *Handler) acceptRetention(w http.ResponseWriter, r *http.Request) {
	vis, d, ok := h.action(w, r)
	if !ok {
		return
	}
	ps, ok := ownSub(d, r.PathValue("id"))
	if !ok || !vis.inFlow(billing.FlowSubscriptionCancel, ps.Subscription.ID) || vis.flow.RetentionCoupon == "" {
		h.notFound(w, r)
		return
	}
	var ds []service.DiscountParams
	for _, id := range ps.Subscription.Discounts {
		ds = append(ds, service.DiscountParams{Discount: id})
	}
	ds = append(ds, service.DiscountParams{Coupon: vis.flow.RetentionCoupon})
	if _, err := h.svc.UpdateSubscription(vis.ctx, ps.Subscription.ID, service.SubscriptionParams{Discounts: service.Set(ds)}); err != nil {
		h.actionFailed(w, r, err, "sub-"+ps.Subscription.ID)
		return
	}
	h.done(w, r, vis, "retention_accepted", "sub-"+ps.Subscription.ID)
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
