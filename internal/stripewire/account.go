package stripewire

import "github.com/porticohq/portico/internal/billing"

func init() {
	RegisterRenderer(renderAccount)
	RegisterExpandable("account", map[string]string{"settings.branding.icon": "file", "settings.branding.logo": "file"})
	RegisterKind("account", func() any { return new(billing.Account) })
}

func renderAccount(r *Renderer, obj any, e Expand) (any, bool, error) {
	if a, ok := obj.(*billing.Account); ok {
		v, err := r.account(a, e)
		return v, true, err
	}
	return nil, false, nil
}

type accountBusinessProfileJSON struct {
	Name         *string `json:"name"`
	SupportEmail *string `json:"support_email"`
	URL          *string `json:"url"`
}

type accountBrandingJSON struct {
	Icon           Ref     `json:"icon"`
	Logo           Ref     `json:"logo"`
	PrimaryColor   *string `json:"primary_color"`
	SecondaryColor *string `json:"secondary_color"`
}

type accountSettingsJSON struct {
	Branding accountBrandingJSON `json:"branding"`
}

type accountJSON struct {
	ID               string                     `json:"id"`
	Object           string                     `json:"object"`
	BusinessProfile  accountBusinessProfileJSON `json:"business_profile"`
	ChargesEnabled   bool                       `json:"charges_enabled"`
	DetailsSubmitted bool                       `json:"details_submitted"`
	PayoutsEnabled   bool                       `json:"payouts_enabled"`
	Settings         accountSettingsJSON        `json:"settings"`
	Type             string                     `json:"type"`
}

// account renders the account: the fields Portico keeps (business
// profile name, support email and URL; branding). A Portico is its own
// standard account, able to charge.
func (r *Renderer) account(a *billing.Account, e Expand) (any, error) {
	b := a.Branding
	out := accountJSON{ID: a.ID, Object: "account", ChargesEnabled: true, DetailsSubmitted: true, Type: "standard",
		BusinessProfile: accountBusinessProfileJSON{Name: ns(a.BusinessName), SupportEmail: ns(a.SupportEmail), URL: ns(a.URL)},
		Settings:        accountSettingsJSON{Branding: accountBrandingJSON{PrimaryColor: ns(b.PrimaryColor), SecondaryColor: ns(b.SecondaryColor)}}}
	var err error
	if out.Settings.Branding.Icon, err = r.Ref("file", b.Icon, e, "settings.branding.icon"); err != nil {
		return nil, err
	}
	if out.Settings.Branding.Logo, err = r.Ref("file", b.Logo, e, "settings.branding.logo"); err != nil {
		return nil, err
	}
	return out, nil
}
