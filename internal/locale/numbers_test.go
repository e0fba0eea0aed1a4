package locale

import (
	"math"
	"testing"

	"golang.org/x/text/currency"
	"golang.org/x/text/number"
)

// TestMoneyWritesDigitsAsThePrinter: every catalog's locale writes amounts
// itself (its separators were read off x/text), and writes exactly what
// x/text's printer writes, in currencies with 0, 2 and 3 decimals.
func TestMoneyWritesDigitsAsThePrinter(t *testing.T) {
	for _, code := range Codes() {
		l := Get(code)
		if f := readDigitFormat(l); !f.ok {
			t.Errorf("%s: separators not read (%+v); Money falls back to the printer", code, f)
		}
		for _, cur := range []string{"usd", "eur", "jpy", "kwd", "gbp", "sek"} {
			unit := currency.MustParseISO(cur)
			scale, _ := currency.Standard.Rounding(unit)
			for _, minor := range []int64{0, 7, 1500, 123456, 98765432, 1000000000} {
				want := l.printer.Sprint(number.Decimal(float64(minor)/math.Pow10(scale), number.Scale(scale)))
				if got := l.amount(minor, unit); got != want {
					t.Errorf("%s %s %d: %q, printer %q", code, cur, minor, got, want)
				}
			}
			if got, want := l.symbol(unit), l.printer.Sprint(currency.Symbol(unit)); got != want {
				t.Errorf("%s %s: symbol %q, printer %q", code, cur, got, want)
			}
		}
	}
}
