package service

import "testing"

func TestFormatMoney(t *testing.T) {
	for _, tt := range []struct {
		amount   int64
		currency string
		want     string
	}{
		{1000, "usd", "$10.00"}, {123456789, "usd", "$1,234,567.89"}, {5, "usd", "$0.05"}, {-677, "usd", "-$6.77"},
		{1000, "jpy", "¥1,000"}, {1250, "chf", "12.50 CHF"}, {1234, "kwd", "1.234 KWD"}, {0, "eur", "€0.00"},
	} {
		if got := formatMoney(tt.amount, tt.currency); got != tt.want {
			t.Errorf("formatMoney(%d, %s) = %q, want %q", tt.amount, tt.currency, got, tt.want)
		}
	}
}
