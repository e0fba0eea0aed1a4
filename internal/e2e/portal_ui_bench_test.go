package e2e

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/demo"
	"github.com/porticohq/portico/internal/service"
	stripe "github.com/stripe/stripe-go/v85"
)

// bigPortal is a signed-in browser on the portal of a customer with 5
// subscriptions, 5 cards and 100 invoices (issue 5's performance case).
func bigPortal(t testing.TB) (*pagesEnv, *http.Client) {
	tt, ok := t.(*testing.T)
	if !ok {
		tt = &testing.T{}
	}
	p := startPages(tt, "http://portico.test")
	ctx := p.ctx
	svc := p.app.Service
	res, err := demo.Seed(ctx, svc)
	if err != nil {
		t.Fatal(err)
	}
	growCustomer(t, p, res.Customer.ID)
	cus := res.Customer.ID
	s, err := p.sc.V1BillingPortalSessions.Create(ctx, &stripe.BillingPortalSessionCreateParams{Customer: stripe.String(cus), ReturnURL: stripe.String("https://example.com")})
	if err != nil {
		t.Fatal(err)
	}
	browser := newBrowser()
	p.t = tt
	if r := p.get(browser, s.URL); r.status != http.StatusSeeOther {
		t.Fatalf("open: %d", r.status)
	}
	return p, browser
}

// growCustomer gives the demo customer cus 5 cards, 5 subscriptions and
// 100 invoices in all (issue 5's performance case).
func growCustomer(t testing.TB, p *pagesEnv, cus string) {
	ctx := p.ctx
	svc := p.app.Service
	for _, card := range []string{"pm_card_amex", "pm_card_discover", "pm_card_visa_debit"} {
		if _, err := svc.AttachPaymentMethod(ctx, card, cus); err != nil {
			t.Fatal(err)
		}
	}
	prod, err := svc.CreateProduct(ctx, service.ProductParams{Name: service.Set("Add-on")})
	if err != nil {
		t.Fatal(err)
	}
	for _, amount := range []int64{500, 700} {
		params := benchPrice(prod.ID)
		params.UnitAmount = &amount
		pr, err := svc.CreatePrice(ctx, params)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CreateSubscription(ctx, service.SubscriptionParams{Customer: cus, Items: service.Set([]service.ItemParams{{Price: pr.ID}})}); err != nil {
			t.Fatal(err)
		}
	}
	err = svc.Atomic(ctx, func(ctx context.Context) error {
		for i := 0; i < 95; i++ {
			if _, err := svc.CreateInvoiceItem(ctx, service.InvoiceItemParams{Customer: cus, Amount: service.Set[int64](1000 + int64(i)), Currency: "usd",
				Description: service.Set("Usage")}); err != nil {
				return err
			}
			in, err := svc.CreateInvoice(ctx, service.InvoiceParams{Customer: cus, CollectionMethod: "send_invoice", DaysUntilDue: service.Set[int64](30), PendingItems: "include"})
			if err != nil {
				return err
			}
			if _, err := svc.FinalizeInvoice(ctx, in.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if l, err := svc.ListInvoices(ctx, billing.InvoiceFilter{Customer: cus}, billing.Page{Limit: 100}); err != nil || len(l.Data) < 100 {
		t.Fatalf("invoices: %d %v", len(l.Data), err)
	}
}

// BenchmarkPortalHomepage renders the homepage of a customer with 5
// subscriptions, 5 cards and 100 invoices from 32 concurrent clients with
// the same visit (benchLoad reports p50/p99).
func BenchmarkPortalHomepage(b *testing.B) {
	p, browser := bigPortal(b)
	u, _ := http.NewRequest("GET", p.srv.URL+"/p/", nil)
	cookies := browser.Jar.Cookies(u.URL)
	benchLoad(b, func(int64) *http.Request {
		req, _ := http.NewRequest("GET", p.srv.URL+"/p/", nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		return req
	})
}

// BenchmarkPortalHomepageCPU renders the same homepage through the app's
// handler on one goroutine, without a network: its ns/op is the server's
// CPU time per page, the figure that stays put when the machine is busy.
func BenchmarkPortalHomepageCPU(b *testing.B) {
	p, browser := bigPortal(b)
	u := p.srv.URL + "/p/"
	cookies := browser.Jar.Cookies(httptest.NewRequest("GET", u, nil).URL)
	h := p.app.Handler()
	b.ReportAllocs()
	cpu0 := processCPU()
	for b.Loop() {
		// A request per page, as a server has: handlers may keep what
		// they learn in the request.
		req := httptest.NewRequest("GET", u, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("homepage: %d", rec.Code)
		}
	}
	// The process's CPU time (garbage collection on the other core
	// included) per page: the cost a saturated server pays, and a figure
	// that other work on the machine does not inflate as it does ns/op.
	b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
}

// processCPU is the CPU time the process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestPortalHomepageWeight: the homepage of the big customer with its
// stylesheet and script weighs under 60 KB gzip-compressed.
func TestPortalHomepageWeight(t *testing.T) {
	p, browser := bigPortal(t)
	home := p.get(browser, p.public+"/p/")
	if home.status != 200 {
		t.Fatalf("home: %d", home.status)
	}
	total := gz(home.body)
	for _, m := range regexp.MustCompile(`(?:href|src)="(/p/static/[^"]+)"`).FindAllStringSubmatch(home.body, -1) {
		a := p.get(browser, p.public+m[1])
		if a.status != 200 {
			t.Fatalf("%s: %d", m[1], a.status)
		}
		total += gz(a.body)
	}
	t.Logf("homepage with assets: %d bytes uncompressed HTML, %d bytes gzip in all", len(home.body), total)
	if total > 60<<10 {
		t.Errorf("homepage weighs %d bytes compressed, over 60 KB", total)
	}
}

func gz(s string) int {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	io.WriteString(w, s)
	w.Close()
	return buf.Len()
}
