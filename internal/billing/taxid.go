package billing

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TaxIDType describes one of Stripe's tax ID types.
type TaxIDType struct {
	// Type is Stripe's name for the type, such as "eu_vat".
	Type string
	// Country is the two-letter code of the country the type belongs to. It
	// is empty for eu_vat, whose country comes from the value's prefix
	// (DE123456789 is DE, EL… is GR and XI… is GB, as Stripe reports them).
	// eu_oss_vat, which belongs to no single state, reports "EU".
	Country string
	// Example is a well-formed value, shown in error messages. It is the
	// example from Stripe's tax ID documentation except for au_abn, whose
	// documented example fails the ABN checksum.
	Example string
}

// taxIDRule is a TaxIDType with the format check ValidateTaxID applies.
type taxIDRule struct {
	TaxIDType
	// vat marks the VAT-style types whose values are upper-cased and
	// stripped of spaces, dots and dashes before they are checked and stored.
	vat bool
	// valid reports whether a trimmed (and, for vat, compacted) value has
	// the type's format; nil accepts 1 to 64 printable characters.
	valid func(string) bool
}

// pattern returns a check that matches the whole value against expr,
// ignoring letter case. Use it for the non-VAT types, whose values are kept as
// given.
func pattern(expr string) func(string) bool {
	re := regexp.MustCompile(`^(?i:` + expr + `)$`)
	return re.MatchString
}

// compactPattern is pattern for the VAT-style types, whose values have been
// upper-cased already, so case matters.
func compactPattern(expr string) func(string) bool {
	re := regexp.MustCompile(`^(?:` + expr + `)$`)
	return re.MatchString
}

// Swiss enterprise identification number (UID): CHE-123.456.789, with or
// without the dash and dots.
const swissUID = `CHE-?\d{3}\.?\d{3}\.?\d{3}`

// Singapore UEN: 8 or 9 digits and a check letter, or the T/S/R scheme.
const singaporeUEN = `\d{8,9}[A-Z]|[TSR]\d{2}[A-Z]{2}\d{4}[A-Z]`

