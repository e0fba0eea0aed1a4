package portal

import (
	"net/http"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/render"
)

// brandingOf puts the account's logo, icon and colours into b. The images
// are served by the hosted pages (/billing/files/{id}), on this origin.
func brandingOf(b *business, a *billing.Account) {
	if a == nil {
		return
	}
	br := a.Branding
	if br.Logo != "" {
		b.LogoURL = "/billing/files/" + br.Logo
	}
	if br.Icon != "" {
		b.IconURL = "/billing/files/" + br.Icon
	}
	b.BrandCSS = render.BrandCSSURL(br.PrimaryColor, br.SecondaryColor)
}

// brandCSS serves the stylesheet of the colours its name carries: the
// content follows from the URL alone, so it is cached for ever.
func brandCSS(w http.ResponseWriter, r *http.Request) {
	css, ok := render.BrandCSS(r.PathValue("file"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/css; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(css)
}
