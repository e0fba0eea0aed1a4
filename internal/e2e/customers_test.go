package e2e

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	stripe "github.com/stripe/stripe-go/v85"
)

func TestCustomerLifecycle(t *testing.T) {
	e := start(t)
	c, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{
		Name:        stripe.String("Jenny Rosen"),
		Email:       stripe.String("jenny@example.com"),
		Phone:       stripe.String("+15555550100"),
		Description: stripe.String("first"),
		Address: &stripe.AddressParams{
			Line1: stripe.String("1 Main St"), City: stripe.String("Springfield"),
			PostalCode: stripe.String("12345"), Country: stripe.String("US"),
		},
		PreferredLocales: stripe.StringSlice([]string{"fr", "en"}),
		TaxExempt:        stripe.String("exempt"),
		Metadata:         map[string]string{"order": "6735", "tier": "gold"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(c.ID, "cus_") || c.Email != "jenny@example.com" || c.Address.City != "Springfield" ||
		c.TaxExempt != "exempt" || c.Metadata["order"] != "6735" || len(c.PreferredLocales) != 2 || c.Livemode {
		t.Fatalf("created customer = %+v", c)
	}
	if c.InvoicePrefix == "" || c.NextInvoiceSequence != 1 || c.Created == 0 {
		t.Fatalf("invoice prefix %q, sequence %d, created %d", c.InvoicePrefix, c.NextInvoiceSequence, c.Created)
	}

	got, err := e.sc.V1Customers.Retrieve(e.ctx, c.ID, nil)
	if err != nil || got.Name != "Jenny Rosen" || got.Phone != "+15555550100" {
		t.Fatalf("retrieve = %+v, %v", got, err)
	}

	params := &stripe.CustomerUpdateParams{Email: stripe.String("jenny.rosen@example.com")}
	params.AddMetadata("order", "")        // deletes one key
	params.AddMetadata("source", "portal") // adds another
	up, err := e.sc.V1Customers.Update(e.ctx, c.ID, params)
	if err != nil {
		t.Fatal(err)
	}
	if up.Email != "jenny.rosen@example.com" || up.Name != "Jenny Rosen" {
		t.Fatalf("update changed the wrong fields: %+v", up)
	}
	if _, ok := up.Metadata["order"]; ok || up.Metadata["tier"] != "gold" || up.Metadata["source"] != "portal" {
		t.Fatalf("metadata after update = %v", up.Metadata)
	}

	// metadata= clears every key; description= clears the field.
	r := e.do("POST", "/v1/customers/"+c.ID, "metadata=&description=")
	if r.Status != 200 {
		t.Fatalf("clear: %d %s", r.Status, r.Body)
	}
	m := r.JSON(t)
	if md := m["metadata"].(map[string]any); len(md) != 0 || m["description"] != nil {
		t.Fatalf("after clearing: metadata %v description %v", md, m["description"])
	}

	del, err := e.sc.V1Customers.Delete(e.ctx, c.ID, nil)
	if err != nil || !del.Deleted || del.ID != c.ID {
		t.Fatalf("delete = %+v, %v", del, err)
	}
	// A deleted customer is retrievable as a tombstone, as on Stripe.
	r = e.do("GET", "/v1/customers/"+c.ID, "")
	if r.Status != 200 || string(r.Body) != fmt.Sprintf(`{"id":"%s","object":"customer","deleted":true}`, c.ID) {
		t.Fatalf("tombstone = %d %s", r.Status, r.Body)
	}
	_, err = e.once.V1Customers.Update(e.ctx, c.ID, &stripe.CustomerUpdateParams{Name: stripe.String("x")})
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
}

func TestCustomerShapeHasEveryField(t *testing.T) {
	e := start(t)
	r := e.do("POST", "/v1/customers", "")
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	m := r.JSON(t)
	for _, k := range []string{"id", "object", "address", "balance", "created", "currency", "default_source", "delinquent",
		"description", "discount", "email", "invoice_prefix", "invoice_settings", "livemode", "metadata", "name",
		"next_invoice_sequence", "phone", "preferred_locales", "shipping", "tax_exempt", "test_clock"} {
		if _, ok := m[k]; !ok {
			t.Errorf("customer lacks %q", k)
		}
	}
	for _, k := range []string{"address", "email", "name", "phone", "shipping", "test_clock", "description"} {
		if m[k] != nil {
			t.Errorf("%s = %v, want null", k, m[k])
		}
	}
	is := m["invoice_settings"].(map[string]any)
	for _, k := range []string{"custom_fields", "default_payment_method", "footer", "rendering_options"} {
		if _, ok := is[k]; !ok {
			t.Errorf("invoice_settings lacks %q", k)
		}
	}
	if m["object"] != "customer" || m["tax_exempt"] != "none" {
		t.Errorf("object %v tax_exempt %v", m["object"], m["tax_exempt"])
	}
}

func TestCustomerErrors(t *testing.T) {
	e := start(t)
	cases := []struct {
		name, method, path, body string
		status                   int
		typ, code, param         string
	}{
		{"unknown parameter", "POST", "/v1/customers", "nmae=x", 400, "invalid_request_error", "parameter_unknown", "nmae"},
		{"unknown nested parameter", "POST", "/v1/customers", "address[town]=x", 400, "invalid_request_error", "parameter_unknown", "address[town]"},
		{"bad enum", "POST", "/v1/customers", "tax_exempt=sometimes", 400, "invalid_request_error", "parameter_invalid_string", "tax_exempt"},
		{"bad integer", "POST", "/v1/customers", "balance=12abc", 400, "invalid_request_error", "parameter_invalid_integer", "balance"},
		{"metadata key too long", "POST", "/v1/customers", "metadata[" + strings.Repeat("k", 41) + "]=v", 400, "invalid_request_error", "parameter_invalid", "metadata[" + strings.Repeat("k", 41) + "]"},
		{"missing in path", "GET", "/v1/customers/cus_nope", "", 404, "invalid_request_error", "resource_missing", "id"},
		{"missing test clock", "POST", "/v1/customers", "test_clock=clock_nope", 400, "invalid_request_error", "resource_missing", "test_clock"},
		{"limit too big", "GET", "/v1/customers?limit=101", "", 400, "invalid_request_error", "parameter_invalid_integer", "limit"},
		{"both cursors", "GET", "/v1/customers?starting_after=a&ending_before=b", "", 400, "invalid_request_error", "parameters_exclusive", "ending_before"},
		{"unknown cursor", "GET", "/v1/customers?starting_after=cus_nope", "", 400, "invalid_request_error", "resource_missing", "starting_after"},
		{"bad expand", "GET", "/v1/customers?expand[]=data.email", "", 400, "invalid_request_error", "parameter_invalid", "expand"},
		{"bad shipping", "POST", "/v1/customers", "shipping[name]=x", 400, "invalid_request_error", "parameter_missing", "shipping[address]"},
		{"unknown endpoint", "GET", "/v1/nothing_here", "", 404, "invalid_request_error", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var r response
			if tc.method == "GET" {
				r = e.do(tc.method, tc.path, "")
			} else {
				r = e.do(tc.method, tc.path, tc.body)
			}
			if r.Status != tc.status || r.ErrorField(t, "type") != tc.typ || r.ErrorField(t, "code") != tc.code || r.ErrorField(t, "param") != tc.param {
				t.Fatalf("got %d %s", r.Status, r.Body)
			}
			if r.ErrorField(t, "message") == "" || r.Header.Get("Request-Id") == "" {
				t.Fatalf("no message or request id: %s", r.Body)
			}
		})
	}
	// A failed request leaves nothing behind.
	l := e.sc.V1Customers.List(e.ctx, &stripe.CustomerListParams{})
	for c, err := range l.All(e.ctx) {
		t.Fatalf("a failed request created %v (%v)", c, err)
	}
}

func TestAuthentication(t *testing.T) {
	e := start(t)
	for _, tc := range []struct {
		name, auth string
		status     int
	}{
		{"none", "", 401},
		{"wrong key", "Authorization: Bearer sk_test_wrongwrongwrongwrongwrongwrong", 401},
		{"basic with key as user", "Authorization: Basic " + basic(e.key+":"), 200},
		{"publishable key", "Authorization: Bearer " + e.app.PublishableKey, 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", e.srv.URL+"/v1/customers", nil)
			if tc.auth != "" {
				k, v, _ := strings.Cut(tc.auth, ":")
				req.Header.Set(k, strings.TrimSpace(v))
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.status)
			}
		})
	}
	// The wrong key is never echoed whole.
	r := e.do("GET", "/v1/customers", "", "Authorization: Bearer sk_test_secretsecretsecretsecret1234")
	if strings.Contains(string(r.Body), "secretsecretsecret") || r.ErrorField(t, "type") != "invalid_request_error" {
		t.Fatalf("401 body = %s", r.Body)
	}
}