// taxIDRules lists every tax ID type, sorted by Type. Types with a nil valid
// get the generic check: their formats vary or are not documented well
// enough to reject values Stripe would accept.
var taxIDRules = []taxIDRule{
	{TaxIDType{"ad_nrt", "AD", "A-123456-Z"}, false, pattern(`[A-Z]-?\d{6}-?[A-Z]`)},
	{TaxIDType{"ae_trn", "AE", "123456789012345"}, false, pattern(`\d{15}`)},
	{TaxIDType{"al_tin", "AL", "J12345678N"}, false, pattern(`[A-Z]\d{8}[A-Z]`)},
	{TaxIDType{"am_tin", "AM", "02538904"}, false, pattern(`\d{8}`)},
	{TaxIDType{"ao_tin", "AO", "5123456789"}, false, nil},
	{TaxIDType{"ar_cuit", "AR", "12-3456789-01"}, false, pattern(`\d{2}-?\d{8}-?\d|\d{2}-?\d{7}-?\d{2}`)},
	{TaxIDType{"au_abn", "AU", "51824753556"}, false, validABN},
	{TaxIDType{"au_arn", "AU", "123456789123"}, false, pattern(`\d{12}`)},
	{TaxIDType{"aw_tin", "AW", "12345678"}, false, nil},
	{TaxIDType{"az_tin", "AZ", "0123456789"}, false, nil},
	{TaxIDType{"ba_tin", "BA", "123456789012"}, false, nil},
	{TaxIDType{"bb_tin", "BB", "1123456789012"}, false, nil},
	{TaxIDType{"bd_bin", "BD", "123456789-0123"}, false, pattern(`\d{9}-?\d{4}`)},
	{TaxIDType{"bf_ifu", "BF", "12345678A"}, false, nil},
	{TaxIDType{"bg_uic", "BG", "123456789"}, false, pattern(`\d{9}|\d{13}`)},
	{TaxIDType{"bh_vat", "BH", "123456789012345"}, false, pattern(`\d{15}`)},
	{TaxIDType{"bj_ifu", "BJ", "1234567890123"}, false, nil},
	{TaxIDType{"bo_tin", "BO", "123456789"}, false, nil},
	// CNPJ: 01.234.456/5432-10 or its 14 bare characters. The first 12 may be
	// letters, as in the alphanumeric CNPJs Brazil issues from July 2026.
	{TaxIDType{"br_cnpj", "BR", "01.234.456/5432-10"}, false,
		pattern(`[0-9A-Z]{2}\.[0-9A-Z]{3}\.[0-9A-Z]{3}/[0-9A-Z]{4}-\d{2}|[0-9A-Z]{12}\d{2}`)},
	{TaxIDType{"br_cpf", "BR", "123.456.789-87"}, false, pattern(`\d{3}\.\d{3}\.\d{3}-\d{2}|\d{11}`)},
	{TaxIDType{"bs_tin", "BS", "123.456.789"}, false, nil},
	{TaxIDType{"by_tin", "BY", "123456789"}, false, nil},
	{TaxIDType{"ca_bn", "CA", "123456789"}, false, pattern(`\d{9}`)},
	{TaxIDType{"ca_gst_hst", "CA", "123456789RT0002"}, false, pattern(`\d{9} ?RT ?\d{4}`)},
	{TaxIDType{"ca_pst_bc", "CA", "PST-1234-5678"}, false, pattern(`PST-?\d{4}-?\d{4}`)},
	{TaxIDType{"ca_pst_mb", "CA", "123456-7"}, false, pattern(`\d{6}-?\d`)},
	{TaxIDType{"ca_pst_sk", "CA", "1234567"}, false, pattern(`\d{7}`)},
	{TaxIDType{"ca_qst", "CA", "1234567890TQ1234"}, false, pattern(`\d{10} ?TQ ?\d{4}`)},
	{TaxIDType{"cd_nif", "CD", "A0123456M"}, false, nil},
	{TaxIDType{"ch_uid", "CH", "CHE-123.456.789 HR"}, false, pattern(swissUID + `( ?HR)?`)},
	{TaxIDType{"ch_vat", "CH", "CHE-123.456.789 MWST"}, false, pattern(swissUID + ` ?(MWST|TVA|IVA|TPV)`)},
	{TaxIDType{"cl_tin", "CL", "12.345.678-K"}, false, pattern(`\d{1,2}\.?\d{3}\.?\d{3}-?[0-9K]`)},
	{TaxIDType{"cm_niu", "CM", "M123456789000L"}, false, nil},
	{TaxIDType{"cn_tin", "CN", "123456789012345678"}, false, pattern(`[0-9A-Z]{18}|\d{15}`)},
	{TaxIDType{"co_nit", "CO", "123.456.789-0"}, false, pattern(`\d{1,3}(\.?\d{3}){1,3}-?\d`)},
	{TaxIDType{"cr_tin", "CR", "1-234-567890"}, false, pattern(`\d-?\d{3}-?\d{6}|\d{9,12}`)},
	{TaxIDType{"cv_nif", "CV", "213456789"}, false, nil},
	{TaxIDType{"de_stn", "DE", "1234567890"}, false, validSteuernummer},
	{TaxIDType{"do_rcn", "DO", "123-4567890-1"}, false, pattern(`\d{3}-?\d{7}-?\d|\d-?\d{2}-?\d{5}-?\d`)},
	{TaxIDType{"ec_ruc", "EC", "1234567890001"}, false, pattern(`\d{13}`)},
	{TaxIDType{"eg_tin", "EG", "123456789"}, false, pattern(`\d{3}-?\d{3}-?\d{3}`)},
	// es_cif takes company CIFs (A12345678), personal NIFs (12345678Z) and
	// foreigners' NIEs (X1234567L).
	{TaxIDType{"es_cif", "ES", "A12345678"}, false, pattern(`[A-Z]\d{7}[0-9A-Z]|\d{8}[A-Z]`)},
	{TaxIDType{"et_tin", "ET", "1234567890"}, false, nil},
	{TaxIDType{"eu_oss_vat", "EU", "EU123456789"}, true, compactPattern(`EU\d{9}`)},
	{TaxIDType{"eu_vat", "", "DE123456789"}, true, nil}, // checked by euVATCountries
	{TaxIDType{"gb_vat", "GB", "GB123456789"}, true, compactPattern(`GB(\d{9}|\d{12}|GD\d{3}|HA\d{3})`)},
	{TaxIDType{"ge_vat", "GE", "123456789"}, false, pattern(`\d{9}`)},
	{TaxIDType{"gn_nif", "GN", "123456789"}, false, nil},
	{TaxIDType{"hk_br", "HK", "12345678"}, false, pattern(`\d{8}`)},
	{TaxIDType{"hr_oib", "HR", "12345678901"}, false, pattern(`\d{11}`)},
	{TaxIDType{"hu_tin", "HU", "12345678-1-23"}, false, pattern(`\d{8}-?\d-?\d{2}`)},
	// NPWP: the 15-digit form (01.234.567.8-901.000) or the 16-digit one.
	{TaxIDType{"id_npwp", "ID", "012.345.678.9-012.345"}, false, pattern(`\d{2,3}\.?\d{3}\.?\d{3}\.?\d-?\d{3}\.?\d{3}`)},
	{TaxIDType{"il_vat", "IL", "000012345"}, false, pattern(`\d{9}`)},
	// GSTIN: state code, PAN, entity number, Z, check character.
	{TaxIDType{"in_gst", "IN", "12ABCDE3456FGZH"}, false, pattern(`\d{2}[A-Z]{5}\d{4}[A-Z][0-9A-Z]Z[0-9A-Z]`)},
	{TaxIDType{"is_vat", "IS", "123456"}, false, pattern(`\d{5,6}`)},
	{TaxIDType{"jp_cn", "JP", "1234567891234"}, false, pattern(`\d{13}`)},
	{TaxIDType{"jp_rn", "JP", "12345"}, false, pattern(`\d{5}`)},
	{TaxIDType{"jp_trn", "JP", "T1234567891234"}, false, pattern(`T\d{13}`)},
	{TaxIDType{"ke_pin", "KE", "P000111111A"}, false, pattern(`[AP]\d{9}[A-Z]`)},
	{TaxIDType{"kg_tin", "KG", "12345678901234"}, false, nil},
	{TaxIDType{"kh_tin", "KH", "1001-123456789"}, false, nil},
	{TaxIDType{"kr_brn", "KR", "123-45-67890"}, false, pattern(`\d{3}-?\d{2}-?\d{5}`)},
	{TaxIDType{"kz_bin", "KZ", "123456789012"}, false, pattern(`\d{12}`)},
	{TaxIDType{"la_tin", "LA", "123456789-000"}, false, nil},
	{TaxIDType{"li_uid", "LI", "CHE123456789"}, false, pattern(swissUID)},
	{TaxIDType{"li_vat", "LI", "12345"}, false, pattern(`\d{5}`)},
	{TaxIDType{"ma_vat", "MA", "12345678"}, false, nil},
	{TaxIDType{"md_vat", "MD", "1234567"}, false, nil},
	{TaxIDType{"me_pib", "ME", "12345678"}, false, nil},
	{TaxIDType{"mk_vat", "MK", "MK1234567890123"}, false, pattern(`(MK)?\d{13}`)},
	{TaxIDType{"mr_nif", "MR", "12345678"}, false, nil},
	// RFC: 3 letters (companies) or 4 (people), a YYMMDD date, a homoclave.
	{TaxIDType{"mx_rfc", "MX", "ABC010203AB9"}, false, pattern(`[A-ZÑ&]{3,4}\d{6}[0-9A-Z]{3}`)},
	{TaxIDType{"my_frp", "MY", "12345678"}, false, pattern(`\d{8}`)},
	{TaxIDType{"my_itn", "MY", "C 1234567890"}, false, pattern(`[A-Z]{1,2} ?\d{9,11}`)},
	{TaxIDType{"my_sst", "MY", "A12-3456-78912345"}, false, pattern(`[A-Z]\d{2}-?\d{4}-?\d{8}`)},
	{TaxIDType{"ng_tin", "NG", "12345678-0001"}, false, pattern(`\d{8}-?\d{4}`)},
	{TaxIDType{"no_vat", "NO", "123456789MVA"}, false, pattern(`\d{9} ?MVA`)},
	{TaxIDType{"no_voec", "NO", "1234567"}, false, pattern(`\d{7}`)},
	{TaxIDType{"np_pan", "NP", "123456789"}, false, nil},
	{TaxIDType{"nz_gst", "NZ", "123456789"}, false, pattern(`\d{2,3}-?\d{3}-?\d{3}`)},
	{TaxIDType{"om_vat", "OM", "OM1234567890"}, false, pattern(`OM\d{10}`)},
	{TaxIDType{"pe_ruc", "PE", "12345678901"}, false, pattern(`\d{11}`)},
	{TaxIDType{"ph_tin", "PH", "123456789012"}, false, pattern(`\d{3}-?\d{3}-?\d{3}(-?\d{3,5})?`)},
	{TaxIDType{"ro_tin", "RO", "1234567890123"}, false, pattern(`\d{13}`)},
	{TaxIDType{"rs_pib", "RS", "123456789"}, false, pattern(`\d{9}`)},
	{TaxIDType{"ru_inn", "RU", "1234567891"}, false, pattern(`\d{10}|\d{12}`)},
	{TaxIDType{"ru_kpp", "RU", "123456789"}, false, pattern(`\d{4}[0-9A-Z]{2}\d{3}`)},
	{TaxIDType{"sa_vat", "SA", "123456789012345"}, false, pattern(`\d{15}`)},
	{TaxIDType{"sg_gst", "SG", "M12345678X"}, false, pattern(`[A-Z]\d{8}[A-Z]|` + singaporeUEN)},
	{TaxIDType{"sg_uen", "SG", "123456789F"}, false, pattern(singaporeUEN)},
	{TaxIDType{"si_tin", "SI", "12345678"}, false, pattern(`\d{8}`)},
	{TaxIDType{"sn_ninea", "SN", "12345672A2"}, false, nil},
	{TaxIDType{"sr_fin", "SR", "1234567890"}, false, nil},
	{TaxIDType{"sv_nit", "SV", "1234-567890-123-4"}, false, pattern(`\d{4}-?\d{6}-?\d{3}-?\d`)},
	{TaxIDType{"th_vat", "TH", "1234567891234"}, false, pattern(`\d{13}`)},
	{TaxIDType{"tj_tin", "TJ", "123456789"}, false, nil},
	// tr_tin: a company's 10-digit VKN or a person's 11-digit TCKN.
	{TaxIDType{"tr_tin", "TR", "0123456789"}, false, pattern(`\d{10,11}`)},
	{TaxIDType{"tw_vat", "TW", "12345678"}, false, pattern(`\d{8}`)},
	{TaxIDType{"tz_vat", "TZ", "12345678A"}, false, nil},
	{TaxIDType{"ua_vat", "UA", "123456789"}, false, nil},
	{TaxIDType{"ug_tin", "UG", "1014751879"}, false, nil},
	{TaxIDType{"us_ein", "US", "12-3456789"}, false, pattern(`\d{2}-?\d{7}`)},
	{TaxIDType{"uy_ruc", "UY", "123456789012"}, false, pattern(`\d{12}`)},
	{TaxIDType{"uz_tin", "UZ", "123456789"}, false, nil},
	{TaxIDType{"uz_vat", "UZ", "123456789012"}, false, nil},
	{TaxIDType{"ve_rif", "VE", "A-12345678-9"}, false, pattern(`[A-Z]-?\d{8}-?\d`)},
	{TaxIDType{"vn_tin", "VN", "1234567890"}, false, pattern(`\d{10}(-?\d{3})?`)},
	{TaxIDType{"za_vat", "ZA", "4123456789"}, false, pattern(`4\d{9}`)},
	{TaxIDType{"zm_tin", "ZM", "1004751879"}, false, nil},
	{TaxIDType{"zw_tin", "ZW", "1234567890"}, false, nil},
}

