package billing

import (
	"crypto/hmac"
	"crypto/sha256"
	"strings"
	"time"
)

// Card is what Portico keeps of a card: never the full number or CVC.
type Card struct {
	// Brand is Stripe's card.brand value: "visa", "mastercard", "amex",
	// "discover", "diners", "jcb", "unionpay" or "unknown".
	Brand string
	// Last4 is the last four digits of the card number.
	Last4 string
	// ExpMonth is the expiry month, 1 to 12.
	ExpMonth int
	// ExpYear is the four-digit expiry year.
	ExpYear int
	// Funding is "credit", "debit", "prepaid" or "unknown".
	Funding string
	// Country is the two-letter issuing country; "US" for every test card.
	Country string
	// Fingerprint identifies the card number within one account: 16
	// characters from [A-Za-z0-9], derived from the number with
	// HMAC-SHA256 under the account's fingerprint key, so the same number
	// always gives the same fingerprint under the same key.
	Fingerprint string
	// Behavior is how the card behaves when attached and charged.
	Behavior CardBehavior
}

// ThreeDS says when a card asks for 3D Secure authentication.
type ThreeDS string

// The 3D Secure behaviours of Stripe's test cards.
const (
	// ThreeDSNone never asks for authentication.
	ThreeDSNone ThreeDS = ""
	// ThreeDSAlways asks for authentication on every payment, on or off
	// session, and on setup (4000002760003184, pm_card_authenticationRequired).
	ThreeDSAlways ThreeDS = "always"
	// ThreeDSOnSetup asks for authentication on setup and on payments made
	// before the card was set up for future use; off-session payments after
	// setup succeed (4000002500003155, pm_card_authenticationRequiredOnSetup).
	ThreeDSOnSetup ThreeDS = "on_setup"
	// ThreeDSOnSession lets off-session payments succeed and asks for
	// authentication on on-session ones (4000003800000446,
	// pm_card_authenticationRequiredSetupForOffSession).
	ThreeDSOnSession ThreeDS = "on_session"
	// ThreeDSRequired2 needs a 3D Secure 2 challenge to complete before a
	// payment succeeds (4000000000003220, pm_card_threeDSecure2Required).
	ThreeDSRequired2 ThreeDS = "3ds2_required"
)

// CardBehavior is how a Stripe test card behaves when attached and charged.
type CardBehavior struct {
	// AttachDecline, when non-nil, makes attaching the card to a customer
	// (or confirming a SetupIntent with it) fail with this decline.
	AttachDecline *Decline
	// ChargeDecline, when non-nil, makes every charge fail with this
	// decline, after any 3D Secure challenge has succeeded.
	ChargeDecline *Decline
	// ThreeDS says when the card asks for 3D Secure authentication.
	ThreeDS ThreeDS
}

// Decline is a card failure: Stripe's error code (card_declined,
// expired_card, incorrect_cvc, processing_error), its decline_code
// (generic_decline, insufficient_funds, lost_card, stolen_card,
// card_velocity_exceeded, fraudulent, expired_card, incorrect_cvc,
// processing_error) and Stripe's customer-facing message.
type Decline struct {
	Code, DeclineCode, Message string
}

// Err returns the 402 card_error for d.
func (d *Decline) Err() *Error {
	return CardDeclined(d.Code, d.DeclineCode, d.Message)
}

// Stripe's customer-facing decline messages.
const (
	msgDeclined          = "Your card was declined."
	msgInsufficientFunds = "Your card has insufficient funds."
	msgExpired           = "Your card has expired."
	msgIncorrectCVC      = "Your card's security code is incorrect."
	msgProcessingError   = "An error occurred while processing your card. Try again in a little bit."
	msgVelocity          = "Your card was declined for making repeated attempts too frequently or exceeding its amount limit."
)

