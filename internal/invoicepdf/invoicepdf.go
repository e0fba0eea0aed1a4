// Package invoicepdf renders an invoice as a PDF: the business, the
// customer with address and tax IDs, the lines, discounts, totals and
// status, with labels, dates and amounts localized to the customer's
// preferred locale. The output is deterministic (fixed dates, no random
// ids), so a golden file can hold it. It takes a view model, never a store.
package invoicepdf

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
)

// Party is the business or the customer.
type Party struct {
	Name    string
	Email   string
	Address []string // lines
	TaxIDs  []string // "eu_vat DE123456789"
}

// Line is one invoice line.
type Line struct {
	Description string
	Period      string
	Quantity    int64
	Amount      int64
}

// Brand is the merchant's branding on an invoice: the primary colour
// (#rrggbb, validated by the account) for a band across the top, and the
// logo image (PNG, JPEG or GIF) at the top right.
type Brand struct {
	Color  string
	LogoID string // the file id, for pages that link the image
	Logo   []byte
	// LogoType is the image format: png, jpg or gif.
	LogoType string
}

// Document is everything printed on an invoice.
type Document struct {
	Brand      Brand
	Locale     string // en, fr, de (others fall back to en)
	Number     string
	Status     string
	Currency   string
	Created    int64
	DueDate    int64
	Business   Party
	Customer   Party
	Lines      []Line
	Subtotal   int64
	Discounts  []Line // Description and Amount
	Total      int64
	AmountPaid int64
	AmountDue  int64
	Footer     string
}

var labels = map[string]map[string]string{
	"en": {"invoice": "Invoice", "number": "Invoice number", "date": "Date of issue", "due": "Date due", "billto": "Bill to",
		"desc": "Description", "qty": "Qty", "amount": "Amount", "subtotal": "Subtotal", "total": "Total", "paid": "Amount paid",
		"amountdue": "Amount due", "status": "Status", "draft": "Draft", "open": "Open", "void": "Void", "uncollectible": "Uncollectible", "statuspaid": "Paid",
		"billedto": "Billed to", "discount": "Discount", "pay": "Pay", "testcard": "Test card", "pdf": "Download PDF",
		"card_ok": "succeeds", "card_declined": "declined", "card_3ds": "3-D Secure"},
	"fr": {"invoice": "Facture", "number": "Numéro de facture", "date": "Date d'émission", "due": "Date d'échéance", "billto": "Facturer à",
		"desc": "Description", "qty": "Qté", "amount": "Montant", "subtotal": "Sous-total", "total": "Total", "paid": "Montant payé",
		"amountdue": "Montant dû", "status": "Statut", "draft": "Brouillon", "open": "Ouverte", "void": "Annulée", "uncollectible": "Irrécouvrable", "statuspaid": "Payée",
		"billedto": "Facturé à", "discount": "Remise", "pay": "Payer", "testcard": "Carte de test", "pdf": "Télécharger le PDF",
		"card_ok": "acceptée", "card_declined": "refusée", "card_3ds": "3-D Secure"},
	"de": {"invoice": "Rechnung", "number": "Rechnungsnummer", "date": "Rechnungsdatum", "due": "Fälligkeitsdatum", "billto": "Rechnung an",
		"desc": "Beschreibung", "qty": "Menge", "amount": "Betrag", "subtotal": "Zwischensumme", "total": "Gesamt", "paid": "Bezahlt",
		"amountdue": "Fälliger Betrag", "status": "Status", "draft": "Entwurf", "open": "Offen", "void": "Storniert", "uncollectible": "Uneinbringlich", "statuspaid": "Bezahlt",
		"billedto": "Rechnung an", "discount": "Rabatt", "pay": "Bezahlen", "testcard": "Testkarte", "pdf": "PDF herunterladen",
		"card_ok": "erfolgreich", "card_declined": "abgelehnt", "card_3ds": "3-D Secure"},
}

// Lang returns the supported language for a list of preferred locales.
func Lang(preferred []string) string {
	for _, l := range preferred {
		base, _, _ := strings.Cut(strings.ToLower(l), "-")
		if _, ok := labels[base]; ok {
			return base
		}
	}
	return "en"
}

