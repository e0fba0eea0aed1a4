package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/porticohq/portico/internal/app"
	"github.com/porticohq/portico/internal/testenv"
	stripe "github.com/stripe/stripe-go/v85"
)

// pmEnv is a Portico under test plus a read-only view of its database, to
// check what it stores (events, and never a full card number).
type pmEnv struct {
	*env
	db *rawDB
}

// startPM is start with the database kept at hand.
func startPM(t *testing.T) *pmEnv {
	t.Helper()
	dsn := testenv.DB(t)
	e := startWith(t, app.Config{DB: dsn})
	db := openRO(t, dsn)
	t.Cleanup(func() { db.Close() })
	return &pmEnv{env: e, db: db}
}

// events returns the ids of the objects of the events of type typ, oldest
// first.
func (e *pmEnv) events(typ string) []string {
	e.t.Helper()
	rows, err := e.db.Query("SELECT object FROM events WHERE type = ? ORDER BY seq", typ)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			e.t.Fatal(err)
		}
		var obj struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(data, &obj); err != nil {
			e.t.Fatal(err)
		}
		ids = append(ids, obj.ID)
	}
	if err := rows.Err(); err != nil {
		e.t.Fatal(err)
	}
	return ids
}

// stored returns every stored byte of the tables that hold payment methods,
// customers, events and idempotent responses, for leak checks.
func (e *pmEnv) stored() string {
	e.t.Helper()
	var b strings.Builder
	for _, q := range []string{
		// Byte columns are read as they are (PostgreSQL would cast BYTEA
		// to hex text).
		"SELECT data FROM payment_methods", "SELECT data FROM customers", "SELECT object FROM events",
		"SELECT previous FROM events WHERE previous IS NOT NULL", "SELECT body FROM idempotency_keys",
		"SELECT fingerprint FROM idempotency_keys",
	} {
		rows, err := e.db.Query(q)
		if err != nil {
			e.t.Fatalf("%s: %v", q, err)
		}
		for rows.Next() {
			var s []byte
			if err := rows.Scan(&s); err != nil {
				e.t.Fatal(err)
			}
			b.Write(s)
			b.WriteByte('\n')
		}
		rows.Close()
	}
	return b.String()
}

var expYear = int64(time.Now().UTC().Year() + 5)

// card creates a card payment method from raw details.
func (e *pmEnv) card(number, cvc string) *stripe.PaymentMethod {
	e.t.Helper()
	pm, err := e.sc.V1PaymentMethods.Create(e.ctx, &stripe.PaymentMethodCreateParams{
		Type: stripe.String("card"),
		Card: &stripe.PaymentMethodCreateCardParams{Number: stripe.String(number), ExpMonth: stripe.Int64(12), ExpYear: stripe.Int64(expYear), CVC: stripe.String(cvc)},
	})
	if err != nil {
		e.t.Fatalf("create card %s: %v", number[len(number)-4:], err)
	}
	return pm
}

func (e *pmEnv) customer() *stripe.Customer {
	e.t.Helper()
	c, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *pmEnv) attach(pm string, c *stripe.Customer) (*stripe.PaymentMethod, error) {
	return e.once.V1PaymentMethods.Attach(e.ctx, pm, &stripe.PaymentMethodAttachParams{Customer: stripe.String(c.ID)})
}

func (e *pmEnv) mustAttach(pm string, c *stripe.Customer) *stripe.PaymentMethod {
	e.t.Helper()
	out, err := e.attach(pm, c)
	if err != nil {
		e.t.Fatalf("attach %s: %v", pm, err)
	}
	return out
}

// customerPMs lists a customer's payment method ids through the SDK (with
// auto-pagination), newest first.
func (e *pmEnv) customerPMs(c string) []string {
	e.t.Helper()
	var ids []string
	for pm, err := range e.sc.V1PaymentMethods.List(e.ctx, &stripe.PaymentMethodListParams{Customer: stripe.String(c)}).All(e.ctx) {
		if err != nil {
			e.t.Fatal(err)
		}
		ids = append(ids, pm.ID)
	}
	return ids
}

// wantCardErr asserts a 402 card_error with code, decline_code and param.
func wantCardErr(t *testing.T, err error, code stripe.ErrorCode, decline stripe.DeclineCode, param string) *stripe.Error {
	t.Helper()
	se := stripeErr(t, err)
	if se.HTTPStatusCode != 402 || se.Type != stripe.ErrorTypeCard || se.Code != code || se.DeclineCode != decline || se.Param != param || se.Msg == "" {
		t.Fatalf("error = %d %s %s decline=%q param=%q (%s); want 402 card_error %s decline=%q param=%q",
			se.HTTPStatusCode, se.Type, se.Code, se.DeclineCode, se.Param, se.Msg, code, decline, param)
	}
	return se
}

