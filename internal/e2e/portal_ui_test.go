package e2e

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/porticohq/portico/internal/demo"
	"github.com/porticohq/portico/internal/service"
	"github.com/porticohq/portico/internal/testenv"
	stripe "github.com/stripe/stripe-go/v85"
)

// Browser tests of the hosted portal: real Chromium, driven by chromedp,
// clicking as a customer would; outcomes are checked through the API.
// Chromium reaches Portico under its public URL (http://portico.test),
// mapped to the test server, so Origin checks see the real origin.

// uiEnv is a Portico with the demo data and a browser.
type uiEnv struct {
	*pagesEnv
	customer string
	browser  context.Context
}

const uiPublic = "http://portico.test"

// startUI starts Portico with the demo customer and a headless Chromium
// whose tab has the given width.
func startUI(t *testing.T, width int64) *uiEnv {
	t.Helper()
	chromium := testenv.Chromium(t)
	p := startPages(t, uiPublic)
	res, err := demo.Seed(p.ctx, p.app.Service)
	if err != nil || !res.Seeded {
		t.Fatalf("seed: %v", err)
	}
	srv, _ := url.Parse(p.srv.URL)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("host-resolver-rules", "MAP portico.test:80 "+srv.Host),
		chromedp.WindowSize(int(width), 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelTab := chromedp.NewContext(actx)
	bctx, cancelTime := context.WithTimeout(bctx, 2*patience)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(width, 900)); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return &uiEnv{pagesEnv: p, customer: res.Customer.ID, browser: bctx}
}

// open creates a portal session for the demo customer and opens its link.
func (u *uiEnv) open(params *stripe.BillingPortalSessionCreateParams) string {
	u.t.Helper()
	if params == nil {
		params = &stripe.BillingPortalSessionCreateParams{}
	}
	params.Customer = stripe.String(u.customer)
	if params.ReturnURL == nil {
		params.ReturnURL = stripe.String("https://example.com/account")
	}
	s, err := u.sc.V1BillingPortalSessions.Create(u.ctx, params)
	if err != nil {
		u.t.Fatal(err)
	}
	u.run(chromedp.Navigate(s.URL), chromedp.WaitVisible(chromedp.CSS("#main")))
	return s.URL
}

func (u *uiEnv) run(actions ...chromedp.Action[chromedp.Void]) {
	u.t.Helper()
	if err := chromedp.Do(u.browser, actions...); err != nil {
		u.t.Fatalf("browser: %v", err)
	}
}

// submit clicks the button sel and waits until the page it leads to has
// loaded (a marker on the old page's window is gone).
func (u *uiEnv) submit(sel string) {
	u.t.Helper()
	// The click is the element's own (HTMLElement.click), not a query of
	// chromedp's DOM mirror, which can lose track after an error page.
	get(u, chromedp.Evaluate[bool](`(window.__porticoOld = true, document.querySelector(`+strconv.Quote(sel)+`).click(), true)`))
	// Evaluating fails while the page changes; try again until the new
	// page answers.
	for deadline := time.Now().Add(patience); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		loaded, err := chromedp.Run(u.browser, chromedp.Evaluate[bool](`!window.__porticoOld && document.readyState === "complete"`))
		if err == nil && loaded {
			return
		}
		if err != nil && u.browser.Err() != nil {
			u.t.Fatalf("clicking %s: %v", sel, err)
		}
	}
	u.t.Fatalf("clicking %s led to no new page", sel)
}

// get runs an action that returns a value.
func get[T any](u *uiEnv, a chromedp.Action[T]) T {
	u.t.Helper()
	v, err := chromedp.Run(u.browser, a)
	if err != nil {
		u.t.Fatalf("browser: %v", err)
	}
	return v
}

