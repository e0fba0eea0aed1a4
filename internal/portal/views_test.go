package portal

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/locale"
	"github.com/porticohq/portico/internal/render"
	"github.com/porticohq/portico/internal/service"
)

func ptr[T any](v T) *T { return &v }

func TestSubscriptionStatus(t *testing.T) {
	var f billing.PortalFeatures
	f.SubscriptionCancel.Enabled = true
	pr := &billing.Price{ID: "price_1", Product: "prod_1", Currency: "usd", UnitAmount: ptr[int64](2900), Recurring: &billing.Recurring{Interval: "month", IntervalCount: 1}}
	base := func(mod func(*billing.Subscription)) service.PortalSubscription {
		s := &billing.Subscription{ID: "sub_1", Status: billing.SubActive, Currency: "usd",
			Items: []billing.SubscriptionItem{{Price: "price_1", Quantity: 2, CurrentPeriodEnd: 2000}}}
		mod(s)
		return service.PortalSubscription{Subscription: s, Prices: map[string]*billing.Price{"price_1": pr},
			Products: map[string]*billing.Product{"prod_1": {ID: "prod_1", Name: "Pro"}},
			Coupons:  []*billing.Coupon{{ID: "c", Name: "Half", PercentOff: ptr(50.0)}}}
	}
	for _, c := range []struct {
		name             string
		mod              func(*billing.Subscription)
		status           string
		cancel, renew    bool
		endsAt, resumeAt int64
	}{
		{"active", func(*billing.Subscription) {}, "active", true, false, 0, 0},
		{"trialing", func(s *billing.Subscription) { s.Status = billing.SubTrialing; s.TrialEnd = ptr[int64](1500) }, "trialing", true, false, 0, 0},
		{"canceling", func(s *billing.Subscription) { s.CancelAtPeriodEnd = true }, "canceling", false, true, 2000, 0},
		{"cancel_at", func(s *billing.Subscription) { s.CancelAt = ptr[int64](1800) }, "canceling", false, true, 1800, 0},
		{"past_due", func(s *billing.Subscription) { s.Status = billing.SubPastDue }, "past_due", true, false, 0, 0},
		{"paused", func(s *billing.Subscription) {
			s.PauseCollection = &billing.PauseCollection{Behavior: "void", ResumesAt: ptr[int64](3000)}
		}, "paused", true, false, 0, 3000},
		{"incomplete", func(s *billing.Subscription) { s.Status = billing.SubIncomplete }, "incomplete", false, false, 0, 0},
	} {
		v := subscriptionView(base(c.mod), &f, 1000)
		if v.Status != c.status || v.CanCancel != c.cancel || v.CanRenew != c.renew || v.EndsAt != c.endsAt || v.ResumesAt != c.resumeAt {
			t.Errorf("%s: %+v", c.name, v)
		}
		if v.Name != "Pro" || v.NextAmount != 2900 || v.PeriodEnd != 2000 {
			t.Errorf("%s: name %q next %d period end %d", c.name, v.Name, v.NextAmount, v.PeriodEnd)
		}
	}
}

