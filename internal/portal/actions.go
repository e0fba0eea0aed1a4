package portal

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
)

// The homepage's actions. Each is a form post carrying the page's CSRF
// token; each loads what it acts on through the visit's customer, so an id
// of another customer's object is answered as not found; each returns to
// the homepage with a notice.

// action is the start of every action: a signed-in visit, a valid token
// and the visit's homepage data (its configuration and the customer's
// objects, for the ownership and feature checks).
func (h *Handler) action(w http.ResponseWriter, r *http.Request) (*visit, *service.PortalHomeData, bool) {
	vis, ok := h.signedIn(w, r)
	if !ok {
		return nil, nil, false
	}
	if !h.checkCSRF(r, csrfPortal) {
		h.localMessage(w, r, http.StatusForbidden, "msg.retry", "msg.form_expired_text")
		return nil, nil, false
	}
	return h.homeData(w, r, vis)
}

// notFound answers a request naming an object the visit's customer does
// not have, or a feature the configuration does not enable.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.localMessage(w, r, http.StatusNotFound, "msg.not_found", "msg.not_found_text")
}

func ownCard(d *service.PortalHomeData, id string) bool {
	return slices.ContainsFunc(d.PaymentMethods, func(pm *billing.PaymentMethod) bool { return pm.ID == id })
}

func ownSub(d *service.PortalHomeData, id string) (service.PortalSubscription, bool) {
	for _, ps := range d.Subscriptions {
		if ps.Subscription.ID == id {
			return ps, true
		}
	}
	return service.PortalSubscription{}, false
}

// makeDefault makes one of the customer's cards the default for invoices.
func (h *Handler) makeDefault(w http.ResponseWriter, r *http.Request) {
	vis, d, ok := h.action(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	if !d.Configuration.Features.PaymentMethodUpdate.Enabled || !ownCard(d, id) {
		h.notFound(w, r)
		return
	}
	if _, err := h.svc.UpdateCustomer(vis.ctx, vis.cu.ID, service.CustomerParams{DefaultPM: service.Set(id)}); err != nil {
		h.actionFailed(w, r, err, "payment-methods")
		return
	}
	backHome(w, r, "notice", "default_changed", "payment-methods")
}

// removeCard detaches a card, unless a subscription needs it.
func (h *Handler) removeCard(w http.ResponseWriter, r *http.Request) {
	vis, d, ok := h.action(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	if !d.Configuration.Features.PaymentMethodUpdate.Enabled || !ownCard(d, id) {
		h.notFound(w, r)
		return
	}
	if !cardRemovable(d, id) {
		backHome(w, r, "error", "invalid", "payment-methods")
		return
	}
	if _, err := h.svc.DetachPaymentMethod(vis.ctx, id); err != nil {
		h.actionFailed(w, r, err, "payment-methods")
		return
	}
	backHome(w, r, "notice", "card_removed", "payment-methods")
}

// cardFromForm reads number, exp (MM/YY or MM/YYYY) and cvc.
func cardFromForm(r *http.Request) (*service.CardParams, bool) {
	num := strings.Map(func(c rune) rune {
		if c == ' ' || c == '-' {
			return -1
		}
		return c
	}, r.PostFormValue("number"))
	mm, yy, ok := strings.Cut(strings.ReplaceAll(r.PostFormValue("exp"), " ", ""), "/")
	month, err1 := strconv.ParseInt(mm, 10, 64)
	year, err2 := strconv.ParseInt(yy, 10, 64)
	cvc := strings.TrimSpace(r.PostFormValue("cvc"))
	if !ok || err1 != nil || err2 != nil || len(num) < 12 || len(num) > 19 || len(cvc) < 3 || len(cvc) > 4 {
		return nil, false
	}
	if year < 100 {
		year += 2000
	}
	return &service.CardParams{Number: num, ExpMonth: month, ExpYear: year, CVC: cvc}, true
}

// actionFailed returns to the homepage with the error a customer can act
// on; an unexpected error is logged and shown as a generic one.
func (h *Handler) actionFailed(w http.ResponseWriter, r *http.Request, err error, anchor string) {
	if key, ok := failureKey(err); ok {
		backHome(w, r, "error", key, anchor)
		return
	}
	h.log.Error("portal action failed", "path", r.URL.Path, "error", err)
	backHome(w, r, "error", "generic", anchor)
}

// failureKey is the errs key of a Stripe-shaped error a customer can act
// on (a declined or mistyped card, an invalid value); false for others.
func failureKey(err error) (string, bool) {
	var be *billing.Error
	if !errors.As(err, &be) {
		return "", false
	}
	switch {
	case be.Code == "card_declined" || be.Type == "card_error" && be.Code != "incorrect_number" && be.Code != "invalid_expiry_month" && be.Code != "invalid_expiry_year" && be.Code != "invalid_cvc" && be.Code != "expired_card":
		return "card_declined", true
	case be.Type == "card_error" || strings.HasPrefix(be.Param, "card"):
		return "card_invalid", true
	}
	return "invalid", true
}

// updateBilling saves the billing details the configuration lets the
// customer change; fields it does not allow are ignored.
func (h *Handler) updateBilling(w http.ResponseWriter, r *http.Request) {
	vis, d, ok := h.action(w, r)
	if !ok {
		return
	}
	b := billingOf(d)
	if !b.Editable {
		h.notFound(w, r)
		return
	}
	var p service.CustomerParams
	val := func(k string, max int) string { return strings.TrimSpace(truncate(r.PostFormValue(k), max)) }
	if b.EditName {
		p.Name = service.Set(val("name", 256))
	}
	if b.EditEmail {
		p.Email = service.Set(val("email", 512))
	}
	if b.EditPhone {
		p.Phone = service.Set(val("phone", 64))
	}
	if b.EditAddress {
		a := &billing.Address{Line1: val("line1", 256), Line2: val("line2", 256), City: val("city", 256), PostalCode: val("postal_code", 32),
			State: val("state", 256), Country: strings.ToUpper(val("country", 2))}
		p.Address = service.Set(a)
	}
	if _, err := h.svc.UpdateCustomer(vis.ctx, vis.cu.ID, p); err != nil {
		h.actionFailed(w, r, err, "billing")
		return
	}
	h.done(w, r, vis, "billing_saved", "billing")
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
