package e2e

import (
	"image/color"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/porticohq/portico/internal/demo"
	"github.com/porticohq/portico/internal/service"
	stripe "github.com/stripe/stripe-go/v85"
)

// Browser tests of the portal's invoice payment, shipping, branding, the
// expired-link page and the localized login page.

// openInvoice returns the demo customer's open invoice.
func (u *uiEnv) openInvoice() *stripe.Invoice {
	u.t.Helper()
	for in, err := range u.sc.V1Invoices.List(u.ctx, &stripe.InvoiceListParams{Customer: stripe.String(u.customer), Status: stripe.String("open")}).All(u.ctx) {
		if err != nil {
			u.t.Fatal(err)
		}
		return in
	}
	u.t.Fatal("the demo customer has no open invoice")
	return nil
}

// useDefaultCard attaches a test card to the demo customer and makes it the
// default for invoices.
func (u *uiEnv) useDefaultCard(pm string) {
	u.t.Helper()
	card, err := u.sc.V1PaymentMethods.Attach(u.ctx, pm, &stripe.PaymentMethodAttachParams{Customer: stripe.String(u.customer)})
	if err != nil {
		u.t.Fatal(err)
	}
	if _, err := u.sc.V1Customers.Update(u.ctx, u.customer, &stripe.CustomerUpdateParams{
		InvoiceSettings: &stripe.CustomerUpdateInvoiceSettingsParams{DefaultPaymentMethod: stripe.String(card.ID)}}); err != nil {
		u.t.Fatal(err)
	}
}

func (u *uiEnv) invoiceStatus(id string) stripe.InvoiceStatus {
	u.t.Helper()
	in, err := u.sc.V1Invoices.Retrieve(u.ctx, id, nil)
	if err != nil {
		u.t.Fatal(err)
	}
	return in.Status
}

func payButton(id string) string { return `#invoices form[action="/p/invoices/` + id + `/pay"] button` }

func TestPortalUIPayOpenInvoice(t *testing.T) {
	u := startUI(t, 1280)
	in := u.openInvoice()
	u.open(nil)
	u.screenshot("before")
	u.submit(payButton(in.ID))
	if body := u.text(); !strings.Contains(body, "Your invoice was paid. Thank you!") {
		t.Fatalf("after paying: %s", body)
	}
	if st := u.invoiceStatus(in.ID); st != stripe.InvoiceStatusPaid {
		t.Fatalf("invoice status = %s, want paid", st)
	}
	if n := get(u, chromedp.Evaluate[int](`document.querySelectorAll('#invoices form[action$="/pay"]').length`)); n != 0 {
		t.Errorf("%d pay buttons left after paying the only open invoice", n)
	}
	u.screenshot("paid")
}

func TestPortalUIPayOpenInvoiceDeclined(t *testing.T) {
	u := startUI(t, 375)
	in := u.openInvoice()
	u.useDefaultCard("pm_card_chargeCustomerFail")
	u.open(nil)
	u.submit(payButton(in.ID))
	body := u.text()
	if !strings.Contains(body, "Your card was declined, so the invoice is still due.") || !strings.Contains(body, "Change your payment method") {
		t.Fatalf("after a decline: %s", body)
	}
	if href := get(u, chromedp.Evaluate[string](`document.querySelector('#pay-change-card a').getAttribute('href')`)); href != "#payment-methods" {
		t.Errorf("change-card link = %q", href)
	}
	u.screenshot("declined")
	if st := u.invoiceStatus(in.ID); st != stripe.InvoiceStatusOpen {
		t.Fatalf("invoice status after a decline = %s, want open", st)
	}
	// With a good card as the default, the same button pays.
	u.useDefaultCard("pm_card_visa")
	u.open(nil)
	u.submit(payButton(in.ID))
	if st := u.invoiceStatus(in.ID); st != stripe.InvoiceStatusPaid {
		t.Fatalf("invoice status after changing the card = %s, want paid", st)
	}
}

