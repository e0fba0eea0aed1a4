package e2e

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"

	stripe "github.com/stripe/stripe-go/v85"
)

// uploads returns a stripe-go client whose uploads backend is Portico too,
// as V1Files.Create posts to the uploads host.
func (e *env) uploads() *stripe.Client {
	cfg := &stripe.BackendConfig{URL: stripe.String(e.srv.URL), MaxNetworkRetries: stripe.Int64(0),
		LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull}}
	return stripe.NewClient(e.key, stripe.WithBackends(&stripe.Backends{
		API: stripe.GetBackendWithConfig(stripe.APIBackend, cfg), Uploads: stripe.GetBackendWithConfig(stripe.UploadsBackend, cfg)}))
}

// pngImage returns a w×h PNG of one colour.
func pngImage(t *testing.T, w, h int, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (e *env) upload(purpose string, name string, body []byte) (*stripe.File, error) {
	return e.uploads().V1Files.Create(e.ctx, &stripe.FileCreateParams{Purpose: stripe.String(purpose),
		FileReader: bytes.NewReader(body), Filename: stripe.String(name)})
}

func TestFilesUploadRetrieveListAndContents(t *testing.T) {
	e := start(t)
	logo := pngImage(t, 160, 40, color.RGBA{0x63, 0x5b, 0xff, 0xff})
	f, err := e.upload("business_logo", "logo.png", logo)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(f.ID, "file_") || f.Purpose != "business_logo" || f.Type != "png" || f.Size != int64(len(logo)) || f.Filename != "logo.png" {
		t.Fatalf("file = %+v", f)
	}
	got, err := e.sc.V1Files.Retrieve(e.ctx, f.ID, nil)
	if err != nil || got.ID != f.ID || got.URL != f.URL {
		t.Fatalf("retrieve: %+v %v", got, err)
	}
	icon, err := e.upload("business_icon", "icon.png", pngImage(t, 128, 128, color.White))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for f, err := range e.sc.V1Files.List(e.ctx, &stripe.FileListParams{Purpose: stripe.String("business_icon")}).All(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, f.ID)
	}
	if len(ids) != 1 || ids[0] != icon.ID {
		t.Fatalf("business_icon files = %v, want [%s]", ids, icon.ID)
	}
	// The url serves the bytes to the key holder only.
	res := e.do("GET", strings.TrimPrefix(f.URL, e.srv.URL), "")
	if res.Status != 200 || !bytes.Equal(res.Body, logo) || res.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("contents: %d %s, %d bytes", res.Status, res.Header.Get("Content-Type"), len(res.Body))
	}
	if res := e.do("GET", "/v1/files/"+f.ID+"/contents", "", "Authorization: Bearer sk_test_wrong"); res.Status != 401 {
		t.Fatalf("contents without the key: %d", res.Status)
	}
	// The public image (for pages) is there without a key.
	pub, err := http.Get(e.srv.URL + "/billing/files/" + f.ID)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(pub.Body)
	pub.Body.Close()
	if pub.StatusCode != 200 || !bytes.Equal(b, logo) || pub.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("public image: %d, %d bytes", pub.StatusCode, len(b))
	}
	_, err = e.sc.V1Files.Retrieve(e.ctx, "file_nope", nil)
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
}

func TestFilesUploadValidation(t *testing.T) {
	e := start(t)
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
	_, err := e.upload("business_logo", "logo.svg", svg)
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, "file_invalid", "file")
	_, err = e.upload("dispute_evidence", "x.png", pngImage(t, 8, 8, color.Black))
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, "parameter_invalid_string", "purpose")
	big := append(pngImage(t, 8, 8, color.Black), make([]byte, 600<<10)...)
	_, err = e.upload("business_logo", "big.png", big)
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, "file_too_large", "file")
	// A form body, as for other endpoints, is not an upload.
	if res := e.do("POST", "/v1/files", "purpose=business_logo"); res.Status != 400 || res.ErrorField(t, "type") != "invalid_request_error" {
		t.Fatalf("form-encoded upload: %d %s", res.Status, res.Body)
	}
}

