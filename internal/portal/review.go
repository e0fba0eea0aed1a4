package portal

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
)

// The review page of a plan or quantity change (GET .../review), shared by
// the homepage's update action and both update flows, and its confirming
// post (POST .../update). With proration_behavior always_invoice the
// change is paid at once, with payment_behavior pending_if_incomplete: a
// declined card or a 3-D Secure challenge leaves the subscription as it
// was, the change waiting for its invoice. The review page then shows the
// failure with a card form to pay with another card (POST .../retry); a
// challenge goes through the hosted 3-D Secure page, which returns to
// GET .../paid.

type reviewLine struct {
	Description string
	Amount      int64
	Currency    string
}

type reviewView struct {
	page
	Sub      subView
	New      planOption
	Quantity int64
	Lines    []reviewLine
	// Discount is what the discounts take off the invoice; Discounts are
	// the ones the merchant's flow adds.
	Discount  int64
	Discounts []discountView
	Total     int64
	Currency  string
	DueNow    bool
	// NextDate and NextAmount are the invoice after the one due today
	// (when DueNow), or the next invoice with the change.
	NextDate    int64
	NextAmount  int64
	ScheduledAt int64 // set when the change waits for the period end
	BackURL     string
	// Pending: the change's invoice is unpaid; Retry pays it with
	// another card.
	Pending bool
	Retry   cardForm
}

// reviewPage shows what the change costs, from the invoice preview.
func (h *Handler) reviewPage(w http.ResponseWriter, r *http.Request) {
	u, ok := h.updatableAt(w, r, false)
	if !ok {
		return
	}
	vis, d := u.vis, u.d
	q := r.URL.Query()
	id := u.ps.Subscription.ID
	opt, qty, ok := u.choice(q)
	if !ok {
		if u.confirmFlow() != nil {
			h.notFound(w, r) // the prefilled change no longer applies
			return
		}
		http.Redirect(w, r, "/p/subscriptions/"+id+"/update?invalid=1", http.StatusSeeOther)
		return
	}
	sv := subscriptionView(u.ps, u.f, d.Now)
	v := reviewView{page: page{TitleKey: "review.heading", Business: businessOf(d, vis.v.ReturnURL), InFlow: vis.flow != nil},
		Sub: sv, New: opt, Quantity: qty, Currency: opt.Currency, BackURL: "/p/subscriptions/" + id + "/update"}
	if u.confirmFlow() != nil {
		v.BackURL = ""
	}
	v.CSRF = h.csrfToken(w, r, csrfPortal)
	v.LogoutCSRF = h.csrfToken(w, r, "logout")
	if k := q.Get("error"); errs[k] {
		v.Error = "err." + k
	}
	v.Discounts = h.flowDiscountViews(u)
	if inv := q.Get("pending"); inv != "" {
		if !h.pendingReview(w, r, u, &v, inv) {
			return
		}
	} else if u.scheduled(opt, qty) {
		v.ScheduledAt = sv.PeriodEnd
	} else if !h.previewReview(w, r, u, &v) {
		return
	}
	h.view(w, r, http.StatusOK, "review", vis.loc, v)
}

// previewReview fills v from the invoice preview of the change.
func (h *Handler) previewReview(w http.ResponseWriter, r *http.Request, u *updatable, v *reviewView) bool {
	id := u.ps.Subscription.ID
	in, err := h.svc.PreviewInvoice(u.vis.ctx, service.PreviewParams{Subscription: id, Details: u.params(v.New, v.Quantity)})
	if err != nil {
		if u.vis.flow != nil {
			// Not back to the flow's entry: that is this page.
			h.localMessage(w, r, http.StatusBadRequest, "msg.retry", "err.invalid")
			return false
		}
		h.actionFailed(w, r, err, "sub-"+id)
		return false
	}
	fillLines(v, in)
	old := u.ps.Prices[u.item.Price]
	intervalChange := old != nil && old.Recurring != nil && (old.Recurring.Interval != v.New.Interval || max(old.Recurring.IntervalCount, 1) != v.New.IntervalCount)
	v.DueNow = u.f.SubscriptionUpdate.ProrationBehavior == "always_invoice" || intervalChange
	if !v.DueNow {
		v.NextDate, v.NextAmount = in.Created, in.AmountDue
		if in.NextPaymentAttempt != nil {
			v.NextDate = *in.NextPaymentAttempt
		}
		return true
	}
	// The invoice after today's: the new plan's price at the end of the
	// (new) period, less the discounts.
	v.NextDate = v.Sub.PeriodEnd
	if intervalChange {
		v.NextDate = billing.AddInterval(u.d.Now, v.New.Interval, v.New.IntervalCount, 1)
	}
	v.NextAmount = v.New.Amount * v.Quantity
	if in.Subtotal > 0 {
		v.NextAmount -= v.NextAmount * v.Discount / in.Subtotal
	}
	return true
}