func TestPortalUIPayOpenInvoiceWith3DS(t *testing.T) {
	u := startUI(t, 1280)
	in := u.openInvoice()
	u.useDefaultCard("pm_card_authenticationRequired")
	u.open(nil)
	u.submit(payButton(in.ID))
	if body := u.text(); !strings.Contains(body, "3D Secure test page") {
		t.Fatalf("no 3-D Secure page: %s", body)
	}
	if st := u.invoiceStatus(in.ID); st != stripe.InvoiceStatusOpen {
		t.Fatalf("invoice status before authenticating = %s, want open", st)
	}
	u.screenshot("challenge")
	u.submit("#complete")
	if body := u.text(); !strings.Contains(body, "Your invoice was paid. Thank you!") {
		t.Fatalf("back from 3-D Secure: %s", body)
	}
	if loc := get(u, chromedp.Evaluate[string](`location.pathname`)); loc != "/p/" {
		t.Errorf("back at %s, want the portal", loc)
	}
	if st := u.invoiceStatus(in.ID); st != stripe.InvoiceStatusPaid {
		t.Fatalf("invoice status after authenticating = %s, want paid", st)
	}
	u.screenshot("paid")
}

func TestPortalUIPayRefusesOtherCustomersInvoice(t *testing.T) {
	u := startUI(t, 1280)
	other, err := u.sc.V1Customers.Create(u.ctx, &stripe.CustomerCreateParams{Email: stripe.String("mallory@example.com"), PaymentMethod: stripe.String("pm_card_visa"),
		InvoiceSettings: &stripe.CustomerCreateInvoiceSettingsParams{DefaultPaymentMethod: stripe.String("pm_card_visa")}})
	if err != nil {
		t.Fatal(err)
	}
	theirs := u.openInvoiceOf(other.ID, 700)
	mine := u.openInvoice()
	u.open(nil)
	get(u, chromedp.Evaluate[bool](`(f => (f.setAttribute('action', '/p/invoices/`+theirs.ID+`/pay'), f.id = 'target', true))(document.querySelector('`+strings.ReplaceAll(payButton(mine.ID), " button", "")+`'))`))
	u.submit(`#target button`)
	if body := u.text(); !strings.Contains(body, "Not found") {
		t.Errorf("paying another customer's invoice: %s", body)
	}
	if st := u.invoiceStatus(theirs.ID); st != stripe.InvoiceStatusOpen {
		t.Fatalf("the other customer's invoice is %s", st)
	}
}