func TestCustomerListPaginationBothWays(t *testing.T) {
	e := start(t)
	var ids []string // oldest first
	for i := 0; i < 7; i++ {
		c, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{Email: stripe.String(fmt.Sprintf("c%d@example.com", i))})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	// Auto-pagination through the SDK: newest first, every customer once.
	var seen []string
	for c, err := range e.sc.V1Customers.List(e.ctx, &stripe.CustomerListParams{ListParams: stripe.ListParams{Limit: stripe.Int64(3)}}).All(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, c.ID)
	}
	if len(seen) != 7 || seen[0] != ids[6] || seen[6] != ids[0] {
		t.Fatalf("pages = %v, want newest first of %v", seen, ids)
	}
	// A page backwards with ending_before.
	r := e.do("GET", "/v1/customers?limit=2&ending_before="+ids[2], "")
	m := r.JSON(t)
	data := m["data"].([]any)
	if len(data) != 2 || data[0].(map[string]any)["id"] != ids[4] || data[1].(map[string]any)["id"] != ids[3] || m["has_more"] != true {
		t.Fatalf("ending_before page = %s", r.Body)
	}
	if m["url"] != "/v1/customers" || m["object"] != "list" {
		t.Fatalf("list envelope = %s", r.Body)
	}
	// Filter by email.
	r = e.do("GET", "/v1/customers?email=c3@example.com", "")
	if d := r.JSON(t)["data"].([]any); len(d) != 1 || d[0].(map[string]any)["id"] != ids[3] {
		t.Fatalf("email filter = %s", r.Body)
	}
}

