package billing

import (
	"strings"
	"testing"
	"time"
)

var (
	cardNow = time.Date(2026, time.May, 15, 12, 0, 0, 0, time.UTC)
	cardKey = []byte("acct_test_fingerprint_key")
)

func TestLuhnValid(t *testing.T) {
	tests := []struct {
		number string
		want   bool
	}{
		{"4242424242424242", true},
		{"4242424242424241", false},
		{"4000000000000002", true},
		{"4000000000000003", false},
		{"378282246310005", true},
		{"378282246310006", false},
		{"36227206271667", true},
		{"36227206271668", false},
		{"6200000000000005", true},
		{"79927398713", true},
		{"79927398710", false},
		{"0000000000000000", true},
	}
	for _, tt := range tests {
		if got := luhnValid(tt.number); got != tt.want {
			t.Errorf("luhnValid(%q) = %v, want %v", tt.number, got, tt.want)
		}
	}
}

func TestCardBrand(t *testing.T) {
	tests := []struct {
		number, want string
	}{
		// Stripe test numbers.
		{"4242424242424242", "visa"},
		{"4000056655665556", "visa"},
		{"4000000000000002", "visa"},
		{"4000000000009995", "visa"},
		{"4000000000009987", "visa"},
		{"4000000000009979", "visa"},
		{"4000000000000069", "visa"},
		{"4000000000000127", "visa"},
		{"4000000000000119", "visa"},
		{"4000000000000341", "visa"},
		{"4000002500003155", "visa"},
		{"4000002760003184", "visa"},
		{"4000003800000446", "visa"},
		{"4000008260003178", "visa"},
		{"4000000000003220", "visa"},
		{"4000000000000077", "visa"},
		{"4100000000000019", "visa"},
		{"4000000000007726", "visa"},
		{"4000000000005126", "visa"},
		{"4000000000006975", "visa"},
		{"5555555555554444", "mastercard"},
		{"2223003122003222", "mastercard"},
		{"5200828282828210", "mastercard"},
		{"5105105105105100", "mastercard"},
		{"378282246310005", "amex"},
		{"371449635398431", "amex"},
		{"6011111111111117", "discover"},
		{"6011000990139424", "discover"},
		{"3056930009020004", "diners"},
		{"36227206271667", "diners"},
		{"3566002020360505", "jcb"},
		{"6200000000000005", "unionpay"},
		// Range edges.
		{"5100000000000000", "mastercard"},
		{"5500000000000000", "mastercard"},
		{"5600000000000000", "unknown"},
		{"5000000000000000", "unknown"},
		{"2221000000000000", "mastercard"},
		{"2720990000000000", "mastercard"},
		{"2220990000000000", "unknown"},
		{"2721000000000000", "unknown"},
		{"3400000000000000", "amex"},
		{"3500000000000000", "unknown"},
		{"6440000000000000", "discover"},
		{"6490000000000000", "discover"},
		{"6430000000000000", "unknown"},
		{"6500000000000000", "discover"},
		{"6012000000000000", "unknown"},
		{"3000000000000000", "diners"},
		{"3050000000000000", "diners"},
		{"3060000000000000", "unknown"},
		{"3800000000000000", "diners"},
		{"3900000000000000", "diners"},
		{"3528000000000000", "jcb"},
		{"3589000000000000", "jcb"},
		{"3527000000000000", "unknown"},
		{"3590000000000000", "unknown"},
		{"6250000000000000", "unionpay"},
		{"1234567890123", "unknown"},
		{"7000000000000", "unknown"},
	}
	for _, tt := range tests {
		if got := cardBrand(tt.number); got != tt.want {
			t.Errorf("cardBrand(%q) = %q, want %q", tt.number, got, tt.want)
		}
	}
}

// declineEq reports whether d is non-nil and equal to want, or both are nil.
func declineEq(d, want *Decline) bool {
	if d == nil || want == nil {
		return d == nil && want == nil
	}
	return *d == *want
}

func declineString(d *Decline) string {
	if d == nil {
		return "<nil>"
	}
	return d.Code + "/" + d.DeclineCode + "/" + d.Message
}

