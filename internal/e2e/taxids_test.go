package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	stripe "github.com/stripe/stripe-go/v85"
)

// newCustomer creates a customer through the SDK.
func (e *env) newCustomer(email string) *stripe.Customer {
	e.t.Helper()
	c, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{Email: stripe.String(email)})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// newTaxID adds a tax ID to a customer through the SDK.
func (e *env) newTaxID(customer, typ, value string) *stripe.TaxID {
	e.t.Helper()
	tid, err := e.sc.V1TaxIDs.Create(e.ctx, &stripe.TaxIDCreateParams{
		Customer: stripe.String(customer), Type: stripe.String(typ), Value: stripe.String(value),
	})
	if err != nil {
		e.t.Fatalf("create %s %s: %v", typ, value, err)
	}
	return tid
}

func TestTaxIDCreateTypes(t *testing.T) {
	e := start(t)
	c := e.newCustomer("vat@example.com")
	cases := []struct {
		typ, value, wantValue, country string
		verification                   stripe.TaxIDVerificationStatus
	}{
		{"eu_vat", "DE123456789", "DE123456789", "DE", "pending"},
		{"eu_vat", "de 123.456.789", "DE123456789", "DE", "pending"},
		{"eu_vat", "EL123456789", "EL123456789", "GR", "pending"},
		{"gb_vat", "GB123456789", "GB123456789", "GB", "pending"},
		{"au_abn", "51824753556", "51824753556", "AU", "pending"},
		{"us_ein", "12-3456789", "12-3456789", "US", "unavailable"},
		{"in_gst", "12ABCDE3456FGZH", "12ABCDE3456FGZH", "IN", "unavailable"},
		{"jp_cn", "1234567891234", "1234567891234", "JP", "unavailable"},
		{"ch_vat", "CHE-123.456.789 MWST", "CHE-123.456.789 MWST", "CH", "unavailable"},
		// Stripe's test-mode magic numbers decide the verification.
		{"eu_vat", "DE000000000", "DE000000000", "DE", "verified"},
		{"eu_vat", "DE111111111", "DE111111111", "DE", "unverified"},
		{"eu_vat", "DE222222222", "DE222222222", "DE", "pending"},
		{"gb_vat", "GB000000000", "GB000000000", "GB", "verified"},
		{"au_abn", "10000000000", "10000000000", "AU", "verified"},
		{"au_abn", "89111111111", "89111111111", "AU", "unverified"},
		{"au_abn", "79222222222", "79222222222", "AU", "pending"},
	}
	for _, tc := range cases {
		t.Run(tc.typ+" "+tc.value, func(t *testing.T) {
			tid := e.newTaxID(c.ID, tc.typ, tc.value)
			if !strings.HasPrefix(tid.ID, "txi_") || tid.Object != "tax_id" || string(tid.Type) != tc.typ || tid.Livemode || tid.Created == 0 {
				t.Fatalf("tax id = %+v", tid)
			}
			if tid.Value != tc.wantValue || tid.Country != tc.country {
				t.Fatalf("value %q country %q, want %q %q", tid.Value, tid.Country, tc.wantValue, tc.country)
			}
			if tid.Verification == nil || tid.Verification.Status != tc.verification {
				t.Fatalf("verification = %+v, want %s", tid.Verification, tc.verification)
			}
			if tid.Customer == nil || tid.Customer.ID != c.ID || tid.Owner == nil || tid.Owner.Type != "customer" ||
				tid.Owner.Customer == nil || tid.Owner.Customer.ID != c.ID {
				t.Fatalf("customer %+v owner %+v", tid.Customer, tid.Owner)
			}
		})
	}
}