// euVATCountry is the format of one EU state's VAT numbers; the rest is what
// follows the two-letter prefix.
type euVATCountry struct {
	country string
	example string
	rest    func(string) bool
}

// euVATCountries maps an eu_vat prefix to its state's format. Greece uses the
// prefix EL, and XI is Northern Ireland, which Stripe reports as GB.
var euVATCountries = map[string]euVATCountry{
	"AT": {"AT", "ATU12345678", compactPattern(`U\d{8}`)},
	"BE": {"BE", "BE0123456789", compactPattern(`[01]\d{9}`)},
	"BG": {"BG", "BG0123456789", compactPattern(`\d{9,10}`)},
	"CY": {"CY", "CY12345678Z", compactPattern(`\d{8}[A-Z]`)},
	"CZ": {"CZ", "CZ1234567890", compactPattern(`\d{8,10}`)},
	"DE": {"DE", "DE123456789", compactPattern(`\d{9}`)},
	"DK": {"DK", "DK12345678", compactPattern(`\d{8}`)},
	"EE": {"EE", "EE123456789", compactPattern(`\d{9}`)},
	"EL": {"GR", "EL123456789", compactPattern(`\d{9}`)},
	"ES": {"ES", "ESA1234567Z", compactPattern(`[A-Z]\d{7}[0-9A-Z]|\d{8}[A-Z]`)},
	"FI": {"FI", "FI12345678", compactPattern(`\d{8}`)},
	"FR": {"FR", "FRAB123456789", compactPattern(`[0-9A-Z]{2}\d{9}`)},
	"HR": {"HR", "HR12345678912", compactPattern(`\d{11}`)},
	"HU": {"HU", "HU12345678", compactPattern(`\d{8}`)},
	"IE": {"IE", "IE1234567AB", compactPattern(`\d{7}[A-W][A-IW]?|\d[A-Z+*]\d{5}[A-W]`)},
	"IT": {"IT", "IT12345678912", compactPattern(`\d{11}`)},
	"LT": {"LT", "LT123456789123", compactPattern(`\d{9}|\d{12}`)},
	"LU": {"LU", "LU12345678", compactPattern(`\d{8}`)},
	"LV": {"LV", "LV12345678912", compactPattern(`\d{11}`)},
	"MT": {"MT", "MT12345678", compactPattern(`\d{8}`)},
	"NL": {"NL", "NL123456789B12", compactPattern(`\d{9}B\d{2}`)},
	"PL": {"PL", "PL1234567890", compactPattern(`\d{10}`)},
	"PT": {"PT", "PT123456789", compactPattern(`\d{9}`)},
	"RO": {"RO", "RO1234567891", compactPattern(`\d{2,10}`)},
	"SE": {"SE", "SE123456789123", compactPattern(`\d{12}`)},
	"SI": {"SI", "SI12345678", compactPattern(`\d{8}`)},
	"SK": {"SK", "SK1234567891", compactPattern(`\d{10}`)},
	"XI": {"GB", "XI123456789", compactPattern(`\d{9}|\d{12}|GD\d{3}|HA\d{3}`)},
}