var (
	wantGeneric      = &Decline{"card_declined", "generic_decline", "Your card was declined."}
	wantInsufficient = &Decline{"card_declined", "insufficient_funds", "Your card has insufficient funds."}
	wantLost         = &Decline{"card_declined", "lost_card", "Your card was declined."}
	wantStolen       = &Decline{"card_declined", "stolen_card", "Your card was declined."}
	wantExpired      = &Decline{"expired_card", "expired_card", "Your card has expired."}
	wantCVC          = &Decline{"incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect."}
	wantProcessing   = &Decline{"processing_error", "processing_error", "An error occurred while processing your card. Try again in a little bit."}
	wantVelocity     = &Decline{"card_declined", "card_velocity_exceeded",
		"Your card was declined for making repeated attempts too frequently or exceeding its amount limit."}
	wantFraudulent = &Decline{"card_declined", "fraudulent", "Your card was declined."}
)

// wantCard is the expected card for a Stripe test number.
type wantCard struct {
	number, brand, last4, funding string
	attach, charge                *Decline
	threeDS                       ThreeDS
}

// stripeTestCards lists every Stripe test number and what it must give.
var stripeTestCards = []wantCard{
	{"4242424242424242", "visa", "4242", "credit", nil, nil, ThreeDSNone},
	{"4000056655665556", "visa", "5556", "debit", nil, nil, ThreeDSNone},
	{"5555555555554444", "mastercard", "4444", "credit", nil, nil, ThreeDSNone},
	{"2223003122003222", "mastercard", "3222", "credit", nil, nil, ThreeDSNone},
	{"5200828282828210", "mastercard", "8210", "debit", nil, nil, ThreeDSNone},
	{"5105105105105100", "mastercard", "5100", "prepaid", nil, nil, ThreeDSNone},
	{"378282246310005", "amex", "0005", "credit", nil, nil, ThreeDSNone},
	{"371449635398431", "amex", "8431", "credit", nil, nil, ThreeDSNone},
	{"6011111111111117", "discover", "1117", "credit", nil, nil, ThreeDSNone},
	{"6011000990139424", "discover", "9424", "credit", nil, nil, ThreeDSNone},
	{"3056930009020004", "diners", "0004", "credit", nil, nil, ThreeDSNone},
	{"36227206271667", "diners", "1667", "credit", nil, nil, ThreeDSNone},
	{"3566002020360505", "jcb", "0505", "credit", nil, nil, ThreeDSNone},
	{"6200000000000005", "unionpay", "0005", "credit", nil, nil, ThreeDSNone},
	{"4000000000000002", "visa", "0002", "credit", wantGeneric, wantGeneric, ThreeDSNone},
	{"4000000000009995", "visa", "9995", "credit", wantInsufficient, wantInsufficient, ThreeDSNone},
	{"4000000000009987", "visa", "9987", "credit", wantLost, wantLost, ThreeDSNone},
	{"4000000000009979", "visa", "9979", "credit", wantStolen, wantStolen, ThreeDSNone},
	{"4000000000000069", "visa", "0069", "credit", wantExpired, wantExpired, ThreeDSNone},
	{"4000000000000127", "visa", "0127", "credit", wantCVC, wantCVC, ThreeDSNone},
	{"4000000000000119", "visa", "0119", "credit", wantProcessing, wantProcessing, ThreeDSNone},
	{"4000000000006975", "visa", "6975", "credit", wantVelocity, wantVelocity, ThreeDSNone},
	{"4100000000000019", "visa", "0019", "credit", wantFraudulent, wantFraudulent, ThreeDSNone},
	{"4000000000000341", "visa", "0341", "credit", nil, wantGeneric, ThreeDSNone},
	{"4000002500003155", "visa", "3155", "credit", nil, nil, ThreeDSOnSetup},
	{"4000002760003184", "visa", "3184", "credit", nil, nil, ThreeDSAlways},
	{"4000003800000446", "visa", "0446", "credit", nil, nil, ThreeDSOnSession},
	{"4000008260003178", "visa", "3178", "credit", nil, wantInsufficient, ThreeDSAlways},
	{"4000000000003220", "visa", "3220", "credit", nil, nil, ThreeDSRequired2},
	{"4000000000000077", "visa", "0077", "credit", nil, nil, ThreeDSNone},
	{"4000000000007726", "visa", "7726", "credit", nil, nil, ThreeDSNone},
	{"4000000000005126", "visa", "5126", "credit", nil, nil, ThreeDSNone},
	// Not a Stripe test number, but Luhn-valid: succeeds as a US credit card.
	{"4111111111111111", "visa", "1111", "credit", nil, nil, ThreeDSNone},
	{"1234567890128", "unknown", "0128", "credit", nil, nil, ThreeDSNone},
}