func TestPaymentMethodCreateFromCardNumbers(t *testing.T) {
	e := startPM(t)
	for _, tc := range []struct {
		number, cvc, brand, last4 string
	}{
		{"4242424242424242", "123", "visa", "4242"},
		{"5555555555554444", "123", "mastercard", "4444"},
		{"378282246310005", "1234", "amex", "0005"},
		{"6011111111111117", "123", "discover", "1117"},
	} {
		pm := e.card(tc.number, tc.cvc)
		c := pm.Card
		if !strings.HasPrefix(pm.ID, "pm_") || pm.Object != "payment_method" || pm.Type != stripe.PaymentMethodTypeCard || pm.Livemode || pm.Customer != nil || pm.Created == 0 {
			t.Fatalf("%s: payment method = %+v", tc.brand, pm)
		}
		if string(c.Brand) != tc.brand || c.Last4 != tc.last4 || c.ExpMonth != 12 || c.ExpYear != expYear || c.Funding != "credit" || c.Country != "US" || len(c.Fingerprint) != 16 {
			t.Fatalf("%s: card = %+v", tc.brand, c)
		}
		if c.Checks == nil || c.Checks.CVCCheck != "pass" || c.DisplayBrand != tc.brand {
			t.Fatalf("%s: checks %+v display brand %q", tc.brand, c.Checks, c.DisplayBrand)
		}
	}
	// The fingerprint identifies the number: the same number twice gives
	// the same fingerprint, another number another one.
	a, b, other := e.card("4242424242424242", "111"), e.card("4242 4242 4242 4242", "222"), e.card("4000056655665556", "333")
	if a.Card.Fingerprint != b.Card.Fingerprint || a.Card.Fingerprint == other.Card.Fingerprint || a.ID == b.ID {
		t.Fatalf("fingerprints %s %s %s", a.Card.Fingerprint, b.Card.Fingerprint, other.Card.Fingerprint)
	}
	if other.Card.Funding != "debit" {
		t.Fatalf("visa debit funding %q", other.Card.Funding)
	}
	// A test token names a card too.
	tok, err := e.sc.V1PaymentMethods.Create(e.ctx, &stripe.PaymentMethodCreateParams{Type: stripe.String("card"), Card: &stripe.PaymentMethodCreateCardParams{Token: stripe.String("tok_mastercard")}})
	if err != nil || tok.Card.Brand != "mastercard" || tok.Card.Last4 != "4444" {
		t.Fatalf("tok_mastercard: %+v, %v", tok, err)
	}
	// Billing details and metadata on create.
	r := e.do("POST", "/v1/payment_methods", "type=card&card[number]=4242424242424242&card[exp_month]=1&card[exp_year]=99"+
		"&billing_details[name]=Jenny+Rosen&billing_details[email]=jenny@example.com&billing_details[address][postal_code]=94102"+
		"&metadata[order_id]=6735&metadata[1]=one&allow_redisplay=always")
	if r.Status != 200 {
		t.Fatalf("create with details: %d %s", r.Status, r.Body)
	}
	var pm stripe.PaymentMethod
	if err := json.Unmarshal(r.Body, &pm); err != nil {
		t.Fatal(err)
	}
	if pm.BillingDetails.Name != "Jenny Rosen" || pm.BillingDetails.Email != "jenny@example.com" || pm.BillingDetails.Address.PostalCode != "94102" ||
		pm.Metadata["order_id"] != "6735" || pm.Metadata["1"] != "one" || pm.AllowRedisplay != "always" || pm.Card.ExpYear != 2099 || pm.Card.ExpMonth != 1 {
		t.Fatalf("created with details: %s", r.Body)
	}
}

func TestPaymentMethodCreateErrors(t *testing.T) {
	e := startPM(t)
	now := time.Now().UTC()
	y := fmt.Sprint(expYear)
	cases := []struct {
		name, body       string
		status           int
		typ, code, param string
		skipIf           bool
	}{
		{"luhn failure", "type=card&card[number]=4242424242424241&card[exp_month]=12&card[exp_year]=" + y, 402, "card_error", "incorrect_number", "card[number]", false},
		{"too short", "type=card&card[number]=42424242&card[exp_month]=12&card[exp_year]=" + y, 402, "card_error", "invalid_number", "card[number]", false},
		{"letters", "type=card&card[number]=4242abcd42424242&card[exp_month]=12&card[exp_year]=" + y, 402, "card_error", "invalid_number", "card[number]", false},
		{"expired last year", "type=card&card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=" + fmt.Sprint(now.Year()-1), 402, "card_error", "expired_card", "card[exp_year]", false},
		{"expired last month", "type=card&card[number]=4242424242424242&card[exp_month]=" + fmt.Sprint(int(now.Month())-1) + "&card[exp_year]=" + fmt.Sprint(now.Year()), 402, "card_error", "expired_card", "card[exp_month]", now.Month() == time.January},
		{"month 13", "type=card&card[number]=4242424242424242&card[exp_month]=13&card[exp_year]=" + y, 402, "card_error", "invalid_expiry_month", "card[exp_month]", false},
		{"month 0", "type=card&card[number]=4242424242424242&card[exp_month]=0&card[exp_year]=" + y, 402, "card_error", "invalid_expiry_month", "card[exp_month]", false},
		{"three-digit year", "type=card&card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=203", 402, "card_error", "invalid_expiry_year", "card[exp_year]", false},
		{"amex with a three-digit cvc", "type=card&card[number]=378282246310005&card[exp_month]=12&card[exp_year]=" + y + "&card[cvc]=123", 402, "card_error", "invalid_cvc", "card[cvc]", false},
		{"visa with a four-digit cvc", "type=card&card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=" + y + "&card[cvc]=1234", 402, "card_error", "invalid_cvc", "card[cvc]", false},
		{"month not a number", "type=card&card[number]=4242424242424242&card[exp_month]=dec&card[exp_year]=" + y, 400, "invalid_request_error", "parameter_invalid_integer", "card[exp_month]", false},
		{"missing number", "type=card&card[exp_month]=12&card[exp_year]=" + y, 400, "invalid_request_error", "parameter_missing", "card[number]", false},
		{"missing month", "type=card&card[number]=4242424242424242&card[exp_year]=" + y, 400, "invalid_request_error", "parameter_missing", "card[exp_month]", false},
		{"missing year", "type=card&card[number]=4242424242424242&card[exp_month]=12", 400, "invalid_request_error", "parameter_missing", "card[exp_year]", false},
		{"missing card", "type=card", 400, "invalid_request_error", "parameter_missing", "card", false},
		{"missing type", "card[token]=tok_visa", 400, "invalid_request_error", "parameter_missing", "type", false},
		{"other type", "type=sepa_debit", 400, "invalid_request_error", "parameter_invalid_string", "type", false},
		{"unknown token", "type=card&card[token]=tok_nope", 400, "invalid_request_error", "resource_missing", "card[token]", false},
		{"unknown card field", "type=card&card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=" + y + "&card[cvv]=123", 400, "invalid_request_error", "parameter_unknown", "card[cvv]", false},
		{"bad allow_redisplay", "type=card&card[token]=tok_visa&allow_redisplay=sometimes", 400, "invalid_request_error", "parameter_invalid_string", "allow_redisplay", false},
		{"unknown billing field", "type=card&card[token]=tok_visa&billing_details[town]=x", 400, "invalid_request_error", "parameter_unknown", "billing_details[town]", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.skipIf {
				t.Skip("no earlier month this year")
			}
			r := e.do("POST", "/v1/payment_methods", tc.body)
			if r.Status != tc.status || r.ErrorField(t, "type") != tc.typ || r.ErrorField(t, "code") != tc.code || r.ErrorField(t, "param") != tc.param {
				t.Fatalf("got %d %s; want %d %s %s %s", r.Status, r.Body, tc.status, tc.typ, tc.code, tc.param)
			}
			if r.ErrorField(t, "decline_code") != "" || r.ErrorField(t, "message") == "" {
				t.Fatalf("decline_code or message: %s", r.Body)
			}
			if strings.Contains(string(r.Body), "4242424242424242") || strings.Contains(string(r.Body), "424242424242424") {
				t.Fatalf("the card number is echoed: %s", r.Body)
			}
		})
	}
	// Through the SDK, the card error is a *stripe.Error of type card_error.
	_, err := e.once.V1PaymentMethods.Create(e.ctx, &stripe.PaymentMethodCreateParams{Type: stripe.String("card"),
		Card: &stripe.PaymentMethodCreateCardParams{Number: stripe.String("4242424242424241"), ExpMonth: stripe.Int64(12), ExpYear: stripe.Int64(expYear)}})
	wantCardErr(t, err, stripe.ErrorCodeIncorrectNumber, "", "card[number]")
	// Nothing was created by the failures.
	var n int
	if err := e.db.QueryRow("SELECT COUNT(*) FROM payment_methods").Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d payment methods after failures (%v)", n, err)
	}
}

