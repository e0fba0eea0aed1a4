package render

import (
	"math"
	"os"
	"regexp"
	"strconv"
	"testing"
)

// TestColourContrast checks the stylesheet's colour pairs against WCAG 2.1
// AA (4.5:1 for text) in both colour schemes.
func TestColourContrast(t *testing.T) {
	css, err := os.ReadFile("static/app.css")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile(`:root\{([^}]*)\}`).FindAllSubmatch(css, -1)
	if len(blocks) != 2 {
		t.Fatalf("want a light and a dark :root block, got %d", len(blocks))
	}
	pairs := [][2]string{
		{"text", "bg"}, {"text", "surface"}, {"muted", "surface"}, {"muted", "bg"}, {"primary", "surface"}, {"primary", "bg"},
		{"primary-text", "primary"}, {"danger", "surface"}, {"danger", "err-bg"}, {"ok", "ok-bg"}, {"ok", "surface"}, {"warn", "surface"},
	}
	light := vars(string(blocks[0][1]))
	for i, b := range blocks {
		v := vars(string(b[1]))
		for k, c := range light { // the dark block overrides; the rest is shared
			if _, ok := v[k]; !ok {
				v[k] = c
			}
		}
		for _, p := range pairs {
			if r := contrast(v[p[0]], v[p[1]]); r < 4.5 {
				t.Errorf("scheme %d: --%s on --%s: %.2f:1, below 4.5:1", i, p[0], p[1], r)
			}
		}
	}
}

func vars(block string) map[string]string {
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`--([a-z-]+):#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b`).FindAllStringSubmatch(block, -1) {
		h := m[2]
		if len(h) == 3 {
			h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
		}
		out[m[1]] = "#" + h
	}
	return out
}

func luminance(hex string) float64 {
	var c [3]float64
	for i := range c {
		n, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		s := float64(n) / 255
		if s <= 0.03928 {
			c[i] = s / 12.92
		} else {
			c[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}

func contrast(a, b string) float64 {
	if a == "" || b == "" {
		return 0
	}
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}
