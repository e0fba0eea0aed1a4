package portal

import (
	"net/http"
	"net/url"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
)

// Adding a card, from the homepage's form or the payment_method_update
// flow's page: the card is set up with a SetupIntent, so a card that asks
// for 3-D Secure on setup goes through the billing engine's hosted
// challenge page first, which sends the browser back here
// (/p/payment-methods/setup/{seti}) when it is answered.

type addCardView struct {
	page
	Card cardForm
}

// addCardPage is the payment_method_update flow's page.
func (h *Handler) addCardPage(w http.ResponseWriter, r *http.Request) {
	vis, d, ok := h.signedInHome(w, r)
	if !ok {
		return
	}
	if !d.Configuration.Features.PaymentMethodUpdate.Enabled {
		h.notFound(w, r)
		return
	}
	v := addCardView{page: page{TitleKey: "flow.add_card_heading", Business: businessOf(d, vis.v.ReturnURL), InFlow: vis.flow != nil}}
	v.CSRF = h.csrfToken(w, r, csrfPortal)
	v.LogoutCSRF = h.csrfToken(w, r, "logout")
	v.Card = cardForm{Action: "/p/payment-methods", CSRF: v.CSRF, Button: "flow.add_card_save"}
	if k := r.URL.Query().Get("error"); errs[k] {
		v.Card.Error = "err." + k
	}
	h.view(w, r, http.StatusOK, "addcard", vis.loc, v)
}

// addCard sets up a card from the form for the visit's customer.
func (h *Handler) addCard(w http.ResponseWriter, r *http.Request) {
	vis, d, ok := h.action(w, r)
	if !ok {
		return
	}
	if !d.Configuration.Features.PaymentMethodUpdate.Enabled {
		h.notFound(w, r)
		return
	}
	card, ok := cardFromForm(r)
	if !ok {
		backHome(w, r, "error", "card_invalid", "add-card")
		return
	}
	pm, err := h.svc.CreatePaymentMethod(vis.ctx, service.PaymentMethodParams{Type: "card", Card: card})
	if err != nil {
		h.actionFailed(w, r, err, "add-card")
		return
	}
	si, err := h.svc.CreateSetupIntent(vis.ctx, service.SetupIntentParams{Customer: vis.cu.ID, PaymentMethod: pm.ID, Confirm: true})
	if err != nil {
		h.actionFailed(w, r, err, "add-card")
		return
	}
	h.afterSetup(w, r, vis, si)
}

// setupReturn is where the 3-D Secure page sends the browser back to. It
// is a GET (a redirect from the challenge's own POST) that may still make
// the card the default: it acts only on a setup intent of the visit's
// customer that has succeeded, whose unguessable id only that customer's
// browser has been given, and doing it again changes nothing.
func (h *Handler) setupReturn(w http.ResponseWriter, r *http.Request) {
	vis, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	si, err := h.svc.SetupIntent(vis.ctx, r.PathValue("id"))
	if err != nil || si.Customer != vis.cu.ID {
		h.notFound(w, r)
		return
	}
	h.afterSetup(w, r, vis, si)
}

// afterSetup goes on from a card's setup: to its 3-D Secure challenge, to
// the form with the decline, or, once the card is saved, on to where the
// action ends. The card becomes the default in the payment_method_update
// flow (that is the flow's purpose) or when the customer has none.
func (h *Handler) afterSetup(w http.ResponseWriter, r *http.Request, vis *visit, si *billing.SetupIntent) {
	switch si.Status {
	case billing.SIRequiresAction:
		http.Redirect(w, r, threeDSURL(si.NextActionURL, "/p/payment-methods/setup/"+si.ID), http.StatusSeeOther)
		return
	case billing.SISucceeded:
	default:
		key := "card_declined"
		if e := si.LastSetupError; e != nil && e.Code == "setup_intent_authentication_failure" {
			key = "card_auth_failed"
		}
		backHome(w, r, "error", key, "add-card")
		return
	}
	makeDefault := vis.cu.InvoiceSettings.DefaultPaymentMethod == ""
	if vis.flow != nil && vis.flow.Type == billing.FlowPaymentMethodUpdate {
		makeDefault = vis.cu.InvoiceSettings.DefaultPaymentMethod != si.PaymentMethod
	}
	if makeDefault {
		if _, err := h.svc.UpdateCustomer(vis.ctx, vis.cu.ID, service.CustomerParams{DefaultPM: service.Set(si.PaymentMethod)}); err != nil {
			h.actionFailed(w, r, err, "add-card")
			return
		}
	}
	notice := "card_added"
	if vis.flow != nil && vis.flow.Type == billing.FlowPaymentMethodUpdate {
		notice = "card_default"
	}
	h.done(w, r, vis, notice, "payment-methods")
}

// threeDSURL is the hosted 3-D Secure page at next, which returns the
// browser to back (a path of the portal) once answered.
func threeDSURL(next, back string) string {
	return next + "?return=" + url.QueryEscape(back)
}