func TestTaxIDErrors(t *testing.T) {
	e := start(t)
	c := e.newCustomer("errors@example.com")
	other := e.newCustomer("other@example.com")
	theirs := e.newTaxID(other.ID, "eu_vat", "FRAB123456789")
	base := "/v1/customers/" + c.ID + "/tax_ids"
	cases := []struct {
		name, method, path, body string
		status                   int
		code, param              string
	}{
		{"invalid value", "POST", base, "type=eu_vat&value=DE12345", 400, "tax_id_invalid", "value"},
		{"unknown EU prefix", "POST", base, "type=eu_vat&value=US123456789", 400, "tax_id_invalid", "value"},
		{"bad ABN checksum", "POST", base, "type=au_abn&value=12345678912", 400, "tax_id_invalid", "value"},
		{"unknown type", "POST", base, "type=xx_vat&value=123", 400, "parameter_invalid_string", "type"},
		{"missing type", "POST", base, "value=DE123456789", 400, "parameter_missing", "type"},
		{"missing value", "POST", base, "type=eu_vat", 400, "parameter_missing", "value"},
		{"empty value", "POST", base, "type=eu_vat&value=", 400, "parameter_invalid_empty", "value"},
		{"unknown parameter", "POST", base, "type=eu_vat&value=DE123456789&country=DE", 400, "parameter_unknown", "country"},
		{"owner on the customer path", "POST", base, "type=eu_vat&value=DE123456789&owner[type]=customer", 400, "parameter_unknown", "owner"},
		{"unknown customer", "POST", "/v1/customers/cus_nope/tax_ids", "type=eu_vat&value=DE123456789", 404, "resource_missing", "id"},
		{"list of unknown customer", "GET", "/v1/customers/cus_nope/tax_ids", "", 404, "resource_missing", "id"},
		{"unknown tax id", "GET", base + "/txi_nope", "", 404, "resource_missing", "id"},
		{"other customer's tax id", "GET", base + "/" + theirs.ID, "", 404, "resource_missing", "id"},
		{"delete other customer's tax id", "DELETE", base + "/" + theirs.ID, "", 404, "resource_missing", "id"},
		{"bad expand", "GET", base + "?expand[]=data.value", "", 400, "parameter_invalid", "expand"},
		{"limit too small", "GET", base + "?limit=0", "", 400, "parameter_invalid_integer", "limit"},
		{"unknown cursor", "GET", base + "?starting_after=txi_nope", "", 400, "resource_missing", "starting_after"},
		{"top level without owner", "POST", "/v1/tax_ids", "type=eu_vat&value=DE123456789", 400, "parameter_invalid", "owner[type]"},
		{"top level self owner", "POST", "/v1/tax_ids", "type=eu_vat&value=DE123456789&owner[type]=self", 400, "parameter_invalid", "owner[type]"},
		{"top level account owner", "POST", "/v1/tax_ids", "type=eu_vat&value=DE123456789&owner[type]=account&owner[account]=acct_1", 400, "parameter_invalid", "owner[type]"},
		{"top level account without id", "POST", "/v1/tax_ids", "type=eu_vat&value=DE123456789&owner[type]=account", 400, "parameter_missing", "owner[account]"},
		{"top level bad owner type", "POST", "/v1/tax_ids", "type=eu_vat&value=DE123456789&owner[type]=company", 400, "parameter_invalid_string", "owner[type]"},
		{"top level owner without type", "POST", "/v1/tax_ids", "type=eu_vat&value=DE123456789&owner[customer]=" + c.ID, 400, "parameter_missing", "owner[type]"},
		{"top level customer missing", "POST", "/v1/tax_ids", "type=eu_vat&value=DE123456789&owner[type]=customer", 400, "parameter_missing", "owner[customer]"},
		{"top level unknown customer", "POST", "/v1/tax_ids", "type=eu_vat&value=DE123456789&owner[type]=customer&owner[customer]=cus_nope", 400, "resource_missing", "owner[customer]"},
		{"top level invalid value", "POST", "/v1/tax_ids", "type=gb_vat&value=DE123456789&owner[type]=customer&owner[customer]=" + c.ID, 400, "tax_id_invalid", "value"},
		{"top level list unknown customer", "GET", "/v1/tax_ids?owner[type]=customer&owner[customer]=cus_nope", "", 400, "resource_missing", "owner[customer]"},
		{"top level list account owner", "GET", "/v1/tax_ids?owner[type]=application", "", 400, "parameter_invalid", "owner[type]"},
		{"top level unknown tax id", "GET", "/v1/tax_ids/txi_nope", "", 404, "resource_missing", "id"},
		{"top level delete unknown", "DELETE", "/v1/tax_ids/txi_nope", "", 404, "resource_missing", "id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(tc.method, tc.path, tc.body)
			if r.Status != tc.status || r.ErrorField(t, "type") != "invalid_request_error" ||
				r.ErrorField(t, "code") != tc.code || r.ErrorField(t, "param") != tc.param {
				t.Fatalf("got %d %s; want %d %s param=%q", r.Status, r.Body, tc.status, tc.code, tc.param)
			}
			if r.ErrorField(t, "message") == "" {
				t.Fatalf("no message: %s", r.Body)
			}
		})
	}
	// The invalid value's message shows what a valid one looks like.
	r := e.do("POST", base, "type=eu_vat&value=DE12345")
	if msg := r.ErrorField(t, "message"); !strings.Contains(msg, "DE123456789") {
		t.Fatalf("message %q shows no example", msg)
	}
	// Failed requests left nothing behind.
	for tid, err := range e.sc.V1TaxIDs.List(e.ctx, &stripe.TaxIDListParams{Customer: stripe.String(c.ID)}).All(e.ctx) {
		t.Fatalf("a failed request created %+v (%v)", tid, err)
	}
}