// The declines of Stripe's test cards. They are templates: cards get copies.
var (
	declineGeneric      = Decline{"card_declined", "generic_decline", msgDeclined}
	declineInsufficient = Decline{"card_declined", "insufficient_funds", msgInsufficientFunds}
	declineLost         = Decline{"card_declined", "lost_card", msgDeclined}
	declineStolen       = Decline{"card_declined", "stolen_card", msgDeclined}
	declineExpired      = Decline{"expired_card", "expired_card", msgExpired}
	declineIncorrectCVC = Decline{"incorrect_cvc", "incorrect_cvc", msgIncorrectCVC}
	declineProcessing   = Decline{"processing_error", "processing_error", msgProcessingError}
	declineVelocity     = Decline{"card_declined", "card_velocity_exceeded", msgVelocity}
	declineFraudulent   = Decline{"card_declined", "fraudulent", msgDeclined}
)

// testCard is one of Stripe's test card numbers and the magic payment
// method names (without the "pm_card_" or "tok_" prefix) that stand for it.
type testCard struct {
	number  string
	names   []string
	funding string
	attach  *Decline // template; copied into each Card
	charge  *Decline // template; copied into each Card
	threeDS ThreeDS
}

// testCards is the table of Stripe test cards shared by TestPaymentMethod
// and ParseCard.
var testCards = []testCard{
	// Cards by brand: they succeed.
	{number: "4242424242424242", names: []string{"visa"}},
	{number: "4000056655665556", names: []string{"visa_debit"}, funding: "debit"},
	{number: "5555555555554444", names: []string{"mastercard"}},
	{number: "2223003122003222"},
	{number: "5200828282828210", names: []string{"mastercard_debit"}, funding: "debit"},
	{number: "5105105105105100", names: []string{"mastercard_prepaid"}, funding: "prepaid"},
	{number: "378282246310005", names: []string{"amex"}},
	{number: "371449635398431"},
	{number: "6011111111111117", names: []string{"discover"}},
	{number: "6011000990139424"},
	{number: "3056930009020004", names: []string{"diners"}},
	{number: "36227206271667"},
	{number: "3566002020360505", names: []string{"jcb"}},
	{number: "6200000000000005", names: []string{"unionpay"}},

	// Declines: they cannot be attached, and charging them fails too.
	{number: "4000000000000002", names: []string{"visa_chargeDeclined", "chargeDeclined"},
		attach: &declineGeneric, charge: &declineGeneric},
	{number: "4000000000009995", names: []string{"visa_chargeDeclinedInsufficientFunds", "chargeDeclinedInsufficientFunds"},
		attach: &declineInsufficient, charge: &declineInsufficient},
	{number: "4000000000009987", names: []string{"visa_chargeDeclinedLostCard", "chargeDeclinedLostCard"},
		attach: &declineLost, charge: &declineLost},
	{number: "4000000000009979", names: []string{"visa_chargeDeclinedStolenCard", "chargeDeclinedStolenCard"},
		attach: &declineStolen, charge: &declineStolen},
	{number: "4000000000000069", names: []string{"chargeDeclinedExpiredCard"},
		attach: &declineExpired, charge: &declineExpired},
	{number: "4000000000000127", names: []string{"chargeDeclinedIncorrectCvc"},
		attach: &declineIncorrectCVC, charge: &declineIncorrectCVC},
	{number: "4000000000000119", names: []string{"chargeDeclinedProcessingError"},
		attach: &declineProcessing, charge: &declineProcessing},
	{number: "4000000000006975", names: []string{"visa_chargeDeclinedVelocityLimitExceeded", "chargeDeclinedVelocityLimitExceeded"},
		attach: &declineVelocity, charge: &declineVelocity},
	{number: "4100000000000019", names: []string{"radarBlock"},
		attach: &declineFraudulent, charge: &declineFraudulent},

	// Attaches, then every charge fails: the dunning card.
	{number: "4000000000000341", names: []string{"chargeCustomerFail"}, charge: &declineGeneric},

	// 3D Secure.
	{number: "4000002500003155", names: []string{"authenticationRequiredOnSetup"}, threeDS: ThreeDSOnSetup},
	{number: "4000002760003184", names: []string{"authenticationRequired"}, threeDS: ThreeDSAlways},
	{number: "4000003800000446", names: []string{"authenticationRequiredSetupForOffSession"}, threeDS: ThreeDSOnSession},
	{number: "4000008260003178", names: []string{"authenticationRequiredChargeDeclinedInsufficientFunds"},
		threeDS: ThreeDSAlways, charge: &declineInsufficient},
	{number: "4000000000003220", names: []string{"threeDSecure2Required"}, threeDS: ThreeDSRequired2},

	// Balance and refund cards: they succeed (their balance and refund
	// behaviour is not part of CardBehavior).
	{number: "4000000000000077", names: []string{"bypassPending"}},
	{number: "4000000000007726", names: []string{"pendingRefund"}},
	{number: "4000000000005126", names: []string{"refundFail"}},
}