// fillLines copies the invoice's lines and totals into v.
func fillLines(v *reviewView, in *billing.Invoice) {
	for _, l := range in.Lines {
		v.Lines = append(v.Lines, reviewLine{Description: l.Description, Amount: l.Amount, Currency: l.Currency})
	}
	for _, da := range in.TotalDiscountAmounts {
		v.Discount += da.Amount
	}
	v.Total, v.Currency = in.AmountDue, in.Currency
}

// pendingReview fills v for a change whose invoice inv is unpaid: the
// invoice and the form to pay it with another card.
func (h *Handler) pendingReview(w http.ResponseWriter, r *http.Request, u *updatable, v *reviewView, inv string) bool {
	pu := u.ps.Subscription.PendingUpdate
	if pu == nil || pu.Invoice != inv {
		// Paid (or expired) meanwhile: nothing waits any more.
		http.Redirect(w, r, "/p/", http.StatusSeeOther)
		return false
	}
	in, err := h.svc.Invoice(u.vis.ctx, inv)
	if err != nil {
		h.fail(w, r, err)
		return false
	}
	fillLines(v, in)
	v.DueNow, v.Pending = true, true
	v.Retry = cardForm{Action: "/p/subscriptions/" + u.ps.Subscription.ID + "/retry", CSRF: v.CSRF, Button: "review.pay",
		Hidden: map[string]string{"invoice": inv, "price": v.New.Price, "quantity": strconv.FormatInt(v.Quantity, 10)}}
	return true
}

// params is the subscription change for opt and qty, with the
// configuration's proration behavior and the flow's discounts.
func (u *updatable) params(opt planOption, qty int64) *service.SubscriptionParams {
	pb := u.f.SubscriptionUpdate.ProrationBehavior
	if pb == "" {
		pb = "none"
	}
	p := &service.SubscriptionParams{Items: service.Set([]service.ItemParams{{ID: u.item.ID, Price: opt.Price, Quantity: service.Set(qty)}}),
		ProrationBehavior: pb}
	if pb == "always_invoice" {
		p.PaymentBehavior = "pending_if_incomplete"
	}
	if ds := u.flowDiscounts(); ds != nil {
		p.Discounts = service.Set(ds)
	}
	return p
}

// flowDiscounts are the subscription's discounts plus those of its
// subscription_update_confirm flow; nil without such a flow or when the
// subscription already has the flow's coupons.
func (u *updatable) flowDiscounts() []service.DiscountParams {
	f := u.confirmFlow()
	if f == nil || len(f.Discounts) == 0 {
		return nil
	}
	var ds []service.DiscountParams
	for _, id := range u.ps.Subscription.Discounts {
		ds = append(ds, service.DiscountParams{Discount: id})
	}
	added := false
	for _, fd := range f.Discounts {
		if fd.Coupon != "" && slices.ContainsFunc(u.ps.Coupons, func(c *billing.Coupon) bool { return c.ID == fd.Coupon }) {
			continue
		}
		ds, added = append(ds, service.DiscountParams{Coupon: fd.Coupon, PromotionCode: fd.PromotionCode}), true
	}
	if !added {
		return nil
	}
	return ds
}

// flowDiscountViews describes the coupons the flow adds.
func (h *Handler) flowDiscountViews(u *updatable) []discountView {
	f := u.confirmFlow()
	if f == nil {
		return nil
	}
	var out []discountView
	for _, fd := range f.Discounts {
		id := fd.Coupon
		if fd.PromotionCode != "" {
			pc, err := h.svc.PromotionCode(u.vis.ctx, fd.PromotionCode)
			if err != nil {
				continue
			}
			id = pc.Coupon
		}
		if co, err := h.svc.Coupon(u.vis.ctx, id); err == nil {
			out = append(out, couponView(co))
		}
	}
	return out
}

// confirmUpdate applies the reviewed change, or schedules it for the
// period end when the configuration says so.
func (h *Handler) confirmUpdate(w http.ResponseWriter, r *http.Request) {
	u, ok := h.updatableAt(w, r, true)
	if !ok {
		return
	}
	vis := u.vis
	opt, qty, ok := u.choice(r.PostForm)
	if !ok {
		backHome(w, r, "error", "invalid", "sub-"+u.ps.Subscription.ID)
		return
	}
	id := u.ps.Subscription.ID
	if u.scheduled(opt, qty) {
		p := u.params(opt, qty)
		if _, err := h.svc.ScheduleSubscriptionChange(vis.ctx, id, p.Items.Value); err != nil {
			h.actionFailed(w, r, err, "sub-"+id)
			return
		}
		// The flow's discounts apply from now: the period is billed
		// already, so the first invoice they reduce is the new plan's.
		if p.Discounts.Set {
			if _, err := h.svc.UpdateSubscription(vis.ctx, id, service.SubscriptionParams{Discounts: p.Discounts, ProrationBehavior: "none"}); err != nil {
				h.actionFailed(w, r, err, "sub-"+id)
				return
			}
		}
		h.done(w, r, vis, "update_scheduled", "sub-"+id)
		return
	}
	sub, err := h.svc.UpdateSubscription(vis.ctx, id, *u.params(opt, qty))
	if err != nil {
		h.actionFailed(w, r, err, "sub-"+id)
		return
	}
	if pu := sub.PendingUpdate; pu != nil && pu.Invoice != "" {
		h.paymentPending(w, r, u, opt, qty, pu.Invoice, "card_declined")
		return
	}
	h.done(w, r, vis, "updated", "sub-"+id)
}

