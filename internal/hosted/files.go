package hosted

import (
	"net/http"
	"strconv"

	"github.com/porticohq/portico/internal/billing"
)

// brandImage serves an uploaded logo or icon to anyone: the portal, the
// hosted invoice page and emails show them. Only files uploaded for
// branding are served here, as images that cannot run anything (PNG, JPEG
// or GIF, never sniffed as something else), and cached: a file never
// changes once uploaded.
func (p *Pages) brandImage(w http.ResponseWriter, r *http.Request) {
	_, b, err := p.svc.BrandImage(r.Context(), r.PathValue("id"))
	if err != nil {
		if e, ok := billing.AsError(err); ok && e.Kind == billing.KindNotFound {
			http.NotFound(w, r)
			return
		}
		p.fail(w, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", http.DetectContentType(b))
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(b)
}