// taxIDRuleByType indexes taxIDRules by Type.
var taxIDRuleByType = func() map[string]*taxIDRule {
	m := make(map[string]*taxIDRule, len(taxIDRules))
	for i := range taxIDRules {
		m[taxIDRules[i].Type] = &taxIDRules[i]
	}
	return m
}()

// TaxIDTypes lists every tax ID type Stripe accepts on customers, sorted by
// Type. Changing it does not change what ValidateTaxID accepts.
var TaxIDTypes = func() []TaxIDType {
	types := make([]TaxIDType, len(taxIDRules))
	for i, r := range taxIDRules {
		types[i] = r.TaxIDType
	}
	return types
}()

// ValidateTaxID checks value against the format of the tax ID type typ and
// returns the value to store and the country of the tax ID.
//
// Surrounding white space is trimmed. The VAT-style types eu_vat, eu_oss_vat
// and gb_vat are also upper-cased and stripped of spaces, dots and dashes, so
// "de 123.456.789" is stored as "DE123456789"; other values are kept as given.
// An unknown typ is a parameter_invalid_string error on type, and a value not
// in the type's format is a tax_id_invalid error on value whose message shows
// an example.
func ValidateTaxID(typ, value string) (normalized, country string, err *Error) {
	if typ == "" {
		return "", "", Missing("type")
	}
	rule, ok := taxIDRuleByType[typ]
	if !ok {
		return "", "", Invalid("type", "parameter_invalid_string",
			"Invalid value for type: '%s' is not a supported tax ID type.", typ)
	}
	v := strings.TrimSpace(value)
	if v == "" {
		return "", "", Missing("value")
	}
	if rule.vat {
		v = compactVAT(v)
	}
	country, example := rule.Country, rule.Example
	switch {
	case typ == "eu_vat":
		ok = false
		if len(v) > 2 {
			if c, known := euVATCountries[v[:2]]; known {
				country, example = c.country, c.example
				ok = c.rest(v[2:])
			}
		}
	case rule.valid != nil:
		ok = rule.valid(v)
	default:
		ok = printable(v, 64)
	}
	if !ok {
		return "", "", Invalid("value", "tax_id_invalid",
			"Invalid value for %s: '%s'. A valid %s looks like %s.", typ, strings.TrimSpace(value), typ, example)
	}
	return v, country, nil
}

