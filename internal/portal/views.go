package portal

import (
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/locale"
	"github.com/porticohq/portico/internal/service"
)

// View models: what templates get. They hold plain values (amounts in
// minor units with their currency, unix dates, message keys); templates
// format them in the visit's language.

// business is what the portal shows of the merchant: LogoURL, IconURL and
// BrandCSS (the stylesheet of its colours) come from the account's
// branding (POST /v1/account), see brandingOf.
type business struct {
	Name, Headline, ReturnURL, PrivacyURL, TermsURL string
	LogoURL, IconURL, BrandCSS                      string
}

// page is what every portal page carries.
type page struct {
	TitleKey      string
	Business      business
	CSRF          string // the token of the page's action forms
	LogoutCSRF    string
	Notice, Error string // message keys
	// InFlow hides the portal's navigation: the visit is in a flow, and
	// the only way out is the merchant's return link.
	InFlow bool
}

// cardForm is the card form (templates/_card.html).
type cardForm struct {
	Action, CSRF string
	Error        string // message key
	Button       string // message key of the button; "" for pm.save
	Hidden       map[string]string
}

type priceView struct {
	Amount        int64
	Currency      string
	Interval      string
	IntervalCount int64
	Quantity      int64
}

type discountView struct {
	Name      string
	Percent   string // "20" for 20% off; empty for an amount off
	AmountOff int64
	Currency  string
}

type subView struct {
	ID, Name   string
	Status     string // trialing, active, past_due, canceling, paused, incomplete, unpaid
	Currency   string
	Prices     []priceView
	Discounts  []discountView
	TrialEnd   int64
	PeriodEnd  int64
	EndsAt     int64
	ResumesAt  int64
	NextAmount int64
	CanCancel  bool
	CanRenew   bool
	CanUpdate  bool
	CanPause   bool
	CanResume  bool
	// OwnCard is the subscription's own default_payment_method, which
	// overrides the customer's default.
	OwnCard string
	// Text is the subscription's card on the homepage in the visit's
	// language, filled by localizeHome (like invoice rows, formatted in Go
	// rather than by template calls).
	Text subText
}

// subText is a subscription's homepage text.
type subText struct {
	Badge, Status string
	StatusStrong  bool // a status that needs the customer's action
	Prices        []string
	Discounts     []string
}

type cardView struct {
	ID, Brand, BrandShort, Last4 string
	ExpMonth                     string
	ExpYear                      int
	Default, Expired, CanRemove  bool
	ExpiringSoon                 bool // expires at the end of this month or the next
	// Name and Expires are the card's lines in the visit's language,
	// filled by localizeHome.
	Name, Expires string
}

type billingView struct {
	Name, Email, Phone                          string
	Address                                     billing.Address
	AddressLines                                []string
	TaxIDs                                      []taxIDView
	TaxTypeOptions                              template.HTML // the type <option>s
	EditTaxIDs                                  bool
	Editable                                    bool
	EditName, EditEmail, EditPhone, EditAddress bool
}

type invoiceView struct {
	ID, Number, Status string
	Created, Amount    int64
	Currency           string
	HostedURL, PDFURL  string
}

// localizeHome formats the homepage's subscriptions, cards and invoice
// rows in loc's language: hundreds of template function calls otherwise,
// most of the page's rendering time.
func localizeHome(v *homeView, loc *locale.Locale) {
	for i := range v.Subscriptions {
		sv := &v.Subscriptions[i]
		sv.Text = subText{Badge: loc.T("subs.badge." + sv.Status), Status: subStatusText(sv, loc), StatusStrong: sv.Status == "past_due"}
		for _, p := range sv.Prices {
			line := loc.Plural("price."+p.Interval, p.IntervalCount, "amount", loc.Money(p.Amount, p.Currency))
			if p.Quantity > 1 {
				line += " · " + loc.T("subs.quantity", "count", loc.Number(p.Quantity))
			}
			sv.Text.Prices = append(sv.Text.Prices, line)
		}
		for _, d := range sv.Discounts {
			if d.Percent != "" {
				sv.Text.Discounts = append(sv.Text.Discounts, loc.T("subs.discount_percent", "name", d.Name, "percent", d.Percent))
			} else {
				sv.Text.Discounts = append(sv.Text.Discounts, loc.T("subs.discount_amount", "name", d.Name, "amount", loc.Money(d.AmountOff, d.Currency)))
			}
		}
	}
	for i := range v.PaymentMethods {
		c := &v.PaymentMethods[i]
		c.Name = loc.T("pm.card", "brand", c.Brand, "last4", c.Last4)
		c.Expires = loc.T("pm.expires", "month", c.ExpMonth, "year", c.ExpYear)
	}
	v.SubscriptionCards = subscriptionCards(v.Subscriptions, v.CSRF, loc)
	v.PaymentMethodCards = paymentMethodCards(v.PaymentMethods, v.CSRF, loc)
	v.InvoiceRows = invoiceRows(v.Invoices, v.CSRF, loc)
}

