package e2e

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	stripe "github.com/stripe/stripe-go/v85"
)

// The homepage lists the customer's most recent invoices and links to the
// history, whose pages (older ones through ?after=) show every invoice the
// customer can see exactly once, newest first, drafts left out; a cursor
// that is not one of the customer's invoices is not found.
func TestPortalInvoiceHistoryPages(t *testing.T) {
	p, browser := bigPortal(t)
	ctx := p.ctx
	invRow := regexp.MustCompile(`/billing/invoices/(in_[A-Za-z0-9]+)"`)
	ids := func(body string) []string {
		var out []string
		for _, m := range invRow.FindAllStringSubmatch(body, -1) {
			if len(out) == 0 || out[len(out)-1] != m[1] {
				out = append(out, m[1])
			}
		}
		return out
	}

	home := p.get(browser, p.public+"/p/")
	if home.status != http.StatusOK {
		t.Fatalf("home: %d", home.status)
	}
	onHome := ids(home.body)
	if len(onHome) != 10 || !strings.Contains(home.body, `href="/p/invoices"`) {
		t.Fatalf("homepage lists %d invoices (want the 10 newest) with link to the history: %v", len(onHome), strings.Contains(home.body, `href="/p/invoices"`))
	}

	// Every invoice the customer can see, from the API, newest first.
	var want []string
	cus := ""
	it := p.sc.V1Invoices.List(ctx, &stripe.InvoiceListParams{ListParams: stripe.ListParams{Limit: stripe.Int64(100)}})
	for in, err := range it.All(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if cus == "" {
			cus = in.Customer.ID
		}
		if in.Customer.ID == cus && in.Status != stripe.InvoiceStatusDraft {
			want = append(want, in.ID)
		}
	}
	if len(want) < 100 {
		t.Fatalf("the API lists %d visible invoices", len(want))
	}
	if strings.Join(onHome, ",") != strings.Join(want[:10], ",") {
		t.Fatalf("homepage invoices %v, want the newest %v", onHome, want[:10])
	}

	var seen []string
	var bodies []string
	next := "/p/invoices"
	for pages := 0; next != ""; pages++ {
		if pages > 10 {
			t.Fatal("the history does not end")
		}
		r := p.get(browser, p.public+next)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d", next, r.status)
		}
		rows := ids(r.body)
		if len(rows) == 0 || len(rows) > 25 {
			t.Fatalf("%s lists %d invoices", next, len(rows))
		}
		seen = append(seen, rows...)
		bodies = append(bodies, r.body)
		next = ""
		if m := regexp.MustCompile(`href="(/p/invoices\?after=in_[A-Za-z0-9]+)" rel="next"`).FindStringSubmatch(r.body); m != nil {
			next = m[1]
		}
	}
	if strings.Join(seen, ",") != strings.Join(want, ",") {
		t.Fatalf("the history's pages list %d invoices, want the %d visible ones in order", len(seen), len(want))
	}

	// An open invoice far down the history is paid from its page.
	var m []string
	payForm := regexp.MustCompile(`action="/p/invoices/(in_[A-Za-z0-9]+)/pay"[^>]*><input type="hidden" name="csrf" value="([^"]+)"`)
	for _, b := range bodies {
		for _, f := range payForm.FindAllStringSubmatch(b, -1) {
			if m == nil && !strings.Contains(strings.Join(onHome, ","), f[1]) {
				m = f
			}
		}
	}
	if m == nil {
		t.Fatal("no pay button on the history's pages for an invoice older than the homepage's")
	}
	r := p.post(browser, p.public+"/p/invoices/"+m[1]+"/pay", url.Values{"csrf": {m[2]}}, "Origin: "+p.public)
	if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "invoice_paid") {
		t.Fatalf("paying %s from the history: %d %s", m[1], r.status, r.header.Get("Location"))
	}
	if in, err := p.sc.V1Invoices.Retrieve(ctx, m[1], nil); err != nil || in.Status != stripe.InvoiceStatusPaid {
		t.Fatalf("invoice %s after paying from the history: %v %v", m[1], in.Status, err)
	}

	// Another customer's invoice as the cursor.
	other, err := p.sc.V1Customers.Create(ctx, &stripe.CustomerCreateParams{Email: stripe.String("other@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.sc.V1InvoiceItems.Create(ctx, &stripe.InvoiceItemCreateParams{Customer: stripe.String(other.ID), Amount: stripe.Int64(500), Currency: stripe.String("usd")}); err != nil {
		t.Fatal(err)
	}
	oin, err := p.sc.V1Invoices.Create(ctx, &stripe.InvoiceCreateParams{Customer: stripe.String(other.ID), PendingInvoiceItemsBehavior: stripe.String("include")})
	if err != nil {
		t.Fatal(err)
	}
	if r := p.get(browser, p.public+"/p/invoices?after="+oin.ID); r.status != http.StatusNotFound || strings.Contains(r.body, oin.ID) {
		t.Fatalf("another customer's invoice as the cursor: %d", r.status)
	}
}
