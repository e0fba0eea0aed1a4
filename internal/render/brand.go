package render

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Branding: the merchant's primary and secondary colours reach the pages
// as a small stylesheet generated from the colours alone, at a URL that
// names them (/p/brand/0a7d3b-f5f5f0.css), so it is content-addressed,
// cacheable for ever, and needs neither inline styles (the CSP forbids
// them) nor a database read. Every colour pair it sets is adjusted to
// pass WCAG 2.1 AA (4.5:1) against what it is drawn on.

// BrandPrefix is the path of the branding stylesheets.
const BrandPrefix = "/p/brand/"

// The page colours the brand colours are drawn on (app.css: --surface and
// --bg, light and dark).
var (
	lightGrounds = []string{"#ffffff", "#f5f6f8"}
	darkGrounds  = []string{"#1a1e24", "#101317"}
)

var hex6 = regexp.MustCompile(`^[0-9a-f]{6}$`)

// BrandCSSURL returns the stylesheet URL for the colours (#rrggbb, either
// may be empty), or "" when there is neither.
func BrandCSSURL(primary, secondary string) string {
	if primary == "" && secondary == "" {
		return ""
	}
	part := func(c string) string {
		if c == "" {
			return "x"
		}
		return strings.ToLower(strings.TrimPrefix(c, "#"))
	}
	return BrandPrefix + part(primary) + "-" + part(secondary) + ".css"
}

// BrandCSS returns the stylesheet of a file name made by BrandCSSURL
// ("0a7d3b-x.css"); ok is false for any other name.
func BrandCSS(file string) (css []byte, ok bool) {
	name, found := strings.CutSuffix(file, ".css")
	p, s, found2 := strings.Cut(name, "-")
	if !found || !found2 || (p == "x" && s == "x") || (p != "x" && !hex6.MatchString(p)) || (s != "x" && !hex6.MatchString(s)) {
		return nil, false
	}
	var b strings.Builder
	if p != "x" {
		brand := "#" + p
		// Buttons are filled with the brand colour itself and lettered in
		// whichever of black or white reads better on it (one of them
		// always reaches 4.5:1); links and outlines use the colour darkened
		// (light scheme) or lightened (dark scheme) until it reads on the
		// page.
		fmt.Fprintf(&b, ":root{--brand:%s;--brand-ink:%s;--primary:%s;--primary-text:%s}\n", brand, Ink(brand), Readable(brand, lightGrounds, 0), Ink(Readable(brand, lightGrounds, 0)))
		fmt.Fprintf(&b, "@media (prefers-color-scheme:dark){:root{--primary:%s;--primary-text:%s}}\n", Readable(brand, darkGrounds, 1), Ink(Readable(brand, darkGrounds, 1)))
		b.WriteString("button,.button{background:var(--brand);border-color:var(--brand);color:var(--brand-ink)}\n")
		b.WriteString("button.secondary,.button.secondary{border-color:var(--primary)}\n")
		b.WriteString(".top{border-top:4px solid var(--brand)}\n")
	}
	if s != "x" {
		// The secondary colour fills the header in the light scheme, with
		// its text in black or white.
		sec := "#" + s
		fmt.Fprintf(&b, "@media (prefers-color-scheme:light){.top{background:%s;color:%s}.top a,.top button.link{color:%s}}\n", sec, Ink(sec), Ink(sec))
	}
	return []byte(b.String()), true
}

// Ink returns #000000 or #ffffff, whichever contrasts more with c.
func Ink(c string) string {
	if Contrast(c, "#000000") >= Contrast(c, "#ffffff") {
		return "#000000"
	}
	return "#ffffff"
}

// Readable returns c, mixed step by step towards black (toward 0) or
// white (1) until it reaches 4.5:1 against every ground.
func Readable(c string, grounds []string, toward float64) string {
	r, g, bl := rgb(c)
	for step := 0; step <= 20; step++ {
		f := float64(step) / 20
		mix := func(v float64) float64 { return v + (toward*255-v)*f }
		out := fmt.Sprintf("#%02x%02x%02x", int(math.Round(mix(r))), int(math.Round(mix(g))), int(math.Round(mix(bl))))
		ok := true
		for _, gr := range grounds {
			ok = ok && Contrast(out, gr) >= 4.5
		}
		if ok {
			return out
		}
	}
	if toward == 0 {
		return "#000000"
	}
	return "#ffffff"
}

func rgb(c string) (r, g, b float64) {
	n, _ := strconv.ParseUint(strings.TrimPrefix(c, "#"), 16, 32)
	return float64(n >> 16 & 0xff), float64(n >> 8 & 0xff), float64(n & 0xff)
}

// Contrast is the WCAG 2.1 contrast ratio of two #rrggbb colours.
func Contrast(a, b string) float64 {
	la, lb := relLuminance(a), relLuminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func relLuminance(c string) float64 {
	r, g, b := rgb(c)
	lin := func(v float64) float64 {
		s := v / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}