func checkCard(t *testing.T, label string, got Card, want wantCard, expMonth, expYear int) {
	t.Helper()
	if got.Brand != want.brand || got.Last4 != want.last4 || got.Funding != want.funding || got.Country != "US" {
		t.Errorf("%s: brand/last4/funding/country = %q/%q/%q/%q, want %q/%q/%q/US",
			label, got.Brand, got.Last4, got.Funding, got.Country, want.brand, want.last4, want.funding)
	}
	if got.ExpMonth != expMonth || got.ExpYear != expYear {
		t.Errorf("%s: expiry = %d/%d, want %d/%d", label, got.ExpMonth, got.ExpYear, expMonth, expYear)
	}
	if fp := cardFingerprint(want.number, cardKey); got.Fingerprint != fp {
		t.Errorf("%s: fingerprint = %q, want %q (that of %s)", label, got.Fingerprint, fp, want.number)
	}
	if !declineEq(got.Behavior.AttachDecline, want.attach) {
		t.Errorf("%s: AttachDecline = %s, want %s", label, declineString(got.Behavior.AttachDecline), declineString(want.attach))
	}
	if !declineEq(got.Behavior.ChargeDecline, want.charge) {
		t.Errorf("%s: ChargeDecline = %s, want %s", label, declineString(got.Behavior.ChargeDecline), declineString(want.charge))
	}
	if got.Behavior.ThreeDS != want.threeDS {
		t.Errorf("%s: ThreeDS = %q, want %q", label, got.Behavior.ThreeDS, want.threeDS)
	}
}

func TestParseCardTestNumbers(t *testing.T) {
	for _, w := range stripeTestCards {
		cvc := "123"
		if w.brand == "amex" {
			cvc = "1234"
		}
		c, err := ParseCard(w.number, 12, 2030, cvc, cardNow, cardKey)
		if err != nil {
			t.Errorf("ParseCard(%s): %v", w.number, err)
			continue
		}
		checkCard(t, "ParseCard("+w.number+")", c, w, 12, 2030)
	}
}

func TestParseCardSeparators(t *testing.T) {
	for _, in := range []string{"4242 4242 4242 4242", "4242-4242-4242-4242", " 4242-4242 4242-4242 "} {
		c, err := ParseCard(in, 1, 2027, "", cardNow, cardKey)
		if err != nil {
			t.Fatalf("ParseCard(%q): %v", in, err)
		}
		if c.Brand != "visa" || c.Last4 != "4242" || c.Fingerprint != cardFingerprint("4242424242424242", cardKey) {
			t.Errorf("ParseCard(%q) = %+v, want the 4242424242424242 card", in, c)
		}
	}
}

// byNumber maps a test number to its expected card.
func byNumber(number string) wantCard {
	for _, w := range stripeTestCards {
		if w.number == number {
			return w
		}
	}
	panic("no test card " + number)
}

