// Package locale holds the portal's message catalogs (one JSON file per
// locale, embedded), chooses a locale for a visit, picks plural forms and
// formats money, dates and numbers the way each locale writes them.
//
// Messages take named arguments ({amount}, {date}) rather than positional
// verbs, so that a translation can reorder them. A plural message has one
// key per plural category (price.month.one, price.month.other); Plural picks
// the form the locale's rules ask for.
package locale

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/currency"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

//go:embed catalogs/*.json
var catalogFS embed.FS

// Default is the locale used when nothing else matches.
const Default = "en"

// Locale is one language's messages and formats.
type Locale struct {
	// Code is the locale's Stripe-style name (en, en-GB, pt-BR).
	Code     string
	tag      language.Tag
	msgs     map[string]string
	parent   *Locale
	printer  *message.Printer
	months   []string
	datePat  string
	moneyPat string
	localeCache
}

var (
	locales = map[string]*Locale{}
	codes   []string
	matcher language.Matcher
)

func init() {
	if err := load(); err != nil {
		panic("locale: " + err.Error())
	}
}

func load() error {
	files, err := fs.Glob(catalogFS, "catalogs/*.json")
	if err != nil {
		return err
	}
	for _, f := range files {
		b, err := catalogFS.ReadFile(f)
		if err != nil {
			return err
		}
		var msgs map[string]string
		if err := json.Unmarshal(b, &msgs); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		code := strings.TrimSuffix(strings.TrimPrefix(f, "catalogs/"), ".json")
		tag, err := language.Parse(code)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		locales[code] = &Locale{Code: code, tag: tag, msgs: msgs, printer: message.NewPrinter(tag)}
		codes = append(codes, code)
	}
	sort.Strings(codes)
	// Default first: the matcher falls back to its first tag.
	tags := []language.Tag{locales[Default].tag}
	for _, c := range codes {
		if c != Default {
			tags = append(tags, locales[c].tag)
		}
	}
	matcher = language.NewMatcher(tags)
	for _, l := range locales {
		// A regional variant (en-GB) falls back to its language (en) for
		// any key it does not override; every other locale to Default.
		if base, _, ok := strings.Cut(l.Code, "-"); ok && locales[base] != nil {
			l.parent = locales[base]
		} else if l.Code != Default {
			l.parent = locales[Default]
		}
	}
	for _, l := range locales {
		l.months = strings.Split(l.lookup("date.months"), ",")
		l.datePat = l.lookup("date.pattern")
		l.moneyPat = l.lookup("money.pattern")
		if len(l.months) != 12 {
			return fmt.Errorf("%s: date.months needs 12 names", l.Code)
		}
	}
	return nil
}

// Codes returns the codes of every catalog, sorted.
func Codes() []string { return append([]string(nil), codes...) }

// Get returns the locale with code, or nil.
func Get(code string) *Locale { return locales[code] }

// Match chooses the locale for a visit: the session's locale when it is
// set and not "auto", else the browser's Accept-Language, falling back to
// the nearest catalog (fr-CA → fr, es-419 → es, zh-TW → zh) and then to
// English.
func Match(sessionLocale, acceptLanguage string) *Locale {
	var prefs []language.Tag
	if sessionLocale != "" && sessionLocale != "auto" {
		if t, err := language.Parse(sessionLocale); err == nil {
			prefs = append(prefs, t)
		}
	}
	if len(prefs) == 0 {
		prefs, _, _ = language.ParseAcceptLanguage(acceptLanguage)
	}
	if len(prefs) == 0 {
		return locales[Default]
	}
	_, idx, conf := matcher.Match(prefs...)
	if conf == language.No {
		return locales[Default]
	}
	tags := []string{Default}
	for _, c := range codes {
		if c != Default {
			tags = append(tags, c)
		}
	}
	return locales[tags[idx]]
}

// Lang is the locale's BCP 47 tag, for <html lang>.
func (l *Locale) Lang() string { return l.tag.String() }

func (l *Locale) lookup(key string) string {
	for c := l; c != nil; c = c.parent {
		if m, ok := c.msgs[key]; ok {
			return m
		}
	}
	return ""
}

// T returns the message key with its {name} placeholders replaced by args,
// given as name, value pairs. A missing key shows as the key itself.
func (l *Locale) T(key string, args ...any) string {
	m := l.lookup(key)
	if m == "" {
		return key
	}
	return fill(m, args)
}

// Plural returns the form of message key for count n ({count} is n,
// formatted), with args as T's.
func (l *Locale) Plural(key string, n int64, args ...any) string {
	form := plural.Cardinal.MatchPlural(l.tag, int(n), 0, 0, 0, 0)
	m := l.lookup(key + "." + formName(form))
	if m == "" {
		m = l.lookup(key + ".other")
	}
	if m == "" {
		return key
	}
	return fill(m, append([]any{"count", l.Number(n)}, args...))
}

func formName(f plural.Form) string {
	switch f {
	case plural.Zero:
		return "zero"
	case plural.One:
		return "one"
	case plural.Two:
		return "two"
	case plural.Few:
		return "few"
	case plural.Many:
		return "many"
	}
	return "other"
}

func fill(m string, args []any) string {
	if len(args) == 0 || !strings.Contains(m, "{") {
		return m
	}
	var b strings.Builder
	b.Grow(len(m) + 16)
	for {
		i := strings.IndexByte(m, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(m[i:], '}')
		if j < 0 {
			break
		}
		b.WriteString(m[:i])
		name, found := m[i+1:i+j], false
		for k := 0; k+1 < len(args); k += 2 {
			if n, ok := args[k].(string); ok && n == name {
				writeArg(&b, args[k+1])
				found = true
				break
			}
		}
		if !found {
			b.WriteString(m[i : i+j+1])
		}
		m = m[i+j+1:]
	}
	b.WriteString(m)
	return b.String()
}

func writeArg(b *strings.Builder, v any) {
	switch v := v.(type) {
	case string:
		b.WriteString(v)
	case int:
		b.WriteString(strconv.Itoa(v))
	case int64:
		b.WriteString(strconv.FormatInt(v, 10))
	default:
		fmt.Fprint(b, v)
	}
}

// Number formats n with the locale's digit grouping.
func (l *Locale) Number(n int64) string { return l.printer.Sprint(number.Decimal(n)) }

// Money formats an amount in a currency's smallest unit (cents for usd,
// yen for jpy) with the locale's separators and the currency's symbol where
// the locale puts it.
func (l *Locale) Money(amount int64, cur string) string {
	unit, err := currency.ParseISO(cur)
	if err != nil {
		return strconv.FormatInt(amount, 10) + " " + strings.ToUpper(cur)
	}
	neg := amount < 0
	if neg {
		amount = -amount
	}
	s := fill(l.moneyPat, []any{"amount", l.amount(amount, unit), "symbol", l.symbol(unit)})
	if neg {
		s = "−" + s
	}
	return s
}

// Date formats a unix time as a calendar date (UTC, as billing periods are).
func (l *Locale) Date(unix int64) string {
	t := time.Unix(unix, 0).UTC()
	mm := [2]byte{'0' + byte(t.Month()/10), '0' + byte(t.Month()%10)}
	return fill(l.datePat, []any{"day", t.Day(), "month", l.months[t.Month()-1], "mm", string(mm[:]), "year", t.Year()})
}