func TestAccountBranding(t *testing.T) {
	e := start(t)
	acct, err := e.sc.V1Accounts.Retrieve(e.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(acct.ID, "acct_") || acct.Object != "account" {
		t.Fatalf("account = %+v", acct)
	}
	logo, err := e.upload("business_logo", "logo.png", pngImage(t, 160, 40, color.Black))
	if err != nil {
		t.Fatal(err)
	}
	icon, err := e.upload("business_icon", "icon.png", pngImage(t, 128, 128, color.Black))
	if err != nil {
		t.Fatal(err)
	}
	acct, err = e.sc.V1Accounts.Update(e.ctx, acct.ID, &stripe.AccountUpdateParams{
		BusinessProfile: &stripe.AccountUpdateBusinessProfileParams{Name: stripe.String("Acme Cloud"), SupportEmail: stripe.String("help@acme.test"), URL: stripe.String("https://acme.test")},
		Settings: &stripe.AccountUpdateSettingsParams{Branding: &stripe.AccountUpdateSettingsBrandingParams{Logo: stripe.String(logo.ID), Icon: stripe.String(icon.ID),
			PrimaryColor: stripe.String("#0a7d3b"), SecondaryColor: stripe.String("#f5f5f0")}}})
	if err != nil {
		t.Fatal(err)
	}
	br := acct.Settings.Branding
	if acct.BusinessProfile.Name != "Acme Cloud" || acct.BusinessProfile.SupportEmail != "help@acme.test" || br.Logo.ID != logo.ID || br.Icon.ID != icon.ID ||
		br.PrimaryColor != "#0a7d3b" || br.SecondaryColor != "#f5f5f0" {
		t.Fatalf("after update: %+v %+v", acct.BusinessProfile, br)
	}
	// Read back, with the logo expanded; the name is the business name the
	// invoices print.
	p := &stripe.AccountRetrieveParams{}
	p.AddExpand("settings.branding.logo")
	acct, err = e.sc.V1Accounts.Retrieve(e.ctx, p)
	if err != nil || acct.Settings.Branding.Logo.Purpose != "business_logo" || acct.BusinessProfile.Name != "Acme Cloud" {
		t.Fatalf("retrieve: %+v %v", acct, err)
	}
	if name, err := e.app.Service.PortalBusinessName(e.ctx); err != nil || name != "Acme Cloud" {
		t.Fatalf("business name = %q %v", name, err)
	}
	// POST /v1/account works as well, and clearing a colour is allowed.
	if res := e.do("POST", "/v1/account", "settings[branding][secondary_color]="); res.Status != 200 {
		t.Fatalf("POST /v1/account: %d %s", res.Status, res.Body)
	}
	evs := e.sc.V1Events.List(e.ctx, &stripe.EventListParams{Type: stripe.String("account.updated")})
	n := 0
	for ev, err := range evs.All(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Data.Object["object"] != "account" {
			t.Fatalf("event object = %v", ev.Data.Object)
		}
		n++
	}
	if n != 2 {
		t.Fatalf("%d account.updated events, want 2", n)
	}
}

func TestAccountValidation(t *testing.T) {
	e := start(t)
	acct, err := e.sc.V1Accounts.Retrieve(e.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	update := func(b *stripe.AccountUpdateSettingsBrandingParams) error {
		_, err := e.once.V1Accounts.Update(e.ctx, acct.ID, &stripe.AccountUpdateParams{Settings: &stripe.AccountUpdateSettingsParams{Branding: b}})
		return err
	}
	for _, c := range []string{"red", "#12345", "#1234567", "#gg0000", "#fff"} {
		err := update(&stripe.AccountUpdateSettingsBrandingParams{PrimaryColor: stripe.String(c)})
		wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, "parameter_invalid", "settings[branding][primary_color]")
	}
	err = update(&stripe.AccountUpdateSettingsBrandingParams{SecondaryColor: stripe.String("blue")})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, "parameter_invalid", "settings[branding][secondary_color]")
	err = update(&stripe.AccountUpdateSettingsBrandingParams{Logo: stripe.String("file_missing")})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "settings[branding][logo]")
	icon, err := e.upload("business_icon", "icon.png", pngImage(t, 128, 128, color.Black))
	if err != nil {
		t.Fatal(err)
	}
	err = update(&stripe.AccountUpdateSettingsBrandingParams{Logo: stripe.String(icon.ID)})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, "parameter_invalid", "settings[branding][logo]")
	_, err = e.once.V1Accounts.Update(e.ctx, acct.ID, &stripe.AccountUpdateParams{BusinessProfile: &stripe.AccountUpdateBusinessProfileParams{SupportEmail: stripe.String("not an email")}})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeEmailInvalid, "business_profile[support_email]")
	_, err = e.once.V1Accounts.GetByID(e.ctx, "acct_other", nil)
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
	if res := e.do("POST", "/v1/account", "settings[branding][colour]=red"); res.Status != 400 || res.ErrorField(t, "param") != "settings[branding][colour]" {
		t.Fatalf("unknown parameter: %d %s", res.Status, res.Body)
	}
	// Nothing was changed by the failures.
	if a, _ := e.sc.V1Accounts.Retrieve(e.ctx, nil); a.Settings.Branding.PrimaryColor != "" || a.Settings.Branding.Logo != nil {
		t.Fatalf("branding after failures: %+v", a.Settings.Branding)
	}
}