func TestPaymentMethodAttachMagicIDs(t *testing.T) {
	e := startPM(t)
	c := e.customer()

	visa := e.mustAttach("pm_card_visa", c)
	if !strings.HasPrefix(visa.ID, "pm_") || visa.ID == "pm_card_visa" || visa.Customer == nil || visa.Customer.ID != c.ID {
		t.Fatalf("attach pm_card_visa = %s customer %+v", visa.ID, visa.Customer)
	}
	if visa.Card.Brand != "visa" || visa.Card.Last4 != "4242" || visa.Card.ExpYear != int64(time.Now().UTC().Year()+1) {
		t.Fatalf("pm_card_visa card = %+v", visa.Card)
	}
	// Every use of a magic id makes a new payment method.
	visa2 := e.mustAttach("pm_card_visa", c)
	if visa2.ID == visa.ID || visa2.Card.Fingerprint != visa.Card.Fingerprint {
		t.Fatalf("second pm_card_visa: %s (fingerprint %s), first %s (%s)", visa2.ID, visa2.Card.Fingerprint, visa.ID, visa.Card.Fingerprint)
	}
	if got := e.events("payment_method.attached"); !reflect.DeepEqual(got, []string{visa.ID, visa2.ID}) {
		t.Fatalf("payment_method.attached events for %v, want [%s %s]", got, visa.ID, visa2.ID)
	}
	// The magic id itself is not an object.
	_, err := e.once.V1PaymentMethods.Retrieve(e.ctx, "pm_card_visa", nil)
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")

	// Cards that decline cannot be attached, whether named by a magic id or
	// created from the number; nothing is left attached.
	for _, tc := range []struct {
		id      string
		code    stripe.ErrorCode
		decline stripe.DeclineCode
	}{
		{"pm_card_chargeDeclined", stripe.ErrorCodeCardDeclined, "generic_decline"},
		{"pm_card_visa_chargeDeclined", stripe.ErrorCodeCardDeclined, "generic_decline"},
		{"pm_card_visa_chargeDeclinedInsufficientFunds", stripe.ErrorCodeCardDeclined, "insufficient_funds"},
		{"pm_card_visa_chargeDeclinedLostCard", stripe.ErrorCodeCardDeclined, "lost_card"},
		{"pm_card_chargeDeclinedExpiredCard", stripe.ErrorCodeExpiredCard, "expired_card"},
		{"pm_card_chargeDeclinedIncorrectCvc", stripe.ErrorCodeIncorrectCVC, "incorrect_cvc"},
		{"pm_card_chargeDeclinedProcessingError", stripe.ErrorCodeProcessingError, "processing_error"},
		{"pm_card_radarBlock", stripe.ErrorCodeCardDeclined, "fraudulent"},
	} {
		_, err := e.attach(tc.id, c)
		se := wantCardErr(t, err, tc.code, tc.decline, "")
		if se.PaymentMethod == nil || !strings.HasPrefix(se.PaymentMethod.ID, "pm_") {
			t.Fatalf("%s: error names payment method %+v", tc.id, se.PaymentMethod)
		}
	}
	declined := e.card("4000000000000002", "123")
	_, err = e.attach(declined.ID, c)
	se := wantCardErr(t, err, stripe.ErrorCodeCardDeclined, "generic_decline", "")
	if se.PaymentMethod == nil || se.PaymentMethod.ID != declined.ID {
		t.Fatalf("error names %+v, want %s", se.PaymentMethod, declined.ID)
	}
	if got, err := e.sc.V1PaymentMethods.Retrieve(e.ctx, declined.ID, nil); err != nil || got.Customer != nil {
		t.Fatalf("declined card after attach: customer %+v, %v", got.Customer, err)
	}
	insufficient := e.card("4000000000009995", "123")
	_, err = e.attach(insufficient.ID, c)
	wantCardErr(t, err, stripe.ErrorCodeCardDeclined, "insufficient_funds", "")

	// The dunning card attaches fine (its charges fail later).
	fail := e.mustAttach("pm_card_chargeCustomerFail", c)
	if fail.Customer == nil || fail.Customer.ID != c.ID || fail.Card.Last4 != "0341" {
		t.Fatalf("pm_card_chargeCustomerFail: %+v", fail)
	}
	raw := e.mustAttach(e.card("4000000000000341", "123").ID, c)

	if got, want := e.customerPMs(c.ID), []string{raw.ID, fail.ID, visa2.ID, visa.ID}; !reflect.DeepEqual(got, want) {
		t.Fatalf("customer's payment methods %v, want %v", got, want)
	}
	if got := len(e.events("payment_method.attached")); got != 4 {
		t.Fatalf("%d attached events, want 4", got)
	}

	// Attaching again to the same customer is a no-op; to another one, an
	// error.
	again := e.mustAttach(visa.ID, c)
	if again.ID != visa.ID || again.Customer.ID != c.ID {
		t.Fatalf("re-attach: %+v", again)
	}
	other := e.customer()
	_, err = e.attach(visa.ID, other)
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodePaymentMethodUnexpectedState, "payment_method")

	// Bad attach requests.
	_, err = e.once.V1PaymentMethods.Attach(e.ctx, visa.ID, &stripe.PaymentMethodAttachParams{Customer: stripe.String("cus_nope")})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "customer")
	_, err = e.attach("pm_nope", c)
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
	_, err = e.attach("pm_card_nope", c)
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
	r := e.do("POST", "/v1/payment_methods/pm_card_visa/attach", "")
	if r.Status != 400 || r.ErrorField(t, "code") != "parameter_missing" || r.ErrorField(t, "param") != "customer" {
		t.Fatalf("attach without customer: %d %s", r.Status, r.Body)
	}
	if got := e.customerPMs(other.ID); len(got) != 0 {
		t.Fatalf("other customer has %v", got)
	}
}

