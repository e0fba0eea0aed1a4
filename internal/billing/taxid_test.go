package billing

import (
	"sort"
	"strings"
	"testing"
)

func TestTaxIDTypesTable(t *testing.T) {
	if len(TaxIDTypes) != 110 {
		t.Errorf("len(TaxIDTypes) = %d, want 110", len(TaxIDTypes))
	}
	if !sort.SliceIsSorted(TaxIDTypes, func(i, j int) bool { return TaxIDTypes[i].Type < TaxIDTypes[j].Type }) {
		t.Error("TaxIDTypes is not sorted by Type")
	}
	seen := map[string]bool{}
	for _, tt := range TaxIDTypes {
		if seen[tt.Type] {
			t.Errorf("duplicate type %s", tt.Type)
		}
		seen[tt.Type] = true
		if tt.Example == "" {
			t.Errorf("%s: no example", tt.Type)
		}
		if tt.Type != "eu_vat" && tt.Type != "eu_oss_vat" && tt.Country != strings.ToUpper(tt.Type[:2]) {
			t.Errorf("%s: country %q", tt.Type, tt.Country)
		}
	}
	for _, typ := range []string{"ad_nrt", "eu_vat", "gb_vat", "us_ein", "zw_tin", "li_vat", "ch_uid"} {
		if !seen[typ] {
			t.Errorf("type %s missing", typ)
		}
	}
}

// TestTaxIDExamplesValidate checks that every example passes its own
// validator, and that a valid value is stored as given (or compacted).
func TestTaxIDExamplesValidate(t *testing.T) {
	for _, tt := range TaxIDTypes {
		norm, country, err := ValidateTaxID(tt.Type, tt.Example)
		if err != nil {
			t.Errorf("%s: example %q rejected: %v", tt.Type, tt.Example, err)
			continue
		}
		wantCountry := tt.Country
		if tt.Type == "eu_vat" {
			wantCountry = "DE"
		}
		if country != wantCountry {
			t.Errorf("%s: country = %q, want %q", tt.Type, country, wantCountry)
		}
		if norm != tt.Example {
			t.Errorf("%s: normalized %q to %q", tt.Type, tt.Example, norm)
		}
	}
	for prefix, c := range euVATCountries {
		if !strings.HasPrefix(c.example, prefix) {
			t.Errorf("eu_vat %s: example %q lacks its prefix", prefix, c.example)
		}
		norm, country, err := ValidateTaxID("eu_vat", c.example)
		if err != nil || norm != c.example || country != c.country {
			t.Errorf("eu_vat example %q = %q, %q, %v", c.example, norm, country, err)
		}
	}
	if len(euVATCountries) != 28 {
		t.Errorf("len(euVATCountries) = %d, want 27 states and XI", len(euVATCountries))
	}
}

