package hosted

import (
	"net/http"
	"strings"

	"github.com/porticohq/portico/internal/billing"
)

// threeDSView is the challenge for a PaymentIntent or a SetupIntent
// (Amount is zero for a setup).
type threeDSView struct {
	ID, Status, Currency string
	Amount               int64
	Setup                bool
	Token                string
	Done                 string
	// Return is the portal page to go back to once answered (the
	// customer portal's card and payment pages); see portalReturn.
	Return string
}

// portalReturn returns the return parameter of r when it is a path of the
// customer portal, else "": only Portico's own portal pages, never
// another site, may follow a challenge.
func portalReturn(r *http.Request) string {
	ret := r.FormValue("return")
	if !strings.HasPrefix(ret, "/p/") || strings.ContainsAny(ret, "\\\r\n") {
		return ""
	}
	return ret
}

func (p *Pages) threeDSPage(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.PathValue("id"), "seti_") {
		si, _, err := find(r, p.svc.SetupIntent)
		if err != nil {
			p.fail(w, err)
			return
		}
		p.render(w, "threeds.html", threeDSView{ID: si.ID, Status: si.Status, Setup: true, Token: p.token("3ds", si.ID), Return: portalReturn(r)})
		return
	}
	pi, _, err := find(r, p.svc.PaymentIntent)
	if err != nil {
		p.fail(w, err)
		return
	}
	p.render(w, "threeds.html", threeDSView{ID: pi.ID, Status: pi.Status, Amount: pi.Amount, Currency: pi.Currency, Token: p.token("3ds", pi.ID),
		Return: portalReturn(r)})
}

func (p *Pages) threeDSAnswer(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.PathValue("id"), "seti_") {
		p.setupThreeDSAnswer(w, r)
		return
	}
	pi, ctx, err := find(r, p.svc.PaymentIntent)
	if err != nil {
		p.fail(w, err)
		return
	}
	if !p.checkPost(r, "3ds", pi.ID) {
		http.Error(w, "Invalid form token", http.StatusForbidden)
		return
	}
	success := r.PostFormValue("action") == "complete"
	if pi, err = p.svc.CompleteThreeDS(ctx, pi.ID, success); err != nil {
		if e, ok := billing.AsError(err); ok {
			http.Error(w, e.Message, http.StatusBadRequest)
			return
		}
		p.fail(w, err)
		return
	}
	if ret := portalReturn(r); ret != "" {
		http.Redirect(w, r, ret, http.StatusSeeOther)
		return
	}
	if pi.Invoice != "" {
		http.Redirect(w, r, "/billing/invoices/"+pi.Invoice, http.StatusSeeOther)
		return
	}
	p.render(w, "threeds.html", threeDSView{ID: pi.ID, Status: pi.Status, Amount: pi.Amount, Currency: pi.Currency, Done: pi.Status})
}

func (p *Pages) setupThreeDSAnswer(w http.ResponseWriter, r *http.Request) {
	si, ctx, err := find(r, p.svc.SetupIntent)
	if err != nil {
		p.fail(w, err)
		return
	}
	if !p.checkPost(r, "3ds", si.ID) {
		http.Error(w, "Invalid form token", http.StatusForbidden)
		return
	}
	if si, err = p.svc.CompleteSetupThreeDS(ctx, si.ID, r.PostFormValue("action") == "complete"); err != nil {
		if e, ok := billing.AsError(err); ok {
			http.Error(w, e.Message, http.StatusBadRequest)
			return
		}
		p.fail(w, err)
		return
	}
	if ret := portalReturn(r); ret != "" {
		http.Redirect(w, r, ret, http.StatusSeeOther)
		return
	}
	p.render(w, "threeds.html", threeDSView{ID: si.ID, Status: si.Status, Setup: true, Done: si.Status})
}
