package portal

import (
	"html/template"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/locale"
	"github.com/porticohq/portico/internal/render"
)

// The homepage's lists (subscriptions, cards, invoices) are written here,
// in Go, rather than as template actions: they are the page's bulk, and
// html/template spends about a microsecond on each action (a reflective
// field look-up and a reflective call of its escaper), some fifteen per
// item, more than the rest of the page together. render.Rows escapes each
// value exactly as the template would have in the same place. The
// surrounding markup (headings, empty states, forms) stays in
// templates/home.html and _invoices.html.

// postForm opens a POST form to base, then id as a path segment, then
// "/"+action, with attrs (markup) after its action attribute and csrf's
// hidden input; the caller writes the button and closes the form.
func postForm(b *render.Rows, base, id, action, attrs, csrf string) {
	b.HTML(`<form method="post" action="` + base)
	b.URLPart(id)
	b.HTML("/" + action + `"` + attrs + `><input type="hidden" name="csrf" value="`)
	b.Text(csrf)
	b.HTML(`">`)
}

// subscriptionCards is the subscriptions list's items (localizeHome has
// filled each Text), with csrf on the pause, resume and renew forms.
func subscriptionCards(subs []subView, csrf string, loc *locale.Locale) template.HTML {
	var b render.Rows
	b.Grow(len(subs) * 1024)
	for _, sv := range subs {
		b.HTML("\n    <li class=\"card sub\" id=\"sub-")
		b.Text(sv.ID)
		b.HTML("\">\n      <div class=\"row\">\n        <h3>")
		b.Text(sv.Name)
		b.HTML("</h3>\n        <span class=\"badge b-")
		b.Text(sv.Status)
		b.HTML(`">`)
		b.Text(sv.Text.Badge)
		b.HTML("</span>\n      </div>\n      ")
		for _, p := range sv.Text.Prices {
			b.HTML(`<p class="price">`)
			b.Text(p)
			b.HTML(`</p>`)
		}
		b.HTML("\n      ")
		for _, d := range sv.Text.Discounts {
			b.HTML(`<p class="discount">`)
			b.Text(d)
			b.HTML(`</p>`)
		}
		b.HTML("\n      <p class=\"status\">")
		if sv.Text.StatusStrong {
			b.HTML("<strong>")
			b.Text(sv.Text.Status)
			b.HTML("</strong>")
		} else {
			b.Text(sv.Text.Status)
		}
		b.HTML("</p>\n      ")
		if sv.CanCancel || sv.CanRenew || sv.CanUpdate || sv.CanPause || sv.CanResume {
			b.HTML(`<div class="actions">`)
			link := func(ok bool, action, key string) {
				b.HTML("\n        ")
				if ok {
					b.HTML(`<a class="button secondary" href="/p/subscriptions/`)
					b.URLPart(sv.ID)
					b.HTML("/" + action + `">`)
					b.Text(loc.T(key))
					b.HTML("</a>")
				}
			}
			form := func(ok bool, action, class, key string) {
				b.HTML("\n        ")
				if ok {
					postForm(&b, "/p/subscriptions/", sv.ID, action, "", csrf)
					b.HTML(`<button` + class + `>`)
					b.Text(loc.T(key))
					b.HTML("</button></form>")
				}
			}
			link(sv.CanUpdate, "update", "subs.update")
			link(sv.CanCancel, "cancel", "subs.cancel")
			form(sv.CanPause, "pause", ` class="secondary"`, "subs.pause")
			form(sv.CanResume, "resume", "", "subs.resume")
			form(sv.CanRenew, "renew", "", "subs.renew")
			b.HTML("\n      </div>")
		}
		b.HTML("\n    </li>\n  ")
	}
	return b.String()
}

