package e2e

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	stripe "github.com/stripe/stripe-go/v85"
)

// page GETs a hosted page (a path or a full URL) and returns its body.
func (e *env) page(path string) (int, string) {
	e.t.Helper()
	if strings.HasPrefix(path, "/") {
		path = e.srv.URL + path
	}
	res, err := http.Get(path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// submit posts a hosted page's form with the page's token and fields.
func (e *env) submit(action, body string, fields url.Values) int {
	e.t.Helper()
	m := regexp.MustCompile(`name="token" value="([0-9a-f]+)"`).FindStringSubmatch(body)
	if m == nil {
		e.t.Fatalf("no token in %s", body)
	}
	fields.Set("token", m[1])
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(e.srv.URL+action, fields)
	if err != nil {
		e.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestHostedThreeDSPageCompletesPayment(t *testing.T) {
	e := start(t)
	f := e.billingSetup(0, "pm_card_authenticationRequired")
	s := e.subscribe(f.cus.ID, f.basic.ID)
	pi, err := e.sc.V1PaymentIntents.Retrieve(e.ctx, s.LatestInvoice.Payments.Data[0].Payment.PaymentIntent.ID, nil)
	if err != nil || pi.NextAction == nil {
		t.Fatalf("pi %+v %v", pi, err)
	}
	u, _ := url.Parse(pi.NextAction.RedirectToURL.URL)
	status, body := e.page(u.Path)
	if status != 200 || !strings.Contains(body, "Complete authentication") {
		t.Fatalf("3DS page %d %s", status, body)
	}
	// A forged token is refused.
	client := &http.Client{}
	res, _ := client.PostForm(e.srv.URL+u.Path, url.Values{"token": {"00"}, "action": {"complete"}})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("forged post: %d", res.StatusCode)
	}
	if code := e.submit(u.Path, body, url.Values{"action": {"complete"}}); code != http.StatusSeeOther {
		t.Fatalf("complete: %d", code)
	}
	s, _ = e.sc.V1Subscriptions.Retrieve(e.ctx, s.ID, nil)
	if s.Status != stripe.SubscriptionStatusActive {
		t.Fatalf("status %s", s.Status)
	}
}

func TestHostedInvoicePagePaysWithTestCard(t *testing.T) {
	e := start(t)
	f := e.billingSetup(0, "pm_card_chargeCustomerFail")
	s := e.subscribe(f.cus.ID, f.basic.ID)
	in := s.LatestInvoice
	if in.HostedInvoiceURL == "" || in.InvoicePDF == "" {
		t.Fatalf("urls %q %q", in.HostedInvoiceURL, in.InvoicePDF)
	}
	status, body := e.page(in.HostedInvoiceURL)
	if status != 200 || !strings.Contains(body, in.Number) || !strings.Contains(body, "10.00 USD") || !strings.Contains(body, `id="pay"`) {
		t.Fatalf("invoice page %d %s", status, body)
	}
	path := "/billing/invoices/" + in.ID + "/pay"
	if code := e.submit(path, body, url.Values{"card": {"pm_card_chargeCustomerFail"}}); code != http.StatusPaymentRequired {
		t.Fatalf("declined card: %d", code)
	}
	if code := e.submit(path, body, url.Values{"card": {"pm_card_visa"}}); code != http.StatusSeeOther {
		t.Fatalf("pay: %d", code)
	}
	got, _ := e.sc.V1Invoices.Retrieve(e.ctx, in.ID, nil)
	if got.Status != stripe.InvoiceStatusPaid {
		t.Fatalf("invoice %s", got.Status)
	}
	status, pdf := e.page(in.InvoicePDF)
	if status != 200 || !strings.HasPrefix(pdf, "%PDF-") || !bytes.Contains([]byte(pdf), []byte(in.Number)) || !strings.Contains(pdf, "Paid") {
		t.Fatalf("pdf %d %.200s", status, pdf)
	}
}

func TestSetupIntentThreeDSOnSetupOnly(t *testing.T) {
	e := start(t)
	cus := e.newCustomer("setup@example.com")
	// 4000002500003155 asks for authentication on setup only.
	si, err := e.sc.V1SetupIntents.Create(e.ctx, &stripe.SetupIntentCreateParams{Customer: stripe.String(cus.ID),
		PaymentMethod: stripe.String("pm_card_authenticationRequiredOnSetup"), Confirm: stripe.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if si.Status != stripe.SetupIntentStatusRequiresAction || si.NextAction == nil || si.NextAction.RedirectToURL == nil {
		t.Fatalf("setup %s %+v", si.Status, si.NextAction)
	}
	u, _ := url.Parse(si.NextAction.RedirectToURL.URL)
	_, body := e.page(u.Path)
	if code := e.submit(u.Path, body, url.Values{"action": {"complete"}}); code != http.StatusOK {
		t.Fatalf("complete: %d", code)
	}
	si, _ = e.sc.V1SetupIntents.Retrieve(e.ctx, si.ID, nil)
	if si.Status != stripe.SetupIntentStatusSucceeded {
		t.Fatalf("after 3DS: %s", si.Status)
	}
	pm, _ := e.sc.V1PaymentMethods.Retrieve(e.ctx, si.PaymentMethod.ID, nil)
	if pm.Customer == nil || pm.Customer.ID != cus.ID {
		t.Fatal("card not attached")
	}
	// Saved, the card pays subscriptions off session without a challenge.
	e.sc.V1Customers.Update(e.ctx, cus.ID, &stripe.CustomerUpdateParams{InvoiceSettings: &stripe.CustomerUpdateInvoiceSettingsParams{DefaultPaymentMethod: stripe.String(pm.ID)}})
	prod := e.newProduct("Setup plan")
	price := e.newPrice(monthly(prod.ID, 1000))
	s := e.subscribe(cus.ID, price.ID, func(p *stripe.SubscriptionCreateParams) { p.OffSession = stripe.Bool(true) })
	if s.Status != stripe.SubscriptionStatusActive {
		t.Fatalf("subscription %s", s.Status)
	}
	// A plain card sets up at once; a declining one fails.
	ok, _ := e.sc.V1SetupIntents.Create(e.ctx, &stripe.SetupIntentCreateParams{Customer: stripe.String(cus.ID), PaymentMethod: stripe.String("pm_card_visa"), Confirm: stripe.Bool(true)})
	if ok.Status != stripe.SetupIntentStatusSucceeded {
		t.Fatalf("visa setup %s", ok.Status)
	}
	bad, _ := e.sc.V1SetupIntents.Create(e.ctx, &stripe.SetupIntentCreateParams{Customer: stripe.String(cus.ID), PaymentMethod: stripe.String("pm_card_chargeDeclined"), Confirm: stripe.Bool(true)})
	if bad.Status != stripe.SetupIntentStatusRequiresPaymentMethod || bad.LastSetupError == nil || bad.LastSetupError.DeclineCode != "generic_decline" {
		t.Fatalf("declined setup %s %+v", bad.Status, bad.LastSetupError)
	}
}
