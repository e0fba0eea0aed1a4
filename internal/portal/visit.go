package portal

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/locale"
	"github.com/porticohq/portico/internal/service"
)

// localeCookie keeps the session's locale for the visit ("auto" or empty:
// the browser's Accept-Language decides at every request).
//
// It is set when the session link is opened, because a visit does not
// reach its session afterwards: the store looks sessions up by token only.
// Once the store can load a session by id, the visit should read the locale
// (and the flow) from its session, and this cookie can go.
const localeCookie = "portico_locale"

// visit is a signed-in request: its context (selecting the visit's data
// set), the visit, its customer and the language to answer in.
type visit struct {
	ctx context.Context
	v   *billing.PortalVisit
	cu  *billing.Customer
	loc *locale.Locale
}

// requestLocale is the language of r: the session's locale from the
// cookie, else Accept-Language.
func requestLocale(r *http.Request) *locale.Locale {
	sess := ""
	if c, err := r.Cookie(localeCookie); err == nil {
		sess = c.Value
	}
	return locale.Match(sess, r.Header.Get("Accept-Language"))
}

func (h *Handler) setLocaleCookie(w http.ResponseWriter, code string) {
	if code == "" {
		code = "auto"
	}
	http.SetCookie(w, &http.Cookie{Name: localeCookie, Value: code, Path: "/p/", HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
}

// signedIn returns the visit r belongs to, or answers with the page saying
// the customer is signed out and returns false.
func (h *Handler) signedIn(w http.ResponseWriter, r *http.Request) (*visit, bool) {
	c, err := r.Cookie(visitCookie)
	if err != nil {
		h.localMessage(w, r, http.StatusUnauthorized, "msg.signed_out", "msg.signed_out_text")
		return nil, false
	}
	ctx, ok := service.PortalTokenContext(r.Context(), c.Value)
	if !ok {
		h.clearVisitCookie(w)
		h.localMessage(w, r, http.StatusUnauthorized, "msg.signed_out", "msg.signed_out_text")
		return nil, false
	}
	v, cu, err := h.svc.PortalVisit(ctx, c.Value, h.set.IdleTimeout)
	if errors.Is(err, service.ErrPortalVisitEnded) {
		h.clearVisitCookie(w)
		h.localMessage(w, r, http.StatusUnauthorized, "msg.ended", "msg.ended_text")
		return nil, false
	}
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	loc := requestLocale(r)
	if c, err := r.Cookie(localeCookie); (err != nil || c.Value == "auto") && len(cu.PreferredLocales) > 0 {
		// auto: the customer's preferred locales come before the browser's.
		prefs := strings.Join(cu.PreferredLocales, ",")
		if al := r.Header.Get("Accept-Language"); al != "" {
			prefs += "," + al
		}
		loc = locale.Match("", prefs)
	}
	return &visit{ctx: ctx, v: v, cu: cu, loc: loc}, true
}

// backHome sends the browser to the homepage after an action, with the
// notice (or error) to show there. Only message keys travel in the URL,
// so nothing the customer typed ends up in history or logs.
func backHome(w http.ResponseWriter, r *http.Request, param, key, anchor string) {
	u := "/p/"
	if key != "" {
		u += "?" + param + "=" + key
	}
	// A notice shows at the top of the page, so the browser goes there; an
	// error shows next to the form it is about.
	if anchor != "" && param != "notice" {
		u += "#" + anchor
	}
	http.Redirect(w, r, u, http.StatusSeeOther)
}

// notices and errs are the message keys a homepage URL may carry.
var (
	notices = map[string]bool{"default_changed": true, "card_added": true, "card_removed": true, "canceled": true,
		"cancel_scheduled": true, "renewed": true, "billing_saved": true, "updated": true, "update_scheduled": true,
		"paused": true, "resumed": true, "tax_id_added": true, "tax_id_removed": true}
	errs = map[string]bool{"form_expired": true, "card_invalid": true, "card_declined": true, "not_found": true, "invalid": true, "generic": true, "tax_id_invalid": true}
)

type messagePage struct {
	page
	TextKey string
}

// localMessage answers with a short page in the request's language.
func (h *Handler) localMessage(w http.ResponseWriter, r *http.Request, status int, titleKey, textKey string) {
	h.view(w, r, status, "message", requestLocale(r), messagePage{page: page{TitleKey: titleKey}, TextKey: textKey})
}