// testCardsByNumber and testCardsByName index testCards.
var testCardsByNumber, testCardsByName = indexTestCards()

func indexTestCards() (byNumber, byName map[string]*testCard) {
	byNumber = make(map[string]*testCard, len(testCards))
	byName = make(map[string]*testCard)
	for i := range testCards {
		tc := &testCards[i]
		byNumber[tc.number] = tc
		for _, n := range tc.names {
			byName["pm_card_"+n] = tc
			byName["tok_"+n] = tc
		}
	}
	return byNumber, byName
}

// behavior returns a fresh CardBehavior for tc, with its own Decline values.
func (tc *testCard) behavior() CardBehavior {
	b := CardBehavior{ThreeDS: tc.threeDS}
	if tc.attach != nil {
		d := *tc.attach
		b.AttachDecline = &d
	}
	if tc.charge != nil {
		d := *tc.charge
		b.ChargeDecline = &d
	}
	return b
}

// newCard builds the Card for a validated, digits-only number.
func newCard(number string, expMonth, expYear int, key []byte) Card {
	c := Card{
		Brand:       cardBrand(number),
		Last4:       number[len(number)-4:],
		ExpMonth:    expMonth,
		ExpYear:     expYear,
		Funding:     "credit",
		Country:     "US",
		Fingerprint: cardFingerprint(number, key),
	}
	if tc, ok := testCardsByNumber[number]; ok {
		if tc.funding != "" {
			c.Funding = tc.funding
		}
		c.Behavior = tc.behavior()
	}
	return c
}

// TestPaymentMethod returns the card behind one of Stripe's magic test
// payment method ids (pm_card_visa, pm_card_chargeCustomerFail,
// pm_card_authenticationRequired, ...) or the equivalent legacy token
// (tok_visa, tok_chargeCustomerFail, ...: tok_X for every pm_card_X). The
// card is that of the Stripe test number the id stands for, so its brand,
// last4, funding, behaviour and fingerprint (under key) match what
// ParseCard gives for that number. Its expiry is fixed by one rule: the
// month of now (in UTC) one year later, so the card is valid for a year.
// ok is false for an unknown id.
func TestPaymentMethod(id string, now time.Time, key []byte) (c Card, ok bool) {
	tc, ok := testCardsByName[id]
	if !ok {
		return Card{}, false
	}
	now = now.UTC()
	return newCard(tc.number, int(now.Month()), now.Year()+1, key), true
}

// cardError returns a 402 card_error about param, as Stripe answers for
// card details it cannot accept.
func cardError(param, code, message string) *Error {
	e := CardDeclined(code, "", message)
	e.Param = param
	return e
}