// The hosted invoice page and the invoice PDF carry the account's logo
// and colour.
func TestAccountBrandingOnInvoices(t *testing.T) {
	e := start(t)
	logo, err := e.upload("business_logo", "logo.png", pngImage(t, 160, 40, color.RGBA{0x0a, 0x7d, 0x3b, 0xff}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sc.V1Accounts.Update(e.ctx, "acct_portico", &stripe.AccountUpdateParams{
		BusinessProfile: &stripe.AccountUpdateBusinessProfileParams{Name: stripe.String("Acme <Cloud>")},
		Settings: &stripe.AccountUpdateSettingsParams{Branding: &stripe.AccountUpdateSettingsBrandingParams{
			Logo: stripe.String(logo.ID), PrimaryColor: stripe.String("#ffeb3b")}}}); err != nil {
		t.Fatal(err)
	}
	cus, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{Email: stripe.String("jo@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	in := e.openInvoiceOf(cus.ID, 500)
	page, err := http.Get(e.srv.URL + in.HostedInvoiceURL) // no public URL configured: relative
	if err != nil {
		t.Fatal(err)
	}
	html, _ := io.ReadAll(page.Body)
	page.Body.Close()
	// The yellow is darkened until it reads on white.
	for _, want := range []string{`<img id="logo" src="/billing/files/` + logo.ID + `" alt="Acme &lt;Cloud&gt;">`, "h1{color:#"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("hosted invoice page lacks %q", want)
		}
	}
	if strings.Contains(string(html), "h1{color:#ffeb3b}") {
		t.Error("the brand colour was used as text without enough contrast")
	}
	if !strings.Contains(page.Header.Get("Content-Security-Policy"), "img-src 'self'") {
		t.Errorf("CSP %q does not allow the logo", page.Header.Get("Content-Security-Policy"))
	}
	pdf, err := http.Get(e.srv.URL + in.InvoicePDF)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(pdf.Body)
	pdf.Body.Close()
	if !bytes.Contains(b, []byte("/Subtype /Image")) || !bytes.Contains(b, []byte("1.000 0.922 0.231 rg")) {
		t.Error("the invoice PDF lacks the logo or the colour band")
	}
}

// openInvoiceOf finalizes an invoice of amount (cents) to customer, sent
// for payment within 30 days.
func (e *env) openInvoiceOf(customer string, amount int64) *stripe.Invoice {
	e.t.Helper()
	if _, err := e.sc.V1InvoiceItems.Create(e.ctx, &stripe.InvoiceItemCreateParams{Customer: stripe.String(customer), Amount: stripe.Int64(amount), Currency: stripe.String("usd")}); err != nil {
		e.t.Fatal(err)
	}
	in, err := e.sc.V1Invoices.Create(e.ctx, &stripe.InvoiceCreateParams{Customer: stripe.String(customer), CollectionMethod: stripe.String("send_invoice"),
		DaysUntilDue: stripe.Int64(30), PendingInvoiceItemsBehavior: stripe.String("include")})
	if err == nil {
		in, err = e.sc.V1Invoices.FinalizeInvoice(e.ctx, in.ID, nil)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return in
}
