package portal

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
)

// Changing a subscription's plan or quantity: a page to choose (GET
// /p/subscriptions/{id}/update), a review page with the invoice preview
// (GET .../review?price=&quantity=) and the confirming post (POST
// .../update). The review is a GET so that the browser's back button and a
// reload work without JavaScript; only the confirmation changes anything.

type planOption struct {
	Price, Product string
	priceView
	Current bool
}

type updateView struct {
	page
	Sub                    subView
	Options                []planOption
	Quantity               int64
	QuantityMin            int64
	QuantityMax            int64 // 0: no upper bound
	QuantityOK, ChangePlan bool
}

type reviewLine struct {
	Description string
	Amount      int64
	Currency    string
}

type reviewView struct {
	page
	Sub         subView
	New         planOption
	Quantity    int64
	Lines       []reviewLine
	Total       int64
	Currency    string
	DueNow      bool
	NextDate    int64
	ScheduledAt int64 // set when the change waits for the period end
}

// updatable is the subscription the visit may change, with the choices
// the configuration offers; ok is false when there is none.
type updatable struct {
	vis     *visit
	d       *service.PortalHomeData
	ps      service.PortalSubscription
	item    billing.SubscriptionItem
	plans   []service.PortalPlan
	options []planOption
	f       *billing.PortalFeatures
}

func (h *Handler) loadUpdatable(w http.ResponseWriter, r *http.Request, vis *visit, d *service.PortalHomeData) (*updatable, bool) {
	f := &d.Configuration.Features
	ps, ok := ownSub(d, r.PathValue("id"))
	if !ok || !canUpdate(ps, f) {
		h.notFound(w, r)
		return nil, false
	}
	plans, err := h.svc.PortalPlans(vis.ctx, d.Configuration)
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	u := &updatable{vis: vis, d: d, ps: ps, item: ps.Subscription.Items[0], plans: plans, f: f}
	for _, p := range plans {
		for _, pr := range p.Prices {
			if pr.Currency != ps.Subscription.Currency || pr.Recurring == nil {
				continue
			}
			o := planOption{Price: pr.ID, Product: p.Product.Name, Current: pr.ID == u.item.Price,
				priceView: priceView{Currency: pr.Currency, Interval: pr.Recurring.Interval, IntervalCount: max(pr.Recurring.IntervalCount, 1)}}
			if pr.UnitAmount != nil {
				o.Amount = *pr.UnitAmount
			}
			u.options = append(u.options, o)
		}
	}
	return u, true
}

// canUpdate: the feature is on with something to change, and the
// subscription is live with one item (Stripe's rule for the portal).
func canUpdate(ps service.PortalSubscription, f *billing.PortalFeatures) bool {
	su := f.SubscriptionUpdate
	s := ps.Subscription
	return su.Enabled && len(su.DefaultAllowedUpdates) > 0 && len(s.Items) == 1 && !s.Ended() && s.Status != billing.SubIncomplete
}

// quantityBounds returns the quantity limits for price, and whether the
// quantity may change at all.
func (u *updatable) quantityBounds(price string) (lo, hi int64, ok bool) {
	if !slices.Contains(u.f.SubscriptionUpdate.DefaultAllowedUpdates, "quantity") {
		return 0, 0, false
	}
	pp, found := u.f.PortalProductFor(price)
	if !found || !pp.AdjustableQuantity.Enabled {
		return 0, 0, false
	}
	lo = max(pp.AdjustableQuantity.Minimum, 1)
	if pp.AdjustableQuantity.Maximum != nil {
		hi = *pp.AdjustableQuantity.Maximum
	}
	return lo, hi, true
}

// choice reads and checks the chosen price and quantity.
func (u *updatable) choice(form url.Values) (planOption, int64, bool) {
	price := form.Get("price")
	if price == "" || !slices.Contains(u.f.SubscriptionUpdate.DefaultAllowedUpdates, "price") {
		price = u.item.Price
	}
	var opt planOption
	found := false
	for _, o := range u.options {
		if o.Price == price {
			opt, found = o, true
		}
	}
	if !found {
		return opt, 0, false
	}
	qty := u.item.Quantity
	if lo, hi, ok := u.quantityBounds(price); ok && form.Get("quantity") != "" {
		q, err := strconv.ParseInt(form.Get("quantity"), 10, 64)
		if err != nil || q < lo || (hi > 0 && q > hi) {
			return opt, 0, false
		}
		qty = q
	}
	if price == u.item.Price && qty == u.item.Quantity {
		return opt, qty, false
	}
	return opt, qty, true
}