func TestPaymentMethodListsAndRetrieve(t *testing.T) {
	e := startPM(t)
	a, b := e.customer(), e.customer()
	var aPMs []string // oldest first
	for i := 0; i < 5; i++ {
		aPMs = append(aPMs, e.mustAttach("pm_card_visa", a).ID)
	}
	bPM := e.mustAttach("pm_card_mastercard", b)
	loose := e.card("4242424242424242", "123") // attached to nobody

	newestFirst := func(ids []string) []string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[len(ids)-1-i] = id
		}
		return out
	}
	want := newestFirst(aPMs)

	// Both list endpoints, auto-paginated by the SDK two at a time.
	var got1, got2 []string
	for pm, err := range e.sc.V1PaymentMethods.List(e.ctx, &stripe.PaymentMethodListParams{Customer: stripe.String(a.ID), Type: stripe.String("card"),
		ListParams: stripe.ListParams{Limit: stripe.Int64(2)}}).All(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		got1 = append(got1, pm.ID)
	}
	for pm, err := range e.sc.V1Customers.ListPaymentMethods(e.ctx, &stripe.CustomerListPaymentMethodsParams{Customer: stripe.String(a.ID),
		ListParams: stripe.ListParams{Limit: stripe.Int64(2)}}).All(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if pm.Customer == nil || pm.Customer.ID != a.ID {
			t.Fatalf("listed %s with customer %+v", pm.ID, pm.Customer)
		}
		got2 = append(got2, pm.ID)
	}
	if !reflect.DeepEqual(got1, want) || !reflect.DeepEqual(got2, want) {
		t.Fatalf("lists %v and %v, want %v", got1, got2, want)
	}

	// One page by hand: envelope, has_more, cursors.
	r := e.do("GET", "/v1/customers/"+a.ID+"/payment_methods?limit=2", "")
	m := r.JSON(t)
	if r.Status != 200 || m["object"] != "list" || m["url"] != "/v1/customers/"+a.ID+"/payment_methods" || m["has_more"] != true || len(m["data"].([]any)) != 2 {
		t.Fatalf("first page: %d %s", r.Status, r.Body)
	}
	r = e.do("GET", "/v1/payment_methods?customer="+a.ID+"&limit=3&starting_after="+want[2], "")
	m = r.JSON(t)
	data := m["data"].([]any)
	if m["url"] != "/v1/payment_methods" || m["has_more"] != false || len(data) != 2 || data[0].(map[string]any)["id"] != want[3] {
		t.Fatalf("starting_after page: %s", r.Body)
	}
	r = e.do("GET", "/v1/payment_methods?customer="+a.ID+"&limit=2&ending_before="+want[3], "")
	data = r.JSON(t)["data"].([]any)
	if len(data) != 2 || data[0].(map[string]any)["id"] != want[1] || data[1].(map[string]any)["id"] != want[2] {
		t.Fatalf("ending_before page: %s", r.Body)
	}
	// Expanding the customer of each item.
	r = e.do("GET", "/v1/customers/"+b.ID+"/payment_methods?expand[]=data.customer", "")
	data = r.JSON(t)["data"].([]any)
	if len(data) != 1 || data[0].(map[string]any)["customer"].(map[string]any)["id"] != b.ID {
		t.Fatalf("expanded list: %s", r.Body)
	}

	// Retrieve through the customer path: only the customer's own.
	pm, err := e.sc.V1Customers.RetrievePaymentMethod(e.ctx, aPMs[0], &stripe.CustomerRetrievePaymentMethodParams{Customer: stripe.String(a.ID)})
	if err != nil || pm.ID != aPMs[0] || pm.Customer.ID != a.ID {
		t.Fatalf("retrieve via customer: %+v, %v", pm, err)
	}
	_, err = e.once.V1Customers.RetrievePaymentMethod(e.ctx, bPM.ID, &stripe.CustomerRetrievePaymentMethodParams{Customer: stripe.String(a.ID)})
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
	_, err = e.once.V1Customers.RetrievePaymentMethod(e.ctx, loose.ID, &stripe.CustomerRetrievePaymentMethodParams{Customer: stripe.String(a.ID)})
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
	_, err = e.once.V1Customers.RetrievePaymentMethod(e.ctx, aPMs[0], &stripe.CustomerRetrievePaymentMethodParams{Customer: stripe.String("cus_nope")})
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
	// Retrieve with the customer expanded.
	pm, err = e.sc.V1PaymentMethods.Retrieve(e.ctx, bPM.ID, &stripe.PaymentMethodRetrieveParams{Expand: []*string{stripe.String("customer")}})
	if err != nil || pm.Customer == nil || pm.Customer.ID != b.ID || pm.Customer.Object != "customer" {
		t.Fatalf("retrieve with customer expanded: %+v, %v", pm.Customer, err)
	}

	// List errors.
	for _, tc := range []struct {
		path        string
		status      int
		code, param string
	}{
		{"/v1/payment_methods?customer=cus_nope", 400, "resource_missing", "customer"},
		{"/v1/customers/cus_nope/payment_methods", 404, "resource_missing", "id"},
		{"/v1/payment_methods?customer=" + a.ID + "&type=sepa_debit", 400, "parameter_invalid_string", "type"},
		{"/v1/payment_methods?customer=" + a.ID + "&limit=0", 400, "parameter_invalid_integer", "limit"},
		{"/v1/payment_methods?customer=" + a.ID + "&starting_after=pm_nope", 400, "resource_missing", "starting_after"},
		{"/v1/payment_methods?customer=" + a.ID + "&expand[]=data.card", 400, "parameter_invalid", "expand"},
		{"/v1/customers/" + a.ID + "/payment_methods?custmer=x", 400, "parameter_unknown", "custmer"},
	} {
		r := e.do("GET", tc.path, "")
		if r.Status != tc.status || r.ErrorField(t, "type") != "invalid_request_error" || r.ErrorField(t, "code") != tc.code || r.ErrorField(t, "param") != tc.param {
			t.Errorf("GET %s: %d %s; want %d %s %s", tc.path, r.Status, r.Body, tc.status, tc.code, tc.param)
		}
	}
}