// subStatusText is the line saying where subscription sv stands.
func subStatusText(sv *subView, loc *locale.Locale) string {
	switch sv.Status {
	case "trialing":
		return loc.T("subs.trial_ends", "date", loc.Date(sv.TrialEnd))
	case "canceling":
		return loc.T("subs.cancels", "date", loc.Date(sv.EndsAt))
	case "past_due":
		return loc.T("subs.past_due")
	case "paused":
		if sv.ResumesAt != 0 {
			return loc.T("subs.paused_until", "date", loc.Date(sv.ResumesAt))
		}
		return loc.T("subs.paused")
	case "incomplete":
		return loc.T("subs.incomplete")
	}
	if sv.PeriodEnd != 0 {
		return loc.T("subs.next_invoice", "amount", loc.Money(sv.NextAmount, sv.Currency), "date", loc.Date(sv.PeriodEnd))
	}
	return ""
}

type homeView struct {
	page
	CustomerLabel      string
	ShowSubscriptions  bool
	Subscriptions      []subView
	SubscriptionCards  template.HTML // the list's items: subscriptionCards
	ShowPaymentMethods bool
	PaymentMethods     []cardView
	PaymentMethodCards template.HTML // the list's items: paymentMethodCards
	Overrides          []string      // names of subscriptions paid with their own card
	AddCardOpen        bool
	CardError          string // message key, shown in the add-card form
	CardForm           cardForm
	ShowBilling        bool
	Billing            billingView
	BillingOpen        bool
	TaxIDOpen          bool
	TaxIDError         string // message key, shown in the add-tax-ID form
	ShowInvoices       bool
	Invoices           []invoiceView
	InvoiceRows        template.HTML // the table's rows: invoiceRows
	MoreInvoices       bool          // older invoices are on the history's pages
	Shipping           shippingView
	ShippingOpen       bool
}

type cancelView struct {
	page
	Sub         subView
	Immediately bool
	Reasons     []string
	// Credit is the proration credit for the unused time when the
	// subscription is canceled at once with prorations (0: none).
	Credit int64
	// Offer is the cancel flow's retention coupon, offered instead.
	Offer *discountView
}

var brandNames = map[string][2]string{
	"visa": {"Visa", "VISA"}, "mastercard": {"Mastercard", "MC"}, "amex": {"American Express", "AMEX"},
	"discover": {"Discover", "DISC"}, "diners": {"Diners Club", "DC"}, "jcb": {"JCB", "JCB"}, "unionpay": {"UnionPay", "UP"},
}

func businessOf(d *service.PortalHomeData, returnURL string) business {
	bp := d.Configuration.BusinessProfile
	name := d.BusinessName
	if name == "" {
		name = "Portico"
	}
	b := business{Name: name, Headline: bp.Headline, ReturnURL: returnURL, PrivacyURL: bp.PrivacyPolicyURL, TermsURL: bp.TermsOfServiceURL}
	brandingOf(&b, d.Account)
	return b
}

// couponView describes what coupon co takes off.
func couponView(co *billing.Coupon) discountView {
	dv := discountView{Name: co.Name, Currency: co.Currency}
	if dv.Name == "" {
		dv.Name = co.ID
	}
	switch {
	case co.PercentOff != nil:
		dv.Percent = strconv.FormatFloat(*co.PercentOff, 'f', -1, 64)
	case co.AmountOff != nil:
		dv.AmountOff = *co.AmountOff
	}
	return dv
}