// paymentMethodCards is the cards list's items (localizeHome has filled
// each Name and Expires), with csrf on the make-default and remove forms.
func paymentMethodCards(cards []cardView, csrf string, loc *locale.Locale) template.HTML {
	var b render.Rows
	b.Grow(len(cards) * 1024)
	removeForm := func(c cardView, describedBy bool) {
		postForm(&b, "/p/payment-methods/", c.ID, "remove", "", csrf)
		b.HTML(`<button class="danger"`)
		if describedBy {
			b.HTML(` aria-describedby="pm-`)
			b.Text(c.ID)
			b.HTML(`"`)
		}
		b.HTML(`>`)
		b.Text(loc.T("pm.remove"))
		b.HTML("</button></form>")
	}
	for _, c := range cards {
		b.HTML("\n    <li class=\"card pm\" id=\"pm-")
		b.Text(c.ID)
		b.HTML("\">\n      <div class=\"row\">\n        <p class=\"pm-name\"><span class=\"brand-mark\" aria-hidden=\"true\">")
		b.Text(c.BrandShort)
		b.HTML("</span> ")
		b.Text(c.Name)
		b.HTML("</p>\n        <span>\n        ")
		badge := func(ok bool, class, key string) {
			if ok {
				b.HTML(`<span class="badge ` + class + `">`)
				b.Text(loc.T(key))
				b.HTML("</span>")
			}
		}
		badge(c.Default, "b-active", "pm.default")
		b.HTML("\n        ")
		badge(c.Expired, "b-past_due", "pm.expired")
		b.HTML("\n        ")
		badge(c.ExpiringSoon, "b-canceling", "pm.expiring")
		b.HTML("\n        </span>\n      </div>\n      <p class=\"muted\">")
		b.Text(c.Expires)
		b.HTML("</p>\n      ")
		switch {
		case !c.Default:
			b.HTML("<div class=\"actions\">\n        ")
			if !c.Expired {
				postForm(&b, "/p/payment-methods/", c.ID, "default", "", csrf)
				b.HTML(`<button class="secondary" aria-describedby="pm-`)
				b.Text(c.ID)
				b.HTML(`">`)
				b.Text(loc.T("pm.make_default"))
				b.HTML("</button></form>")
			}
			b.HTML("\n        ")
			removeForm(c, true)
			b.HTML("\n      </div>")
		case c.CanRemove:
			b.HTML("<div class=\"actions\">\n        ")
			removeForm(c, false)
			b.HTML("\n      </div>")
		default:
			b.HTML(`<p class="hint">`)
			b.Text(loc.T("pm.remove_blocked"))
			b.HTML("</p>")
		}
		b.HTML("\n    </li>\n  ")
	}
	return b.String()
}

// invoiceRows is the invoice table's rows in loc's language, with csrf on
// each open invoice's pay form.
func invoiceRows(rows []invoiceView, csrf string, loc *locale.Locale) template.HTML {
	var b render.Rows
	b.Grow(len(rows) * 1024) // a row is 700 to 900 bytes
	dateLabel, numberLabel, amountLabel, statusLabel := loc.T("inv.date"), loc.T("inv.number"), loc.T("inv.amount"), loc.T("inv.status")
	view, pay, pdf, payNow := loc.T("inv.view"), loc.T("inv.pay"), loc.T("inv.pdf"), loc.T("invoices.pay_now")
	for _, r := range rows {
		open := r.Status == billing.InvoiceOpen
		action, actionLabel := view, loc.T("inv.view_label", "number", r.Number)
		if open {
			action, actionLabel = pay, pay+" – "+actionLabel
		}
		b.HTML("\n      <tr>\n        <td data-label=\"")
		b.Text(dateLabel)
		b.HTML(`">`)
		b.Text(loc.Date(r.Created))
		b.HTML("</td>\n        <td data-label=\"")
		b.Text(numberLabel)
		b.HTML(`">`)
		b.Text(r.Number)
		b.HTML("</td>\n        <td data-label=\"")
		b.Text(amountLabel)
		b.HTML(`" class="num">`)
		b.Text(loc.Money(r.Amount, r.Currency))
		b.HTML("</td>\n        <td data-label=\"")
		b.Text(statusLabel)
		b.HTML(`"><span class="badge i-`)
		b.Text(r.Status)
		b.HTML(`">`)
		b.Text(loc.T("inv.status." + r.Status))
		b.HTML("</span></td>\n        <td class=\"links\"><a href=\"")
		b.URL(r.HostedURL)
		b.HTML(`" aria-label="`)
		b.Text(actionLabel)
		b.HTML(`">`)
		b.Text(action)
		b.HTML(`</a> <a href="`)
		b.URL(r.PDFURL)
		b.HTML(`" aria-label="`)
		b.Text(loc.T("inv.pdf_label", "number", r.Number))
		b.HTML(`">`)
		b.Text(pdf)
		b.HTML(`</a>`)
		if open {
			b.HTML("\n          ")
			postForm(&b, "/p/invoices/", r.ID, "pay", ` class="inline pay"`, csrf)
			b.HTML(`<button class="secondary" aria-label="`)
			b.Text(loc.T("invoices.pay_now_label", "number", r.Number))
			b.HTML(`">`)
			b.Text(payNow)
			b.HTML(`</button></form>`)
		}
		b.HTML("</td>\n      </tr>\n    ")
	}
	return b.String()
}