func TestPaymentMethodDetach(t *testing.T) {
	e := startPM(t)
	c := e.customer()
	keep := e.mustAttach("pm_card_visa", c)
	pm := e.mustAttach("pm_card_mastercard", c)

	det, err := e.sc.V1PaymentMethods.Detach(e.ctx, pm.ID, nil)
	if err != nil || det.ID != pm.ID || det.Customer != nil {
		t.Fatalf("detach = %+v, %v", det, err)
	}
	r := e.do("GET", "/v1/payment_methods/"+pm.ID, "")
	if r.Status != 200 || r.JSON(t)["customer"] != nil {
		t.Fatalf("after detach: %s", r.Body)
	}
	if got := e.customerPMs(c.ID); !reflect.DeepEqual(got, []string{keep.ID}) {
		t.Fatalf("after detach the customer has %v", got)
	}
	if got := e.events("payment_method.detached"); !reflect.DeepEqual(got, []string{pm.ID}) {
		t.Fatalf("detached events %v", got)
	}
	_, err = e.once.V1PaymentMethods.Detach(e.ctx, pm.ID, nil)
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodePaymentMethodUnexpectedState, "")
	_, err = e.once.V1PaymentMethods.Detach(e.ctx, "pm_nope", nil)
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
	// A detached card can be attached again (here to another customer).
	other := e.customer()
	if re := e.mustAttach(pm.ID, other); re.ID != pm.ID || re.Customer.ID != other.ID {
		t.Fatalf("re-attach after detach: %+v", re)
	}
}

