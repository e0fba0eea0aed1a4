package locale

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/text/feature/plural"
)

// required are the locales issue 5 asks for.
var required = []string{"en", "en-GB", "fr", "de", "es", "it", "nl", "pt-BR", "sv", "ja", "zh", "pl"}

func isPluralKey(k string) (base string, ok bool) {
	for _, f := range []string{".zero", ".one", ".two", ".few", ".many", ".other"} {
		if strings.HasPrefix(k, "price.") && strings.HasSuffix(k, f) {
			return strings.TrimSuffix(k, f), true
		}
	}
	return "", false
}

// TestEveryCatalogHasEveryKey: each catalog has every key of English (and
// no key English lacks); a plural message has every form its language's
// plural rules use.
func TestEveryCatalogHasEveryKey(t *testing.T) {
	for _, c := range required {
		if Get(c) == nil {
			t.Errorf("no catalog for %s", c)
		}
	}
	en := Get("en")
	plurals := map[string]bool{}
	for k := range en.msgs {
		if base, ok := isPluralKey(k); ok {
			plurals[base] = true
		}
	}
	for _, code := range Codes() {
		l := Get(code)
		for k := range en.msgs {
			if _, ok := isPluralKey(k); ok {
				continue
			}
			if strings.TrimSpace(l.msgs[k]) == "" {
				t.Errorf("%s: missing %q", code, k)
			}
		}
		for k := range l.msgs {
			if _, ok := en.msgs[k]; !ok {
				if base, ok := isPluralKey(k); !ok || !plurals[base] {
					t.Errorf("%s: key %q is not in en", code, k)
				}
			}
		}
		for base := range plurals {
			for n := 0; n <= 200; n++ {
				form := formName(plural.Cardinal.MatchPlural(l.tag, n, 0, 0, 0, 0))
				if _, ok := l.msgs[base+"."+form]; !ok {
					t.Errorf("%s: missing %s.%s (needed for %d)", code, base, form, n)
					break
				}
			}
		}
		// Placeholders survive translation.
		for k, m := range en.msgs {
			if _, ok := isPluralKey(k); ok {
				continue
			}
			for _, ph := range placeholders(m) {
				if !strings.Contains(l.msgs[k], ph) {
					t.Errorf("%s: %q lacks %s", code, k, ph)
				}
			}
		}
	}
}

func placeholders(m string) []string {
	var out []string
	for {
		i := strings.Index(m, "{")
		if i < 0 {
			return out
		}
		j := strings.Index(m[i:], "}")
		if j < 0 {
			return out
		}
		out = append(out, m[i:i+j+1])
		m = m[i+j+1:]
	}
}

func TestMatch(t *testing.T) {
	for _, c := range []struct{ session, accept, want string }{
		{"fr", "de", "fr"},
		{"auto", "de-CH,de;q=0.9,en;q=0.5", "de"},
		{"", "pt-BR,pt;q=0.9", "pt-BR"},
		{"pt", "", "pt-BR"},
		{"fr-CA", "", "fr"},
		{"es-419", "", "es"},
		{"en-AU", "", "en-GB"},
		{"zh-TW", "", "zh"},
		{"auto", "ko", "en"},
		{"auto", "", "en"},
		{"en-GB", "", "en-GB"},
	} {
		if got := Match(c.session, c.accept).Code; got != c.want {
			t.Errorf("Match(%q, %q) = %s, want %s", c.session, c.accept, got, c.want)
		}
	}
}

func TestFormats(t *testing.T) {
	day := time.Date(2026, 3, 7, 12, 0, 0, 0, time.UTC).Unix()
	for _, c := range []struct {
		code, money, jpy, date, plural string
	}{
		{"en", "$1,234.50", "¥1,234", "Mar 7, 2026", "$1,234.50 every 3 months"},
		{"en-GB", "US$1,234.50", "JP¥1,234", "7 Mar 2026", "US$1,234.50 every 3 months"},
		{"fr", "1\u00a0234,50\u00a0$US", "1\u00a0234\u00a0JPY", "7 mars 2026", "1\u00a0234,50\u00a0$US tous les 3 mois"},
		{"de", "1.234,50\u00a0$", "1.234\u00a0¥", "7. März 2026", "1.234,50\u00a0$ alle 3 Monate"},
		{"pl", "1\u00a0234,50\u00a0USD", "1\u00a0234\u00a0JPY", "7 mar 2026", "1\u00a0234,50\u00a0USD co 3 miesiące"},
		{"ja", "$1,234.50", "￥1,234", "2026年3月7日", "3か月ごとに $1,234.50"},
	} {
		l := Get(c.code)
		if got := l.Money(123450, "usd"); got != c.money {
			t.Errorf("%s: Money = %q, want %q", c.code, got, c.money)
		}
		if got := l.Money(1234, "jpy"); got != c.jpy {
			t.Errorf("%s: Money jpy = %q, want %q", c.code, got, c.jpy)
		}
		if got := l.Date(day); got != c.date {
			t.Errorf("%s: Date = %q, want %q", c.code, got, c.date)
		}
		if got := l.Plural("price.month", 3, "amount", l.Money(123450, "usd")); got != c.plural {
			t.Errorf("%s: Plural = %q, want %q", c.code, got, c.plural)
		}
	}
	if got := Get("pl").Plural("price.month", 5, "amount", "x"); got != "x co 5 miesięcy" {
		t.Errorf("pl many: %q", got)
	}
	if got := Get("en").T("portal.return", "business", "Acme"); got != "Return to Acme" {
		t.Errorf("T: %q", got)
	}
}

func TestMatchPreferredLocalesList(t *testing.T) {
	if got := Match("", "ja,en-US;q=0.5").Code; got != "ja" {
		t.Errorf("got %s", got)
	}
	if got := Match("", "sv").Code; got != "sv" {
		t.Errorf("got %s", got)
	}
}
