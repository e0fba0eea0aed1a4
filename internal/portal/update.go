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
	// Checked preselects the option: the current plan, or in the other
	// billing interval, the current product's price.
	Checked bool
}

type updateView struct {
	page
	Sub                    subView
	Options                []planOption
	Quantity               int64
	QuantityMin            int64
	QuantityMax            int64 // 0: no upper bound
	QuantityOK, ChangePlan bool
	// Intervals are the billing intervals to switch between (month and
	// year), when the options have more than one; Interval is the one
	// shown.
	Intervals []string
	Interval  string
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
	// flow: the visit is in an update flow for this subscription.
	flow bool
}

// updatableAt is the subscription of the request's path that its visit may
// change, for a page or (post) a form post, whose CSRF token it checks; it
// has answered the request when ok is false.
func (h *Handler) updatableAt(w http.ResponseWriter, r *http.Request, post bool) (*updatable, bool) {
	load := h.signedInHome
	if post {
		load = h.action
	}
	vis, d, ok := load(w, r)
	if !ok {
		return nil, false
	}
	return h.loadUpdatable(w, r, vis, d)
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
	u.flow = vis.inFlow(billing.FlowSubscriptionUpdate, ps.Subscription.ID) || vis.inFlow(billing.FlowSubscriptionUpdateConfirm, ps.Subscription.ID)
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

// choice reads and checks the chosen price and quantity: from the form,
// or in a subscription_update_confirm flow, the change the merchant
// prefilled.
func (u *updatable) choice(form url.Values) (planOption, int64, bool) {
	if f := u.confirmFlow(); f != nil {
		return u.flowChoice(f)
	}
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
	u, ok := h.updatableAt(w, r, false)
	if !ok {
		return
	}
	vis, d := u.vis, u.d
	if u.confirmFlow() != nil {
		// The change is the merchant's: straight to its review.
		http.Redirect(w, r, "/p/subscriptions/"+u.ps.Subscription.ID+"/review", http.StatusSeeOther)
		return
	}
	v := updateView{page: page{TitleKey: "update.heading", Business: businessOf(d, vis.v.ReturnURL), InFlow: vis.flow != nil},
		Sub: subscriptionView(u.ps, u.f, d.Now), Quantity: u.item.Quantity, ChangePlan: slices.Contains(u.f.SubscriptionUpdate.DefaultAllowedUpdates, "price")}
	v.Options, v.Intervals, v.Interval = u.byInterval(r.URL.Query().Get("interval"))
	v.QuantityMin, v.QuantityMax, v.QuantityOK = u.quantityBounds(u.item.Price)
	v.LogoutCSRF = h.csrfToken(w, r, "logout")
	if k := r.URL.Query().Get("error"); errs[k] {
		v.Error = "err." + k // an action of the update flow that failed
	} else if r.URL.Query().Has("invalid") {
		v.Error = "err.invalid"
	}
	h.view(w, r, http.StatusOK, "update", vis.loc, v)
}

// byInterval returns the options of the billing interval want (else the
// current plan's), and the intervals to switch between when the options
// have both monthly and yearly prices.
func (u *updatable) byInterval(want string) (opts []planOption, intervals []string, shown string) {
	for _, o := range u.options {
		if !slices.Contains(intervals, o.Interval) {
			intervals = append(intervals, o.Interval)
		}
		if o.Current {
			shown = o.Interval
		}
	}
	if !slices.Contains(intervals, "month") || !slices.Contains(intervals, "year") {
		for i := range u.options {
			u.options[i].Checked = u.options[i].Current
		}
		return u.options, nil, ""
	}
	if want == "month" || want == "year" {
		shown = want
	} else if shown != "month" && shown != "year" {
		shown = "month"
	}
	var current planOption
	for _, o := range u.options {
		if o.Current {
			current = o
		}
	}
	for _, o := range u.options {
		if o.Interval == shown {
			o.Checked = o.Current || o.Interval != current.Interval && o.Product == current.Product
			opts = append(opts, o)
		}
	}
	return opts, []string{"month", "year"}, shown
}

// confirmFlow is the visit's subscription_update_confirm flow for this
// subscription, or nil.
func (u *updatable) confirmFlow() *billing.PortalFlow {
	if u.vis.inFlow(billing.FlowSubscriptionUpdateConfirm, u.ps.Subscription.ID) {
		return u.vis.flow
	}
	return nil
}

// flowChoice is the change a subscription_update_confirm flow prefilled:
// its item's price and quantity, each defaulting to the current one.
func (u *updatable) flowChoice(f *billing.PortalFlow) (planOption, int64, bool) {
	price, qty := u.item.Price, u.item.Quantity
	if len(f.Items) > 0 {
		if f.Items[0].Price != "" {
			price = f.Items[0].Price
		}
		if f.Items[0].Quantity != nil {
			qty = *f.Items[0].Quantity
		}
	}
	for _, o := range u.options {
		if o.Price == price {
			return o, qty, price != u.item.Price || qty != u.item.Quantity || len(f.Discounts) > 0
		}
	}
	return planOption{}, 0, false
}