func TestPortalUIEditShipping(t *testing.T) {
	u := startUI(t, 375)
	def, err := u.app.Service.EnsureDefaultPortalConfiguration(u.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.app.Service.UpdatePortalConfiguration(u.ctx, def.ID, service.PortalConfigurationParams{CustomerUpdateEnabled: service.Set(true),
		AllowedUpdates: service.Set([]string{"email", "address", "shipping"})}); err != nil {
		t.Fatal(err)
	}
	u.open(nil)
	u.run(chromedp.Click(chromedp.CSS("#shipping summary")))
	// Without a country the server refuses, and the form opens with why.
	get(u, chromedp.Evaluate[bool](`(document.querySelector('#shipping form').noValidate = true,
		document.getElementById('s-name').value = 'Jenny Rosen', document.getElementById('s-line1').value = '1 Dock St', true)`))
	u.submit("#shipping form button")
	if body := u.text(); !strings.Contains(body, "Enter a recipient name, an address and a two-letter country code.") ||
		!get(u, chromedp.Evaluate[bool](`document.getElementById('shipping').open`)) {
		t.Fatalf("incomplete shipping: %s", body)
	}
	get(u, chromedp.Evaluate[bool](`(document.getElementById('s-name').value = 'Jenny Rosen', document.getElementById('s-phone').value = '+14155550199',
		document.getElementById('s-line1').value = '1 Dock St', document.getElementById('s-city').value = 'Oakland',
		document.getElementById('s-postal').value = '94607', document.getElementById('s-state').value = 'CA', document.getElementById('s-country').value = 'us', true)`))
	u.screenshot("form")
	u.submit("#shipping form button")
	body := u.text()
	if !strings.Contains(body, "Your shipping details were saved.") || !strings.Contains(body, "1 Dock St") {
		t.Fatalf("after saving: %s", body)
	}
	cus, err := u.sc.V1Customers.Retrieve(u.ctx, u.customer, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s := cus.Shipping; s == nil || s.Name != "Jenny Rosen" || s.Phone != "+14155550199" || s.Address.Line1 != "1 Dock St" || s.Address.City != "Oakland" || s.Address.Country != "US" {
		t.Fatalf("shipping = %+v", cus.Shipping)
	}
	u.screenshot("saved")
	// Without shipping in allowed_updates, the form is gone and its post
	// refused.
	if _, err := u.app.Service.UpdatePortalConfiguration(u.ctx, def.ID, service.PortalConfigurationParams{AllowedUpdates: service.Set([]string{"email"})}); err != nil {
		t.Fatal(err)
	}
	u.open(nil)
	if n := get(u, chromedp.Evaluate[int](`document.querySelectorAll('#shipping form').length`)); n != 0 {
		t.Errorf("shipping form shown when not allowed")
	}
}

func TestPortalUIBranding(t *testing.T) {
	u := startUI(t, 1280)
	logo, err := u.upload("business_logo", "logo.png", pngImage(t, 160, 40, color.RGBA{0x0a, 0x7d, 0x3b, 0xff}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.sc.V1Accounts.Update(u.ctx, service.AccountID, &stripe.AccountUpdateParams{
		BusinessProfile: &stripe.AccountUpdateBusinessProfileParams{Name: stripe.String("Acme Cloud")},
		Settings: &stripe.AccountUpdateSettingsParams{Branding: &stripe.AccountUpdateSettingsBrandingParams{
			Logo: stripe.String(logo.ID), PrimaryColor: stripe.String("#0a7d3b"), SecondaryColor: stripe.String("#fff8e1")}}}); err != nil {
		t.Fatal(err)
	}
	u.open(nil)
	waitFor(t, "the logo to load", func() bool {
		ok, err := chromedp.Run(u.browser, chromedp.Evaluate[bool](`(i => !!i && i.complete && i.naturalWidth === 160)(document.querySelector('header img.logo'))`))
		return err == nil && ok
	})
	if src := get(u, chromedp.Evaluate[string](`document.querySelector('header img.logo').getAttribute('src')`)); src != "/billing/files/"+logo.ID {
		t.Errorf("logo src = %q", src)
	}
	if alt := get(u, chromedp.Evaluate[string](`document.querySelector('header img.logo').alt`)); alt != "Acme Cloud" {
		t.Errorf("logo alt = %q", alt)
	}
	// The primary colour fills the buttons, lettered in white; the
	// secondary colour fills the header.
	renew := `getComputedStyle(document.querySelector('form[action$="/renew"] button'))`
	if bg := get(u, chromedp.Evaluate[string](renew+`.backgroundColor`)); bg != "rgb(10, 125, 59)" {
		t.Errorf("button background = %s, want the brand colour", bg)
	}
	if fg := get(u, chromedp.Evaluate[string](renew+`.color`)); fg != "rgb(255, 255, 255)" {
		t.Errorf("button text = %s", fg)
	}
	if bg := get(u, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('header.top')).backgroundColor`)); bg != "rgb(255, 248, 225)" {
		t.Errorf("header background = %s", bg)
	}
	if !strings.Contains(u.text(), "Return to Acme Cloud") {
		t.Error("the business name is not used")
	}
	u.screenshot("branded")
}

// enableLoginPage turns on the default configuration's login page.
func (u *uiEnv) enableLoginPage() *stripe.BillingPortalConfiguration {
	u.t.Helper()
	def, err := u.app.Service.EnsureDefaultPortalConfiguration(u.ctx)
	if err != nil {
		u.t.Fatal(err)
	}
	conf, err := u.sc.V1BillingPortalConfigurations.Update(u.ctx, def.ID, &stripe.BillingPortalConfigurationUpdateParams{
		LoginPage: &stripe.BillingPortalConfigurationUpdateLoginPageParams{Enabled: stripe.Bool(true)}})
	if err != nil {
		u.t.Fatal(err)
	}
	return conf
}

// openExpired creates a session in locale (the default when "") and opens
// its link once it is older than the 5 minutes a link lives.
func (u *uiEnv) openExpired(locale string) {
	u.t.Helper()
	p := &stripe.BillingPortalSessionCreateParams{Customer: stripe.String(u.customer), ReturnURL: stripe.String("https://example.com/account")}
	if locale != "" {
		p.Locale = stripe.String(locale)
	}
	s, err := u.sc.V1BillingPortalSessions.Create(u.ctx, p)
	if err != nil {
		u.t.Fatal(err)
	}
	u.clock.Advance(service.PortalLinkLifetime + time.Second)
	u.run(chromedp.Navigate(s.URL), chromedp.WaitVisible(chromedp.CSS("#main")))
}

func TestPortalUIExpiredLink(t *testing.T) {
	u := startUI(t, 375)
	u.openExpired("fr")
	if body := u.text(); !strings.Contains(body, "Ce lien a expiré") || !strings.Contains(body, "Retour à Portico") {
		t.Errorf("expired link page (fr): %s", body)
	}
	if href := get(u, chromedp.Evaluate[string](`document.getElementById('return').getAttribute('href')`)); href != "https://example.com/account" {
		t.Errorf("return link = %q", href)
	}
	if n := get(u, chromedp.Evaluate[int](`document.querySelectorAll('#login').length`)); n != 0 {
		t.Error("a login link without a login page")
	}
	u.screenshot("expired")
	// With the configuration's login page enabled, the page links to it.
	conf := u.enableLoginPage()
	u.openExpired("")
	if body := u.text(); !strings.Contains(body, "This link has expired") || !strings.Contains(body, "Sign in to get a new link") {
		t.Errorf("expired link page: %s", body)
	}
	if href := get(u, chromedp.Evaluate[string](`document.getElementById('login').getAttribute('href')`)); href != conf.LoginPage.URL {
		t.Errorf("login link = %q, want %q", href, conf.LoginPage.URL)
	}
	u.screenshot("expired-login")
}

func TestPortalUILoginPageInGerman(t *testing.T) {
	u := startUI(t, 375)
	conf := u.enableLoginPage()
	if _, err := chromedp.Call(u.browser, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": "de-DE,de;q=0.9"}}); err != nil {
		t.Fatal(err)
	}
	u.run(chromedp.Navigate(conf.LoginPage.URL), chromedp.WaitVisible(chromedp.CSS("#email")))
	body := u.text()
	for _, want := range []string{"Anmelden", "Geben Sie die E-Mail-Adresse ein", "E-Mail-Adresse", "Link per E-Mail senden"} {
		if !strings.Contains(body, want) {
			t.Errorf("German login page lacks %q: %s", want, body)
		}
	}
	if lang := get(u, chromedp.Evaluate[string](`document.documentElement.lang`)); lang != "de" {
		t.Errorf("lang = %q", lang)
	}
	if label := get(u, chromedp.Evaluate[string](`document.querySelector('label[for=email]').textContent`)); label != "E-Mail-Adresse" {
		t.Errorf("the email field's label = %q", label)
	}
	u.screenshot("login-de")
	get(u, chromedp.Evaluate[bool](`(document.getElementById('email').value = 'jenny.rosen@example.com', true)`))
	u.submit("form button")
	if body := u.text(); !strings.Contains(body, "Prüfen Sie Ihre E-Mails") {
		t.Errorf("after asking for a link: %s", body)
	}
	u.screenshot("sent-de")
}

// The demo data fills every section of the portal.
func TestDemoShowsEverySection(t *testing.T) {
	p := startPages(t, uiPublic)
	res, err := demo.Seed(p.ctx, p.app.Service)
	if err != nil || !res.Seeded {
		t.Fatalf("seed: %v", err)
	}
	if s := res.Subscriptions; s["trialing"] != 1 || s["active"] != 1 || s["canceling"] != 1 {
		t.Errorf("subscriptions by status = %v", s)
	}
	if in := res.Invoices; in["paid"] < 1 || in["open"] != 1 {
		t.Errorf("invoices by status = %v", in)
	}
	now := p.clock.Now()
	var soon, later int
	for pm, err := range p.sc.V1PaymentMethods.List(p.ctx, &stripe.PaymentMethodListParams{Customer: stripe.String(res.Customer.ID), Type: stripe.String("card")}).All(p.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		end := time.Date(int(pm.Card.ExpYear), time.Month(pm.Card.ExpMonth)+1, 1, 0, 0, 0, 0, time.UTC)
		if end.After(now) && end.Before(now.AddDate(0, 3, 0)) {
			soon++
		} else {
			later++
		}
	}
	if soon != 1 || later != 1 {
		t.Errorf("cards: %d expiring within three months, %d later; want 1 and 1", soon, later)
	}
}