// compactVAT upper-cases a VAT number and removes spaces, dots and dashes.
func compactVAT(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '.', '-':
			return -1
		}
		return unicode.ToUpper(r)
	}, s)
}

// printable reports whether s is valid UTF-8 of 1 to maxLen printable
// characters.
func printable(s string, maxLen int) bool {
	if s == "" || !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxLen {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// validABN reports whether s is an Australian Business Number: 11 digits,
// optionally grouped with spaces, that pass the ABN check. Subtract 1 from
// the first digit, weight the digits 10, 1, 3, 5, …, 19, and the sum must be
// a multiple of 89.
func validABN(s string) bool {
	d := strings.ReplaceAll(s, " ", "")
	if len(d) != 11 {
		return false
	}
	weights := [11]int{10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19}
	sum := 0
	for i := 0; i < len(d); i++ {
		c := d[i]
		if c < '0' || c > '9' {
			return false
		}
		n := int(c - '0')
		if i == 0 {
			n--
		}
		sum += n * weights[i]
	}
	return sum%89 == 0
}

// validSteuernummer reports whether s is a German Steuernummer: 10 to 13
// digits, which may be grouped with slashes or spaces (12/345/67890).
func validSteuernummer(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			n++
		case c == '/' || c == ' ':
		default:
			return false
		}
	}
	return n >= 10 && n <= 13 && s[0] != '/' && s[len(s)-1] != '/'
}
