package hosted

import (
	"net/http"

	"github.com/porticohq/portico/internal/billing"
)

type threeDSView struct {
	Intent *billing.PaymentIntent
	Token  string
	Done   string
}

func (p *Pages) threeDSPage(w http.ResponseWriter, r *http.Request) {
	pi, _, err := find(r, p.svc.PaymentIntent)
	if err != nil {
		p.fail(w, err)
		return
	}
	p.render(w, "threeds.html", threeDSView{Intent: pi, Token: p.token("3ds", pi.ID)})
}

func (p *Pages) threeDSAnswer(w http.ResponseWriter, r *http.Request) {
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
	if pi.Invoice != "" {
		http.Redirect(w, r, "/billing/invoices/"+pi.Invoice, http.StatusSeeOther)
		return
	}
	p.render(w, "threeds.html", threeDSView{Intent: pi, Done: pi.Status})
}
