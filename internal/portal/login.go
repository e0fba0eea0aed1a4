package portal

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/locale"
	"github.com/porticohq/portico/internal/mail"
	"github.com/porticohq/portico/internal/service"
	"github.com/porticohq/portico/internal/stripewire"
)

// csrfCookie holds the browser's random value that form tokens are bound
// to (double submit, with the token an HMAC of the value, so a token cannot
// be made without the server's key).
const csrfCookie = "portico_csrf"

// csrfToken returns the form token for purpose, giving the browser its
// CSRF cookie first when it has none.
func (h *Handler) csrfToken(w http.ResponseWriter, r *http.Request, purpose string) string {
	v := ""
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		v = c.Value
	} else {
		v = billing.RandomString(32)
		http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: v, Path: "/p/", HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
		// Later tokens of this response (a page has several forms) must
		// sign the same value.
		r.AddCookie(&http.Cookie{Name: csrfCookie, Value: v})
	}
	return h.sign(r, v, purpose)
}

func (h *Handler) sign(r *http.Request, value, purpose string) string {
	h.keyOnce.Do(func() { h.key, h.keyErr = h.svc.PortalKey(r.Context()) })
	if h.keyErr != nil {
		return ""
	}
	m := hmac.New(sha256.New, h.key)
	m.Write([]byte(purpose + "\x00" + value))
	return hex.EncodeToString(m.Sum(nil))
}

// checkCSRF verifies a form post: the token must match the CSRF cookie,
// and a cross-origin Origin header is refused outright.
func (h *Handler) checkCSRF(r *http.Request, purpose string) bool {
	// Browsers send Origin: null for posts from pages with Referrer-Policy
	// no-referrer (as every portal page has); then the token alone decides.
	if o := r.Header.Get("Origin"); o != "" && o != "null" && h.publicURL != "" {
		pu, err1 := url.Parse(h.publicURL)
		ou, err2 := url.Parse(o)
		if err1 != nil || err2 != nil || pu.Scheme != ou.Scheme || pu.Host != ou.Host {
			return false
		}
	}
	c, err := r.Cookie(csrfCookie)
	if err != nil || len(c.Value) < 32 {
		return false
	}
	r.Body = http.MaxBytesReader(nil, r.Body, 8<<10)
	got := r.PostFormValue("csrf")
	want := h.sign(r, c.Value, purpose)
	return want != "" && hmac.Equal([]byte(got), []byte(want))
}

// loginPage returns the context for a login page id, or answers 404.
func (h *Handler) loginContext(w http.ResponseWriter, r *http.Request) (*http.Request, bool) {
	ctx, ok := service.PortalTokenContext(r.Context(), r.PathValue("id"))
	if !ok {
		h.loginMessage(w, r, http.StatusNotFound, "login.no_page", "login.no_page_text")
		return r, false
	}
	return r.WithContext(ctx), true
}

