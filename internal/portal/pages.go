package portal

import (
	"bytes"
	"html/template"
	"net/http"
)

// pages are the portal's templates, parsed once at start-up. They get
// view models, never store objects.
var pages = template.Must(template.New("layout").Parse(`{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.}}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#222}input,button{font:inherit;padding:.4rem .6rem}input[type=email]{width:100%;box-sizing:border-box}</style>
</head><body>{{end}}
{{define "message"}}{{template "head" .Title}}<h1>{{.Title}}</h1><p>{{.Text}}</p></body></html>{{end}}
{{define "login"}}{{template "head" "Sign in to your billing portal"}}<h1>Sign in</h1>
{{if .Headline}}<p>{{.Headline}}</p>{{end}}
<p>Enter the email address you use for billing, and we will email you a link to your billing portal.</p>
<form method="post"><input type="hidden" name="csrf" value="{{.CSRF}}">
<p><label>Email address<br><input type="email" name="email" required autocomplete="email" maxlength="512"></label></p>
<p><button>Email me a link</button></p></form></body></html>{{end}}
{{define "confirm"}}{{template "head" "Your billing portal"}}<h1>Your billing portal</h1>
<form method="post"><input type="hidden" name="action" value="open"><p><button>Continue to your billing portal</button></p></form></body></html>{{end}}
{{define "recover"}}{{template "head" "This link has expired"}}<h1>This link has expired</h1>
<p>Enter the email address you use for billing, and we will email you a new link to your billing portal.</p>
<form method="post"><input type="hidden" name="csrf" value="{{.CSRF}}">
<p><label>Email address<br><input type="email" name="email" required autocomplete="email" maxlength="512"></label></p>
<p><button>Email me a new link</button></p></form></body></html>{{end}}`))

type messageView struct{ Title, Text string }

type loginView struct{ Headline, CSRF string }

// page renders a template with headers that keep tokens out of referrers,
// caches and frames.
func (h *Handler) page(w http.ResponseWriter, status int, name string, view any) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, view); err != nil {
		h.log.Error("rendering portal page", "page", name, "error", err)
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString("Something went wrong.")
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (h *Handler) message(w http.ResponseWriter, status int, title, text string) {
	h.page(w, status, "message", messageView{Title: title, Text: text})
}
