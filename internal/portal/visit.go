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

// visit is a signed-in request: its context (selecting the visit's data
// set), the visit, its customer, the session it was opened from, the flow
// it is in (nil without one, or once the flow has sent the customer to the
// homepage) and the language to answer in.
type visit struct {
	ctx  context.Context
	v    *billing.PortalVisit
	cu   *billing.Customer
	ps   *billing.PortalSession
	flow *billing.PortalFlow
	loc  *locale.Locale
}

// visitLocaleKey keys a signed-in request's language in its context.
type visitLocaleKey struct{}

// requestLocale is the language of r: its visit's (see signedIn), else
// the browser's Accept-Language.
func requestLocale(r *http.Request) *locale.Locale {
	if loc, ok := r.Context().Value(visitLocaleKey{}).(*locale.Locale); ok {
		return loc
	}
	return locale.Match("", r.Header.Get("Accept-Language"))
}

// visitLocale is the language of a visit: its session's locale, or with
// auto (or none) the customer's preferred locales, then the browser's.
func visitLocale(r *http.Request, ps *billing.PortalSession, cu *billing.Customer) *locale.Locale {
	al := r.Header.Get("Accept-Language")
	if ps.Locale != "" && ps.Locale != "auto" {
		return locale.Match(ps.Locale, al)
	}
	if len(cu.PreferredLocales) > 0 {
		prefs := strings.Join(cu.PreferredLocales, ",")
		if al != "" {
			prefs += "," + al
		}
		return locale.Match("", prefs)
	}
	return locale.Match("", al)
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
	v, cu, ps, err := h.svc.PortalVisit(ctx, c.Value, h.set.IdleTimeout)
	if errors.Is(err, service.ErrPortalVisitEnded) {
		h.clearVisitCookie(w)
		h.localMessage(w, r, http.StatusUnauthorized, "msg.ended", "msg.ended_text")
		return nil, false
	}
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	vis := &visit{ctx: ctx, v: v, cu: cu, ps: ps, loc: visitLocale(r, ps, cu)}
	// The pages a handler answers with later (not found, form expired)
	// speak the visit's language too: r itself carries it from here on.
	*r = *r.WithContext(context.WithValue(r.Context(), visitLocaleKey{}, vis.loc))
	if ps.Flow != nil && !h.flowDone(r, c.Value) {
		vis.flow = ps.Flow
	}
	return vis, true
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
		"paused": true, "resumed": true, "tax_id_added": true, "tax_id_removed": true,
		"card_default": true, "retention_accepted": true}
	errs = map[string]bool{"form_expired": true, "card_invalid": true, "card_declined": true, "not_found": true, "invalid": true, "generic": true, "tax_id_invalid": true,
		"card_auth_failed": true}
)

type messagePage struct {
	page
	TextKey string
}

// localMessage answers with a short page in the request's language.
func (h *Handler) localMessage(w http.ResponseWriter, r *http.Request, status int, titleKey, textKey string) {
	h.view(w, r, status, "message", requestLocale(r), messagePage{page: page{TitleKey: titleKey}, TextKey: textKey})
}
