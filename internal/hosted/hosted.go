// Package hosted serves the billing engine's customer-facing pages: the
// hosted invoice page (hosted_invoice_url), where an open invoice can be
// paid with a Stripe test card, its PDF (invoice_pdf), and the 3-D Secure
// test page a PaymentIntent in requires_action redirects to.
//
// The pages are reached through unguessable object ids, as Stripe's hosted
// URLs are. Every POST carries a token bound to the object (an HMAC with a
// per-installation key) and must come from Portico's own origin, so another
// site cannot make a customer's browser pay or authenticate.
package hosted

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/invoicepdf"
	"github.com/porticohq/portico/internal/service"
)

//go:embed templates/*.html
var templateFS embed.FS

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"money":     invoicepdf.Money,
	"date":      invoicepdf.Date,
	"t":         invoicepdf.Label,
	"statusKey": invoicepdf.StatusKey,
	"moneyIn":   invoicepdf.MoneyIn,
	"dateIn":    invoicepdf.DateIn,
}).ParseFS(templateFS, "templates/*.html"))

// Pages serves the hosted pages.
type Pages struct {
	svc *service.Service
	log *slog.Logger
	key []byte
}

// New returns the pages; key keys the form tokens.
func New(svc *service.Service, log *slog.Logger, key []byte) *Pages {
	if log == nil {
		log = slog.Default()
	}
	return &Pages{svc: svc, log: log, key: key}
}

// Mount registers the pages on mux.
func (p *Pages) Mount(mux *http.ServeMux) {
	mux.Handle("GET /billing/invoices/{id}", secure(p.invoicePage))
	mux.Handle("GET /billing/invoices/{id}/pdf", secure(p.invoicePDF))
	mux.Handle("POST /billing/invoices/{id}/pay", secure(p.payInvoice))
	mux.HandleFunc("GET /billing/files/{id}", p.brandImage)
	mux.Handle("GET "+service.ThreeDSPath+"{id}", secure(p.threeDSPage))
	mux.Handle("POST "+service.ThreeDSPath+"{id}", secure(p.threeDSAnswer))
}

// secure sets the pages' security headers: no framing (clickjacking of the
// pay and authenticate buttons), no scripts, forms posting only here.
func secure(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'")
		w.Header().Set("Referrer-Policy", "no-referrer")
		h(w, r)
	})
}

// TestCard is a card the hosted invoice page offers: Outcome is the
// invoicepdf.Label key of what paying with it does.
type TestCard struct{ ID, Name, Outcome string }

// TestCards are the cards the hosted invoice page offers.
var TestCards = []TestCard{
	{"pm_card_visa", "Visa 4242", "card_ok"},
	{"pm_card_chargeCustomerFail", "Visa 0341", "card_declined"},
	{"pm_card_authenticationRequired", "Visa 3184", "card_3ds"},
}

func (p *Pages) token(kind, id string) string {
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte(kind + ":" + id))
	return hex.EncodeToString(m.Sum(nil))
}

// checkPost rejects a POST without the object's token or from another
// origin.
func (p *Pages) checkPost(r *http.Request, kind, id string) bool {
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return false
		}
	}
	return hmac.Equal([]byte(r.PostFormValue("token")), []byte(p.token(kind, id)))
}

// find loads an object in test mode, then live mode: the id alone says
// which data set it belongs to.
func find[T any](r *http.Request, load func(ctx context.Context, id string) (T, error)) (T, context.Context, error) {
	id := r.PathValue("id")
	var zero T
	for _, live := range []bool{false, true} {
		ctx := billing.WithLivemode(r.Context(), live)
		v, err := load(ctx, id)
		if err == nil {
			return v, ctx, nil
		}
		var be *billing.Error
		if !errors.As(err, &be) || be.Kind != billing.KindNotFound {
			return zero, nil, err
		}
	}
	return zero, nil, errNotFound
}

var errNotFound = errors.New("not found")

func (p *Pages) fail(w http.ResponseWriter, err error) {
	if errors.Is(err, errNotFound) {
		http.Error(w, "Not found", http.StatusNotFound)
		return
	}
	p.log.Error("hosted page", "error", err)
	http.Error(w, "Something went wrong", http.StatusInternalServerError)
}

// render writes a page; headers must not have been written yet unless the
// caller set a status first (then the security headers were set by it).
func (p *Pages) render(w http.ResponseWriter, name string, data any) {
	if err := templates.ExecuteTemplate(w, name, data); err != nil {
		p.log.Error("render hosted page", "template", name, "error", err)
	}
}