func TestValidateTaxIDFormats(t *testing.T) {
	tests := []struct {
		typ   string
		valid []string
		bad   []string
	}{
		{"eu_vat",
			[]string{"ATU12345678", "BE0123456789", "BE1234567890", "BG123456789", "CY12345678L", "CZ12345678",
				"DE123456789", "DK12345678", "EE123456789", "EL123456789", "ESX1234567X", "ES12345678Z",
				"FI12345678", "FR12123456789", "FRAB123456789", "HR12345678901", "HU12345678", "IE1234567T",
				"IE1234567WA", "IE1A23456T", "IT12345678901", "LT123456789", "LT123456789012", "LU12345678",
				"LV12345678901", "MT12345678", "NL123456789B01", "PL1234567890", "PT123456789", "RO12",
				"RO1234567890", "SE123456789001", "SI12345678", "SK1234567890", "XI123456789", "XIGD123"},
			[]string{"AT12345678", "ATU1234567", "BE2123456789", "BE123456789", "DE12345678", "DE1234567890",
				"GR123456789", "GB123456789", "NL123456789", "NL123456789A01", "FR1234567890", "ES123456789",
				"IT1234567890", "SE12345678901", "US123456789", "DE", "123456789", "XX123456789"}},
		{"gb_vat",
			[]string{"GB123456789", "GB123456789012", "GBGD123", "GBHA499"},
			[]string{"GB12345678", "GB1234567890", "GBGD12", "GBXX123", "123456789", "XI123456789"}},
		{"eu_oss_vat", []string{"EU123456789"}, []string{"EU12345678", "DE123456789"}},
		{"us_ein", []string{"12-3456789", "123456789"}, []string{"1-23456789", "12-345678", "12345678a", "123-45-6789"}},
		{"au_abn", []string{"51824753556", "51 824 753 556", "53004085616"}, []string{"12345678912", "51824753557", "5182475355", "5182475355a"}},
		{"au_arn", []string{"123456789123"}, []string{"12345678912"}},
		{"ca_bn", []string{"123456789"}, []string{"12345678", "123456789RT0001"}},
		{"ca_gst_hst", []string{"123456789RT0002", "123456789 RT 0001"}, []string{"123456789RP0002", "123456789RT002", "12345678RT0002"}},
		{"ca_qst", []string{"1234567890TQ1234", "1234567890TQ0001"}, []string{"1234567890TP1234", "123456789TQ1234"}},
		{"ch_vat", []string{"CHE-123.456.789 MWST", "CHE-123.456.789 TVA", "CHE-123.456.789 IVA", "CHE123456789MWST"},
			[]string{"CHE-123.456.789", "CHE-123.456.78 MWST", "CH-123.456.789 MWST", "CHE-123.456.789 VAT"}},
		{"ch_uid", []string{"CHE-123.456.789 HR", "CHE-123.456.789", "CHE123456789"}, []string{"CHE-123.456.789 MWST", "123456789"}},
		{"li_uid", []string{"CHE123456789", "CHE-123.456.789"}, []string{"CHE12345678", "LI123456789"}},
		{"in_gst", []string{"12ABCDE3456FGZH", "27AAPFU0939F1ZV"}, []string{"12ABCDE3456FGYH", "1ABCDE3456FGZH", "12ABCD13456FGZH", "12ABCDE3456FGZ"}},
		{"jp_cn", []string{"1234567891234"}, []string{"123456789123", "T1234567891234"}},
		{"jp_rn", []string{"12345"}, []string{"1234", "123456"}},
		{"jp_trn", []string{"T1234567891234"}, []string{"1234567891234", "T123456789123", "X1234567891234"}},
		{"br_cnpj", []string{"01.234.456/5432-10", "01234456543210", "12.ABC.345/01DE-35"}, []string{"01.234.456/5432-1", "0123445654321", "01.234.456-5432/10"}},
		{"br_cpf", []string{"123.456.789-87", "12345678987"}, []string{"123.456.789-8", "123456789-87", "1234567898"}},
		{"mx_rfc", []string{"ABC010203AB9", "GODE561231GR8", "ÑAB010203AB9"}, []string{"AB010203AB9", "ABC01023AB9", "ABC010203AB"}},
		{"nz_gst", []string{"123456789", "12345678", "123-456-789"}, []string{"1234567", "1234567890"}},
		{"no_vat", []string{"123456789MVA", "123456789 MVA"}, []string{"123456789", "12345678MVA", "NO123456789"}},
		{"sg_gst", []string{"M12345678X", "200312345A", "T08GB0001A"}, []string{"M1234567X", "12345678"}},
		{"sg_uen", []string{"123456789F", "53012345D", "T08GB0001A"}, []string{"123456789", "M12345678X"}},
		{"za_vat", []string{"4123456789"}, []string{"5123456789", "412345678", "41234567890"}},
		{"kr_brn", []string{"123-45-67890", "1234567890"}, []string{"123-456-7890", "12345678901"}},
		{"es_cif", []string{"A12345678", "B1234567J", "12345678Z", "X1234567L"}, []string{"12345678", "A1234567", "ESA12345678"}},
		{"ae_trn", []string{"123456789012345"}, []string{"12345678901234", "1234567890123456"}},
		{"sa_vat", []string{"123456789012345"}, []string{"12345678901234"}},
		{"il_vat", []string{"000012345"}, []string{"12345678"}},
		{"tr_tin", []string{"0123456789", "12345678901"}, []string{"123456789", "123456789012"}},
		{"ru_inn", []string{"1234567891", "123456789012"}, []string{"12345678901", "123456789"}},
		{"ru_kpp", []string{"123456789", "1234AB789"}, []string{"12345678", "ABCD56789"}},
		{"hk_br", []string{"12345678"}, []string{"1234567", "123456789"}},
		{"tw_vat", []string{"12345678"}, []string{"1234567", "123456789"}},
		{"th_vat", []string{"1234567891234"}, []string{"123456789123"}},
		{"is_vat", []string{"123456", "12345"}, []string{"1234", "1234567"}},
		{"om_vat", []string{"OM1234567890"}, []string{"1234567890", "OM123456789"}},
		{"mk_vat", []string{"MK1234567890123", "1234567890123"}, []string{"MK123456789012"}},
		{"cl_tin", []string{"12.345.678-K", "12345678-9", "1.234.567-8"}, []string{"12.345.678-A", "123.456.789-0"}},
		{"de_stn", []string{"1234567890", "12/345/67890", "1234567890123"}, []string{"123456789", "12345678901234", "12-345-67890"}},
		{"ke_pin", []string{"P000111111A", "A123456789B"}, []string{"X000111111A", "P00011111A"}},
		{"my_sst", []string{"A12-3456-78912345", "W10-1808-31000165"}, []string{"A12-3456-7891234", "123-3456-78912345"}},
		{"ve_rif", []string{"A-12345678-9", "J123456789"}, []string{"A-1234567-9", "12345678-9"}},
		{"hu_tin", []string{"12345678-1-23", "12345678123"}, []string{"12345678-1-2"}},
		{"id_npwp", []string{"012.345.678.9-012.345", "01.234.567.8-901.000", "0123456789012345"}, []string{"012.345.678.9-012.34"}},
		{"ca_pst_bc", []string{"PST-1234-5678"}, []string{"PST-123-5678", "1234-5678"}},
		{"ar_cuit", []string{"12-3456789-01", "20-12345678-9", "20123456789"}, []string{"20-1234567-9"}},
		// Types without a specific rule take 1 to 64 printable characters.
		{"ua_vat", []string{"anything at all", strings.Repeat("9", 64)}, []string{strings.Repeat("9", 65), "ab\x00c", "ab\ncd"}},
	}
	for _, tc := range tests {
		for _, v := range tc.valid {
			if _, _, err := ValidateTaxID(tc.typ, v); err != nil {
				t.Errorf("%s %q: rejected: %v", tc.typ, v, err)
			}
		}
		for _, v := range tc.bad {
			_, _, err := ValidateTaxID(tc.typ, v)
			if err == nil {
				t.Errorf("%s %q: accepted", tc.typ, v)
				continue
			}
			if err.Code != "tax_id_invalid" || err.Param != "value" || err.Kind != KindInvalid || err.Type != TypeInvalidRequest {
				t.Errorf("%s %q: error %+v", tc.typ, v, err)
			}
		}
	}
}