func TestCustomerSearch(t *testing.T) {
	e := start(t)
	mk := func(email, plan string) string {
		c, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{Email: stripe.String(email), Metadata: map[string]string{"plan": plan}})
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	a := mk("ann@example.com", "pro")
	mk("bob@example.com", "free")
	c := mk("cat@example.com", "pro")
	var got []string
	for cu, err := range e.sc.V1Customers.Search(e.ctx, &stripe.CustomerSearchParams{SearchParams: stripe.SearchParams{Query: "metadata['plan']:'pro'", Limit: stripe.Int64(1)}}).All(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, cu.ID)
	}
	if len(got) != 2 || got[0] != c || got[1] != a {
		t.Fatalf("search by metadata = %v, want [%s %s]", got, c, a)
	}
	res := e.sc.V1Customers.Search(e.ctx, &stripe.CustomerSearchParams{SearchParams: stripe.SearchParams{Query: "email:'ann@example.com'"}})
	n := 0
	for cu, err := range res.All(e.ctx) {
		if err != nil || cu.ID != a {
			t.Fatalf("search by email: %v %v", cu, err)
		}
		n++
	}
	if n != 1 {
		t.Fatalf("search by email found %d", n)
	}
	r := e.do("GET", "/v1/customers/search?query=emali:'x'", "")
	if r.Status != 400 || r.ErrorField(t, "param") != "query" {
		t.Fatalf("bad query: %d %s", r.Status, r.Body)
	}
}

func TestIdempotentCreate(t *testing.T) {
	e := start(t)
	body := "email=idem@example.com&metadata[k]=v"
	first := e.do("POST", "/v1/customers", body, "Idempotency-Key: key-1")
	second := e.do("POST", "/v1/customers", body, "Idempotency-Key: key-1")
	if first.Status != 200 || second.Status != 200 || string(first.Body) != string(second.Body) {
		t.Fatalf("replay differs:\n%s\n%s", first.Body, second.Body)
	}
	if second.Header.Get("Idempotent-Replayed") != "true" || first.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("Idempotent-Replayed headers: first %q second %q", first.Header.Get("Idempotent-Replayed"), second.Header.Get("Idempotent-Replayed"))
	}
	// Parameters in another order are the same request.
	third := e.do("POST", "/v1/customers", "metadata[k]=v&email=idem@example.com", "Idempotency-Key: key-1")
	if string(third.Body) != string(first.Body) {
		t.Fatalf("reordered parameters not replayed: %s", third.Body)
	}
	// Other parameters under the same key: idempotency_error.
	other := e.do("POST", "/v1/customers", "email=other@example.com", "Idempotency-Key: key-1")
	if other.Status != 400 || other.ErrorField(t, "type") != "idempotency_error" {
		t.Fatalf("mismatch: %d %s", other.Status, other.Body)
	}
	// The same key on another endpoint: idempotency_error too.
	ep := e.do("POST", "/v1/customers/"+first.JSON(t)["id"].(string), "email=idem@example.com&metadata[k]=v", "Idempotency-Key: key-1")
	if ep.Status != 400 || ep.ErrorField(t, "type") != "idempotency_error" {
		t.Fatalf("other endpoint: %d %s", ep.Status, ep.Body)
	}
	// Only one customer exists.
	n := 0
	for _, err := range e.sc.V1Customers.List(e.ctx, nil).All(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 1 {
		t.Fatalf("%d customers after replays, want 1", n)
	}
	// A validation error is not stored: the key can be used after fixing.
	bad := e.do("POST", "/v1/customers", "balance=x", "Idempotency-Key: key-2")
	good := e.do("POST", "/v1/customers", "balance=5", "Idempotency-Key: key-2")
	if bad.Status != 400 || good.Status != 200 {
		t.Fatalf("validation error stored: %d then %d %s", bad.Status, good.Status, good.Body)
	}
	// An error after validation is replayed.
	miss1 := e.do("POST", "/v1/customers/cus_missing", "name=x", "Idempotency-Key: key-3")
	miss2 := e.do("POST", "/v1/customers/cus_missing", "name=x", "Idempotency-Key: key-3")
	if miss1.Status != 404 || miss2.Status != 404 || miss2.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("error replay: %d, %d replayed=%q", miss1.Status, miss2.Status, miss2.Header.Get("Idempotent-Replayed"))
	}
}

