package render

import (
	"html/template"
	"strings"
)

// The page's hottest repeated parts (the invoice table's rows) are written
// in Go rather than executed as template actions: html/template spends
// about a microsecond on each action (a reflective field look-up and a
// reflective call of its escaper), some fifteen per row. Rows gives such
// code the escaping html/template would have applied, byte for byte, so a
// row reads the same either way (TestRowsEscapeAsTemplates).

// Rows builds HTML from trusted markup and escaped values.
type Rows struct {
	b strings.Builder
}

// HTML appends trusted markup, as template text.
func (r *Rows) HTML(s string) { r.b.WriteString(s) }

// Text appends s escaped for HTML element text or a quoted attribute value,
// as {{.}} in either place.
func (r *Rows) Text(s string) { r.b.WriteString(escapeText(s)) }

// URL appends u for a quoted URL attribute (href, action, src) whose value
// it starts, as href="{{.}}": a URL with a scheme other than http, https
// or mailto becomes "#ZgotmplZ", and characters a URL may not hold are
// percent-encoded.
func (r *Rows) URL(u string) {
	if !safeScheme(u) {
		u = "#ZgotmplZ"
	}
	r.b.WriteString(escapeText(normalizeURL(u)))
}

// URLPart appends s inside a quoted URL attribute, after its start (a path
// segment, as action="/p/x/{{.}}"): percent-encoded where a URL needs it,
// with no scheme check.
func (r *Rows) URLPart(s string) { r.b.WriteString(escapeText(normalizeURL(s))) }

// Grow makes room for n more bytes, so that building a table of known
// length does not copy it over and over as it grows.
func (r *Rows) Grow(n int) { r.b.Grow(n) }

// String returns what was built.
func (r *Rows) String() template.HTML { return template.HTML(r.b.String()) }

// safeScheme reports whether u has no scheme or one of the schemes
// html/template lets through (its urlFilter).
func safeScheme(u string) bool {
	i := strings.IndexRune(u, ':')
	if i < 0 || strings.ContainsRune(u[:i], '/') {
		return true
	}
	switch strings.ToLower(u[:i]) {
	case "http", "https", "mailto":
		return true
	}
	return false
}

// normalizeURL percent-encodes the bytes of u that are neither reserved
// nor unreserved in RFC 3986, keeping existing %xx escapes (html/template's
// urlNormalizer).
func normalizeURL(u string) string {
	var b strings.Builder
	written := 0
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			continue
		case strings.IndexByte("!#$&*+,/:;=?@[]-._~", c) >= 0:
			continue
		case c == '%' && i+2 < len(u) && isHex(u[i+1]) && isHex(u[i+2]):
			continue
		}
		if written == 0 {
			b.Grow(len(u) + 8)
		}
		b.WriteString(u[written:i])
		b.WriteByte('%')
		b.WriteByte("0123456789abcdef"[c>>4])
		b.WriteByte("0123456789abcdef"[c&15])
		written = i + 1
	}
	if written == 0 {
		return u
	}
	b.WriteString(u[written:])
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