func TestValidateTaxIDNormalization(t *testing.T) {
	tests := []struct {
		typ, in, want, country string
	}{
		{"eu_vat", "DE 123 456 789", "DE123456789", "DE"},
		{"eu_vat", "  de123.456.789 ", "DE123456789", "DE"},
		{"eu_vat", "es x-1234567-x", "ESX1234567X", "ES"},
		{"eu_vat", "nl 1234.56.789.b01", "NL123456789B01", "NL"},
		{"eu_vat", "fr ab 123 456 789", "FRAB123456789", "FR"},
		{"eu_vat", "EL123456789", "EL123456789", "GR"},
		{"eu_vat", "el 123-456-789", "EL123456789", "GR"},
		{"eu_vat", "XI123456789", "XI123456789", "GB"},
		{"eu_vat", "ATU12345678", "ATU12345678", "AT"},
		{"eu_vat", "IE1234567AB", "IE1234567AB", "IE"},
		{"gb_vat", "gb 123 456 789", "GB123456789", "GB"},
		{"gb_vat", "GB-123.456.789", "GB123456789", "GB"},
		{"eu_oss_vat", "eu 123 456 789", "EU123456789", "EU"},
		// Other types are trimmed but otherwise kept as given.
		{"us_ein", " 12-3456789\t", "12-3456789", "US"},
		{"ch_vat", "CHE-123.456.789 MWST", "CHE-123.456.789 MWST", "CH"},
		{"br_cnpj", "01.234.456/5432-10", "01.234.456/5432-10", "BR"},
		{"au_abn", "51 824 753 556", "51 824 753 556", "AU"},
		{"jp_trn", "t1234567891234", "t1234567891234", "JP"},
		{"ua_vat", "  Some Value 1 ", "Some Value 1", "UA"},
	}
	for _, tc := range tests {
		got, country, err := ValidateTaxID(tc.typ, tc.in)
		if err != nil {
			t.Errorf("%s %q: %v", tc.typ, tc.in, err)
			continue
		}
		if got != tc.want || country != tc.country {
			t.Errorf("%s %q = %q, %q; want %q, %q", tc.typ, tc.in, got, country, tc.want, tc.country)
		}
	}
}