func TestTaxIDListPagination(t *testing.T) {
	e := start(t)
	c := e.newCustomer("list@example.com")
	other := e.newCustomer("other@example.com")
	e.newTaxID(other.ID, "us_ein", "98-7654321")
	var ids []string // oldest first
	for i := 0; i < 5; i++ {
		ids = append(ids, e.newTaxID(c.ID, "us_ein", fmt.Sprintf("12-345678%d", i)).ID)
	}
	var seen []string
	params := &stripe.TaxIDListParams{Customer: stripe.String(c.ID), ListParams: stripe.ListParams{Limit: stripe.Int64(2)}}
	for tid, err := range e.sc.V1TaxIDs.List(e.ctx, params).All(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, tid.ID)
	}
	if len(seen) != 5 || seen[0] != ids[4] || seen[4] != ids[0] {
		t.Fatalf("pages = %v, want newest first of %v", seen, ids)
	}
	r := e.do("GET", "/v1/customers/"+c.ID+"/tax_ids?limit=2&ending_before="+ids[1], "")
	m := r.JSON(t)
	data := m["data"].([]any)
	if r.Status != 200 || len(data) != 2 || data[0].(map[string]any)["id"] != ids[3] || data[1].(map[string]any)["id"] != ids[2] ||
		m["has_more"] != true || m["object"] != "list" || m["url"] != "/v1/customers/"+c.ID+"/tax_ids" {
		t.Fatalf("ending_before page = %s", r.Body)
	}

	// The top-level list filters by owner.
	lp := &stripe.TaxIDListParams{}
	lp.Filters.AddFilter("owner", "type", "customer")
	lp.Filters.AddFilter("owner", "customer", c.ID)
	n := 0
	for tid, err := range e.sc.V1TaxIDs.List(e.ctx, lp).All(e.ctx) {
		if err != nil || tid.Customer.ID != c.ID {
			t.Fatalf("owner-filtered list: %+v %v", tid, err)
		}
		n++
	}
	if n != 5 {
		t.Fatalf("owner-filtered list has %d tax IDs, want 5", n)
	}
	r = e.do("GET", "/v1/tax_ids?owner[type]=customer&owner[customer]="+c.ID+"&limit=1", "")
	if m := r.JSON(t); m["url"] != "/v1/tax_ids" || m["has_more"] != true || len(m["data"].([]any)) != 1 {
		t.Fatalf("top-level list = %s", r.Body)
	}
	// The account's own tax IDs (owner self, the default): Portico keeps none.
	r = e.do("GET", "/v1/tax_ids", "")
	if m := r.JSON(t); r.Status != 200 || len(m["data"].([]any)) != 0 || m["has_more"] != false {
		t.Fatalf("self list = %d %s", r.Status, r.Body)
	}
}

