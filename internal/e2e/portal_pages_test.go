package e2e

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/porticohq/portico/internal/app"
	"github.com/porticohq/portico/internal/testenv"
	stripe "github.com/stripe/stripe-go/v85"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// pagesEnv is Portico on a fake clock with a public URL the test maps to
// its server, and a browser (cookie jar, no automatic redirects).
type pagesEnv struct {
	*env
	clock   *fakeClock
	public  string
	browser *http.Client
}

func startPages(t *testing.T, public string) *pagesEnv {
	t.Helper()
	clk := &fakeClock{t: time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)}
	e := startWith(t, app.Config{DB: testenv.DB(t), PublicURL: public, Clock: clk, SecretKey: portalTestKey})
	return &pagesEnv{env: e, clock: clk, public: public, browser: newBrowser()}
}

func newBrowser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// local turns a public URL into the test server's.
func (p *pagesEnv) local(u string) string { return strings.Replace(u, p.public, p.srv.URL, 1) }

type page struct {
	status int
	header http.Header
	body   string
}

func (p *pagesEnv) get(c *http.Client, u string) page {
	p.t.Helper()
	res, err := c.Get(p.local(u))
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return page{res.StatusCode, res.Header, string(b)}
}

func (p *pagesEnv) post(c *http.Client, u string, form url.Values, headers ...string) page {
	p.t.Helper()
	req, _ := http.NewRequest("POST", p.local(u), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	res, err := c.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return page{res.StatusCode, res.Header, string(b)}
}

func (p *pagesEnv) session(customer string) *stripe.BillingPortalSession {
	p.t.Helper()
	s, err := p.sc.V1BillingPortalSessions.Create(p.ctx, &stripe.BillingPortalSessionCreateParams{Customer: stripe.String(customer), ReturnURL: stripe.String("https://example.com/account")})
	if err != nil {
		p.t.Fatal(err)
	}
	return s
}

func TestPortalLinkOpensOnce(t *testing.T) {
	p := startPages(t, "http://portico.test")
	cus, err := p.sc.V1Customers.Create(p.ctx, &stripe.CustomerCreateParams{Name: stripe.String(`<b>Jenny</b> & "Co"`), Email: stripe.String("jenny@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	s := p.session(cus.ID)
	first := p.get(p.browser, s.URL)
	if first.status != http.StatusSeeOther || first.header.Get("Location") != "/p/" {
		t.Fatalf("open: %d %v", first.status, first.header)
	}
	sc := first.header.Get("Set-Cookie")
	if !strings.Contains(sc, "portico_portal=") || !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") || strings.Contains(sc, "Secure") || !strings.Contains(sc, "Path=/p/") {
		t.Fatalf("cookie: %s", sc)
	}
	home := p.get(p.browser, p.public+"/p/")
	if home.status != 200 || !strings.Contains(home.body, "&lt;b&gt;Jenny&lt;/b&gt; &amp; &#34;Co&#34;") || strings.Contains(home.body, "<b>Jenny") ||
		!strings.Contains(home.body, `href="https://example.com/account"`) || home.header.Get("Cache-Control") != "no-store" || home.header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("home: %d %s", home.status, home.body)
	}
	// Once only, even for the same browser.
	if again := p.get(p.browser, s.URL); again.status != http.StatusGone {
		t.Fatalf("second open: %d", again.status)
	}
	if other := p.get(newBrowser(), s.URL); other.status != http.StatusGone {
		t.Fatalf("second browser: %d", other.status)
	}
	// Without the cookie there is no portal; made-up and event links are dead.
	if anon := p.get(newBrowser(), p.public+"/p/"); anon.status != http.StatusUnauthorized {
		t.Fatalf("no cookie: %d", anon.status)
	}
	for _, u := range []string{"/p/session/test_" + strings.Repeat("a", 32), "/p/session/" + s.ID, "/p/session/nonsense"} {
		if r := p.get(newBrowser(), p.public+u); r.status != http.StatusNotFound {
			t.Errorf("%s: %d", u, r.status)
		}
	}
	// Signing out needs the form's CSRF token.
	if r := p.post(p.browser, p.public+"/p/logout", url.Values{}); r.status != http.StatusForbidden {
		t.Fatalf("logout without token: %d", r.status)
	}
	csrf := regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`).FindStringSubmatch(home.body)
	if r := p.post(p.browser, p.public+"/p/logout", url.Values{"csrf": {csrf[1]}}); r.status != 200 {
		t.Fatalf("logout: %d %s", r.status, r.body)
	}
	if r := p.get(p.browser, p.public+"/p/"); r.status != http.StatusUnauthorized {
		t.Fatalf("after logout: %d", r.status)
	}
}

func TestPortalLinkLifetimeAndIdleTimeout(t *testing.T) {
	p := startPages(t, "https://billing.example.com")
	cus := p.newCustomer("jenny@example.com")
	late := p.session(cus.ID)
	onTime := p.session(cus.ID)
	p.clock.Advance(4*time.Minute + 59*time.Second)
	r := p.get(p.browser, onTime.URL)
	if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Set-Cookie"), "Secure") {
		t.Fatalf("within 5 minutes: %d %v", r.status, r.header)
	}
	p.clock.Advance(time.Second)
	if r := p.get(newBrowser(), late.URL); r.status != http.StatusGone {
		t.Fatalf("after 5 minutes: %d", r.status)
	}
	// The visit lasts while it is used: 59 minutes apart twice, then an
	// hour idle ends it. (The jar keeps the Secure cookie for the https
	// public URL only, so send it by hand.)
	cookie := regexp.MustCompile(`portico_portal=([^;]+)`).FindStringSubmatch(r.header.Get("Set-Cookie"))[1]
	visit := func() int {
		req, _ := http.NewRequest("GET", p.srv.URL+"/p/", nil)
		req.AddCookie(&http.Cookie{Name: "portico_portal", Value: cookie})
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for i := 0; i < 2; i++ {
		p.clock.Advance(59 * time.Minute)
		if s := visit(); s != 200 {
			t.Fatalf("active visit %d: %d", i, s)
		}
	}
	p.clock.Advance(time.Hour)
	if s := visit(); s != http.StatusUnauthorized {
		t.Fatalf("idle visit: %d", s)
	}
	if s := visit(); s != http.StatusUnauthorized {
		t.Fatalf("ended visit: %d", s)
	}
}

// mailbox returns the dev mailbox page.
func (p *pagesEnv) mailbox() string {
	p.t.Helper()
	req, _ := http.NewRequest("GET", p.srv.URL+"/p/dev/mailbox", nil)
	req.SetBasicAuth(p.key, "")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		p.t.Fatalf("mailbox: %d", res.StatusCode)
	}
	return string(b)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

// requestLink fills in a login page's form like a browser and returns the
// answer.
func (p *pagesEnv) requestLink(b *http.Client, loginURL, email string, headers ...string) page {
	p.t.Helper()
	form := p.get(b, loginURL)
	m := csrfRE.FindStringSubmatch(form.body)
	if form.status != 200 || m == nil {
		p.t.Fatalf("login form: %d %s", form.status, form.body)
	}
	return p.post(b, loginURL, url.Values{"csrf": {m[1]}, "email": {email}}, headers...)
}

func TestPortalLoginPage(t *testing.T) {
	p := startPages(t, "http://portico.test")
	cus, _ := p.sc.V1Customers.Create(p.ctx, &stripe.CustomerCreateParams{Name: stripe.String("Jenny Rosen"), Email: stripe.String("jenny@example.com")})
	conf, err := p.sc.V1BillingPortalConfigurations.Create(p.ctx, &stripe.BillingPortalConfigurationCreateParams{
		BusinessProfile: &stripe.BillingPortalConfigurationCreateBusinessProfileParams{Headline: stripe.String("Acme <billing>")},
		Features:        &stripe.BillingPortalConfigurationCreateFeaturesParams{InvoiceHistory: &stripe.BillingPortalConfigurationCreateFeaturesInvoiceHistoryParams{Enabled: stripe.Bool(true)}},
		LoginPage:       &stripe.BillingPortalConfigurationCreateLoginPageParams{Enabled: stripe.Bool(true)},
	})
	if err != nil {
		t.Fatal(err)
	}
	login := conf.LoginPage.URL
	if !strings.HasPrefix(login, "http://portico.test/p/login/test_") {
		t.Fatalf("login url %s", login)
	}
	form := p.get(p.browser, login)
	if !strings.Contains(form.body, "Acme &lt;billing&gt;") || !strings.Contains(form.header.Get("Set-Cookie"), "portico_csrf=") {
		t.Fatalf("form: %s %v", form.body, form.header)
	}
	known := p.requestLink(p.browser, login, "jenny@example.com")
	unknown := p.requestLink(newBrowser(), login, "nobody@example.com")
	if known.status != 200 || unknown.status != 200 || known.body != unknown.body {
		t.Fatalf("answers differ:\n%d %s\n%d %s", known.status, known.body, unknown.status, unknown.body)
	}
	box := p.mailbox()
	links := regexp.MustCompile(`http://portico\.test/p/session/test_[A-Za-z0-9]+`).FindAllString(box, -1)
	if len(links) != 1 || !strings.Contains(box, "jenny@example.com") || strings.Contains(box, "nobody@example.com") {
		t.Fatalf("mailbox:\n%s", box)
	}
	// The emailed link shows a button, so mail scanners fetching it do not
	// use it up; the button opens it.
	if !strings.Contains(box, links[0]+"?confirm=1") {
		t.Fatalf("emailed link without confirm: %s", box)
	}
	b := newBrowser()
	for i := 0; i < 2; i++ {
		if r := p.get(b, links[0]+"?confirm=1"); r.status != 200 || !strings.Contains(r.body, `name="action" value="open"`) {
			t.Fatalf("emailed link page: %d %s", r.status, r.body)
		}
	}
	if r := p.post(b, links[0], url.Values{"action": {"open"}}); r.status != http.StatusSeeOther {
		t.Fatalf("emailed link button: %d %s", r.status, r.body)
	}
	if home := p.get(b, p.public+"/p/"); home.status != 200 || !strings.Contains(home.body, "Jenny Rosen") {
		t.Fatalf("home via login: %d %s", home.status, home.body)
	}
	// The emailed link is one-time too.
	if r := p.get(newBrowser(), links[0]); r.status != http.StatusGone {
		t.Fatalf("emailed link twice: %d", r.status)
	}
	_ = cus

	// CSRF: no token, a wrong token, a foreign Origin.
	if r := p.post(newBrowser(), login, url.Values{"email": {"jenny@example.com"}}); r.status != http.StatusForbidden {
		t.Errorf("no csrf: %d", r.status)
	}
	b2 := newBrowser()
	p.get(b2, login)
	if r := p.post(b2, login, url.Values{"email": {"jenny@example.com"}, "csrf": {strings.Repeat("0", 64)}}); r.status != http.StatusForbidden {
		t.Errorf("wrong csrf: %d", r.status)
	}
	if r := p.requestLink(newBrowser(), login, "jenny@example.com", "Origin: https://evil.example"); r.status != http.StatusForbidden {
		t.Errorf("foreign origin: %d", r.status)
	}
	// The mailbox needs the secret key outside dev mode.
	if res, _ := http.Get(p.srv.URL + "/p/dev/mailbox"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("mailbox without key: %d", res.StatusCode)
	}
	// Disabling the login page kills its URL.
	p.do("POST", "/v1/billing_portal/configurations/"+conf.ID, "login_page[enabled]=false")
	if r := p.get(newBrowser(), login); r.status != http.StatusNotFound {
		t.Errorf("disabled login page: %d", r.status)
	}
}

func TestPortalLoginRateLimits(t *testing.T) {
	p := startPages(t, "http://portico.test")
	p.newCustomer("jenny@example.com")
	login := p.do("POST", "/v1/billing_portal/configurations", "features[invoice_history][enabled]=true&login_page[enabled]=true").JSON(t)["login_page"].(map[string]any)["url"].(string)
	// Per address: five an hour, whether or not the address is known, from
	// any client.
	for _, email := range []string{"jenny@example.com", "nobody@example.com"} {
		for i := 0; i < 5; i++ {
			if r := p.requestLink(newBrowser(), login, email); r.status != 200 {
				t.Fatalf("%s request %d: %d", email, i, r.status)
			}
		}
		if r := p.requestLink(newBrowser(), login, email); r.status != http.StatusTooManyRequests {
			t.Fatalf("%s sixth request: %d", email, r.status)
		}
	}
	if n := strings.Count(p.mailbox(), "To:</strong> jenny@example.com"); n != 5 {
		t.Fatalf("%d emails sent, want 5", n)
	}
	// A new window starts over.
	p.clock.Advance(time.Hour)
	if r := p.requestLink(newBrowser(), login, "jenny@example.com"); r.status != 200 {
		t.Fatalf("next window: %d", r.status)
	}
	// Per client IP: twenty an hour over any addresses (the test's clients
	// all come from 127.0.0.1, which has used one in this window).
	for i := 0; i < 19; i++ {
		if r := p.requestLink(newBrowser(), login, "user"+strconv.Itoa(i)+"@example.com"); r.status != 200 {
			t.Fatalf("ip request %d: %d", i, r.status)
		}
	}
	if r := p.requestLink(newBrowser(), login, "another@example.com"); r.status != http.StatusTooManyRequests {
		t.Fatalf("21st request from one IP: %d", r.status)
	}
}

func TestPortalAfterExpirationCustomerLogin(t *testing.T) {
	p := startPages(t, "http://portico.test")
	cus := p.newCustomer("jenny@example.com")
	mk := func(extra string) string {
		r := p.do("POST", "/v1/billing_portal/sessions", "customer="+cus.ID+extra, "Stripe-Version: 2026-10-28.endive")
		if r.Status != 200 {
			t.Fatalf("create: %s", r.Body)
		}
		return r.JSON(t)["url"].(string)
	}
	recoverable := mk("&after_expiration[type]=customer_login")
	plain := mk("")
	limited := mk("&after_expiration[type]=customer_login&after_expiration[customer_login][expires_at]=" + strconv.FormatInt(p.clock.Now().Add(10*time.Minute).Unix(), 10))
	p.clock.Advance(6 * time.Minute)
	if r := p.get(newBrowser(), plain); r.status != http.StatusGone || strings.Contains(r.body, "<form") {
		t.Fatalf("plain expired link: %d %s", r.status, r.body)
	}
	b := newBrowser()
	r := p.get(b, recoverable)
	m := csrfRE.FindStringSubmatch(r.body)
	if r.status != http.StatusGone || m == nil {
		t.Fatalf("recoverable expired link: %d %s", r.status, r.body)
	}
	wrong := p.post(b, recoverable, url.Values{"csrf": {m[1]}, "email": {"someone@example.com"}})
	right := p.post(b, recoverable, url.Values{"csrf": {m[1]}, "email": {"Jenny@Example.com"}})
	if wrong.status != 200 || wrong.body != right.body {
		t.Fatalf("answers differ: %s / %s", wrong.body, right.body)
	}
	links := regexp.MustCompile(`http://portico\.test/p/session/test_[A-Za-z0-9]+`).FindAllString(p.mailbox(), -1)
	if len(links) != 1 || links[0] == recoverable {
		t.Fatalf("mailbox links %v", links)
	}
	nb := newBrowser()
	if r := p.get(nb, links[0]); r.status != http.StatusSeeOther {
		t.Fatalf("replacement link: %d", r.status)
	}
	if home := p.get(nb, p.public+"/p/"); home.status != 200 {
		t.Fatalf("home: %d", home.status)
	}
	// The offer ends at its expires_at.
	p.clock.Advance(5 * time.Minute)
	if r := p.get(newBrowser(), limited); strings.Contains(r.body, "<form") {
		t.Fatalf("recovery after expires_at: %s", r.body)
	}
}

func TestPortalLiveMode(t *testing.T) {
	e := startWith(t, app.Config{DB: testenv.DB(t), PublicURL: "http://portico.test", SecretKey: "sk_live_portal0123456789abcdefghijkl"})
	p := &pagesEnv{env: e, public: "http://portico.test", browser: newBrowser()}
	def := p.defaultConfig()
	if !def.Livemode {
		t.Fatalf("default configuration of a live key: %+v", def)
	}
	s := p.session(p.newCustomer("live@example.com").ID)
	if !s.Livemode || !strings.HasPrefix(s.URL, "http://portico.test/p/session/live_") {
		t.Fatalf("live session: %+v", s)
	}
	if r := p.get(p.browser, s.URL); r.status != http.StatusSeeOther {
		t.Fatalf("open live link: %d", r.status)
	}
	if r := p.get(p.browser, p.public+"/p/"); r.status != 200 || !strings.Contains(r.body, "live@example.com") {
		t.Fatalf("live home: %d %s", r.status, r.body)
	}
	// A test-mode token never finds a live session.
	if r := p.get(newBrowser(), strings.Replace(s.URL, "/live_", "/test_", 1)); r.status != http.StatusNotFound {
		t.Fatalf("test prefix on a live token: %d", r.status)
	}
}

// The sign-in email speaks the customer's language: their preferred
// locale first, else the browser's that asked for it.
func TestPortalLoginEmailInCustomersLanguage(t *testing.T) {
	p := startPages(t, "http://portico.test")
	if _, err := p.sc.V1Customers.Create(p.ctx, &stripe.CustomerCreateParams{Email: stripe.String("claire@example.com"),
		PreferredLocales: stripe.StringSlice([]string{"fr"})}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.sc.V1Customers.Create(p.ctx, &stripe.CustomerCreateParams{Email: stripe.String("jenny@example.com")}); err != nil {
		t.Fatal(err)
	}
	conf, err := p.sc.V1BillingPortalConfigurations.Create(p.ctx, &stripe.BillingPortalConfigurationCreateParams{
		Features:  &stripe.BillingPortalConfigurationCreateFeaturesParams{InvoiceHistory: &stripe.BillingPortalConfigurationCreateFeaturesInvoiceHistoryParams{Enabled: stripe.Bool(true)}},
		LoginPage: &stripe.BillingPortalConfigurationCreateLoginPageParams{Enabled: stripe.Bool(true)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := p.requestLink(newBrowser(), conf.LoginPage.URL, "claire@example.com", "Accept-Language: de"); r.status != 200 {
		t.Fatalf("request: %d", r.status)
	}
	if r := p.requestLink(newBrowser(), conf.LoginPage.URL, "jenny@example.com", "Accept-Language: de"); r.status != 200 {
		t.Fatalf("request: %d", r.status)
	}
	box := html.UnescapeString(p.mailbox())
	for _, want := range []string{"Votre lien vers l'espace de facturation", "expire dans 15 minutes", // claire: her locale
		"Ihr Link zum Abrechnungsportal", "läuft in 15 Minuten ab"} { // jenny: the browser's
		if !strings.Contains(box, want) {
			t.Errorf("mailbox lacks %q:\n%s", want, box)
		}
	}
}