// text returns the page's visible text.
// text returns the page's visible text. It asks the page itself rather
// than chromedp's copy of the DOM, whose node ids can be stale right after
// a navigation ("No node with given id found"), and asks again while the
// page cannot answer.
func (u *uiEnv) text() string {
	u.t.Helper()
	var err error
	for deadline := time.Now().Add(patience); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var body string
		if body, err = chromedp.Run(u.browser, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`)); err == nil && body != "" {
			return body
		}
		if u.browser.Err() != nil {
			break
		}
	}
	u.t.Fatalf("reading the page's text: %v", err)
	return ""
}

// screenshot saves the whole page as <test>-<name>.png in
// PORTICO_SCREENSHOT_DIR (default: portico-screenshots in the temporary
// folder).
func (u *uiEnv) screenshot(name string) {
	u.t.Helper()
	dir := os.Getenv("PORTICO_SCREENSHOT_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "portico-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		u.t.Fatal(err)
	}
	png := get(u, chromedp.FullScreenshot(100))
	f := filepath.Join(dir, strings.ReplaceAll(u.t.Name(), "/", "_")+"-"+name+".png")
	if err := os.WriteFile(f, png, 0o644); err != nil {
		u.t.Fatal(err)
	}
	u.t.Logf("screenshot: %s", f)
}

// cards returns the demo customer's card ids by brand.
func (u *uiEnv) cards() map[string]string {
	u.t.Helper()
	out := map[string]string{}
	for pm, err := range u.sc.V1PaymentMethods.List(u.ctx, &stripe.PaymentMethodListParams{Customer: stripe.String(u.customer), Type: stripe.String("card")}).All(u.ctx) {
		if err != nil {
			u.t.Fatal(err)
		}
		out[string(pm.Card.Brand)] = pm.ID
	}
	return out
}

func TestPortalUIHomepage(t *testing.T) {
	for _, width := range []int64{1280, 375} {
		u := startUI(t, width)
		u.open(nil)
		body := u.text()
		for _, want := range []string{"Billing portal", "Return to Portico", "Jenny Rosen", "Subscriptions", "Starter", "Pro", "Business",
			"Trial", "Canceling", "Your subscription ends on", "Payment methods", "Visa ending in 4242", "Mastercard ending in 4444", "Default",
			"Billing information", "510 Townsend St", "Invoice history", "Paid", "Due", "$150.00"} {
			if !strings.Contains(body, want) {
				t.Errorf("%d px: homepage lacks %q", width, want)
			}
		}
		if get(u, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`)) {
			t.Errorf("%d px: the page scrolls sideways", width)
		}
		u.screenshot(map[int64]string{1280: "desktop", 375: "phone"}[width])
		// The dark scheme, for a person to look at.
		if _, err := chromedp.Call(u.browser, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}); err != nil {
			t.Fatal(err)
		}
		u.screenshot(map[int64]string{1280: "desktop", 375: "phone"}[width] + "-dark")
	}
}

func TestPortalUIHomepageInFrench(t *testing.T) {
	u := startUI(t, 1280)
	u.open(&stripe.BillingPortalSessionCreateParams{Locale: stripe.String("fr")})
	body := u.text()
	for _, want := range []string{"Portail de facturation", "Retour à Portico", "Abonnements", "Moyens de paiement", "Visa se terminant par 4242", "par mois"} {
		if !strings.Contains(body, want) {
			t.Errorf("French homepage lacks %q", want)
		}
	}
	if lang := get(u, chromedp.AttributeValue(chromedp.CSS("html"), "lang")).Value; lang != "fr" {
		t.Errorf("lang = %q", lang)
	}
	u.screenshot("fr")
}

