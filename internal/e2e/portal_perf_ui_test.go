package e2e

import (
	"encoding/json"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPortalUIHomepageInChromium loads the homepage of the customer with 5
// subscriptions, 5 cards and 100 invoices in Chromium, with an empty cache,
// and reads what the browser measured (Navigation and Resource Timing):
// the bytes it transferred for the page and every asset, which must stay
// under 60 KB, and how long the server took to answer, which is logged,
// not asserted (timings depend on the machine).
func TestPortalUIHomepageInChromium(t *testing.T) {
	u := startUI(t, 1280)
	growCustomer(t, u.pagesEnv, u.customer)
	u.open(nil)
	var m struct {
		Server, Load     float64 // ms: request to first byte; navigation start to load end
		Transfer, Body   int64   // bytes over the wire; decoded bodies
		Resources, Items int
	}
	raw := get(u, chromedp.Evaluate[string](`(() => {
		const n = performance.getEntriesByType("navigation")[0];
		const rs = performance.getEntriesByType("resource");
		let transfer = n.transferSize, body = n.decodedBodySize;
		for (const r of rs) { transfer += r.transferSize; body += r.decodedBodySize; }
		return JSON.stringify({Server: n.responseStart - n.requestStart, Load: n.loadEventEnd - n.startTime,
			Transfer: transfer, Body: body, Resources: rs.length,
			Items: document.querySelectorAll("#subscriptions li.sub, #payment-methods li.pm, #invoices tbody tr").length});
	})()`))
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatalf("timings %q: %v", raw, err)
	}
	u.screenshot("big-customer")
	t.Logf("homepage in Chromium: %d bytes transferred (%d decoded) for the page and %d assets; server answered in %.1f ms, load event at %.1f ms; %d subscriptions, cards and invoice rows shown",
		m.Transfer, m.Body, m.Resources, m.Server, m.Load, m.Items)
	if m.Resources < 2 || m.Transfer == 0 {
		t.Fatalf("Chromium measured %d assets, %d bytes: the page did not load its assets", m.Resources, m.Transfer)
	}
	if m.Transfer > 60<<10 {
		t.Fatalf("the homepage and its assets transferred %d bytes, over 60 KB", m.Transfer)
	}
	if m.Items != 5+5+10 {
		t.Fatalf("%d subscriptions, cards and invoice rows shown, want 5 + 5 + the 10 newest invoices", m.Items)
	}
}
