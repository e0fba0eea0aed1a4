package invoicepdf

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func sample(locale string) Document {
	return Document{
		Locale: locale, Number: "ABCD1234-0001", Status: "open", Currency: "usd", Created: 1767225600, DueDate: 1769904000,
		Business: Party{Name: "Acme Software", Address: []string{"1 Main St", "Springfield 12345", "US"}, TaxIDs: []string{"us_ein 12-3456789"}},
		Customer: Party{Name: "Jenny Rosen", Email: "jenny@example.com", Address: []string{"2 Rue de la Paix", "75002 Paris", "FR"}, TaxIDs: []string{"eu_vat FR12345678901"}},
		Lines: []Line{
			{Description: "Unused time on 1 × Basic after 16 Apr 2026", Period: "16 Apr 2026 – 1 May 2026", Quantity: 1, Amount: -500},
			{Description: "Remaining time on 1 × Pro after 16 Apr 2026", Period: "16 Apr 2026 – 1 May 2026", Quantity: 1, Amount: 1500},
		},
		Subtotal: 1000, Discounts: []Line{{Description: "WELCOME (10% off)", Amount: 100}}, Total: 900, AmountDue: 900,
		Footer: "Thank you for your business.",
	}
}

// branded is the sample with the merchant's colour and logo.
func branded(t *testing.T) Document {
	t.Helper()
	logo, err := os.ReadFile(filepath.Join("testdata", "logo.png"))
	if err != nil {
		t.Fatal(err)
	}
	d := sample("en")
	d.Brand = Brand{Color: "#0a7d3b", Logo: logo, LogoType: "png"}
	return d
}

func TestRenderGolden(t *testing.T) {
	docs := map[string]Document{"en": sample("en"), "fr": sample("fr"), "en_branded": branded(t)}
	for _, loc := range []string{"en", "fr", "en_branded"} {
		b, err := Render(docs[loc])
		if err != nil {
			t.Fatal(err)
		}
		b2, _ := Render(docs[loc])
		if !bytes.Equal(b, b2) {
			t.Fatal("output is not deterministic")
		}
		golden := filepath.Join("testdata", "invoice_"+loc+".pdf")
		if *update {
			os.WriteFile(golden, b, 0o644)
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with -update)", err)
		}
		if !bytes.Equal(b, want) {
			t.Fatalf("%s differs from the golden file (run with -update after checking)", golden)
		}
	}
}

// TestRenderParses checks the PDF's structure (header, cross-reference
// table offsets pointing at objects, trailer) and that the text is there.
func TestRenderParses(t *testing.T) {
	b, err := Render(sample("en"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-1.")) || !bytes.HasSuffix(bytes.TrimSpace(b), []byte("%%EOF")) {
		t.Fatal("no PDF header or trailer")
	}
	m := regexp.MustCompile(`startxref\s+(\d+)`).FindSubmatch(b)
	if m == nil {
		t.Fatal("no startxref")
	}
	off, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(b[off:], []byte("xref")) {
		t.Fatalf("startxref %d does not point at the xref table", off)
	}
	entries := regexp.MustCompile(`(\d{10}) 00000 n`).FindAllSubmatch(b[off:], -1)
	if len(entries) < 5 {
		t.Fatalf("only %d xref entries", len(entries))
	}
	for i, e := range entries {
		o, _ := strconv.Atoi(string(e[1]))
		if !regexp.MustCompile(`^\d+ 0 obj`).Match(b[o:]) {
			t.Fatalf("xref entry %d (offset %d) does not point at an object", i, o)
		}
	}
	for _, s := range []string{"Invoice", "ABCD1234-0001", "Jenny Rosen", "eu_vat FR12345678901", "Acme Software",
		"Remaining time on 1 \xd7 Pro", "-5.00 USD", "15.00 USD", "9.00 USD", "Amount due", "Open"} {
		if !bytes.Contains(b, []byte(s)) {
			t.Errorf("PDF lacks %q", s)
		}
	}
	fr, _ := Render(sample("fr"))
	for _, s := range []string{"Facture", "Montant d\xfb", "9,00 USD", "1 janvier 2026"} {
		if !bytes.Contains(fr, []byte(s)) {
			t.Errorf("French PDF lacks %q", s)
		}
	}
}

// Every language has every key English has: the PDF and the hosted invoice
// page show them all.
func TestEveryLanguageHasEveryLabel(t *testing.T) {
	for lang, m := range labels {
		for key := range labels["en"] {
			if m[key] == "" {
				t.Errorf("%s has no label %q", lang, key)
			}
		}
		if len(m) != len(labels["en"]) {
			t.Errorf("%s has %d labels, en %d", lang, len(m), len(labels["en"]))
		}
	}
}

// The branded invoice carries the logo image and the colour band; a logo
// that does not decode is left out, and the invoice still renders.
func TestRenderBrand(t *testing.T) {
	b, err := Render(branded(t))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("/Subtype /Image")) || !bytes.Contains(b, []byte("0.039 0.490 0.231 rg")) {
		t.Error("branded PDF lacks the logo image or the brand colour")
	}
	plain, _ := Render(sample("en"))
	if bytes.Contains(plain, []byte("/Subtype /Image")) {
		t.Error("an unbranded PDF has an image")
	}
	d := branded(t)
	d.Brand.Logo = []byte("not a png")
	bad, err := Render(d)
	if err != nil || bytes.Contains(bad, []byte("/Subtype /Image")) || !bytes.Contains(bad, []byte("Amount due")) {
		t.Errorf("with a broken logo: %v", err)
	}
}