func TestPortalUIMakeCardDefault(t *testing.T) {
	u := startUI(t, 1280)
	mc := u.cards()["mastercard"]
	u.open(nil)
	u.submit(`#pm-` + mc + ` form[action$="/default"] button`)
	if !strings.Contains(u.text(), "Your default payment method was updated.") {
		t.Error("no notice")
	}
	cus, err := u.sc.V1Customers.Retrieve(u.ctx, u.customer, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cus.InvoiceSettings.DefaultPaymentMethod == nil || cus.InvoiceSettings.DefaultPaymentMethod.ID != mc {
		t.Fatalf("default payment method = %+v, want %s", cus.InvoiceSettings.DefaultPaymentMethod, mc)
	}
	u.screenshot("after")
}

// subscriptionOf returns the demo customer's subscription of product.
func (u *uiEnv) subscriptionOf(product string) *stripe.Subscription {
	u.t.Helper()
	for s, err := range u.sc.V1Subscriptions.List(u.ctx, &stripe.SubscriptionListParams{Customer: stripe.String(u.customer)}).All(u.ctx) {
		if err != nil {
			u.t.Fatal(err)
		}
		if s.Items.Data[0].Price.Product.ID == product {
			return s
		}
	}
	u.t.Fatalf("no subscription of %s", product)
	return nil
}

func TestPortalUICancelAtPeriodEnd(t *testing.T) {
	u := startUI(t, 1280)
	sub := u.subscriptionOf("prod_demo_pro")
	u.open(nil)
	u.submit(`#sub-` + sub.ID + ` a[href$="/cancel"]`)
	if body := u.text(); !strings.Contains(body, "Cancel your subscription") || !strings.Contains(body, "stays active until") {
		t.Errorf("cancel page: %s", body)
	}
	u.run(chromedp.Click(chromedp.CSS(`label[for="r-too_expensive"]`)), chromedp.SendKeys(chromedp.CSS("#comment"), "Back next year"))
	u.screenshot("survey")
	u.submit(`form[action$="/cancel"] button.danger`)
	if body := u.text(); !strings.Contains(body, "Your subscription will end at the end of the billing period.") {
		t.Errorf("after cancelling: %s", body)
	}
	got, err := u.sc.V1Subscriptions.Retrieve(u.ctx, sub.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !got.CancelAtPeriodEnd || got.CancellationDetails == nil || got.CancellationDetails.Feedback != "too_expensive" || got.CancellationDetails.Comment != "Back next year" {
		t.Fatalf("after cancel: cancel_at_period_end=%v details=%+v", got.CancelAtPeriodEnd, got.CancellationDetails)
	}
	// Renew undoes it.
	u.submit(`#sub-` + sub.ID + ` form[action$="/renew"] button`)
	if got, _ = u.sc.V1Subscriptions.Retrieve(u.ctx, sub.ID, nil); got.CancelAtPeriodEnd {
		t.Fatal("renew left cancel_at_period_end set")
	}
	u.screenshot("renewed")
}

func TestPortalUIRefusesMissingCSRFToken(t *testing.T) {
	u := startUI(t, 1280)
	mc := u.cards()["mastercard"]
	u.open(nil)
	sel := `#pm-` + mc + ` form[action$="/default"]`
	get(u, chromedp.Evaluate[bool](`(document.querySelector('`+sel+` input[name=csrf]').remove(), true)`))
	u.submit(sel + ` button`)
	if body := u.text(); !strings.Contains(body, "The form expired") {
		t.Errorf("without a token: %s", body)
	}
	u.screenshot("refused")
	cus, err := u.sc.V1Customers.Retrieve(u.ctx, u.customer, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cus.InvoiceSettings.DefaultPaymentMethod.ID == mc {
		t.Fatal("a post without a token changed the default card")
	}
}

func TestPortalUIRefusesOtherCustomersObjects(t *testing.T) {
	u := startUI(t, 1280)
	other, err := u.sc.V1Customers.Create(u.ctx, &stripe.CustomerCreateParams{Email: stripe.String("mallory@example.com"), PaymentMethod: stripe.String("pm_card_visa")})
	if err != nil {
		t.Fatal(err)
	}
	var theirs string
	for pm, err := range u.sc.V1PaymentMethods.List(u.ctx, &stripe.PaymentMethodListParams{Customer: stripe.String(other.ID)}).All(u.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		theirs = pm.ID
	}
	sub, err := u.sc.V1Subscriptions.Create(u.ctx, &stripe.SubscriptionCreateParams{Customer: stripe.String(other.ID),
		Items: []*stripe.SubscriptionCreateItemParams{{Price: stripe.String(u.subscriptionOf("prod_demo_pro").Items.Data[0].Price.ID)}}})
	if err != nil {
		t.Fatal(err)
	}
	mc := u.cards()["mastercard"]
	u.open(nil)
	// A real form of this page, pointed at the other customer's objects.
	for _, action := range []string{"/p/payment-methods/" + theirs + "/default", "/p/payment-methods/" + theirs + "/remove",
		"/p/subscriptions/" + sub.ID + "/cancel", "/p/subscriptions/" + sub.ID + "/renew", "/p/subscriptions/" + sub.ID + "/update"} {
		u.open(nil)
		sel := `#pm-` + mc + ` form[action$="/default"]`
		get(u, chromedp.Evaluate[bool](`(f => (f.setAttribute('action', '`+action+`'), f.id = 'target', true))(document.querySelector('`+sel+`'))`))
		u.submit(`#target button`)
		if body := u.text(); !strings.Contains(body, "Not found") {
			t.Errorf("%s: %s", action, body)
		}
	}
	for _, page := range []string{"/cancel", "/update", "/review?quantity=2"} {
		u.run(chromedp.Navigate(uiPublic + "/p/subscriptions/" + sub.ID + page))
		if body := u.text(); !strings.Contains(body, "Not found") {
			t.Errorf("%s page of another customer's subscription: %s", page, body)
		}
	}
	u.screenshot("refused")
	pm, err := u.sc.V1PaymentMethods.Retrieve(u.ctx, theirs, nil)
	if err != nil || pm.Customer == nil || pm.Customer.ID != other.ID {
		t.Fatalf("the other customer's card: %+v %v", pm, err)
	}
	if s, _ := u.sc.V1Subscriptions.Retrieve(u.ctx, sub.ID, nil); s.CancelAtPeriodEnd || s.Status == stripe.SubscriptionStatusCanceled {
		t.Fatal("the other customer's subscription was canceled")
	}
}

func TestPortalUIAddCard(t *testing.T) {
	u := startUI(t, 375)
	u.open(nil)
	// The browser check stops a mistyped number before it is sent.
	u.run(chromedp.Click(chromedp.CSS("#add-card summary")),
		chromedp.SendKeys(chromedp.CSS("#card-number"), "4000056655665557"), chromedp.SendKeys(chromedp.CSS("#card-exp"), "12/34"),
		chromedp.SendKeys(chromedp.CSS("#card-cvc"), "123"), chromedp.Click(chromedp.CSS("#add-card button")),
		chromedp.WaitVisible(chromedp.CSS("[data-card-error]")))
	u.screenshot("invalid")
	// A declined card comes back to the open form with the decline.
	u.run(chromedp.SetValue(chromedp.CSS("#card-number"), ""), chromedp.SendKeys(chromedp.CSS("#card-number"), "4000000000000002"))
	u.submit("#add-card button")
	if body := u.text(); !strings.Contains(body, "The card was declined. Try another card.") {
		t.Fatalf("declined card: %s", body)
	}
	u.screenshot("declined")
	// (Filled by script: chromedp's DOM mirror loses nodes after a form
	// post's redirect.)
	get(u, chromedp.Evaluate[bool](`(document.getElementById('card-number').value = '4000056655665556',
		document.getElementById('card-exp').value = '12/34', document.getElementById('card-cvc').value = '123', true)`))
	u.submit("#add-card button")
	if body := u.text(); !strings.Contains(body, "Your card was added.") || !strings.Contains(body, "Visa ending in 5556") {
		t.Fatalf("after adding: %s", body)
	}
	if len(u.cards()) != 2 { // visa (2 cards) and mastercard
		t.Errorf("cards: %v", u.cards())
	}
	n := 0
	for _, err := range u.sc.V1PaymentMethods.List(u.ctx, &stripe.PaymentMethodListParams{Customer: stripe.String(u.customer)}).All(u.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 3 {
		t.Errorf("%d cards, want 3", n)
	}
	u.screenshot("added")
}

func TestPortalUIUpdatePlanAndQuantity(t *testing.T) {
	u := startUI(t, 1280)
	sub := u.subscriptionOf("prod_demo_pro")
	u.open(nil)
	u.submit(`#sub-` + sub.ID + ` a[href$="/update"]`)
	var business string
	for pr, err := range u.sc.V1Prices.List(u.ctx, &stripe.PriceListParams{LookupKeys: stripe.StringSlice([]string{"business_monthly"})}).All(u.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		business = pr.ID
	}
	get(u, chromedp.Evaluate[bool](`(document.querySelector('input[value="`+business+`"]').click(), document.getElementById('qty').value = '2', true)`))
	u.screenshot("choose")
	u.submit(`form[action$="/review"] button`)
	body := u.text()
	if !strings.Contains(body, "Review your change") || !strings.Contains(body, "Business") || !strings.Contains(body, "Quantity: 2") || !strings.Contains(body, "Your next invoice") {
		t.Fatalf("review page: %s", body)
	}
	u.screenshot("review")
	u.submit(`form[action$="/update"] button`)
	if body := u.text(); !strings.Contains(body, "Your subscription was updated.") {
		t.Fatalf("after confirming: %s", body)
	}
	got, err := u.sc.V1Subscriptions.Retrieve(u.ctx, sub.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if it := got.Items.Data[0]; it.Price.ID != business || it.Quantity != 2 {
		t.Fatalf("item after update: price %s quantity %d", it.Price.ID, it.Quantity)
	}
}

func TestPortalUIPauseAndResume(t *testing.T) {
	u := startUI(t, 375)
	def, err := u.app.Service.EnsureDefaultPortalConfiguration(u.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.app.Service.UpdatePortalConfiguration(u.ctx, def.ID, service.PortalConfigurationParams{PauseEnabled: service.Set(true)}); err != nil {
		t.Fatal(err)
	}
	sub := u.subscriptionOf("prod_demo_pro")
	u.open(nil)
	u.submit(`#sub-` + sub.ID + ` form[action$="/pause"] button`)
	if body := u.text(); !strings.Contains(body, "Your subscription is paused.") {
		t.Fatalf("after pausing: %s", body)
	}
	got, err := u.sc.V1Subscriptions.Retrieve(u.ctx, sub.ID, nil)
	if err != nil || got.PauseCollection == nil || got.PauseCollection.Behavior != "void" {
		t.Fatalf("pause_collection after pausing: %+v %v", got.PauseCollection, err)
	}
	u.screenshot("paused")
	u.submit(`#sub-` + sub.ID + ` form[action$="/resume"] button`)
	if got, _ = u.sc.V1Subscriptions.Retrieve(u.ctx, sub.ID, nil); got.PauseCollection != nil {
		t.Fatalf("pause_collection after resuming: %+v", got.PauseCollection)
	}
}

func TestPortalUITaxIDs(t *testing.T) {
	u := startUI(t, 1280)
	u.open(nil)
	u.run(chromedp.Click(chromedp.CSS("#add-tax-id summary")), chromedp.SendKeys(chromedp.CSS("#tax-value"), "DE12"))
	u.submit(`form[action="/p/tax-ids"] button`)
	if body := u.text(); !strings.Contains(body, "That tax ID does not have the format of its type.") {
		t.Fatalf("invalid tax ID: %s", body)
	}
	u.run(chromedp.SendKeys(chromedp.CSS("#tax-value"), "de 123 456 789"))
	u.submit(`form[action="/p/tax-ids"] button`)
	if body := u.text(); !strings.Contains(body, "The tax ID was added.") || !strings.Contains(body, "DE123456789") {
		t.Fatalf("after adding: %s", body)
	}
	var id string
	for tid, err := range u.sc.V1TaxIDs.List(u.ctx, &stripe.TaxIDListParams{Customer: stripe.String(u.customer)}).All(u.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if tid.Value == "DE123456789" && tid.Type == stripe.TaxIDTypeEUVAT {
			id = tid.ID
		}
	}
	if id == "" {
		t.Fatal("the tax ID is not on the customer")
	}
	u.screenshot("added")
	u.submit(`#tax-` + id + ` button`)
	if _, err := u.sc.V1TaxIDs.Retrieve(u.ctx, id, nil); err == nil {
		t.Fatal("the tax ID is still there")
	}
}

func TestPortalUIReusedLink(t *testing.T) {
	u := startUI(t, 375)
	link := u.open(&stripe.BillingPortalSessionCreateParams{Locale: stripe.String("de")})
	u.run(chromedp.Navigate(link))
	body := u.text()
	if !strings.Contains(body, "Dieser Link ist abgelaufen") || !strings.Contains(body, "Zurück zu Portico") {
		t.Fatalf("reused link: %s", body)
	}
	if href := get(u, chromedp.Evaluate[string](`document.querySelector('main a.button').href`)); href != "https://example.com/account" {
		t.Errorf("return link %q", href)
	}
	u.screenshot("de")
}