func TestCustomerDefaultPaymentMethod(t *testing.T) {
	e := startPM(t)
	c, other := e.customer(), e.customer()
	pm := e.mustAttach("pm_card_visa", c)
	othersPM := e.mustAttach("pm_card_visa", other)
	loose := e.card("5555555555554444", "123")

	setDefault := func(id string) (*stripe.Customer, error) {
		return e.once.V1Customers.Update(e.ctx, c.ID, &stripe.CustomerUpdateParams{
			InvoiceSettings: &stripe.CustomerUpdateInvoiceSettingsParams{DefaultPaymentMethod: stripe.String(id)}})
	}
	up, err := setDefault(pm.ID)
	if err != nil || up.InvoiceSettings.DefaultPaymentMethod == nil || up.InvoiceSettings.DefaultPaymentMethod.ID != pm.ID {
		t.Fatalf("set default: %+v, %v", up, err)
	}
	for _, bad := range []string{loose.ID, othersPM.ID, "pm_nope", "pm_card_visa"} {
		_, err := setDefault(bad)
		wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "invoice_settings[default_payment_method]")
	}
	// The failed updates left the default alone.
	p := &stripe.CustomerRetrieveParams{}
	p.AddExpand("invoice_settings.default_payment_method")
	got, err := e.sc.V1Customers.Retrieve(e.ctx, c.ID, p)
	if err != nil {
		t.Fatal(err)
	}
	d := got.InvoiceSettings.DefaultPaymentMethod
	if d == nil || d.ID != pm.ID || d.Object != "payment_method" || d.Card == nil || d.Card.Last4 != "4242" || d.Customer.ID != c.ID {
		t.Fatalf("expanded default = %+v", d)
	}
	// Unexpanded, it is the id.
	r := e.do("GET", "/v1/customers/"+c.ID, "")
	if is := r.JSON(t)["invoice_settings"].(map[string]any); is["default_payment_method"] != pm.ID {
		t.Fatalf("default unexpanded = %v", is["default_payment_method"])
	}
	// An empty value clears it.
	r = e.do("POST", "/v1/customers/"+c.ID, "invoice_settings[default_payment_method]=")
	if is := r.JSON(t)["invoice_settings"].(map[string]any); r.Status != 200 || is["default_payment_method"] != nil {
		t.Fatalf("clear default: %d %s", r.Status, r.Body)
	}

	// Detaching the default clears it.
	if _, err := setDefault(pm.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sc.V1PaymentMethods.Detach(e.ctx, pm.ID, nil); err != nil {
		t.Fatal(err)
	}
	got, err = e.sc.V1Customers.Retrieve(e.ctx, c.ID, nil)
	if err != nil || got.InvoiceSettings.DefaultPaymentMethod != nil {
		t.Fatalf("default after detaching it: %+v, %v", got.InvoiceSettings.DefaultPaymentMethod, err)
	}
	// Detaching another card leaves the default alone.
	second := e.mustAttach("pm_card_visa", c)
	third := e.mustAttach("pm_card_visa", c)
	if _, err := setDefault(second.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sc.V1PaymentMethods.Detach(e.ctx, third.ID, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.sc.V1Customers.Retrieve(e.ctx, c.ID, nil); got.InvoiceSettings.DefaultPaymentMethod == nil || got.InvoiceSettings.DefaultPaymentMethod.ID != second.ID {
		t.Fatalf("default after detaching another card: %+v", got.InvoiceSettings.DefaultPaymentMethod)
	}
}

func TestCustomerCreateWithPaymentMethod(t *testing.T) {
	e := startPM(t)
	params := &stripe.CustomerCreateParams{
		Email:           stripe.String("jenny@example.com"),
		PaymentMethod:   stripe.String("pm_card_visa"),
		InvoiceSettings: &stripe.CustomerCreateInvoiceSettingsParams{DefaultPaymentMethod: stripe.String("pm_card_visa")},
	}
	params.AddExpand("invoice_settings.default_payment_method")
	c, err := e.sc.V1Customers.Create(e.ctx, params)
	if err != nil {
		t.Fatal(err)
	}
	d := c.InvoiceSettings.DefaultPaymentMethod
	if d == nil || !strings.HasPrefix(d.ID, "pm_") || d.ID == "pm_card_visa" || d.Customer == nil || d.Customer.ID != c.ID || d.Card.Last4 != "4242" {
		t.Fatalf("default of the new customer = %+v", d)
	}
	if got := e.customerPMs(c.ID); !reflect.DeepEqual(got, []string{d.ID}) {
		t.Fatalf("new customer's payment methods %v, want [%s]", got, d.ID)
	}
	// payment_method alone attaches without setting the default.
	c2, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{PaymentMethod: stripe.String("pm_card_mastercard")})
	if err != nil || c2.InvoiceSettings.DefaultPaymentMethod != nil || len(e.customerPMs(c2.ID)) != 1 {
		t.Fatalf("create with payment_method only: %+v, %v", c2, err)
	}
	// A default that is not the attached card must already be the customer's,
	// which a new customer's cannot be.
	_, err = e.once.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{
		InvoiceSettings: &stripe.CustomerCreateInvoiceSettingsParams{DefaultPaymentMethod: stripe.String(d.ID)}})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "invoice_settings[default_payment_method]")
	// A card that declines makes the whole create fail: no customer is left.
	_, err = e.once.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{Email: stripe.String("declined@example.com"), PaymentMethod: stripe.String("pm_card_chargeDeclined")})
	wantCardErr(t, err, stripe.ErrorCodeCardDeclined, "generic_decline", "")
	for cu, err := range e.sc.V1Customers.List(e.ctx, &stripe.CustomerListParams{Email: stripe.String("declined@example.com")}).All(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("a failed create left customer %s", cu.ID)
	}
	var pms int
	if err := e.db.QueryRow("SELECT COUNT(*) FROM payment_methods").Scan(&pms); err != nil || pms != 2 {
		t.Fatalf("%d payment methods stored, want 2 (%v)", pms, err)
	}
}