// scheduled reports whether the configuration's schedule_at_period_end
// conditions send the change to the end of the period.
func (u *updatable) scheduled(opt planOption, qty int64) bool {
	old := u.ps.Prices[u.item.Price]
	if old == nil || old.Recurring == nil {
		return false
	}
	var oldAmount int64
	if old.UnitAmount != nil {
		oldAmount = *old.UnitAmount * u.item.Quantity
	}
	for _, c := range u.f.SubscriptionUpdate.ScheduleConditions {
		switch c {
		case "decreasing_item_amount":
			if opt.Amount*qty < oldAmount {
				return true
			}
		case "shortening_interval":
			if intervalDays(opt.Interval, opt.IntervalCount) < intervalDays(old.Recurring.Interval, old.Recurring.IntervalCount) {
				return true
			}
		}
	}
	return false
}

func intervalDays(interval string, n int64) int64 {
	return n * map[string]int64{"day": 1, "week": 7, "month": 30, "year": 365}[interval]
}

// updatePage lets the customer choose a plan and quantity.
func (h *Handler) updatePage(w http.ResponseWriter, r *http.Request) {
	vis, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	d, err := h.svc.PortalHome(vis.ctx, vis.v)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	u, ok := h.loadUpdatable(w, r, vis, d)
	if !ok {
		return
	}
	v := updateView{page: page{TitleKey: "update.heading", Business: businessOf(d, vis.v.ReturnURL)}, Sub: subscriptionView(u.ps, u.f, d.Now),
		Options: u.options, Quantity: u.item.Quantity, ChangePlan: slices.Contains(u.f.SubscriptionUpdate.DefaultAllowedUpdates, "price")}
	v.QuantityMin, v.QuantityMax, v.QuantityOK = u.quantityBounds(u.item.Price)
	v.LogoutCSRF = h.csrfToken(w, r, "logout")
	if r.URL.Query().Has("invalid") {
		v.Error = "err.invalid"
	}
	h.view(w, r, http.StatusOK, "update", vis.loc, v)
}

// reviewPage shows what the change costs, from the invoice preview.
func (h *Handler) reviewPage(w http.ResponseWriter, r *http.Request) {
	vis, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	d, err := h.svc.PortalHome(vis.ctx, vis.v)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	u, ok := h.loadUpdatable(w, r, vis, d)
	if !ok {
		return
	}
	opt, qty, ok := u.choice(r.URL.Query())
	if !ok {
		http.Redirect(w, r, "/p/subscriptions/"+u.ps.Subscription.ID+"/update?invalid=1", http.StatusSeeOther)
		return
	}
	sv := subscriptionView(u.ps, u.f, d.Now)
	v := reviewView{page: page{TitleKey: "review.heading", Business: businessOf(d, vis.v.ReturnURL)}, Sub: sv, New: opt, Quantity: qty, Currency: opt.Currency}
	if u.scheduled(opt, qty) {
		v.ScheduledAt = sv.PeriodEnd
	} else {
		in, err := h.svc.PreviewInvoice(vis.ctx, service.PreviewParams{Subscription: u.ps.Subscription.ID, Details: u.params(opt, qty)})
		if err != nil {
			h.actionFailed(w, r, err, "sub-"+u.ps.Subscription.ID)
			return
		}
		for _, l := range in.Lines {
			v.Lines = append(v.Lines, reviewLine{Description: l.Description, Amount: l.Amount, Currency: l.Currency})
		}
		v.Total, v.Currency = in.AmountDue, in.Currency
		v.DueNow = u.f.SubscriptionUpdate.ProrationBehavior == "always_invoice"
		v.NextDate = in.Created
		if in.NextPaymentAttempt != nil {
			v.NextDate = *in.NextPaymentAttempt
		}
	}
	v.CSRF = h.csrfToken(w, r, csrfPortal)
	v.LogoutCSRF = h.csrfToken(w, r, "logout")
	h.view(w, r, http.StatusOK, "review", vis.loc, v)
}

// params is the subscription change for opt and qty, with the
// configuration's proration behavior.
func (u *updatable) params(opt planOption, qty int64) *service.SubscriptionParams {
	pb := u.f.SubscriptionUpdate.ProrationBehavior
	if pb == "" {
		pb = "none"
	}
	return &service.SubscriptionParams{Items: service.Set([]service.ItemParams{{ID: u.item.ID, Price: opt.Price, Quantity: service.Set(qty)}}),
		ProrationBehavior: pb}
}

// confirmUpdate applies the reviewed change, or schedules it for the
// period end when the configuration says so.
func (h *Handler) confirmUpdate(w http.ResponseWriter, r *http.Request) {
	vis, d, ok := h.action(w, r)
	if !ok {
		return
	}
	u, ok := h.loadUpdatable(w, r, vis, d)
	if !ok {
		return
	}
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
		backHome(w, r, "notice", "update_scheduled", "sub-"+id)
		return
	}
	if _, err := h.svc.UpdateSubscription(vis.ctx, id, *u.params(opt, qty)); err != nil {
		h.actionFailed(w, r, err, "sub-"+id)
		return
	}
	backHome(w, r, "notice", "updated", "sub-"+id)
}