// subscriptionView describes one subscription. Its next amount is the
// items' list prices less its coupons: an estimate until the homepage
// reads the upcoming invoice.
func subscriptionView(ps service.PortalSubscription, f *billing.PortalFeatures, now int64) subView {
	sub := ps.Subscription
	v := subView{ID: sub.ID, Status: sub.Status, Currency: sub.Currency}
	var names []string
	var total int64
	for _, it := range sub.Items {
		pr := ps.Prices[it.Price]
		if pr == nil {
			continue
		}
		if prod := ps.Products[pr.Product]; prod != nil && !slices.Contains(names, prod.Name) {
			names = append(names, prod.Name)
		}
		pv := priceView{Currency: pr.Currency, Quantity: it.Quantity, Interval: "month", IntervalCount: 1}
		if pr.UnitAmount != nil {
			pv.Amount = *pr.UnitAmount
			total += *pr.UnitAmount * it.Quantity
		}
		if pr.Recurring != nil {
			pv.Interval, pv.IntervalCount = pr.Recurring.Interval, max(pr.Recurring.IntervalCount, 1)
		}
		v.Prices = append(v.Prices, pv)
		if it.CurrentPeriodEnd > v.PeriodEnd {
			v.PeriodEnd = it.CurrentPeriodEnd
		}
	}
	v.Name = strings.Join(names, ", ")
	for _, co := range ps.Coupons {
		switch {
		case co.PercentOff != nil:
			total -= int64(float64(total) * *co.PercentOff / 100)
		case co.AmountOff != nil:
			total -= *co.AmountOff
		}
		v.Discounts = append(v.Discounts, couponView(co))
	}
	v.NextAmount = max(total, 0)
	if sub.TrialEnd != nil {
		v.TrialEnd = *sub.TrialEnd
	}
	switch {
	case sub.Status == billing.SubPaused || (sub.PauseCollection != nil && sub.Status == billing.SubActive):
		v.Status = "paused"
		if sub.PauseCollection != nil && sub.PauseCollection.ResumesAt != nil {
			v.ResumesAt = *sub.PauseCollection.ResumesAt
		}
	case sub.CancelAtPeriodEnd || sub.CancelAt != nil:
		v.Status = "canceling"
		v.EndsAt = v.PeriodEnd
		if sub.CancelAt != nil {
			v.EndsAt = *sub.CancelAt
		}
	case sub.Status == billing.SubIncompleteExpired:
		v.Status = "incomplete"
	}
	live := sub.Status != billing.SubCanceled && sub.Status != billing.SubIncompleteExpired && sub.Status != billing.SubIncomplete
	v.CanCancel = f.SubscriptionCancel.Enabled && live && v.Status != "canceling"
	v.CanRenew = f.SubscriptionCancel.Enabled && live && v.Status == "canceling"
	v.CanPause = f.SubscriptionPause.Enabled && live && (v.Status == "active" || v.Status == "trialing")
	v.CanResume = f.SubscriptionPause.Enabled && v.Status == "paused"
	v.OwnCard = sub.DefaultPaymentMethod
	return v
}

// needsDefault reports whether some subscription is charged to the
// customer's default card (it has no card of its own and is not ending).
func needsDefault(subs []service.PortalSubscription) bool {
	for _, ps := range subs {
		s := ps.Subscription
		if s.DefaultPaymentMethod == "" && s.CollectionMethod != "send_invoice" && s.Status != billing.SubCanceled && s.Status != billing.SubIncompleteExpired {
			return true
		}
	}
	return false
}

// cardRemovable reports whether the customer may remove card pm: not the
// default while a subscription is charged to the default, and not a card a
// subscription names as its own.
func cardRemovable(d *service.PortalHomeData, pm string) bool {
	for _, ps := range d.Subscriptions {
		if ps.Subscription.DefaultPaymentMethod == pm && ps.Subscription.Status != billing.SubCanceled {
			return false
		}
	}
	return pm != d.Customer.InvoiceSettings.DefaultPaymentMethod || !needsDefault(d.Subscriptions)
}

// expiresSoon reports whether card, not yet expired, expires at the end of
// now's month or of the next, so the customer can replace it in time.
func expiresSoon(card billing.Card, now time.Time) bool {
	if card.Expired(now) {
		return false
	}
	now = now.UTC()
	left := (int(card.ExpYear)*12 + int(card.ExpMonth)) - (now.Year()*12 + int(now.Month()))
	return left <= 1
}