// Label returns the text of key in lang (English when lang is not
// supported), as printed on the PDF: the hosted invoice page shows the same
// strings. Keys: invoice, number, date, due, billto, billedto, desc, qty,
// amount, subtotal, discount, total, paid, amountdue, status, the statuses
// (draft, open, void, uncollectible, statuspaid), pay, testcard, pdf and
// the test card outcomes (card_ok, card_declined, card_3ds).
func Label(lang, key string) string { return label(lang, key) }

// StatusKey returns the Label key of an invoice status.
func StatusKey(status string) string {
	if status == "paid" {
		return "statuspaid"
	}
	return status
}

// MoneyIn formats minor units of currency for lang ("10,00 EUR" in fr).
func MoneyIn(lang string, amount int64, currency string) string { return money(lang, amount, currency) }

// DateIn formats a unix time as a date for lang ("2 janvier 2026" in fr).
func DateIn(lang string, t int64) string { return date(lang, t) }

func label(lang, key string) string {
	if m, ok := labels[lang]; ok {
		return m[key]
	}
	return labels["en"][key]
}

var exponents = map[string]int{"jpy": 0, "krw": 0, "vnd": 0, "clp": 0, "bhd": 3, "kwd": 3, "jod": 3, "omr": 3, "tnd": 3}

// Money formats minor units of currency ("10.00 USD").
func Money(amount int64, currency string) string { return money("en", amount, currency) }

func money(lang string, amount int64, currency string) string {
	exp, ok := exponents[currency]
	if !ok {
		exp = 2
	}
	neg := amount < 0
	if neg {
		amount = -amount
	}
	s := fmt.Sprint(amount)
	if exp > 0 {
		for len(s) <= exp {
			s = "0" + s
		}
		sep := "."
		if lang == "fr" || lang == "de" {
			sep = ","
		}
		s = s[:len(s)-exp] + sep + s[len(s)-exp:]
	}
	if neg {
		s = "-" + s
	}
	return s + " " + strings.ToUpper(currency)
}

var months = map[string][]string{
	"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	"de": {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
}

// Date formats a unix time as a date ("2 January 2026").
func Date(t int64) string { return date("en", t) }

func date(lang string, t int64) string {
	d := time.Unix(t, 0).UTC()
	switch lang {
	case "fr":
		return fmt.Sprintf("%d %s %d", d.Day(), months["fr"][d.Month()-1], d.Year())
	case "de":
		return fmt.Sprintf("%d. %s %d", d.Day(), months["de"][d.Month()-1], d.Year())
	}
	return d.Format("2 January 2006")
}