func TestTestPaymentMethod(t *testing.T) {
	ids := []struct{ name, number string }{
		{"visa", "4242424242424242"},
		{"mastercard", "5555555555554444"},
		{"amex", "378282246310005"},
		{"discover", "6011111111111117"},
		{"diners", "3056930009020004"},
		{"jcb", "3566002020360505"},
		{"unionpay", "6200000000000005"},
		{"visa_debit", "4000056655665556"},
		{"mastercard_debit", "5200828282828210"},
		{"mastercard_prepaid", "5105105105105100"},
		{"chargeDeclined", "4000000000000002"},
		{"visa_chargeDeclined", "4000000000000002"},
		{"visa_chargeDeclinedInsufficientFunds", "4000000000009995"},
		{"chargeDeclinedInsufficientFunds", "4000000000009995"},
		{"visa_chargeDeclinedLostCard", "4000000000009987"},
		{"chargeDeclinedLostCard", "4000000000009987"},
		{"visa_chargeDeclinedStolenCard", "4000000000009979"},
		{"chargeDeclinedStolenCard", "4000000000009979"},
		{"chargeDeclinedExpiredCard", "4000000000000069"},
		{"chargeDeclinedIncorrectCvc", "4000000000000127"},
		{"chargeDeclinedProcessingError", "4000000000000119"},
		{"visa_chargeDeclinedVelocityLimitExceeded", "4000000000006975"},
		{"chargeDeclinedVelocityLimitExceeded", "4000000000006975"},
		{"chargeCustomerFail", "4000000000000341"},
		{"authenticationRequiredOnSetup", "4000002500003155"},
		{"authenticationRequired", "4000002760003184"},
		{"authenticationRequiredSetupForOffSession", "4000003800000446"},
		{"authenticationRequiredChargeDeclinedInsufficientFunds", "4000008260003178"},
		{"threeDSecure2Required", "4000000000003220"},
		{"bypassPending", "4000000000000077"},
		{"radarBlock", "4100000000000019"},
		{"pendingRefund", "4000000000007726"},
		{"refundFail", "4000000000005126"},
	}
	for _, id := range ids {
		for _, prefix := range []string{"pm_card_", "tok_"} {
			c, ok := TestPaymentMethod(prefix+id.name, cardNow, cardKey)
			if !ok {
				t.Errorf("TestPaymentMethod(%s%s): ok = false", prefix, id.name)
				continue
			}
			// The expiry rule: now's month (UTC), one year on.
			checkCard(t, prefix+id.name, c, byNumber(id.number), 5, 2027)
			if c.Expired(cardNow) {
				t.Errorf("%s%s is expired at %v", prefix, id.name, cardNow)
			}
		}
	}
}

func TestTestPaymentMethodUnknown(t *testing.T) {
	for _, id := range []string{"", "pm_card_", "tok_", "pm_card_nope", "tok_nope", "pm_card_VISA", "card_visa",
		"pm_visa", "pm_1NxYzAbCdEf", "tok_1NxYzAbCdEf", "visa", "pm_card_visa ", "src_card_visa"} {
		if c, ok := TestPaymentMethod(id, cardNow, cardKey); ok {
			t.Errorf("TestPaymentMethod(%q) = %+v, true; want ok = false", id, c)
		}
	}
}

func TestTestPaymentMethodExpiryUsesUTC(t *testing.T) {
	// 00:30 on 1 January 2027 at UTC+14 is still 31 December 2026 in UTC.
	now := time.Date(2027, time.January, 1, 0, 30, 0, 0, time.FixedZone("LINT", 14*3600))
	c, ok := TestPaymentMethod("pm_card_visa", now, cardKey)
	if !ok || c.ExpMonth != 12 || c.ExpYear != 2027 {
		t.Errorf("TestPaymentMethod at %v = %d/%d (ok %v), want 12/2027", now, c.ExpMonth, c.ExpYear, ok)
	}
}

func TestTestPaymentMethodDeclinesAreCopies(t *testing.T) {
	a, _ := TestPaymentMethod("pm_card_chargeDeclined", cardNow, cardKey)
	a.Behavior.AttachDecline.Message = "changed"
	a.Behavior.ChargeDecline.DeclineCode = "changed"
	b, _ := TestPaymentMethod("pm_card_chargeDeclined", cardNow, cardKey)
	if !declineEq(b.Behavior.AttachDecline, wantGeneric) || !declineEq(b.Behavior.ChargeDecline, wantGeneric) {
		t.Errorf("mutating one card's declines changed another's: %s, %s",
			declineString(b.Behavior.AttachDecline), declineString(b.Behavior.ChargeDecline))
	}
	c, _ := TestPaymentMethod("pm_card_chargeCustomerFail", cardNow, cardKey)
	if !declineEq(c.Behavior.ChargeDecline, wantGeneric) {
		t.Errorf("chargeCustomerFail ChargeDecline = %s", declineString(c.Behavior.ChargeDecline))
	}
}