func TestPaymentMethodUpdate(t *testing.T) {
	e := startPM(t)
	c := e.customer()
	pm := e.mustAttach("pm_card_visa", c)

	up, err := e.sc.V1PaymentMethods.Update(e.ctx, pm.ID, &stripe.PaymentMethodUpdateParams{
		BillingDetails: &stripe.PaymentMethodUpdateBillingDetailsParams{
			Name: stripe.String("Jenny Rosen"), Email: stripe.String("jenny@example.com"),
			Address: &stripe.AddressParams{Line1: stripe.String("1234 Fake Street"), City: stripe.String("San Francisco"), PostalCode: stripe.String("94102"), Country: stripe.String("US")},
		},
		Card:     &stripe.PaymentMethodUpdateCardParams{ExpMonth: stripe.Int64(3), ExpYear: stripe.Int64(expYear)},
		Metadata: map[string]string{"order_id": "123456789"},
	})
	if err != nil {
		t.Fatal(err)
	}
	bd := up.BillingDetails
	if bd.Name != "Jenny Rosen" || bd.Email != "jenny@example.com" || bd.Address.City != "San Francisco" || bd.Address.Line1 != "1234 Fake Street" ||
		up.Card.ExpMonth != 3 || up.Card.ExpYear != expYear || up.Metadata["order_id"] != "123456789" || up.Customer.ID != c.ID || up.Card.Last4 != "4242" {
		t.Fatalf("updated = %+v card %+v", bd, up.Card)
	}
	// Fields not sent are kept, as on Stripe: updating the phone leaves the
	// name, email and address alone, and the month alone leaves the year.
	up, err = e.sc.V1PaymentMethods.Update(e.ctx, pm.ID, &stripe.PaymentMethodUpdateParams{
		BillingDetails: &stripe.PaymentMethodUpdateBillingDetailsParams{Phone: stripe.String("+15555555555")},
		Card:           &stripe.PaymentMethodUpdateCardParams{ExpMonth: stripe.Int64(8)},
	})
	if err != nil {
		t.Fatal(err)
	}
	bd = up.BillingDetails
	if bd.Phone != "+15555555555" || bd.Name != "Jenny Rosen" || bd.Email != "jenny@example.com" || bd.Address == nil || bd.Address.City != "San Francisco" ||
		up.Card.ExpMonth != 8 || up.Card.ExpYear != expYear || up.Metadata["order_id"] != "123456789" {
		t.Fatalf("partial update = %+v card %+v metadata %v", bd, up.Card, up.Metadata)
	}
	if got := e.events("payment_method.updated"); len(got) != 2 || got[0] != pm.ID {
		t.Fatalf("updated events %v", got)
	}
	// Metadata keys may be numbers, as stripe-go sends them from a map.
	up, err = e.sc.V1PaymentMethods.Update(e.ctx, pm.ID, &stripe.PaymentMethodUpdateParams{Metadata: map[string]string{"0": "a", "2024": "b", "order_id": ""}})
	if err != nil || !reflect.DeepEqual(up.Metadata, map[string]string{"0": "a", "2024": "b"}) {
		t.Fatalf("numeric metadata keys: %v, %v", up.Metadata, err)
	}
	// A two-digit year means 20YY.
	up, err = e.sc.V1PaymentMethods.Update(e.ctx, pm.ID, &stripe.PaymentMethodUpdateParams{Card: &stripe.PaymentMethodUpdateCardParams{ExpYear: stripe.Int64(expYear % 100)}})
	if err != nil || up.Card.ExpYear != expYear {
		t.Fatalf("two-digit year: %+v, %v", up.Card, err)
	}

	last := fmt.Sprint(time.Now().UTC().Year() - 1)
	for _, tc := range []struct {
		name, body  string
		status      int
		code, param string
	}{
		{"month 13", "card[exp_month]=13", 400, "invalid_expiry_month", "card[exp_month]"},
		{"month 0", "card[exp_month]=0", 400, "invalid_expiry_month", "card[exp_month]"},
		{"past year", "card[exp_year]=" + last, 400, "invalid_expiry_year", "card[exp_year]"},
		{"five-digit year", "card[exp_year]=20300", 400, "invalid_expiry_year", "card[exp_year]"},
		{"three-digit year", "card[exp_year]=203", 400, "invalid_expiry_year", "card[exp_year]"},
		{"negative year", "card[exp_year]=-1", 400, "invalid_expiry_year", "card[exp_year]"},
		{"card number cannot change", "card[number]=4000056655665556", 400, "parameter_unknown", "card[number]"},
		{"bad metadata", "metadata[" + strings.Repeat("k", 41) + "]=v", 400, "parameter_invalid", "metadata[" + strings.Repeat("k", 41) + "]"},
	} {
		r := e.do("POST", "/v1/payment_methods/"+pm.ID, tc.body)
		if r.Status != tc.status || r.ErrorField(t, "code") != tc.code || r.ErrorField(t, "param") != tc.param {
			t.Errorf("%s: %d %s; want %d %s %s", tc.name, r.Status, r.Body, tc.status, tc.code, tc.param)
		}
	}
	got, _ := e.sc.V1PaymentMethods.Retrieve(e.ctx, pm.ID, nil)
	if got.Card.ExpMonth != 8 || got.Card.ExpYear != expYear || got.Card.Last4 != "4242" {
		t.Fatalf("failed updates changed the card: %+v", got.Card)
	}
	_, err = e.once.V1PaymentMethods.Update(e.ctx, "pm_nope", &stripe.PaymentMethodUpdateParams{Metadata: map[string]string{"a": "b"}})
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
}

func TestDeleteCustomerDetachesPaymentMethods(t *testing.T) {
	e := startPM(t)
	c := e.customer()
	var ids []string
	for i := 0; i < 3; i++ {
		ids = append(ids, e.mustAttach("pm_card_visa", c).ID)
	}
	if _, err := e.sc.V1Customers.Update(e.ctx, c.ID, &stripe.CustomerUpdateParams{
		InvoiceSettings: &stripe.CustomerUpdateInvoiceSettingsParams{DefaultPaymentMethod: stripe.String(ids[1])}}); err != nil {
		t.Fatal(err)
	}
	other := e.customer()
	kept := e.mustAttach("pm_card_visa", other)
	if _, err := e.sc.V1Customers.Delete(e.ctx, c.ID, nil); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		pm, err := e.sc.V1PaymentMethods.Retrieve(e.ctx, id, nil)
		if err != nil || pm.Customer != nil {
			t.Fatalf("%s after deleting its customer: customer %+v, %v", id, pm.Customer, err)
		}
	}
	if got := e.events("payment_method.detached"); len(got) != 3 {
		t.Fatalf("detached events %v", got)
	}
	if got, err := e.sc.V1PaymentMethods.Retrieve(e.ctx, kept.ID, nil); err != nil || got.Customer == nil || got.Customer.ID != other.ID {
		t.Fatalf("another customer's card: %+v, %v", got, err)
	}
	// The deleted customer's cards cannot be listed or attached to it.
	r := e.do("GET", "/v1/payment_methods?customer="+c.ID, "")
	if r.Status != 400 || r.ErrorField(t, "code") != "resource_missing" || r.ErrorField(t, "param") != "customer" {
		t.Fatalf("list a deleted customer's cards: %d %s", r.Status, r.Body)
	}
	_, err := e.attach(ids[0], c)
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "customer")
	// A customer with more cards than one page of the store still ends with
	// none attached.
	big := e.customer()
	for i := 0; i < 105; i++ {
		e.mustAttach("pm_card_visa", big)
	}
	if _, err := e.sc.V1Customers.Delete(e.ctx, big.ID, nil); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := e.db.QueryRow("SELECT COUNT(*) FROM payment_methods WHERE customer = ?", big.ID).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d cards still attached to a deleted customer (%v)", n, err)
	}
}