func TestIdempotentConcurrentRequests(t *testing.T) {
	e := start(t)
	// Many identical requests at once with one key: exactly one customer is
	// created; every answer is that customer or a 409 to retry.
	const n = 16
	var wg sync.WaitGroup
	bodies := make([]response, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			bodies[i] = e.do("POST", "/v1/customers", "email=race@example.com", "Idempotency-Key: race")
		}(i)
	}
	wg.Wait()
	var id string
	for _, r := range bodies {
		switch r.Status {
		case 200:
			got := r.JSON(t)["id"].(string)
			if id != "" && got != id {
				t.Fatalf("two customers created: %s and %s", id, got)
			}
			id = got
		case 409:
			if r.ErrorField(t, "code") != "idempotency_key_in_use" {
				t.Fatalf("409 body %s", r.Body)
			}
		default:
			t.Fatalf("status %d %s", r.Status, r.Body)
		}
	}
	if id == "" {
		t.Fatal("no request succeeded")
	}
}

func TestSDKRetriesAreIdempotent(t *testing.T) {
	e := start(t)
	// stripe-go sends its own Idempotency-Key on every POST; a retry of the
	// same params with the same key must return the same object.
	p := &stripe.CustomerCreateParams{Email: stripe.String("retry@example.com")}
	p.SetIdempotencyKey("sdk-key")
	c1, err := e.sc.V1Customers.Create(e.ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	p2 := &stripe.CustomerCreateParams{Email: stripe.String("retry@example.com")}
	p2.SetIdempotencyKey("sdk-key")
	c2, err := e.sc.V1Customers.Create(e.ctx, p2)
	if err != nil || c1.ID != c2.ID {
		t.Fatalf("retry created %s after %s (%v)", c2.ID, c1.ID, err)
	}
}

func TestConcurrentUpdatesLoseNothing(t *testing.T) {
	e := start(t)
	c, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{})
	if err != nil {
		t.Fatal(err)
	}
	// 40 goroutines each set their own metadata key on the same customer;
	// every key must survive (no lost update), and nothing deadlocks.
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			p := &stripe.CustomerUpdateParams{}
			p.AddMetadata(fmt.Sprintf("k%02d", i), "v")
			_, err := e.sc.V1Customers.Update(e.ctx, c.ID, p)
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := e.sc.V1Customers.Retrieve(e.ctx, c.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Metadata) != n {
		t.Fatalf("%d metadata keys survived, want %d", len(got.Metadata), n)
	}
}

func basic(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestCustomerListLeavesOutTestClockCustomers(t *testing.T) {
	e := start(t)
	clock, err := e.sc.V1TestHelpersTestClocks.Create(e.ctx, &stripe.TestHelpersTestClockCreateParams{FrozenTime: stripe.Int64(1_800_000_000)})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{Email: stripe.String("plain@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	onClock, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{TestClock: stripe.String(clock.ID)})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(p *stripe.CustomerListParams) []string {
		var out []string
		for c, err := range e.sc.V1Customers.List(e.ctx, p).All(e.ctx) {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, c.ID)
		}
		return out
	}
	if got := ids(&stripe.CustomerListParams{}); len(got) != 1 || got[0] != plain.ID {
		t.Fatalf("plain list = %v, want only %s", got, plain.ID)
	}
	if got := ids(&stripe.CustomerListParams{TestClock: stripe.String(clock.ID)}); len(got) != 1 || got[0] != onClock.ID {
		t.Fatalf("clock list = %v, want only %s", got, onClock.ID)
	}
}
