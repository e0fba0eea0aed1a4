package render

import (
	"regexp"
	"strings"
	"testing"
)

// Whatever colours a merchant picks, the branding stylesheet's text
// passes WCAG AA on what it is drawn on.
func TestBrandCSSContrast(t *testing.T) {
	for _, c := range []string{"#ffeb3b", "#0a7d3b", "#000000", "#ffffff", "#635bff", "#ff0000", "#777777", "#00ffff", "#1a1e24"} {
		css, ok := BrandCSS(strings.TrimPrefix(BrandCSSURL(c, c), BrandPrefix))
		if !ok {
			t.Fatalf("%s: no stylesheet", c)
		}
		v := map[string]string{}
		blocks := regexp.MustCompile(`:root\{([^}]*)\}`).FindAllStringSubmatch(string(css), -1)
		if len(blocks) != 2 {
			t.Fatalf("%s: %d :root blocks in %s", c, len(blocks), css)
		}
		for i, blk := range blocks {
			for _, m := range regexp.MustCompile(`--([a-z-]+):(#[0-9a-f]{6})`).FindAllStringSubmatch(blk[1], -1) {
				v[m[1]] = m[2]
			}
			grounds := lightGrounds
			if i == 1 {
				grounds = darkGrounds
			}
			for _, g := range grounds {
				if r := Contrast(v["primary"], g); r < 4.5 {
					t.Errorf("%s scheme %d: --primary %s on %s: %.2f:1", c, i, v["primary"], g, r)
				}
			}
			if r := Contrast(v["primary-text"], v["primary"]); r < 4.5 {
				t.Errorf("%s scheme %d: --primary-text on --primary: %.2f:1", c, i, r)
			}
		}
		if r := Contrast(v["brand-ink"], v["brand"]); r < 4.5 || v["brand"] != c {
			t.Errorf("%s: button ink on %s: %.2f:1", c, v["brand"], r)
		}
		sec := regexp.MustCompile(`\.top\{background:(#[0-9a-f]{6});color:(#[0-9a-f]{6})\}`).FindStringSubmatch(string(css))
		if sec == nil || Contrast(sec[1], sec[2]) < 4.5 {
			t.Errorf("%s: header %v", c, sec)
		}
	}
}

func TestBrandCSSRefusesOtherNames(t *testing.T) {
	for _, name := range []string{"x-x.css", "red-x.css", "0a7d3b.css", "0a7d3b-x", "0A7D3B-x.css", "0a7d3b-x.css;}body{", "../app.css", "0a7d3b-00000g.css"} {
		if _, ok := BrandCSS(name); ok {
			t.Errorf("%q was served", name)
		}
	}
	if _, ok := BrandCSS("0a7d3b-x.css"); !ok {
		t.Error("a valid name was refused")
	}
	if got := BrandCSSURL("#0A7D3B", ""); got != "/p/brand/0a7d3b-x.css" {
		t.Errorf("url = %s", got)
	}
}