func TestTaxIDRetrieveAndDelete(t *testing.T) {
	e := start(t)
	c := e.newCustomer("del@example.com")
	tid := e.newTaxID(c.ID, "eu_vat", "NL123456789B12")
	keep := e.newTaxID(c.ID, "gb_vat", "GB123456789")

	got, err := e.sc.V1TaxIDs.Retrieve(e.ctx, tid.ID, &stripe.TaxIDRetrieveParams{Customer: stripe.String(c.ID)})
	if err != nil || got.ID != tid.ID || got.Value != "NL123456789B12" || got.Country != "NL" {
		t.Fatalf("retrieve = %+v, %v", got, err)
	}
	got, err = e.sc.V1TaxIDs.Retrieve(e.ctx, tid.ID, nil) // GET /v1/tax_ids/{id}
	if err != nil || got.ID != tid.ID || got.Customer.ID != c.ID {
		t.Fatalf("top-level retrieve = %+v, %v", got, err)
	}

	del, err := e.sc.V1TaxIDs.Delete(e.ctx, tid.ID, &stripe.TaxIDDeleteParams{Customer: stripe.String(c.ID)})
	if err != nil || !del.Deleted || del.ID != tid.ID {
		t.Fatalf("delete = %+v, %v", del, err)
	}
	r := e.do("DELETE", "/v1/tax_ids/"+keep.ID, "")
	if r.Status != 200 || string(r.Body) != fmt.Sprintf(`{"id":"%s","object":"tax_id","deleted":true}`, keep.ID) {
		t.Fatalf("top-level delete = %d %s", r.Status, r.Body)
	}
	for _, id := range []string{tid.ID, keep.ID} {
		_, err = e.once.V1TaxIDs.Retrieve(e.ctx, id, &stripe.TaxIDRetrieveParams{Customer: stripe.String(c.ID)})
		wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
		_, err = e.once.V1TaxIDs.Retrieve(e.ctx, id, nil)
		wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
		_, err = e.once.V1TaxIDs.Delete(e.ctx, id, &stripe.TaxIDDeleteParams{Customer: stripe.String(c.ID)})
		wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
	}
	for x, err := range e.sc.V1TaxIDs.List(e.ctx, &stripe.TaxIDListParams{Customer: stripe.String(c.ID)}).All(e.ctx) {
		t.Fatalf("deleted tax ID still listed: %+v %v", x, err)
	}
}

func TestTaxIDOfDeletedCustomer(t *testing.T) {
	e := start(t)
	c := e.newCustomer("gone@example.com")
	tid := e.newTaxID(c.ID, "eu_vat", "DE123456789")
	if _, err := e.sc.V1Customers.Delete(e.ctx, c.ID, nil); err != nil {
		t.Fatal(err)
	}
	_, err := e.once.V1TaxIDs.Create(e.ctx, &stripe.TaxIDCreateParams{Customer: stripe.String(c.ID), Type: stripe.String("eu_vat"), Value: stripe.String("DE123456789")})
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
	_, err = e.once.V1TaxIDs.Retrieve(e.ctx, tid.ID, &stripe.TaxIDRetrieveParams{Customer: stripe.String(c.ID)})
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
	_, err = e.once.V1TaxIDs.Retrieve(e.ctx, tid.ID, nil)
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
	r := e.do("GET", "/v1/customers/"+c.ID+"/tax_ids", "")
	if r.Status != 404 {
		t.Fatalf("list of deleted customer = %d %s", r.Status, r.Body)
	}
	r = e.do("POST", "/v1/tax_ids", "type=eu_vat&value=DE123456789&owner[type]=customer&owner[customer]="+c.ID)
	if r.Status != 400 || r.ErrorField(t, "code") != "resource_missing" || r.ErrorField(t, "param") != "owner[customer]" {
		t.Fatalf("top-level create for deleted customer = %d %s", r.Status, r.Body)
	}
}

func TestTaxIDTopLevelWithOwner(t *testing.T) {
	e := start(t)
	c := e.newCustomer("owner@example.com")
	params := &stripe.TaxIDCreateParams{Type: stripe.String("eu_vat"), Value: stripe.String("IT12345678912")}
	params.AddExtra("owner[type]", "customer")
	params.AddExtra("owner[customer]", c.ID)
	tid, err := e.sc.V1TaxIDs.Create(e.ctx, params) // POST /v1/tax_ids
	if err != nil {
		t.Fatal(err)
	}
	if tid.Customer.ID != c.ID || tid.Owner.Type != "customer" || tid.Owner.Customer.ID != c.ID || tid.Country != "IT" {
		t.Fatalf("created = %+v owner %+v", tid, tid.Owner)
	}
	// It is the customer's tax ID on every path.
	got, err := e.sc.V1TaxIDs.Retrieve(e.ctx, tid.ID, &stripe.TaxIDRetrieveParams{Customer: stripe.String(c.ID)})
	if err != nil || got.ID != tid.ID {
		t.Fatalf("retrieve through the customer = %+v, %v", got, err)
	}
}