// loginForm shows the login page of a configuration whose login page is
// enabled.
func (h *Handler) loginForm(w http.ResponseWriter, r *http.Request) {
	r, ok := h.loginContext(w, r)
	if !ok {
		return
	}
	conf, err := h.svc.PortalConfigurationByLoginPage(r.Context(), r.PathValue("id"))
	if errors.Is(err, service.ErrPortalLinkInvalid) {
		h.loginMessage(w, r, http.StatusNotFound, "login.no_page", "login.no_page_text")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := loginView{page: page{TitleKey: "login.title", Business: h.plainBusiness(r), CSRF: h.csrfToken(w, r, "login")},
		HeadingKey: "login.heading", IntroKey: "login.intro", SubmitKey: "login.submit"}
	v.Business.Headline = conf.BusinessProfile.Headline
	h.view(w, r, http.StatusOK, "login", requestLocale(r), v)
}

// loginSubmit emails a sign-in link when a customer has the address. The
// answer (login.sent_text) is the same either way, and sending never waits on the network,
// so neither the page nor its timing tells whether the address is known.
func (h *Handler) loginSubmit(w http.ResponseWriter, r *http.Request) {
	r, ok := h.loginContext(w, r)
	if !ok {
		return
	}
	req, ok := h.loginRequest(w, r, "login")
	if !ok {
		return
	}
	req.LoginPage = r.PathValue("id")
	link, err := h.svc.RequestPortalLogin(r.Context(), req)
	switch {
	case errors.Is(err, service.ErrPortalLinkInvalid):
		h.loginMessage(w, r, http.StatusNotFound, "login.no_page", "login.no_page_text")
		return
	case errors.Is(err, service.ErrPortalRateLimited):
		w.Header().Set("Retry-After", "3600")
		h.loginMessage(w, r, http.StatusTooManyRequests, "login.too_many", "login.too_many_text")
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	h.sendLink(r, link)
	h.loginMessage(w, r, http.StatusOK, "login.sent", "login.sent_text")
}

// sendLink emails a sign-in link, when there is one.
func (h *Handler) sendLink(r *http.Request, link service.PortalLoginLink) {
	if link.Token == "" {
		return
	}
	// In the customer's language: their preferred locales first, then the
	// browser's that asked for the link.
	prefs := strings.Join(link.Customer.PreferredLocales, ",")
	if al := r.Header.Get("Accept-Language"); al != "" {
		prefs += "," + al
	}
	loc := locale.Match("", strings.TrimPrefix(prefs, ","))
	msg := mail.Message{To: link.Customer.Email, Subject: loc.T("login.mail_subject"),
		Text: loc.T("login.mail_body", "url", stripewire.PortalSessionURL(h.publicURL, link.Token)+"?confirm=1",
			"minutes", loc.Number(int64(h.set.LoginLinkLifetime/time.Minute)))}
	if err := h.mailer.Send(r.Context(), msg); err != nil {
		h.log.Error("queueing a portal sign-in email", "error", err)
	}
}

// loginRequest reads the email of a sign-in form and describes the
// request; ok is false (and the answer written) when the form is bad.
func (h *Handler) loginRequest(w http.ResponseWriter, r *http.Request, purpose string) (service.PortalLoginRequest, bool) {
	if !h.checkCSRF(r, purpose) {
		h.loginMessage(w, r, http.StatusForbidden, "msg.retry", "msg.form_expired_text")
		return service.PortalLoginRequest{}, false
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	if len(email) > 512 || !strings.Contains(email, "@") || strings.ContainsAny(email, "\r\n") {
		h.loginMessage(w, r, http.StatusBadRequest, "login.bad_email", "login.bad_email_text")
		return service.PortalLoginRequest{}, false
	}
	return service.PortalLoginRequest{Email: email, ClientIP: h.clientIP(r), PerAddress: h.set.LoginPerAddress, PerIP: h.set.LoginPerIP,
		Window: h.set.LoginWindow, LinkLifetime: h.set.LoginLinkLifetime}, true
}

// sessionPost is a form posted to a session link: the button of an emailed
// link's page (action=open), which opens it, or the recovery form of a dead
// link that offers recovery (after_expiration[type]=customer_login), which
// emails a replacement when the address is its customer's (the answer is
// the same either way). Opening needs no CSRF token: the link's secret is
// in the URL, and anyone who has it could send the victim the link itself.
func (h *Handler) sessionPost(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	ctx, ok := service.PortalTokenContext(r.Context(), token)
	if !ok {
		h.loginMessage(w, r, http.StatusNotFound, "msg.link_invalid", "msg.link_invalid_text")
		return
	}
	r = r.WithContext(ctx)
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if r.PostFormValue("action") == "open" {
		h.exchange(w, r, token)
		return
	}
	req, ok := h.loginRequest(w, r, "recover")
	if !ok {
		return
	}
	link, err := h.svc.RecoverPortalLink(ctx, token, req)
	switch {
	case errors.Is(err, service.ErrPortalLinkInvalid):
		h.loginMessage(w, r, http.StatusNotFound, "msg.link_invalid", "msg.link_invalid_text")
		return
	case errors.Is(err, service.ErrPortalLinkExpired):
		h.loginMessage(w, r, http.StatusGone, "msg.link_expired", "login.expired_text")
		return
	case errors.Is(err, service.ErrPortalRateLimited):
		w.Header().Set("Retry-After", "3600")
		h.loginMessage(w, r, http.StatusTooManyRequests, "login.too_many", "login.too_many_text")
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	h.sendLink(r, link)
	h.loginMessage(w, r, http.StatusOK, "login.sent", "login.sent_text")
}

// The pages around signing in (the login page, an emailed link's
// confirmation, the recovery form of a dead link, their answers) in the
// request's language, under the merchant's name and branding.

// loginView is the login page and the recovery form of a dead link: the
// same email form, with its own words (message keys).
type loginView struct {
	page
	HeadingKey, IntroKey, SubmitKey string
}

// plainBusiness is the merchant as pages without a visit show it.
func (h *Handler) plainBusiness(r *http.Request) business {
	b := business{Name: "Portico"}
	if a, err := h.svc.Account(r.Context()); err == nil {
		if a.BusinessName != "" {
			b.Name = a.BusinessName
		}
		brandingOf(&b, a)
	}
	return b
}

// loginMessage answers with a short page in the request's language.
func (h *Handler) loginMessage(w http.ResponseWriter, r *http.Request, status int, titleKey, textKey string) {
	h.view(w, r, status, "message", requestLocale(r), messagePage{page: page{TitleKey: titleKey, Business: h.plainBusiness(r)}, TextKey: textKey})
}

// confirmPage is the button that opens an emailed link.
func (h *Handler) confirmPage(w http.ResponseWriter, r *http.Request) {
	h.view(w, r, http.StatusOK, "confirm", requestLocale(r), page{TitleKey: "login.confirm_title", Business: h.plainBusiness(r)})
}

// recoverPage is the form of a dead link that offers recovery.
func (h *Handler) recoverPage(w http.ResponseWriter, r *http.Request) {
	h.view(w, r, http.StatusGone, "login", requestLocale(r), loginView{page: page{TitleKey: "msg.link_expired", Business: h.plainBusiness(r), CSRF: h.csrfToken(w, r, "recover")},
		HeadingKey: "msg.link_expired", IntroKey: "login.recover_intro", SubmitKey: "login.recover_submit"})
}

// expiredView is the page of a used or expired link.
type expiredView struct {
	page
	LoginURL string
}

// linkExpired is the page of a used or expired link: in the session's
// language, with the way back to the merchant's site and, when the
// session's configuration has a login page, the way to a new link.
func (h *Handler) linkExpired(w http.ResponseWriter, r *http.Request, ps *billing.PortalSession) {
	v := expiredView{page: page{TitleKey: "msg.link_expired", Business: h.plainBusiness(r)}}
	loc := requestLocale(r)
	if ps != nil {
		loc = locale.Match(ps.Locale, r.Header.Get("Accept-Language"))
		v.Business.ReturnURL = ps.ReturnURL
		if conf, err := h.svc.PortalConfiguration(r.Context(), ps.Configuration); err == nil && conf.LoginPage.Enabled && conf.LoginPage.ID != "" {
			v.LoginURL = h.publicURL + "/p/login/" + conf.LoginPage.ID
		}
	}
	h.view(w, r, http.StatusGone, "expired", loc, v)
}
