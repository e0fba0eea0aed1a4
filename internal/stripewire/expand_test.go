package stripewire

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/porticohq/portico/internal/billing"
)

// paths lists an Expand tree's leaf paths, sorted.
func leafPaths(e Expand) []string {
	p := e.paths("")
	sort.Strings(p)
	return p
}

func TestParseExpand(t *testing.T) {
	tests := []struct {
		name  string
		paths []string
		want  string // sorted leaf paths
		bad   bool
	}{
		{"none", nil, "[]", false},
		{"one", []string{"customer"}, "[customer]", false},
		{"nested", []string{"invoice_settings.default_payment_method"}, "[invoice_settings.default_payment_method]", false},
		{"merged", []string{"a.b", "a.c", "d"}, "[a.b a.c d]", false},
		{"duplicates", []string{"a", "a"}, "[a]", false},
		{"prefix of another", []string{"a", "a.b"}, "[a.b]", false},
		{"empty entries skipped", []string{"", "a"}, "[a]", false},
		{"four levels", []string{"a.b.c.d"}, "[a.b.c.d]", false},
		{"five levels", []string{"a.b.c.d.e"}, "", true},
		{"five levels through data.", []string{"data.b.c.d.e"}, "[data.b.c.d.e]", false},
		{"six levels through data.", []string{"data.b.c.d.e.f"}, "", true},
		{"empty segment", []string{"a..b"}, "", true},
		{"leading dot", []string{".a"}, "", true},
		{"trailing dot", []string{"a."}, "", true},
		{"just a dot", []string{"."}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := ParseExpand(tt.paths)
			if tt.bad {
				wantError(t, fmt.Sprint(tt.paths), err, "parameter_invalid", "expand")
				return
			}
			if err != nil {
				t.Fatalf("ParseExpand(%q): %v", tt.paths, err)
			}
			if got := fmt.Sprint(leafPaths(e)); got != tt.want {
				t.Fatalf("ParseExpand(%q) = %s, want %s", tt.paths, got, tt.want)
			}
		})
	}
}

func TestExpandSub(t *testing.T) {
	e, _ := ParseExpand([]string{"data.invoice_settings.default_payment_method.customer", "data.test_clock"})
	data, ok := e.Sub("data")
	if !ok || len(data) != 2 {
		t.Fatalf("Sub(data) = %v, %v", data, ok)
	}
	pm, ok := data.Sub("invoice_settings.default_payment_method")
	if !ok {
		t.Fatal("Sub of a dotted path")
	}
	if _, ok := pm.Sub("customer"); !ok {
		t.Fatal("Sub below an expanded field")
	}
	if _, ok := data.Sub("invoice_settings.footer"); ok {
		t.Fatal("Sub of a field not asked for")
	}
	if _, ok := Expand(nil).Sub("customer"); ok {
		t.Fatal("Sub of nothing")
	}
}

// A test-only object type with a price field, for expansion through types
// (Portico's own objects with price fields register themselves elsewhere).
const testLineType = "test.stripewire_line"

func init() {
	RegisterExpandable(testLineType, map[string]string{"price": "price"})
}