// fixture returns the payment_method object of Stripe's fixtures.
func fixture(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile("/work/shared/stripe-reference/fixtures-latest-subset.json")
	if err != nil {
		t.Skipf("no fixtures: %v", err)
	}
	var f struct {
		Resources map[string]map[string]any `json:"resources"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f.Resources[name]
}

// missingKeys lists the keys of want (recursively through objects) that got
// lacks, with their paths.
func missingKeys(want, got map[string]any, path string) []string {
	var out []string
	for k, wv := range want {
		gv, ok := got[k]
		if !ok {
			out = append(out, path+k)
			continue
		}
		wm, wok := wv.(map[string]any)
		gm, gok := gv.(map[string]any)
		if wok && gok {
			out = append(out, missingKeys(wm, gm, path+k+".")...)
		}
	}
	sort.Strings(out)
	return out
}

func TestPaymentMethodShapeAndNoCardDataLeaks(t *testing.T) {
	e := startPM(t)
	const number, cvc = "5555555555554444", "735"
	c := e.customer()
	create := e.do("POST", "/v1/payment_methods", "type=card&card[number]="+number+"&card[exp_month]=8&card[exp_year]=2031&card[cvc]="+cvc+
		"&billing_details[email]=jenny@example.com&billing_details[address][city]=San+Francisco&metadata[order_id]=123456789", "Idempotency-Key: pm-create-1")
	if create.Status != 200 {
		t.Fatalf("create: %d %s", create.Status, create.Body)
	}
	id := create.JSON(t)["id"].(string)
	bodies := []response{create}
	bodies = append(bodies, e.do("POST", "/v1/payment_methods/"+id+"/attach", "customer="+c.ID, "Idempotency-Key: pm-attach-1"))
	bodies = append(bodies, e.do("GET", "/v1/payment_methods/"+id, ""))
	bodies = append(bodies, e.do("GET", "/v1/payment_methods/"+id+"?expand[]=customer", ""))
	bodies = append(bodies, e.do("GET", "/v1/customers/"+c.ID+"/payment_methods", ""))
	bodies = append(bodies, e.do("GET", "/v1/customers/"+c.ID+"/payment_methods/"+id, ""))
	bodies = append(bodies, e.do("POST", "/v1/customers/"+c.ID, "invoice_settings[default_payment_method]="+id+"&expand[]=invoice_settings.default_payment_method"))
	bodies = append(bodies, e.do("POST", "/v1/payment_methods/"+id, "billing_details[name]=J"))
	bodies = append(bodies, e.do("POST", "/v1/payment_methods/"+id+"/detach", ""))
	// An error about the card does not echo it either.
	bodies = append(bodies, e.do("POST", "/v1/payment_methods", "type=card&card[number]="+number+"&card[exp_month]=8&card[exp_year]=2031&card[cvc]=73"))
	for i, r := range bodies {
		s := string(r.Body)
		if i < len(bodies)-1 && r.Status != 200 {
			t.Fatalf("request %d: %d %s", i, r.Status, s)
		}
		if strings.Contains(s, number) || strings.Contains(s, number[:12]) || strings.Contains(s, `"`+cvc+`"`) || strings.Contains(s, `"cvc"`) || strings.Contains(s, `"number"`) {
			t.Fatalf("request %d leaks card data: %s", i, s)
		}
	}
	// Nor does anything Portico stores.
	if s := e.stored(); strings.Contains(s, number) || strings.Contains(s, number[:12]) || strings.Contains(s, `"`+cvc+`"`) {
		t.Fatal("the database holds the card number or CVC")
	}

	// Every field of Stripe's fixture is present.
	want := fixture(t, "payment_method")
	got := create.JSON(t)
	if missing := missingKeys(want, got, ""); len(missing) > 0 {
		t.Errorf("payment_method lacks %v", missing)
	}
	card := got["card"].(map[string]any)
	if got["object"] != "payment_method" || got["type"] != "card" || got["customer"] != nil || got["livemode"] != false || got["allow_redisplay"] != "unspecified" ||
		card["brand"] != "mastercard" || card["last4"] != "4444" || card["exp_month"] != 8.0 || card["exp_year"] != 2031.0 || card["wallet"] != nil || card["generated_from"] != nil {
		t.Errorf("payment method = %s", create.Body)
	}
	bd := got["billing_details"].(map[string]any)
	addr := bd["address"].(map[string]any)
	if bd["name"] != nil || bd["phone"] != nil || bd["tax_id"] != nil || bd["email"] != "jenny@example.com" || addr["city"] != "San Francisco" || addr["line1"] != nil {
		t.Errorf("billing_details = %v", bd)
	}
	// Without billing details, the address is an object of nulls.
	bare := e.do("POST", "/v1/payment_methods", "type=card&card[token]=tok_visa").JSON(t)
	if addr, ok := bare["billing_details"].(map[string]any)["address"].(map[string]any); !ok || len(addr) != 6 || addr["country"] != nil {
		t.Errorf("bare billing_details = %v", bare["billing_details"])
	}
	if md, ok := bare["metadata"].(map[string]any); !ok || len(md) != 0 {
		t.Errorf("bare metadata = %v", bare["metadata"])
	}
	// An attached card names its customer.
	attached := bodies[1].JSON(t)
	if attached["customer"] != c.ID {
		t.Errorf("attached customer = %v", attached["customer"])
	}
	expanded := bodies[3].JSON(t)
	if cu, ok := expanded["customer"].(map[string]any); !ok || cu["id"] != c.ID || cu["object"] != "customer" {
		t.Errorf("expanded customer = %v", expanded["customer"])
	}
}
