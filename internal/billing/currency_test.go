package billing

import "testing"

func TestCurrencyExponent(t *testing.T) {
	tests := []struct {
		code string
		exp  int
		ok   bool
	}{
		{"usd", 2, true},
		{"eur", 2, true},
		{"gbp", 2, true},
		{"jpy", 0, true},
		{"krw", 0, true},
		{"vnd", 0, true},
		{"xof", 0, true},
		{"ugx", 0, true},
		{"bhd", 3, true},
		{"jod", 3, true},
		{"kwd", 3, true},
		{"omr", 3, true},
		{"tnd", 3, true},
		// Stripe's API keeps two decimals for these (see currency.go).
		{"isk", 2, true},
		{"huf", 2, true},
		{"twd", 2, true},
		{"xyz", 0, false},
		{"USD", 0, false},
		{"", 0, false},
		{"usdx", 0, false},
	}
	for _, tc := range tests {
		exp, ok := CurrencyExponent(tc.code)
		if exp != tc.exp || ok != tc.ok {
			t.Errorf("CurrencyExponent(%q) = %d, %v; want %d, %v", tc.code, exp, ok, tc.exp, tc.ok)
		}
		if got := ValidCurrency(tc.code); got != tc.ok {
			t.Errorf("ValidCurrency(%q) = %v, want %v", tc.code, got, tc.ok)
		}
	}
}

func TestCurrencyTable(t *testing.T) {
	counts := map[int]int{}
	for code, exp := range currencyExponents {
		if len(code) != 3 {
			t.Errorf("code %q is not three letters", code)
		}
		for _, r := range code {
			if r < 'a' || r > 'z' {
				t.Errorf("code %q is not lowercase ASCII", code)
			}
		}
		counts[exp]++
	}
	if counts[0] != 16 || counts[3] != 5 {
		t.Errorf("zero-decimal %d, three-decimal %d; want 16 and 5", counts[0], counts[3])
	}
	if n := len(currencyExponents); n < 135 {
		t.Errorf("%d currencies, want at least 135", n)
	}
}
