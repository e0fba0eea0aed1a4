package render

import (
	"html/template"
	"strings"
	"testing"
)

// TestRowsEscapeAsTemplates: Rows escapes every value exactly as
// html/template escapes it in the same place.
func TestRowsEscapeAsTemplates(t *testing.T) {
	tpl := template.Must(template.New("").Parse(`<td data-x="{{.}}">{{.}}</td><a href="{{.}}">x</a><form action="/p/{{.}}/pay"></form>`))
	for _, v := range []string{
		"", "plain", "in_1AbC", `<script>alert("x")</script>`, "Tom & Jerry's +1", "\x00nul", "héllo wörld",
		"https://example.com/i/abc?x=1&y=2#frag", "HTTPS://EXAMPLE.COM/a b", "/p/invoices/in_1/pay", "javascript:alert(1)",
		"JavaScript:alert(1)", "mailto:a@b.c", "data:text/html,x", "foo/bar:baz", "100%", "%zz%41", "a%2Fb", "tab\there", "quote\"'",
		"[x]!$*,;=@~", "(paren)", "\u2028line",
	} {
		var want strings.Builder
		if err := tpl.Execute(&want, v); err != nil {
			t.Fatal(err)
		}
		var r Rows
		r.HTML(`<td data-x="`)
		r.Text(v)
		r.HTML(`">`)
		r.Text(v)
		r.HTML(`</td><a href="`)
		r.URL(v)
		r.HTML(`">x</a><form action="/p/`)
		r.URLPart(v)
		r.HTML(`/pay"></form>`)
		if got := string(r.String()); got != want.String() {
			t.Errorf("%q:\n got %s\nwant %s", v, got, want.String())
		}
	}
}