// TestHomepageRendersInEveryLocale renders a full homepage in every
// catalog's language and looks for keys that did not resolve and for
// merchant text that was not escaped.
func TestHomepageRendersInEveryLocale(t *testing.T) {
	folded, err := render.New()
	if err != nil {
		t.Fatal(err)
	}
	plain, err := render.NewUnfolded()
	if err != nil {
		t.Fatal(err)
	}
	// e renders with both engines: folding constant translations must not
	// change a byte of any page.
	e := bothEngines{t, folded, plain}
	v := homeView{page: page{TitleKey: "portal.title", CSRF: "tok", LogoutCSRF: "tok2", Notice: "notice.card_added", Error: "err.card_declined",
		Business: business{Name: "Acme <b>", Headline: `<script>alert(1)</script>`, ReturnURL: "https://example.com/a?b=1&c=2", PrivacyURL: "https://example.com/p", TermsURL: "https://example.com/t"}},
		CustomerLabel: "Jenny", ShowSubscriptions: true, ShowPaymentMethods: true, ShowBilling: true, ShowInvoices: true,
		Overrides: []string{"Pro"}, AddCardOpen: true, BillingOpen: true, CardError: "err.card_declined", TaxIDOpen: true, TaxIDError: "err.tax_id_invalid",
		Billing: billingView{Name: "Jenny", Editable: true, EditName: true, EditEmail: true, EditPhone: true, EditAddress: true, AddressLines: []string{"1 Main St"}, TaxIDs: []taxIDView{{ID: "txi_1", Label: "EU VAT", Value: "DE123456789"}}, EditTaxIDs: true, TaxTypeOptions: taxTypeOptions},
		PaymentMethods: []cardView{{ID: "pm_1", Brand: "Visa", BrandShort: "VISA", Last4: "4242", ExpMonth: "01", ExpYear: 2020, Expired: true},
			{ID: "pm_2", Brand: "Visa", Last4: "1111", ExpMonth: "12", ExpYear: 2040, Default: true}},
		Invoices: []invoiceView{{ID: "in_1", Number: "A-1", Status: "open", Amount: 1500, Currency: "eur", Created: 1760000000}, {ID: "in_2", Number: "A-2", Status: "paid", Amount: 1500, Currency: "jpy"}},
	}
	for _, st := range []string{"trialing", "active", "past_due", "canceling", "paused", "incomplete", "unpaid"} {
		v.Subscriptions = append(v.Subscriptions, subView{ID: "sub_" + st, Name: "Pro", Status: st, Currency: "usd", TrialEnd: 1760000000, PeriodEnd: 1760000000, EndsAt: 1760000000,
			Prices: []priceView{{Amount: 2900, Currency: "usd", Interval: "year", IntervalCount: 2, Quantity: 3}}, Discounts: []discountView{{Name: "Half", Percent: "50"}, {Name: "Five", AmountOff: 500, Currency: "usd"}},
			CanCancel: st != "canceling", CanRenew: st == "canceling", CanUpdate: st == "active", CanPause: st == "active", CanResume: st == "paused"})
	}
	unresolved := regexp.MustCompile(`\b(portal|subs|pm|billing|addr|inv|notice|err|price|reason)\.[a-z_.]+\b`)
	for _, code := range locale.Codes() {
		var buf bytes.Buffer
		localizeHome(&v, locale.Get(code))
		if err := e.Render(&buf, "home", locale.Get(code), v); err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		out := buf.String()
		if m := unresolved.FindString(out); m != "" {
			t.Errorf("%s: unresolved key %q", code, m)
		}
		if strings.Contains(out, "<script>alert") || strings.Contains(out, "Acme <b>") {
			t.Errorf("%s: merchant text not escaped", code)
		}
		cv := cancelView{page: v.page, Sub: v.Subscriptions[1], Reasons: billing.PortalCancelReasons}
		buf.Reset()
		if err := e.Render(&buf, "cancel", locale.Get(code), cv); err != nil {
			t.Fatalf("%s cancel: %v", code, err)
		}
		if m := unresolved.FindString(buf.String()); m != "" {
			t.Errorf("%s: cancel page: unresolved key %q", code, m)
		}
		buf.Reset()
		if err := e.Render(&buf, "message", locale.Get(code), messagePage{page: page{TitleKey: "msg.not_found"}, TextKey: "msg.not_found_text"}); err != nil {
			t.Fatalf("%s message: %v", code, err)
		}
		if m := unresolved.FindString(buf.String()); m != "" || strings.Contains(buf.String(), "msg.") {
			t.Errorf("%s: message page: unresolved key %q", code, m)
		}
		opt := planOption{Price: "price_1", Product: "Pro", priceView: priceView{Amount: 2900, Currency: "usd", Interval: "month", IntervalCount: 1}, Current: true}
		for name, view := range map[string]any{
			"update": updateView{page: v.page, Sub: v.Subscriptions[1], Options: []planOption{opt}, Quantity: 2, QuantityMin: 1, QuantityMax: 5, QuantityOK: true, ChangePlan: true},
			"review": reviewView{page: v.page, Sub: v.Subscriptions[1], New: opt, Quantity: 2, Lines: []reviewLine{{Description: "Unused time", Amount: -100, Currency: "usd"}}, Total: 5700, Currency: "usd", NextDate: 1760000000},
		} {
			buf.Reset()
			if err := e.Render(&buf, name, locale.Get(code), view); err != nil {
				t.Fatalf("%s %s: %v", code, name, err)
			}
			if m := unresolved.FindString(buf.String()); m != "" {
				t.Errorf("%s: %s page: unresolved key %q", code, name, m)
			}
		}
	}
}

// bothEngines renders a page with the folding engine and checks that the
// plain one renders the same bytes.
type bothEngines struct {
	t             *testing.T
	folded, plain *render.Engine
}

func (b bothEngines) Render(buf *bytes.Buffer, name string, loc *locale.Locale, data any) error {
	b.t.Helper()
	if err := b.folded.Render(buf, name, loc, data); err != nil {
		return err
	}
	var want bytes.Buffer
	if err := b.plain.Render(&want, name, loc, data); err != nil {
		return err
	}
	if got := buf.String(); got != want.String() {
		i := 0
		for i < len(got) && i < want.Len() && got[i] == want.String()[i] {
			i++
		}
		b.t.Errorf("%s in %s: folded page differs at byte %d: %q, unfolded %q", name, loc.Code, i, got[max(0, i-40):min(len(got), i+40)], want.String()[max(0, i-40):min(want.Len(), i+40)])
	}
	return nil
}

func TestExpiresSoon(t *testing.T) {
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		month, year int
		want        bool
	}{
		{10, 2026, false}, // expired
		{11, 2026, true},  // this month
		{12, 2026, true},  // next month
		{1, 2027, false},
		{12, 2027, false},
	} {
		if got := expiresSoon(billing.Card{ExpMonth: c.month, ExpYear: c.year}, now); got != c.want {
			t.Errorf("%02d/%d: expiresSoon = %v, want %v", c.month, c.year, got, c.want)
		}
	}
}
