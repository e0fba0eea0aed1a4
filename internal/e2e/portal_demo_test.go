package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/porticohq/portico/internal/app"
	"github.com/porticohq/portico/internal/demo"
	"github.com/porticohq/portico/internal/testenv"
)

func TestPortalDemoDefaultsAndDevLink(t *testing.T) {
	p := &pagesEnv{browser: newBrowser(), public: "http://portico.test"}
	p.env = startWith(t, app.Config{DB: testenv.DB(t), PublicURL: p.public, Dev: true})
	res, err := demo.Seed(p.ctx, p.app.Service)
	if err != nil || !res.Seeded {
		t.Fatalf("seed: %v", err)
	}
	def := p.defaultConfig()
	su := def.Features.SubscriptionUpdate
	if !su.Enabled || len(su.Products) != 3 || len(su.Products[0].Prices) != 2 || su.Products[0].AdjustableQuantity.Maximum != 50 {
		t.Fatalf("default configuration after demo seed: %+v", su)
	}
	link := p.app.DemoPortalLink(p.ctx)
	if !strings.HasPrefix(link, "http://portico.test/p/dev/customers/cus_") {
		t.Fatalf("demo link %q", link)
	}
	// The standing link makes a new session link at every visit.
	for i := 0; i < 2; i++ {
		r := p.get(p.browser, link)
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "http://portico.test/p/session/test_") {
			t.Fatalf("dev link: %d %v", r.status, r.header)
		}
		if r := p.get(p.browser, r.header.Get("Location")); r.status != http.StatusSeeOther {
			t.Fatalf("session link: %d", r.status)
		}
		if home := p.get(p.browser, p.public+"/p/"); !strings.Contains(home.body, "Jenny Rosen") {
			t.Fatalf("home: %s", home.body)
		}
	}
	// Outside dev mode there is no such link.
	q := startPages(t, "http://portico.test")
	if q.app.DemoPortalLink(q.ctx) != "" {
		t.Fatal("demo link outside dev mode")
	}
	if r := q.get(newBrowser(), "http://portico.test/p/dev/customers/cus_x"); r.status != http.StatusNotFound {
		t.Fatalf("dev link outside dev mode: %d", r.status)
	}
}
