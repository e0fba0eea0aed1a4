package portal

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/porticohq/portico/internal/billing"
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
		h.message(w, http.StatusNotFound, "This page does not exist", "Check the link you followed.")
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
		h.message(w, http.StatusNotFound, "This page does not exist", "Check the link you followed.")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.page(w, http.StatusOK, "login", loginView{Headline: conf.BusinessProfile.Headline, CSRF: h.csrfToken(w, r, "login")})
}

// sentText is the one answer to a sign-in request, whether or not a
// customer has the address.
const sentText = "If a billing account uses that address, we have sent it a link to your billing portal. The link works once, for a limited time."

// loginSubmit emails a sign-in link when a customer has the address. The
// answer is the same either way, and sending never waits on the network,
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
		h.message(w, http.StatusNotFound, "This page does not exist", "Check the link you followed.")
		return
	case errors.Is(err, service.ErrPortalRateLimited):
		w.Header().Set("Retry-After", "3600")
		h.message(w, http.StatusTooManyRequests, "Too many attempts", "Please wait a while before asking for another link.")
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	h.sendLink(r, link)
	h.message(w, http.StatusOK, "Check your email", sentText)
}

// sendLink emails a sign-in link, when there is one.
func (h *Handler) sendLink(r *http.Request, link service.PortalLoginLink) {
	if link.Token == "" {
		return
	}
	msg := mail.Message{To: link.Customer.Email, Subject: "Your billing portal link",
		Text: "Hello,\n\nSomeone (hopefully you) asked to sign in to your billing portal. Open this link to continue:\n\n" +
			stripewire.PortalSessionURL(h.publicURL, link.Token) + "?confirm=1\n\nThe link works once and expires in " + h.set.LoginLinkLifetime.String() +
			". If you did not ask for it, you can ignore this email.\n"}
	if err := h.mailer.Send(r.Context(), msg); err != nil {
		h.log.Error("queueing a portal sign-in email", "error", err)
	}
}

// loginRequest reads the email of a sign-in form and describes the
// request; ok is false (and the answer written) when the form is bad.
func (h *Handler) loginRequest(w http.ResponseWriter, r *http.Request, purpose string) (service.PortalLoginRequest, bool) {
	if !h.checkCSRF(r, purpose) {
		h.message(w, http.StatusForbidden, "Please try again", "The form expired. Reload the page and try again.")
		return service.PortalLoginRequest{}, false
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	if len(email) > 512 || !strings.Contains(email, "@") || strings.ContainsAny(email, "\r\n") {
		h.message(w, http.StatusBadRequest, "Check the address", "Enter the email address you use for billing.")
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
		h.message(w, http.StatusNotFound, "This link is not valid", "Ask for a new link to your billing portal.")
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
		h.message(w, http.StatusNotFound, "This link is not valid", "Ask for a new link to your billing portal.")
		return
	case errors.Is(err, service.ErrPortalLinkExpired):
		h.message(w, http.StatusGone, "This link has expired", "Go back and open the billing portal again to get a new one.")
		return
	case errors.Is(err, service.ErrPortalRateLimited):
		w.Header().Set("Retry-After", "3600")
		h.message(w, http.StatusTooManyRequests, "Too many attempts", "Please wait a while before asking for another link.")
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	h.sendLink(r, link)
	h.message(w, http.StatusOK, "Check your email", sentText)
}
