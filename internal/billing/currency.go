package billing

import "strings"

// Stripe's presentment currencies, by the number of minor-unit digits its API
// uses for amounts.
//
// The API exponent is not always ISO 4217's. isk is zero-decimal in ISO 4217
// but Stripe's API still takes it with two decimals for backwards
// compatibility (amounts must be multiples of 100); huf and twd are charged
// with two decimals though Stripe pays them out in whole units. ugx, also
// among Stripe's special cases, is on its zero-decimal list and stays at 0.
// The table follows the API, as a Stripe-compatible server must.
const (
	zeroDecimalCurrencies  = "bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf"
	threeDecimalCurrencies = "bhd jod kwd omr tnd"
	twoDecimalCurrencies   = "usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bmd bnd bob brl bsd " +
		"bwp byn bzd cad cdf chf cny cop crc cve czk dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gtq " +
		"gyd hkd hnl htg huf idr ils inr isk jmd kes kgs khr kyd kzt lak lbp lkr lrd lsl mad mdl mkd mmk " +
		"mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd pab pen pgk php pkr pln qar ron rsd rub " +
		"sar sbd scr sek sgd shp sle sos srd std szl thb tjs top try ttd twd tzs uah uyu uzs wst xcd xcg " +
		"yer zar zmw"
)

// currencyExponents maps each supported currency code to its exponent.
var currencyExponents = func() map[string]int {
	m := make(map[string]int)
	for exp, codes := range map[int]string{0: zeroDecimalCurrencies, 2: twoDecimalCurrencies, 3: threeDecimalCurrencies} {
		for _, c := range strings.Fields(codes) {
			m[c] = exp
		}
	}
	return m
}()

// CurrencyExponent returns the number of minor-unit digits Stripe's API uses
// for amounts in the ISO 4217 currency code: 0 for zero-decimal currencies
// such as jpy, 3 for bhd, jod, kwd, omr and tnd, and 2 for the others. code
// must be lowercase, as Stripe sends it; the result is false for an uppercase
// code and for a currency Stripe does not support.
func CurrencyExponent(code string) (int, bool) {
	exp, ok := currencyExponents[code]
	return exp, ok
}

// ValidCurrency reports whether Stripe supports the lowercase currency code
// code.
func ValidCurrency(code string) bool {
	_, ok := currencyExponents[code]
	return ok
}