// ParseCard validates raw card details as Stripe does in test mode and
// returns the card. Spaces and dashes in number are ignored. Each failure is
// a 402 card_error whose Param names the field (card[number],
// card[exp_month], card[exp_year], card[cvc]):
//
//   - a number that is not 12 to 19 digits: invalid_number;
//   - a number whose Luhn checksum fails: incorrect_number;
//   - an exp_month outside 1..12: invalid_expiry_month;
//   - an exp_year that is neither two digits (YY, meaning 20YY) nor four:
//     invalid_expiry_year;
//   - an expiry month before now's month (in UTC): expired_card, with
//     Param card[exp_year] when the year has passed and card[exp_month]
//     otherwise;
//   - a cvc, when given, that is not 3 digits (4 for amex): invalid_cvc.
//
// Known Stripe test numbers get their funding and behaviour from the same
// table TestPaymentMethod uses; any other valid number is a credit card
// issued in the US that always succeeds.
func ParseCard(number string, expMonth, expYear int, cvc string, now time.Time, key []byte) (Card, *Error) {
	digits := strings.NewReplacer(" ", "", "-", "").Replace(number)
	if len(digits) < 12 || len(digits) > 19 || !allDigits(digits) {
		return Card{}, cardError("card[number]", "invalid_number", "Your card number is invalid.")
	}
	if !luhnValid(digits) {
		return Card{}, cardError("card[number]", "incorrect_number", "Your card number is incorrect.")
	}
	if expMonth < 1 || expMonth > 12 {
		return Card{}, cardError("card[exp_month]", "invalid_expiry_month", "Your card's expiration month is invalid.")
	}
	switch {
	case expYear >= 0 && expYear <= 99:
		expYear += 2000
	case expYear >= 1000 && expYear <= 9999:
	default:
		return Card{}, cardError("card[exp_year]", "invalid_expiry_year", "Your card's expiration year is invalid.")
	}
	c := newCard(digits, expMonth, expYear, key)
	if c.Expired(now) {
		param := "card[exp_month]"
		if expYear < now.UTC().Year() {
			param = "card[exp_year]"
		}
		return Card{}, cardError(param, "expired_card", msgExpired)
	}
	if cvc != "" {
		want := 3
		if c.Brand == "amex" {
			want = 4
		}
		if len(cvc) != want || !allDigits(cvc) {
			return Card{}, cardError("card[cvc]", "invalid_cvc", "Your card's security code is invalid.")
		}
	}
	return c, nil
}

// Expired reports whether the card's expiry month has passed at now. A card
// is valid through the last day of its expiry month; months are taken in UTC.
func (c Card) Expired(now time.Time) bool {
	now = now.UTC()
	y, m := now.Year(), int(now.Month())
	return c.ExpYear < y || (c.ExpYear == y && c.ExpMonth < m)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// luhnValid reports whether the digits-only number passes the Luhn check.
func luhnValid(number string) bool {
	sum := 0
	double := false
	for i := len(number) - 1; i >= 0; i-- {
		d := int(number[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// prefixIn reports whether the first len(lo) digits of number, read as a
// number, lie in [lo, hi]; lo and hi have the same length.
func prefixIn(number, lo, hi string) bool {
	if len(number) < len(lo) {
		return false
	}
	p := number[:len(lo)]
	return p >= lo && p <= hi
}

// cardBrand detects Stripe's card.brand from the number's IIN prefix.
func cardBrand(number string) string {
	switch {
	case prefixIn(number, "4", "4"):
		return "visa"
	case prefixIn(number, "51", "55"), prefixIn(number, "2221", "2720"):
		return "mastercard"
	case prefixIn(number, "34", "34"), prefixIn(number, "37", "37"):
		return "amex"
	case prefixIn(number, "6011", "6011"), prefixIn(number, "644", "649"), prefixIn(number, "65", "65"):
		return "discover"
	case prefixIn(number, "36", "36"), prefixIn(number, "300", "305"), prefixIn(number, "38", "39"):
		return "diners"
	case prefixIn(number, "3528", "3589"):
		return "jcb"
	case prefixIn(number, "62", "62"):
		return "unionpay"
	}
	return "unknown"
}

const fingerprintAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// cardFingerprint derives the 16-character fingerprint of a digits-only
// number under key. Each character comes from one byte of the HMAC; the
// slight bias of reducing a byte modulo 62 does not matter for an identifier.
func cardFingerprint(number string, key []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(number))
	sum := mac.Sum(nil)
	b := make([]byte, 16)
	for i := range b {
		b[i] = fingerprintAlphabet[int(sum[i])%len(fingerprintAlphabet)]
	}
	return string(b)
}