func TestExpandValidate(t *testing.T) {
	tests := []struct {
		objectType string
		paths      []string
		ok         bool
	}{
		{"customer", []string{"invoice_settings.default_payment_method"}, true},
		{"customer", []string{"test_clock"}, true},
		{"customer", []string{"test_clock", "invoice_settings.default_payment_method"}, true},
		{"customer", []string{"default_source"}, true},
		{"customer", []string{"email"}, false},
		{"customer", []string{"invoice_settings"}, false},
		{"customer", []string{"invoice_settings.footer"}, false},
		{"customer", []string{"invoice_settings.default_payment_method.customer"}, true},
		{"customer", []string{"invoice_settings.default_payment_method.card"}, false},
		{"customer", []string{"discount.promotion_code"}, true},
		// default_source is of a type Portico does not serve: nothing below it.
		{"customer", []string{"default_source.customer"}, false},
		{"customer", []string{"data.test_clock"}, false},
		{"list:customer", []string{"data.invoice_settings.default_payment_method"}, true},
		{"list:customer", []string{"invoice_settings.default_payment_method"}, false},
		{"list:customer", []string{"test_clock"}, false},
		{"list:customer", []string{"data.email"}, false},
		{"list:customer", []string{"data"}, false},
		{"search:customer", []string{"data.test_clock"}, true},
		{"search:customer", []string{"test_clock"}, false},
		{"payment_method", []string{"customer"}, true},
		{"payment_method", []string{"customer.invoice_settings.default_payment_method"}, true},
		{"payment_method", []string{"card"}, false},
		{"list:payment_method", []string{"data.customer"}, true},
		{"product", []string{"default_price"}, true},
		{"product", []string{"default_price.product"}, true},
		{"product", []string{"default_price.product.default_price"}, true},
		{"price", []string{"product.default_price"}, true},
		{"price", []string{"product.name"}, false},
		{testLineType, []string{"price.product.default_price"}, true},
		{testLineType, []string{"price.product.default_price.product"}, true},
		{testLineType, []string{"price.product.description"}, false},
		{"list:" + testLineType, []string{"data.price.product.default_price.product"}, true},
		{"billing_portal.session", []string{"configuration"}, true},
		{"billing_portal.session", []string{"configuration.application"}, true},
		{"billing_portal.session", []string{"configuration.features"}, false},
		{testLineType, []string{"quantity"}, false},
		{"no_such_type", []string{"customer"}, false},
		{"customer", nil, true},
	}
	for _, tt := range tests {
		e, err := ParseExpand(tt.paths)
		if err != nil {
			t.Fatalf("%s %v: %v", tt.objectType, tt.paths, err)
		}
		err = e.Validate(tt.objectType)
		if tt.ok && err != nil {
			t.Errorf("%s expand %v: %v", tt.objectType, tt.paths, err)
		}
		if !tt.ok {
			if err == nil {
				t.Errorf("%s expand %v: accepted", tt.objectType, tt.paths)
				continue
			}
			wantError(t, fmt.Sprint(tt.paths), err, "parameter_invalid", "expand")
			if !strings.Contains(err.Message, tt.paths[0]) {
				t.Errorf("message %q does not name %s", err.Message, tt.paths[0])
			}
		}
	}
}

func TestRefJSON(t *testing.T) {
	tests := []struct {
		ref  Ref
		want string
	}{
		{Ref{}, `null`},
		{Ref{ID: "pm_123"}, `"pm_123"`},
		{Ref{ID: "pm_123", Obj: map[string]string{"id": "pm_123", "object": "payment_method"}}, `{"id":"pm_123","object":"payment_method"}`},
		{Ref{Obj: deletedJSON{ID: "cus_1", Object: "customer", Deleted: true}}, `{"id":"cus_1","object":"customer","deleted":true}`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(struct {
			R Ref `json:"r"`
		}{tt.ref})
		if err != nil {
			t.Fatal(err)
		}
		if want := `{"r":` + tt.want + `}`; string(b) != want {
			t.Errorf("%+v marshals to %s, want %s", tt.ref, b, want)
		}
	}
}

// fakeLoader serves objects for expansion from a map.
type fakeLoader map[string]any

func (l fakeLoader) Load(_ context.Context, objectType, id string) (any, error) {
	if o, ok := l[objectType+"/"+id]; ok {
		return o, nil
	}
	if id == "broken" {
		return nil, errors.New("disk on fire")
	}
	return nil, billing.ErrNotFound
}

func TestRendererRef(t *testing.T) {
	cus := &billing.Customer{ID: "cus_1", InvoicePrefix: "ABC", TaxExempt: "none"}
	r := &Renderer{Ctx: context.Background(), Loader: fakeLoader{"customer/cus_1": cus}}
	e, _ := ParseExpand([]string{"customer"})
	marshal := func(ref Ref, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(ref)
		return string(b)
	}
	if got := marshal(r.Ref("customer", "cus_1", nil, "customer")); got != `"cus_1"` {
		t.Errorf("not expanded: %s", got)
	}
	if got := marshal(r.Ref("customer", "", e, "customer")); got != `null` {
		t.Errorf("no id: %s", got)
	}
	got := marshal(r.Ref("customer", "cus_1", e, "customer"))
	var m map[string]any
	if err := json.Unmarshal([]byte(got), &m); err != nil || m["id"] != "cus_1" || m["object"] != "customer" {
		t.Errorf("expanded: %s", got)
	}
	if got := marshal(r.Ref("customer", "cus_gone", e, "customer")); got != `{"id":"cus_gone","object":"customer","deleted":true}` {
		t.Errorf("missing object: %s", got)
	}
	if got := marshal(r.Ref("", "src_1", e, "customer")); got != `null` {
		t.Errorf("unserved type: %s", got)
	}
	if _, err := r.Ref("customer", "broken", e, "customer"); err == nil {
		t.Error("a loader failure is not reported")
	}
}

func TestDecodeKindKnowsEveryIssueTwoObject(t *testing.T) {
	for kind := range kinds {
		if _, err := DecodeKind(kind, []byte(`{"id":"x"}`)); err != nil {
			t.Errorf("%s: %v", kind, err)
		}
	}
	if _, err := DecodeKind("nope", []byte(`{}`)); err == nil {
		t.Error("unknown kind decoded")
	}
}