func TestDeclineErr(t *testing.T) {
	for _, d := range []*Decline{wantGeneric, wantInsufficient, wantLost, wantStolen, wantExpired, wantCVC,
		wantProcessing, wantVelocity, wantFraudulent} {
		e := d.Err()
		if e.Kind != KindCard || e.Type != "card_error" || e.Code != d.Code || e.DeclineCode != d.DeclineCode ||
			e.Message != d.Message || e.Param != "" {
			t.Errorf("(%s).Err() = %+v", declineString(d), *e)
		}
	}
	e := (&Decline{"card_declined", "insufficient_funds", "Your card has insufficient funds."}).Err()
	if got, want := e.Error(), "card_error (card_declined): Your card has insufficient funds."; got != want {
		t.Errorf("Err().Error() = %q, want %q", got, want)
	}
}

func TestParseCardErrors(t *testing.T) {
	const visa, amex = "4242424242424242", "378282246310005"
	tests := []struct {
		name           string
		number         string
		month, year    int
		cvc            string
		param, code    string
		message        string
		wantOK         bool
		wantMon, wantY int
	}{
		// Numbers.
		{name: "luhn", number: "4242424242424241", month: 12, year: 2030, param: "card[number]", code: "incorrect_number", message: "Your card number is incorrect."},
		{name: "luhn amex", number: "378282246310006", month: 12, year: 2030, param: "card[number]", code: "incorrect_number", message: "Your card number is incorrect."},
		{name: "too short", number: "42424242424", month: 12, year: 2030, param: "card[number]", code: "invalid_number", message: "Your card number is invalid."},
		{name: "too long", number: "42424242424242424242", month: 12, year: 2030, param: "card[number]", code: "invalid_number", message: "Your card number is invalid."},
		{name: "letters", number: "4242x24242424242", month: 12, year: 2030, param: "card[number]", code: "invalid_number", message: "Your card number is invalid."},
		{name: "dots", number: "4242.4242.4242.4242", month: 12, year: 2030, param: "card[number]", code: "invalid_number", message: "Your card number is invalid."},
		{name: "empty", number: "", month: 12, year: 2030, param: "card[number]", code: "invalid_number", message: "Your card number is invalid."},
		{name: "12 digits", number: "123456789015", month: 12, year: 2030, wantOK: true, wantMon: 12, wantY: 2030},
		{name: "19 digits", number: "4242424242424242428", month: 12, year: 2030, wantOK: true, wantMon: 12, wantY: 2030},
		// Expiry month.
		{name: "month 13", number: visa, month: 13, year: 2030, param: "card[exp_month]", code: "invalid_expiry_month", message: "Your card's expiration month is invalid."},
		{name: "month 0", number: visa, month: 0, year: 2030, param: "card[exp_month]", code: "invalid_expiry_month", message: "Your card's expiration month is invalid."},
		{name: "month -1", number: visa, month: -1, year: 2030, param: "card[exp_month]", code: "invalid_expiry_month", message: "Your card's expiration month is invalid."},
		// Expiry year.
		{name: "2-digit year", number: visa, month: 3, year: 29, wantOK: true, wantMon: 3, wantY: 2029},
		{name: "2-digit this year", number: visa, month: 5, year: 26, wantOK: true, wantMon: 5, wantY: 2026},
		{name: "2-digit past year", number: visa, month: 12, year: 25, param: "card[exp_year]", code: "expired_card", message: "Your card has expired."},
		{name: "3-digit year", number: visa, month: 12, year: 203, param: "card[exp_year]", code: "invalid_expiry_year", message: "Your card's expiration year is invalid."},
		{name: "5-digit year", number: visa, month: 12, year: 20300, param: "card[exp_year]", code: "invalid_expiry_year", message: "Your card's expiration year is invalid."},
		{name: "negative year", number: visa, month: 12, year: -1, param: "card[exp_year]", code: "invalid_expiry_year", message: "Your card's expiration year is invalid."},
		{name: "past year", number: visa, month: 12, year: 2025, param: "card[exp_year]", code: "expired_card", message: "Your card has expired."},
		{name: "last month", number: visa, month: 4, year: 2026, param: "card[exp_month]", code: "expired_card", message: "Your card has expired."},
		{name: "this month", number: visa, month: 5, year: 2026, wantOK: true, wantMon: 5, wantY: 2026},
		{name: "next month", number: visa, month: 6, year: 2026, wantOK: true, wantMon: 6, wantY: 2026},
		// CVC.
		{name: "no cvc", number: visa, month: 12, year: 2030, cvc: "", wantOK: true, wantMon: 12, wantY: 2030},
		{name: "visa cvc 3", number: visa, month: 12, year: 2030, cvc: "123", wantOK: true, wantMon: 12, wantY: 2030},
		{name: "visa cvc 4", number: visa, month: 12, year: 2030, cvc: "1234", param: "card[cvc]", code: "invalid_cvc", message: "Your card's security code is invalid."},
		{name: "visa cvc 2", number: visa, month: 12, year: 2030, cvc: "12", param: "card[cvc]", code: "invalid_cvc", message: "Your card's security code is invalid."},
		{name: "visa cvc letters", number: visa, month: 12, year: 2030, cvc: "12a", param: "card[cvc]", code: "invalid_cvc", message: "Your card's security code is invalid."},
		{name: "amex cvc 4", number: amex, month: 12, year: 2030, cvc: "1234", wantOK: true, wantMon: 12, wantY: 2030},
		{name: "amex cvc 3", number: amex, month: 12, year: 2030, cvc: "123", param: "card[cvc]", code: "invalid_cvc", message: "Your card's security code is invalid."},
		{name: "mastercard cvc 3", number: "5555555555554444", month: 12, year: 2030, cvc: "000", wantOK: true, wantMon: 12, wantY: 2030},
		// Order: the number is checked before the expiry, the expiry before the CVC.
		{name: "bad number and month", number: "4242424242424241", month: 13, year: 2030, cvc: "1", param: "card[number]", code: "incorrect_number", message: "Your card number is incorrect."},
		{name: "bad month and cvc", number: visa, month: 13, year: 2030, cvc: "1", param: "card[exp_month]", code: "invalid_expiry_month", message: "Your card's expiration month is invalid."},
		{name: "expired and bad cvc", number: visa, month: 1, year: 2020, cvc: "1", param: "card[exp_year]", code: "expired_card", message: "Your card has expired."},
	}
	for _, tt := range tests {
		c, err := ParseCard(tt.number, tt.month, tt.year, tt.cvc, cardNow, cardKey)
		if tt.wantOK {
			if err != nil {
				t.Errorf("%s: ParseCard: %v", tt.name, err)
				continue
			}
			if c.ExpMonth != tt.wantMon || c.ExpYear != tt.wantY {
				t.Errorf("%s: expiry = %d/%d, want %d/%d", tt.name, c.ExpMonth, c.ExpYear, tt.wantMon, tt.wantY)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: ParseCard = %+v, want error %s", tt.name, c, tt.code)
			continue
		}
		if err.Kind != KindCard || err.Type != "card_error" || err.Code != tt.code || err.Param != tt.param ||
			err.Message != tt.message || err.DeclineCode != "" {
			t.Errorf("%s: error = %+v, want card_error %s param %s %q", tt.name, *err, tt.code, tt.param, tt.message)
		}
		if c != (Card{}) {
			t.Errorf("%s: card = %+v on error, want zero", tt.name, c)
		}
	}
}

func TestCardExpired(t *testing.T) {
	tests := []struct {
		month, year int
		want        bool
	}{
		{4, 2026, true},
		{5, 2026, false},
		{6, 2026, false},
		{12, 2025, true},
		{1, 2027, false},
		{12, 2026, false},
	}
	for _, tt := range tests {
		c := Card{ExpMonth: tt.month, ExpYear: tt.year}
		if got := c.Expired(cardNow); got != tt.want {
			t.Errorf("Card{%d/%d}.Expired(%v) = %v, want %v", tt.month, tt.year, cardNow, got, tt.want)
		}
	}
	// The last instant of May is still valid for a 5/2026 card; June 1 is not.
	c := Card{ExpMonth: 5, ExpYear: 2026}
	if c.Expired(time.Date(2026, time.May, 31, 23, 59, 59, 0, time.UTC)) {
		t.Error("5/2026 card expired on 31 May 2026")
	}
	if !c.Expired(time.Date(2026, time.June, 1, 0, 0, 0, 0, time.UTC)) {
		t.Error("5/2026 card not expired on 1 June 2026")
	}
	// Months are taken in UTC: 1 June 01:00 at UTC+2 is still May in UTC.
	if c.Expired(time.Date(2026, time.June, 1, 1, 0, 0, 0, time.FixedZone("CEST", 2*3600))) {
		t.Error("5/2026 card expired at 31 May 23:00 UTC")
	}
}

func TestFingerprint(t *testing.T) {
	fp := func(number string, key []byte) string {
		t.Helper()
		c, err := ParseCard(number, 12, 2030, "", cardNow, key)
		if err != nil {
			t.Fatalf("ParseCard(%s): %v", number, err)
		}
		return c.Fingerprint
	}
	a := fp("4242424242424242", cardKey)
	if len(a) != 16 {
		t.Errorf("fingerprint %q has %d chars, want 16", a, len(a))
	}
	for _, r := range a {
		if !strings.ContainsRune(fingerprintAlphabet, r) {
			t.Errorf("fingerprint %q has %q outside [A-Za-z0-9]", a, r)
		}
	}
	if b := fp("4242 4242 4242 4242", []byte("acct_test_fingerprint_key")); b != a {
		t.Errorf("same number and key: %q != %q", b, a)
	}
	if c, _ := TestPaymentMethod("pm_card_visa", cardNow, cardKey); c.Fingerprint != a {
		t.Errorf("pm_card_visa fingerprint %q != 4242424242424242's %q", c.Fingerprint, a)
	}
	if c, _ := TestPaymentMethod("tok_visa", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), cardKey); c.Fingerprint != a {
		t.Errorf("tok_visa fingerprint %q != 4242424242424242's %q", c.Fingerprint, a)
	}
	if b := fp("4000056655665556", cardKey); b == a {
		t.Errorf("different numbers share fingerprint %q", a)
	}
	if b := fp("4242424242424242", []byte("another account")); b == a {
		t.Errorf("different keys share fingerprint %q", a)
	}
	// The fingerprint is the keyed HMAC, not a plain hash: a nil key still
	// gives a 16-char fingerprint that differs from the keyed one.
	if b := fp("4242424242424242", nil); len(b) != 16 || b == a {
		t.Errorf("nil-key fingerprint %q (keyed %q)", b, a)
	}
	// Every test number gets a distinct fingerprint.
	seen := map[string]string{}
	for _, w := range stripeTestCards {
		f := cardFingerprint(w.number, cardKey)
		if len(f) != 16 {
			t.Errorf("fingerprint of %s = %q, want 16 chars", w.number, f)
		}
		if other, dup := seen[f]; dup {
			t.Errorf("%s and %s share fingerprint %q", w.number, other, f)
		}
		seen[f] = w.number
	}
}

func TestCardHasNoNumber(t *testing.T) {
	c, err := ParseCard("4242424242424242", 12, 2030, "123", cardNow, cardKey)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Join([]string{c.Brand, c.Last4, c.Funding, c.Country, c.Fingerprint}, "|")
	if strings.Contains(s, "424242424242") || strings.Contains(s, "123|") {
		t.Errorf("card keeps more than last4: %s", s)
	}
}
