package service

import (
	"context"
	"encoding/json"
	"errors"
	"net/mail"
	"net/url"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/invoicepdf"
)

// The merchant's account (GET and POST /v1/account): the business profile
// and branding shown on the portal, the hosted invoice page and the PDF.
// The business name stays where it always was, the business.name setting;
// the rest is one JSON setting.

// settingAccountProfile keeps the account's support email, URL and
// branding (JSON of accountProfile).
const settingAccountProfile = "account.profile"

// AccountID is the id of the one account a Portico serves.
const AccountID = "acct_portico"

type accountProfile struct {
	SupportEmail string           `json:"support_email,omitempty"`
	URL          string           `json:"url,omitempty"`
	Branding     billing.Branding `json:"branding"`
}

// AccountParams are the fields POST /v1/account changes; an empty set value
// clears a field.
type AccountParams struct {
	BusinessName, SupportEmail, URL Field[string]
	Icon, Logo                      Field[string]
	PrimaryColor, SecondaryColor    Field[string]
}

// accountOf reads the account in tx.
func accountOf(tx billing.Tx) (*billing.Account, error) {
	a := &billing.Account{ID: AccountID, Livemode: tx.Livemode()}
	name, err := tx.Setting(SettingBusinessName)
	if err != nil && !errors.Is(err, billing.ErrNotFound) {
		return nil, err
	}
	a.BusinessName = name
	raw, err := tx.Setting(settingAccountProfile)
	switch {
	case errors.Is(err, billing.ErrNotFound):
		return a, nil
	case err != nil:
		return nil, err
	}
	var p accountProfile
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return nil, err
	}
	a.SupportEmail, a.URL, a.Branding = p.SupportEmail, p.URL, p.Branding
	return a, nil
}

// Account returns the account.
func (s *Service) Account(ctx context.Context) (*billing.Account, error) {
	var a *billing.Account
	err := s.view(ctx, func(tx billing.Tx) error {
		var err error
		a, err = accountOf(tx)
		return err
	})
	return a, err
}

// Validate checks p as Stripe would, naming the parameter at fault.
func (p AccountParams) Validate() error {
	for _, c := range []struct {
		f     Field[string]
		param string
	}{{p.PrimaryColor, "settings[branding][primary_color]"}, {p.SecondaryColor, "settings[branding][secondary_color]"}} {
		if c.f.Set && c.f.Value != "" && !billing.ValidColor(c.f.Value) {
			return billing.Invalid(c.param, "parameter_invalid", "Invalid hex color '%s': use the form #rrggbb.", c.f.Value)
		}
	}
	if p.BusinessName.Set && len(p.BusinessName.Value) > 256 {
		return billing.Invalid("business_profile[name]", "parameter_invalid", "business_profile[name] can be at most 256 characters.")
	}
	if v := p.SupportEmail.Value; p.SupportEmail.Set && v != "" {
		if a, err := mail.ParseAddress(v); err != nil || a.Address != v {
			return billing.Invalid("business_profile[support_email]", "email_invalid", "Invalid email address: %s", v)
		}
	}
	if v := p.URL.Value; p.URL.Set && v != "" {
		if u, err := url.Parse(v); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return billing.Invalid("business_profile[url]", "url_invalid", "Not a valid URL: %s", v)
		}
	}
	return nil
}

// UpdateAccount changes the account's profile and branding and records
// account.updated.
func (s *Service) UpdateAccount(ctx context.Context, p AccountParams) (*billing.Account, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	var a *billing.Account
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		if a, err = accountOf(tx); err != nil {
			return err
		}
		prev := *a
		for _, img := range []struct {
			f              Field[string]
			param, purpose string
		}{{p.Icon, "settings[branding][icon]", billing.FilePurposeBusinessIcon}, {p.Logo, "settings[branding][logo]", billing.FilePurposeBusinessLogo}} {
			if !img.f.Set || img.f.Value == "" {
				continue
			}
			f, err := tx.File(img.f.Value)
			if err != nil {
				return noSuchParam(err, img.param, "file", img.f.Value)
			}
			if f.Purpose != img.purpose {
				return billing.Invalid(img.param, "parameter_invalid", "The file %s has purpose %s; %s needs a file with purpose %s.", f.ID, f.Purpose, img.param, img.purpose)
			}
		}
		apply(&a.BusinessName, p.BusinessName)
		apply(&a.SupportEmail, p.SupportEmail)
		apply(&a.URL, p.URL)
		apply(&a.Branding.Icon, p.Icon)
		apply(&a.Branding.Logo, p.Logo)
		apply(&a.Branding.PrimaryColor, p.PrimaryColor)
		apply(&a.Branding.SecondaryColor, p.SecondaryColor)
		if p.BusinessName.Set {
			if err := tx.SetSetting(SettingBusinessName, a.BusinessName); err != nil {
				return err
			}
		}
		raw, err := json.Marshal(accountProfile{SupportEmail: a.SupportEmail, URL: a.URL, Branding: a.Branding})
		if err != nil {
			return err
		}
		if err := tx.SetSetting(settingAccountProfile, string(raw)); err != nil {
			return err
		}
		return emit(tx, "account.updated", "account", a, &prev)
	})
	return a, err
}

// invoiceBrand is the account's branding as invoices print it: the
// primary colour and the logo (or else the icon). An image kept in the
// other data set than the invoice's is left out.
func invoiceBrand(tx billing.Tx) (invoicepdf.Brand, error) {
	a, err := accountOf(tx)
	if err != nil {
		return invoicepdf.Brand{}, err
	}
	b := invoicepdf.Brand{Color: a.Branding.PrimaryColor}
	for _, id := range []string{a.Branding.Logo, a.Branding.Icon} {
		if id == "" {
			continue
		}
		f, err := tx.File(id)
		if errors.Is(err, billing.ErrNotFound) {
			continue
		}
		if err != nil {
			return b, err
		}
		if b.Logo, err = tx.FileContents(id); err != nil {
			return b, err
		}
		b.LogoID, b.LogoType = id, f.Type
		break
	}
	return b, nil
}