// paymentPending sends the browser where the unpaid invoice of a change
// needs it: the 3-D Secure challenge, or the review page with errKey and
// the form to pay with another card.
func (h *Handler) paymentPending(w http.ResponseWriter, r *http.Request, u *updatable, opt planOption, qty int64, invoice, errKey string) {
	id := u.ps.Subscription.ID
	q := url.Values{"price": {opt.Price}, "quantity": {strconv.FormatInt(qty, 10)}, "pending": {invoice}}
	if in, err := h.svc.Invoice(u.vis.ctx, invoice); err == nil && in.PaymentIntent != "" {
		if pi, err := h.svc.PaymentIntent(u.vis.ctx, in.PaymentIntent); err == nil && pi.Status == billing.PIRequiresAction {
			http.Redirect(w, r, threeDSURL(pi.NextActionURL, "/p/subscriptions/"+id+"/paid?"+q.Encode()), http.StatusSeeOther)
			return
		}
	}
	q.Set("error", errKey)
	http.Redirect(w, r, "/p/subscriptions/"+id+"/review?"+q.Encode(), http.StatusSeeOther)
}

// retryPayment pays a change's unpaid invoice with a new card, which then
// becomes the customer's default (see changePaid).
func (h *Handler) retryPayment(w http.ResponseWriter, r *http.Request) {
	u, ok := h.updatableAt(w, r, true)
	if !ok {
		return
	}
	vis := u.vis
	inv := r.PostFormValue("invoice")
	pu := u.ps.Subscription.PendingUpdate
	opt, qty, ok := u.choice(r.PostForm)
	if pu == nil || pu.Invoice != inv || !ok {
		h.notFound(w, r)
		return
	}
	failed := func(err error) {
		key, ok := failureKey(err)
		if !ok {
			h.log.Error("portal payment retry failed", "error", err)
			key = "generic"
		}
		h.paymentPending(w, r, u, opt, qty, inv, key)
	}
	card, ok := cardFromForm(r)
	if !ok {
		h.paymentPending(w, r, u, opt, qty, inv, "card_invalid")
		return
	}
	pm, err := h.svc.CreatePaymentMethod(vis.ctx, service.PaymentMethodParams{Type: "card", Card: card})
	if err != nil {
		failed(err)
		return
	}
	if _, err := h.svc.PayInvoice(vis.ctx, inv, pm.ID, false); err != nil {
		failed(err)
		return
	}
	h.changePaid(w, r, u, pm.ID)
}

// paidReturn is where the 3-D Secure page returns to after a change's
// payment challenge. As setupReturn, a GET that may still apply the
// flow's discounts: only for a paid invoice of the visit's own
// subscription, and only once (flowDiscounts is nil when they are on).
func (h *Handler) paidReturn(w http.ResponseWriter, r *http.Request) {
	u, ok := h.updatableAt(w, r, false)
	if !ok {
		return
	}
	vis := u.vis
	q := r.URL.Query()
	in, err := h.svc.Invoice(vis.ctx, q.Get("pending"))
	if err != nil || in.Customer != vis.cu.ID || in.Subscription != u.ps.Subscription.ID {
		h.notFound(w, r)
		return
	}
	if in.Status == billing.InvoicePaid {
		card := ""
		if pi, err := h.svc.PaymentIntent(vis.ctx, in.PaymentIntent); err == nil {
			card = pi.PaymentMethod
		}
		h.changePaid(w, r, u, card)
		return
	}
	opt, qty, _ := u.choice(q)
	h.paymentPending(w, r, u, opt, qty, in.ID, "card_auth_failed")
}

// changePaid ends a change whose invoice was paid after the update (which
// applied the change) with card: a card other than the ones the
// subscription is charged to was given to retry, and becomes the
// customer's default; a pending change drops other parameters, so the
// flow's discounts are applied now.
func (h *Handler) changePaid(w http.ResponseWriter, r *http.Request, u *updatable, card string) {
	id := u.ps.Subscription.ID
	if card != "" && card != u.vis.cu.InvoiceSettings.DefaultPaymentMethod && card != u.ps.Subscription.DefaultPaymentMethod {
		if _, err := h.svc.UpdateCustomer(u.vis.ctx, u.vis.cu.ID, service.CustomerParams{DefaultPM: service.Set(card)}); err != nil {
			h.actionFailed(w, r, err, "sub-"+id)
			return
		}
	}
	if ds := u.flowDiscounts(); ds != nil {
		if _, err := h.svc.UpdateSubscription(u.vis.ctx, id, service.SubscriptionParams{Discounts: service.Set(ds), ProrationBehavior: "none"}); err != nil {
			h.actionFailed(w, r, err, "sub-"+id)
			return
		}
	}
	h.done(w, r, u.vis, "updated", "sub-"+id)
}
