package portal

import (
	"net/http"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
)

// Pausing is a Portico extension (Stripe removed it from its portal):
// with features.subscription_pause enabled, a customer can pause
// collection of a subscription (its invoices are voided while paused) and
// resume it.

// pause pauses collection of a subscription until the customer resumes it.
func (h *Handler) pause(w http.ResponseWriter, r *http.Request) {
	vis, d, ok := h.action(w, r)
	if !ok {
		return
	}
	ps, ok := ownSub(d, r.PathValue("id"))
	if !ok || !subscriptionView(ps, &d.Configuration.Features, d.Now).CanPause {
		h.notFound(w, r)
		return
	}
	p := service.SubscriptionParams{PauseCollection: service.Set(&billing.PauseCollection{Behavior: "void"})}
	if _, err := h.svc.UpdateSubscription(vis.ctx, ps.Subscription.ID, p); err != nil {
		h.actionFailed(w, r, err, "sub-"+ps.Subscription.ID)
		return
	}
	backHome(w, r, "notice", "paused", "sub-"+ps.Subscription.ID)
}

// resume ends a pause: a paused subscription (status paused, after a trial
// without a card) starts a new period; paused collection simply resumes.
func (h *Handler) resume(w http.ResponseWriter, r *http.Request) {
	vis, d, ok := h.action(w, r)
	if !ok {
		return
	}
	ps, ok := ownSub(d, r.PathValue("id"))
	if !ok || !subscriptionView(ps, &d.Configuration.Features, d.Now).CanResume {
		h.notFound(w, r)
		return
	}
	var err error
	if ps.Subscription.Status == billing.SubPaused {
		_, err = h.svc.ResumeSubscription(vis.ctx, ps.Subscription.ID)
	} else {
		_, err = h.svc.UpdateSubscription(vis.ctx, ps.Subscription.ID, service.SubscriptionParams{PauseCollection: service.Set[*billing.PauseCollection](nil)})
	}
	if err != nil {
		h.actionFailed(w, r, err, "sub-"+ps.Subscription.ID)
		return
	}
	backHome(w, r, "notice", "resumed", "sub-"+ps.Subscription.ID)
}