func TestValidateTaxIDErrors(t *testing.T) {
	_, _, err := ValidateTaxID("xx_vat", "123")
	if err == nil {
		t.Fatal("unknown type accepted")
	}
	if err.Code != "parameter_invalid_string" || err.Param != "type" || err.Kind != KindInvalid ||
		err.Message != "Invalid value for type: 'xx_vat' is not a supported tax ID type." {
		t.Errorf("unknown type: %+v", err)
	}

	_, _, err = ValidateTaxID("eu_vat", "FR123")
	if err == nil {
		t.Fatal("FR123 accepted")
	}
	if want := "Invalid value for eu_vat: 'FR123'. A valid eu_vat looks like FRAB123456789."; err.Message != want {
		t.Errorf("message = %q, want %q", err.Message, want)
	}
	_, _, err = ValidateTaxID("eu_vat", " US123456789 ")
	if want := "Invalid value for eu_vat: 'US123456789'. A valid eu_vat looks like DE123456789."; err == nil || err.Message != want {
		t.Errorf("error = %v, want message %q", err, want)
	}
	_, _, err = ValidateTaxID("us_ein", "12-34")
	if want := "Invalid value for us_ein: '12-34'. A valid us_ein looks like 12-3456789."; err == nil || err.Message != want {
		t.Errorf("error = %v, want message %q", err, want)
	}

	_, _, err = ValidateTaxID("", "123")
	if err == nil || err.Code != "parameter_missing" || err.Param != "type" {
		t.Errorf("empty type: %+v", err)
	}
	_, _, err = ValidateTaxID("eu_vat", "   ")
	if err == nil || err.Code != "parameter_missing" || err.Param != "value" {
		t.Errorf("blank value: %+v", err)
	}
}

func TestValidateTaxIDIgnoresTableChanges(t *testing.T) {
	saved := TaxIDTypes[0]
	TaxIDTypes[0].Example = "changed"
	defer func() { TaxIDTypes[0] = saved }()
	if _, _, err := ValidateTaxID(saved.Type, saved.Example); err != nil {
		t.Errorf("%s %q rejected after TaxIDTypes was changed: %v", saved.Type, saved.Example, err)
	}
}
