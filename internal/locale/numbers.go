package locale

import (
	"math"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/text/currency"
	"golang.org/x/text/number"
)

// Formatting an amount through a message.Printer costs some microseconds
// (catalog look-ups, a formatter built per call); a homepage shows a few
// dozen amounts. So each locale's way of writing a decimal number is read
// off x/text's own output once (digitFormat), and Money writes digits
// itself, but only for a locale where that reproduces x/text's output for
// every sample checked at start-up; any other locale keeps the printer.
// Currency symbols are looked up once per locale and currency.

// digitFormat is how a locale writes a number with Latin digits.
type digitFormat struct {
	ok        bool   // the samples agreed: Money may use format
	decimal   string // the decimal separator
	group     string // the thousands separator
	groupFour bool   // four-digit numbers are grouped (1,234, not 1234)
}

// readDigitFormat reads l's separators off the printer's output for
// 1234567.5 and 1234, then checks the result against the printer.
func readDigitFormat(l *Locale) digitFormat {
	var f digitFormat
	big := l.printer.Sprint(number.Decimal(1234567.5, number.Scale(1)))
	rest, ok := strings.CutPrefix(big, "1")
	if !ok {
		return f
	}
	i := strings.Index(rest, "234")
	if i <= 0 {
		return f
	}
	f.group = rest[:i]
	rest, ok = strings.CutPrefix(rest[i+3:], f.group+"567")
	if !ok {
		return f
	}
	f.decimal, ok = strings.CutSuffix(rest, "5")
	if !ok || f.decimal == "" {
		return f
	}
	switch l.printer.Sprint(number.Decimal(1234, number.Scale(0))) {
	case "1234":
	case "1" + f.group + "234":
		f.groupFour = true
	default:
		return f
	}
	f.ok = true
	for _, scale := range []int{0, 2, 3} {
		for _, minor := range []int64{0, 1, 5, 99, 100, 101, 999, 1000, 1234, 9999, 10000, 12345, 99999, 100000, 123456, 1234567, 12345678, 100000000, 123456789012} {
			if f.format(minor, scale) != l.printer.Sprint(number.Decimal(float64(minor)/math.Pow10(scale), number.Scale(scale))) {
				f.ok = false
				return f
			}
		}
	}
	return f
}

// format writes minor units (a non-negative amount with scale digits
// after the decimal point) as the printer would.
func (f digitFormat) format(minor int64, scale int) string {
	digits := strconv.FormatInt(minor, 10)
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	whole, frac := digits[:len(digits)-scale], digits[len(digits)-scale:]
	var b strings.Builder
	b.Grow(len(digits) + 8)
	if len(whole) > 4 || len(whole) == 4 && f.groupFour {
		first := len(whole) % 3
		if first == 0 {
			first = 3
		}
		b.WriteString(whole[:first])
		for i := first; i < len(whole); i += 3 {
			b.WriteString(f.group)
			b.WriteString(whole[i : i+3])
		}
	} else {
		b.WriteString(whole)
	}
	if scale > 0 {
		b.WriteString(f.decimal)
		b.WriteString(frac)
	}
	return b.String()
}

// amount formats minor units of unit with the currency's standard number
// of decimals.
func (l *Locale) amount(minor int64, unit currency.Unit) string {
	scale, _ := currency.Standard.Rounding(unit)
	l.digitsOnce.Do(func() { l.digits = readDigitFormat(l) })
	if l.digits.ok {
		return l.digits.format(minor, scale)
	}
	return l.printer.Sprint(number.Decimal(float64(minor)/math.Pow10(scale), number.Scale(scale)))
}

// symbol is unit's symbol in l's language, looked up once.
func (l *Locale) symbol(unit currency.Unit) string {
	if s, ok := l.symbols.Load(unit); ok {
		return s.(string)
	}
	s := l.printer.Sprint(currency.Symbol(unit))
	l.symbols.Store(unit, s)
	return s
}

// localeCache is what a Locale learns as it is used.
type localeCache struct {
	digitsOnce sync.Once
	digits     digitFormat
	symbols    sync.Map // currency.Unit -> string
}