func TestTaxIDShapeHasEveryField(t *testing.T) {
	e := start(t)
	c := e.newCustomer("shape@example.com")
	r := e.do("POST", "/v1/customers/"+c.ID+"/tax_ids", "type=eu_vat&value=DE123456789")
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	m := r.JSON(t)
	// Every field of the dahlia fixture.
	for _, k := range []string{"country", "created", "customer", "customer_account", "id", "livemode", "object", "owner", "type", "value", "verification"} {
		if _, ok := m[k]; !ok {
			t.Errorf("tax_id lacks %q", k)
		}
	}
	if m["object"] != "tax_id" || m["country"] != "DE" || m["customer"] != c.ID || m["customer_account"] != nil ||
		m["livemode"] != false || m["type"] != "eu_vat" || m["value"] != "DE123456789" {
		t.Errorf("tax_id = %s", r.Body)
	}
	owner, _ := m["owner"].(map[string]any)
	for _, k := range []string{"customer", "customer_account", "type"} {
		if _, ok := owner[k]; !ok {
			t.Errorf("owner lacks %q", k)
		}
	}
	if owner["customer"] != c.ID || owner["type"] != "customer" || owner["customer_account"] != nil {
		t.Errorf("owner = %v", owner)
	}
	v, _ := m["verification"].(map[string]any)
	for _, k := range []string{"status", "verified_address", "verified_name"} {
		if _, ok := v[k]; !ok {
			t.Errorf("verification lacks %q", k)
		}
	}
	if v["status"] != "pending" || v["verified_address"] != nil || v["verified_name"] != nil {
		t.Errorf("verification = %v", v)
	}
}

func TestTaxIDExpandCustomer(t *testing.T) {
	e := start(t)
	c := e.newCustomer("expand@example.com")
	tid := e.newTaxID(c.ID, "eu_vat", "DE123456789")
	p := &stripe.TaxIDRetrieveParams{Customer: stripe.String(c.ID)}
	p.AddExpand("customer")
	p.AddExpand("owner.customer")
	got, err := e.sc.V1TaxIDs.Retrieve(e.ctx, tid.ID, p)
	if err != nil {
		t.Fatal(err)
	}
	if got.Customer == nil || got.Customer.Email != "expand@example.com" || got.Owner.Customer == nil || got.Owner.Customer.Email != "expand@example.com" {
		t.Fatalf("expanded customer %+v owner %+v", got.Customer, got.Owner)
	}
	r := e.do("GET", "/v1/customers/"+c.ID+"/tax_ids?"+url.Values{"expand[]": {"data.customer"}}.Encode(), "")
	data := r.JSON(t)["data"].([]any)
	if cu, _ := data[0].(map[string]any)["customer"].(map[string]any); cu["object"] != "customer" || cu["id"] != c.ID {
		t.Fatalf("list expand = %s", r.Body)
	}
	// Expanding on create works too.
	r = e.do("POST", "/v1/customers/"+c.ID+"/tax_ids", "type=us_ein&value=12-3456789&expand[]=customer")
	if cu, _ := r.JSON(t)["customer"].(map[string]any); cu["email"] != "expand@example.com" {
		t.Fatalf("create expand = %s", r.Body)
	}
}

func TestTaxIDLimitPerCustomer(t *testing.T) {
	e := start(t)
	c := e.newCustomer("many@example.com")
	var last string
	for i := 0; i < 25; i++ {
		r := e.do("POST", "/v1/customers/"+c.ID+"/tax_ids", fmt.Sprintf("type=us_ein&value=12-34567%02d", i))
		if r.Status != 200 {
			t.Fatalf("tax ID %d: %d %s", i+1, r.Status, r.Body)
		}
		last = r.JSON(t)["id"].(string)
	}
	_, err := e.once.V1TaxIDs.Create(e.ctx, &stripe.TaxIDCreateParams{Customer: stripe.String(c.ID), Type: stripe.String("us_ein"), Value: stripe.String("98-7654321")})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, "", "")
	if msg := stripeErr(t, err).Msg; !strings.Contains(msg, "25") {
		t.Fatalf("limit message = %q", msg)
	}
	// Deleting one makes room again.
	if _, err := e.sc.V1TaxIDs.Delete(e.ctx, last, &stripe.TaxIDDeleteParams{Customer: stripe.String(c.ID)}); err != nil {
		t.Fatal(err)
	}
	e.newTaxID(c.ID, "us_ein", "98-7654321")
}

func TestTaxIDVerificationUnavailableInLiveMode(t *testing.T) {
	e := startLive(t)
	c := e.newCustomer("live@example.com")
	tid := e.newTaxID(c.ID, "eu_vat", "DE000000000")
	if !tid.Livemode || tid.Verification.Status != "unavailable" {
		t.Fatalf("live tax id = %+v verification %+v", tid, tid.Verification)
	}
}