func cardViews(d *service.PortalHomeData) []cardView {
	now := time.Unix(d.Now, 0)
	out := make([]cardView, 0, len(d.PaymentMethods))
	for _, pm := range d.PaymentMethods {
		b, ok := brandNames[pm.Card.Brand]
		if !ok {
			b = [2]string{"Card", "CARD"}
		}
		out = append(out, cardView{ID: pm.ID, Brand: b[0], BrandShort: b[1], Last4: pm.Card.Last4,
			ExpMonth: pad2(pm.Card.ExpMonth), ExpYear: pm.Card.ExpYear, Default: pm.ID == d.Customer.InvoiceSettings.DefaultPaymentMethod,
			Expired: pm.Card.Expired(now), ExpiringSoon: expiresSoon(pm.Card, now), CanRemove: cardRemovable(d, pm.ID)})
	}
	return out
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func billingOf(d *service.PortalHomeData) billingView {
	cu := d.Customer
	b := billingView{Name: cu.Name, Email: cu.Email, Phone: cu.Phone}
	if a := cu.Address; a != nil {
		b.Address = *a
		// North American addresses put the postal code after the city and
		// state; most others before the city.
		cityLine := []string{strings.TrimSpace(a.PostalCode + " " + a.City), a.State}
		if a.Country == "US" || a.Country == "CA" {
			cityLine = []string{strings.TrimSpace(strings.Trim(a.City+", "+a.State, ", ") + " " + a.PostalCode)}
		}
		lines := append(append([]string{a.Line1, a.Line2}, cityLine...), a.Country)
		for _, l := range lines {
			if l != "" {
				b.AddressLines = append(b.AddressLines, l)
			}
		}
	}
	for _, t := range d.TaxIDs {
		b.TaxIDs = append(b.TaxIDs, taxIDView{ID: t.ID, Label: taxTypeLabel(t.Type), Value: t.Value})
	}
	cuf := d.Configuration.Features.CustomerUpdate
	if cuf.Enabled {
		b.EditName = slices.Contains(cuf.AllowedUpdates, "name")
		b.EditEmail = slices.Contains(cuf.AllowedUpdates, "email")
		b.EditPhone = slices.Contains(cuf.AllowedUpdates, "phone")
		b.EditAddress = slices.Contains(cuf.AllowedUpdates, "address")
		b.Editable = b.EditName || b.EditEmail || b.EditPhone || b.EditAddress
		if b.EditTaxIDs = slices.Contains(cuf.AllowedUpdates, "tax_id"); b.EditTaxIDs {
			b.TaxTypeOptions = taxTypeOptions
		}
	}
	return b
}

func (h *Handler) invoiceViews(d *service.PortalHomeData) []invoiceView {
	out := make([]invoiceView, 0, len(d.Invoices))
	for _, in := range d.Invoices {
		at := in.Created
		if in.StatusTransitions.FinalizedAt != nil {
			at = *in.StatusTransitions.FinalizedAt
		}
		out = append(out, invoiceView{ID: in.ID, Number: in.Number, Status: in.Status, Created: at, Amount: in.Total, Currency: in.Currency,
			HostedURL: h.publicURL + "/billing/invoices/" + in.ID, PDFURL: h.publicURL + "/billing/invoices/" + in.ID + "/pdf"})
	}
	return out
}

// homeViewOf builds the homepage's view.
func (h *Handler) homeViewOf(d *service.PortalHomeData, returnURL string) homeView {
	f := &d.Configuration.Features
	v := homeView{page: page{TitleKey: "portal.title", Business: businessOf(d, returnURL)}}
	v.CustomerLabel = d.Customer.Name
	if e := d.Customer.Email; e != "" && v.CustomerLabel != "" {
		v.CustomerLabel += " · " + e
	} else if v.CustomerLabel == "" {
		v.CustomerLabel = e
	}
	if v.CustomerLabel == "" {
		v.CustomerLabel = d.Customer.ID
	}
	v.ShowSubscriptions = true
	for _, ps := range d.Subscriptions {
		sv := subscriptionView(ps, f, d.Now)
		sv.CanUpdate = canUpdate(ps, f) && sv.Status != "canceling"
		v.Subscriptions = append(v.Subscriptions, sv)
		if sv.OwnCard != "" && sv.OwnCard != d.Customer.InvoiceSettings.DefaultPaymentMethod {
			v.Overrides = append(v.Overrides, sv.Name)
		}
	}
	v.ShowPaymentMethods = f.PaymentMethodUpdate.Enabled
	if v.ShowPaymentMethods {
		v.PaymentMethods = cardViews(d)
	}
	v.ShowBilling = f.CustomerUpdate.Enabled
	v.Billing = billingOf(d)
	v.Shipping = shippingOf(d)
	v.ShowInvoices = f.InvoiceHistory.Enabled
	if v.ShowInvoices {
		v.Invoices, v.MoreInvoices = h.invoiceViews(d), d.MoreInvoices
	}
	return v
}
