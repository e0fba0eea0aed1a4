package api

import (
	"context"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
)

// The merchant's own account: business profile and branding. stripe-go
// reads it at GET /v1/account and writes it at POST /v1/accounts/{id};
// POST /v1/account is accepted too.
func (a *API) accountRoutes() {
	a.handle("GET /v1/account", "account", a.getAccount)
	a.handle("POST /v1/account", "account", a.updateAccount)
	a.handle("GET /v1/accounts/{id}", "account", a.getAccount)
	a.handle("POST /v1/accounts/{id}", "account", a.updateAccount)
}

// ownAccount fails unless the path names Portico's account (or none).
func ownAccount(r *Req) {
	if id := r.PathValue("id"); id != "" && id != service.AccountID {
		r.Form.Fail(billing.NotFound("account", id))
	}
}

func (a *API) getAccount(r *Req) Run {
	ownAccount(r)
	return func(ctx context.Context) (any, error) { return a.svc.Account(ctx) }
}

func (a *API) updateAccount(r *Req) Run {
	ownAccount(r)
	var p service.AccountParams
	if bp, cleared := r.Form.Hash("business_profile"); bp != nil {
		p.BusinessName = str(bp, "name", 256)
		p.SupportEmail = str(bp, "support_email", 512)
		p.URL = str(bp, "url", 2048)
	} else if cleared {
		p.BusinessName, p.SupportEmail, p.URL = service.Set(""), service.Set(""), service.Set("")
	}
	if st, _ := r.Form.Hash("settings"); st != nil {
		if br, cleared := st.Hash("branding"); br != nil {
			p.Icon = str(br, "icon", 64)
			p.Logo = str(br, "logo", 64)
			p.PrimaryColor = str(br, "primary_color", 64)
			p.SecondaryColor = str(br, "secondary_color", 64)
		} else if cleared {
			p.Icon, p.Logo, p.PrimaryColor, p.SecondaryColor = service.Set(""), service.Set(""), service.Set(""), service.Set("")
		}
	}
	if !r.Form.Failed() {
		if err := p.Validate(); err != nil {
			e, _ := billing.AsError(err)
			r.Form.Fail(e)
		}
	}
	return func(ctx context.Context) (any, error) { return a.svc.UpdateAccount(ctx, p) }
}