// Render returns the invoice as a PDF.
func Render(doc Document) ([]byte, error) {
	lang := doc.Locale
	if _, ok := labels[lang]; !ok {
		lang = "en"
	}
	L := func(k string) string { return label(lang, k) }
	pdf := fpdf.New("P", "mm", "A4", "")
	stamp := time.Unix(doc.Created, 0).UTC()
	pdf.SetCreationDate(stamp)
	pdf.SetModificationDate(stamp)
	pdf.SetCompression(false)
	pdf.SetCatalogSort(true) // map order would make the output differ run to run
	pdf.SetTitle(L("invoice")+" "+doc.Number, true)
	pdf.SetProducer("Portico", true)
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.AddPage()
	drawBrand(pdf, doc.Brand)
	pdf.SetFont("Helvetica", "B", 20)
	pdf.Cell(0, 10, tr(L("invoice")))
	pdf.Ln(12)
	pdf.SetFont("Helvetica", "", 10)
	row := func(k, v string) {
		pdf.CellFormat(45, 6, tr(k), "", 0, "L", false, 0, "")
		pdf.CellFormat(0, 6, tr(v), "", 1, "L", false, 0, "")
	}
	row(L("number"), doc.Number)
	row(L("date"), date(lang, doc.Created))
	if doc.DueDate > 0 {
		row(L("due"), date(lang, doc.DueDate))
	}
	row(L("status"), L(StatusKey(doc.Status)))
	pdf.Ln(4)
	y := pdf.GetY()
	party := func(x float64, title string, p Party) {
		pdf.SetXY(x, y)
		pdf.SetFont("Helvetica", "B", 10)
		if title != "" {
			pdf.CellFormat(90, 6, tr(title), "", 2, "L", false, 0, "")
		}
		pdf.SetFont("Helvetica", "", 10)
		for _, s := range append(append([]string{p.Name, p.Email}, p.Address...), p.TaxIDs...) {
			if s != "" {
				pdf.CellFormat(90, 5, tr(s), "", 2, "L", false, 0, "")
			}
		}
	}
	party(10, "", doc.Business)
	party(110, L("billto"), doc.Customer)
	pdf.SetXY(10, max(pdf.GetY(), y+30)+6)
	pdf.SetFont("Helvetica", "B", 10)
	pdf.CellFormat(120, 7, tr(L("desc")), "B", 0, "L", false, 0, "")
	pdf.CellFormat(20, 7, tr(L("qty")), "B", 0, "R", false, 0, "")
	pdf.CellFormat(50, 7, tr(L("amount")), "B", 1, "R", false, 0, "")
	pdf.SetFont("Helvetica", "", 9)
	for _, l := range doc.Lines {
		pdf.CellFormat(120, 6, tr(l.Description), "", 0, "L", false, 0, "")
		pdf.CellFormat(20, 6, fmt.Sprint(l.Quantity), "", 0, "R", false, 0, "")
		pdf.CellFormat(50, 6, tr(money(lang, l.Amount, doc.Currency)), "", 1, "R", false, 0, "")
		if l.Period != "" {
			pdf.SetFont("Helvetica", "I", 8)
			pdf.CellFormat(120, 4, tr(l.Period), "", 1, "L", false, 0, "")
			pdf.SetFont("Helvetica", "", 9)
		}
	}
	pdf.Ln(4)
	total := func(k string, v int64, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		pdf.SetFont("Helvetica", style, 10)
		pdf.CellFormat(140, 6, tr(k), "", 0, "R", false, 0, "")
		pdf.CellFormat(50, 6, tr(money(lang, v, doc.Currency)), "", 1, "R", false, 0, "")
	}
	total(L("subtotal"), doc.Subtotal, false)
	for _, d := range doc.Discounts {
		total(d.Description, -d.Amount, false)
	}
	total(L("total"), doc.Total, false)
	total(L("paid"), doc.AmountPaid, false)
	total(L("amountdue"), doc.AmountDue, true)
	if doc.Footer != "" {
		pdf.Ln(8)
		pdf.SetFont("Helvetica", "", 8)
		pdf.MultiCell(0, 4, tr(doc.Footer), "", "L", false)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// drawBrand paints the brand colour as a band across the top of the page
// and the logo at the top right, fitted in a 50 × 16 mm box. A logo that
// does not decode is left out rather than failing the invoice.
func drawBrand(pdf *fpdf.Fpdf, b Brand) {
	if r, g, bl, ok := hexRGB(b.Color); ok {
		pdf.SetFillColor(r, g, bl)
		pdf.Rect(0, 0, 210, 4, "F")
		pdf.SetFillColor(255, 255, 255)
	}
	if len(b.Logo) == 0 {
		return
	}
	typ := map[string]string{"png": "PNG", "jpg": "JPG", "gif": "GIF"}[b.LogoType]
	if typ == "" {
		return
	}
	info := pdf.RegisterImageOptionsReader("logo", fpdf.ImageOptions{ImageType: typ}, bytes.NewReader(b.Logo))
	if pdf.Err() || info == nil || info.Width() <= 0 || info.Height() <= 0 {
		pdf.ClearError()
		return
	}
	w, h := 50.0, 50.0*info.Height()/info.Width()
	if h > 16 {
		w, h = 16*info.Width()/info.Height(), 16
	}
	pdf.ImageOptions("logo", 200-w, 8, w, h, false, fpdf.ImageOptions{ImageType: typ}, 0, "")
}

// hexRGB parses #rrggbb.
func hexRGB(c string) (r, g, b int, ok bool) {
	if len(c) != 7 || c[0] != '#' {
		return 0, 0, 0, false
	}
	n, err := strconv.ParseUint(c[1:], 16, 32)
	if err != nil {
		return 0, 0, 0, false
	}
	return int(n >> 16 & 0xff), int(n >> 8 & 0xff), int(n & 0xff), true
}
