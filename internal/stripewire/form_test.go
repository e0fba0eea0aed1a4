package stripewire

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/porticohq/portico/internal/billing"
)

// wantError asserts err's code and param; an empty code asserts no error.
func wantError(t *testing.T, what string, err *billing.Error, code, param string) {
	t.Helper()
	switch {
	case code == "" && err != nil:
		t.Fatalf("%s: unexpected error %v", what, err)
	case code == "":
	case err == nil:
		t.Fatalf("%s: no error, want %s param=%q", what, code, param)
	case err.Code != code || err.Param != param || err.Type != billing.TypeInvalidRequest || err.Kind != billing.KindInvalid:
		t.Fatalf("%s: error = %s %s param=%q (%s), want invalid_request_error %s param=%q",
			what, err.Type, err.Code, err.Param, err.Message, code, param)
	case err.Message == "":
		t.Fatalf("%s: error without a message", what)
	}
}

func TestPairs(t *testing.T) {
	tests := []struct {
		name, raw   string
		want        []Pair
		code, param string
	}{
		{name: "empty body", raw: "", want: nil},
		{name: "plain", raw: "a=1&b=2", want: []Pair{{"a", "1"}, {"b", "2"}}},
		{name: "order kept, duplicates kept", raw: "b=1&a=2&b=3", want: []Pair{{"b", "1"}, {"a", "2"}, {"b", "3"}}},
		{name: "percent-encoded brackets", raw: "items%5B0%5D%5Bprice%5D=price_1", want: []Pair{{"items[0][price]", "price_1"}}},
		{name: "lower-case percent encoding", raw: "a%5bb%5d=x", want: []Pair{{"a[b]", "x"}}},
		{name: "literal brackets", raw: "expand[]=customer", want: []Pair{{"expand[]", "customer"}}},
		{name: "plus is a space", raw: "name=Jenny+Rosen&a+b=c+d", want: []Pair{{"name", "Jenny Rosen"}, {"a b", "c d"}}},
		{name: "encoded plus stays a plus", raw: "phone=%2B15555550100", want: []Pair{{"phone", "+15555550100"}}},
		{name: "encoded ampersand and equals", raw: "q=a%26b%3Dc", want: []Pair{{"q", "a&b=c"}}},
		{name: "utf-8", raw: "name=J%C3%BCrgen", want: []Pair{{"name", "Jürgen"}}},
		{name: "empty value", raw: "description=", want: []Pair{{"description", ""}}},
		{name: "no equals sign is an empty value", raw: "description", want: []Pair{{"description", ""}}},
		{name: "value with equals sign", raw: "a=b=c", want: []Pair{{"a", "b=c"}}},
		{name: "empty parts skipped", raw: "&&a=1&&b=2&", want: []Pair{{"a", "1"}, {"b", "2"}}},
		{name: "bad percent in key", raw: "a%zz=1", code: "parameter_invalid", param: ""},
		{name: "truncated percent in key", raw: "a%5=1", code: "parameter_invalid", param: ""},
		{name: "bad percent in value names the key", raw: "metadata%5Bk%5D=%G1", code: "parameter_invalid", param: "metadata[k]"},
		{name: "lone percent value", raw: "a=%", code: "parameter_invalid", param: "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Pairs(tt.raw)
			wantError(t, tt.raw, err, tt.code, tt.param)
			if tt.code != "" {
				if got != nil {
					t.Fatalf("pairs %v returned with an error", got)
				}
				return
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("Pairs(%q) = %v, want %v", tt.raw, got, tt.want)
			}
		})
	}
}

func TestPairsMaxPairs(t *testing.T) {
	body := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = "k" + strconv.Itoa(i) + "=v"
		}
		return strings.Join(parts, "&")
	}
	got, err := Pairs(body(MaxPairs))
	if err != nil || len(got) != MaxPairs {
		t.Fatalf("%d pairs: %d, %v", MaxPairs, len(got), err)
	}
	_, err = Pairs(body(MaxPairs + 1))
	wantError(t, "one pair too many", err, "parameters_too_many", "")
	// Empty parts do not count.
	got, err = Pairs(body(MaxPairs) + strings.Repeat("&", 10000))
	if err != nil || len(got) != MaxPairs {
		t.Fatalf("%d pairs and empty parts: %d, %v", MaxPairs, len(got), err)
	}
}

func TestPairsMaxKeyBytes(t *testing.T) {
	long := strings.Repeat("k", MaxKeyBytes)
	if got, err := Pairs(long + "=v"); err != nil || got[0].Key != long {
		t.Fatalf("key of %d bytes: %v", MaxKeyBytes, err)
	}
	_, err := Pairs(long + "k=v")
	wantError(t, "key one byte too long", err, "parameter_invalid", "")
	// The limit applies to the decoded key: %5B is one byte.
	enc := strings.Repeat("%5B", MaxKeyBytes)
	if got, err := Pairs(enc + "=v"); err != nil || len(got[0].Key) != MaxKeyBytes {
		t.Fatalf("encoded key decoding to %d bytes: %v", MaxKeyBytes, err)
	}
	_, err = Pairs(enc + "%5D=v")
	wantError(t, "encoded key one byte too long", err, "parameter_invalid", "")
	// Long values are fine (the body limit bounds them).
	if _, err := Pairs("v=" + strings.Repeat("x", 100000)); err != nil {
		t.Fatalf("long value: %v", err)
	}
}

// dump renders a tree compactly: hashes {k:v,...} in arrival order, arrays
// [...], scalars quoted.
func dump(n *Node) string {
	switch n.Kind {
	case Hash:
		parts := make([]string, len(n.Keys))
		for i, k := range n.Keys {
			parts[i] = k + ":" + dump(n.Hash[k])
		}
		return "{" + strings.Join(parts, ",") + "}"
	case Array:
		parts := make([]string, len(n.Items))
		for i, it := range n.Items {
			parts[i] = dump(it)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	return strconv.Quote(n.Value)
}

func assemble(raw string) (*Node, *billing.Error) {
	pairs, err := Pairs(raw)
	if err != nil {
		return nil, err
	}
	return Assemble(pairs)
}

func TestAssemble(t *testing.T) {
	tests := []struct {
		name, raw   string
		want        string
		code, param string
	}{
		{name: "empty", raw: "", want: `{}`},
		{name: "scalars", raw: "a=1&b=", want: `{a:"1",b:""}`},
		{name: "last duplicate wins", raw: "a=1&a=2", want: `{a:"2"}`},
		{name: "nested hash", raw: "a[b][c]=", want: `{a:{b:{c:""}}}`},
		{name: "hash keys in arrival order", raw: "a[z]=1&a[b]=2&a[m]=3", want: `{a:{z:"1",b:"2",m:"3"}}`},
		{name: "encoded nested hash", raw: "features%5Bcustomer_update%5D%5Benabled%5D=true", want: `{features:{customer_update:{enabled:"true"}}}`},
		{name: "appended array", raw: "a[]=x&a[]=y", want: `{a:["x","y"]}`},
		{name: "indexed array", raw: "a[0]=x&a[1]=y", want: `{a:["x","y"]}`},
		{name: "array of hashes", raw: "a[0][x]=&a[1][x]=", want: `{a:[{x:""},{x:""}]}`},
		{name: "array of hashes, fields interleaved", raw: "items[0][price]=p1&items[1][price]=p2&items[0][quantity]=2", want: `{items:[{price:"p1",quantity:"2"},{price:"p2"}]}`},
		{name: "indexes out of order", raw: "a[1]=second&a[0]=first", want: `{a:["first","second"]}`},
		{name: "indexes ordered numerically", raw: "a[10]=k&a[9]=j&a[100]=l", want: `{a:["j","k","l"]}`},
		{name: "sparse indexes compacted", raw: "a[0]=x&a[5]=y", want: `{a:["x","y"]}`},
		{name: "sparse array of hashes", raw: "a[7][p]=2&a[3][p]=1", want: `{a:[{p:"1"},{p:"2"}]}`},
		{name: "appended array of hashes", raw: "a[][p]=1&a[][p]=2", want: `{a:[{p:"1"},{p:"2"}]}`},
		{name: "array of arrays", raw: "a[0][]=x&a[0][]=y&a[1][0]=z", want: `{a:[["x","y"],["z"]]}`},
		{name: "highest index", raw: "a[" + strconv.Itoa(MaxArrayLen-1) + "]=x", want: `{a:["x"]}`},
		{name: "empty value clears, then a hash", raw: "a=&a[b]=1", want: `{a:{b:"1"}}`},
		{name: "empty value clears, then an array", raw: "a=&a[]=1", want: `{a:["1"]}`},
		{name: "empty value clears a hash", raw: "a[b]=1&a=", want: `{a:""}`},
		{name: "empty value clears an array", raw: "a[0]=1&a[1]=2&a=", want: `{a:""}`},
		{name: "numeric names at the root stay a hash", raw: "0=x&1=y", want: `{0:"x",1:"y"}`},

		// Numeric keys that are not array indexes stay hash keys: Stripe
		// reads metadata[2024]=x as a hash, and so must Assemble.
		{name: "index above the array cap is a hash key", raw: "a[" + strconv.Itoa(MaxArrayLen) + "]=x", want: `{a:{256:"x"}}`},
		{name: "huge index is a hash key", raw: "a[999999999]=1", want: `{a:{999999999:"1"}}`},
		{name: "leading zero is a hash key", raw: "a[01]=1", want: `{a:{01:"1"}}`},
		{name: "numeric and named keys mix in a hash", raw: "metadata[1]=x&metadata[note]=y", want: `{metadata:{1:"x",note:"y"}}`},
		{name: "named then numeric key", raw: "metadata[note]=y&metadata[1]=x", want: `{metadata:{note:"y",1:"x"}}`},

		{name: "mixing a[] then a[0]", raw: "a[]=x&a[0]=y", code: "parameter_invalid", param: "a[0]"},
		{name: "mixing a[0] then a[]", raw: "a[0]=x&a[]=y", code: "parameter_invalid", param: "a[]"},
		{name: "mixing a[][x] then a[b]", raw: "a[][x]=1&a[b]=2", code: "parameter_invalid", param: "a[b]"},
		{name: "scalar then hash", raw: "a=1&a[b]=2", code: "parameter_invalid", param: "a[b]"},
		{name: "hash then scalar", raw: "a[b]=2&a=1", code: "parameter_invalid", param: "a"},
		{name: "array then scalar", raw: "a[]=2&a=1", code: "parameter_invalid", param: "a"},
		{name: "scalar then array", raw: "a=1&a[]=2", code: "parameter_invalid", param: "a[]"},
		{name: "nested scalar then hash", raw: "a[b]=1&a[b][c]=2", code: "parameter_invalid", param: "a[b][c]"},
		{name: "array element scalar then hash", raw: "a[0]=1&a[0][c]=2", code: "parameter_invalid", param: "a[0][c]"},
		{name: "array element hash then scalar", raw: "a[0][c]=2&a[0]=1", code: "parameter_invalid", param: "a[0]"},
		{name: "unclosed bracket", raw: "a[=1", code: "parameter_invalid", param: "a["},
		{name: "unclosed nested bracket", raw: "a[b][c=1", code: "parameter_invalid", param: "a[b][c"},
		{name: "no name before bracket", raw: "[]=1", code: "parameter_invalid", param: "[]"},
		{name: "text after bracket", raw: "a[b]c=1", code: "parameter_invalid", param: "a[b]c"},
		{name: "bracket inside bracket", raw: "metadata[a[b]]=1", code: "parameter_invalid", param: "metadata[a[b]]"},
		{name: "empty name", raw: "=1", code: "parameter_invalid", param: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := assemble(tt.raw)
			wantError(t, tt.raw, err, tt.code, tt.param)
			if tt.code != "" {
				return
			}
			if got.Kind != Hash {
				t.Fatalf("root is kind %d, want a hash", got.Kind)
			}
			if d := dump(got); d != tt.want {
				t.Fatalf("Assemble(%q) = %s, want %s", tt.raw, d, tt.want)
			}
		})
	}
}

func TestAssembleStrayClosingBracketsAreAName(t *testing.T) {
	// "a]]" has no opening bracket: it is one (unknown) parameter name,
	// which Form reports, rather than a structure.
	got, err := assemble("a]]=1")
	if err != nil || dump(got) != `{a]]:"1"}` {
		t.Fatalf("a]]=1: %s, %v", dump(got), err)
	}
}

func TestAssembleMaxDepth(t *testing.T) {
	key := func(depth int) string { return "a" + strings.Repeat("[b]", depth-1) }
	if _, err := Assemble([]Pair{{key(MaxDepth), "x"}}); err != nil {
		t.Fatalf("depth %d: %v", MaxDepth, err)
	}
	_, err := Assemble([]Pair{{key(MaxDepth + 1), "x"}})
	wantError(t, "one level too deep", err, "parameter_invalid", key(MaxDepth+1))
	deepArray := "a" + strings.Repeat("[0]", MaxDepth)
	_, err = Assemble([]Pair{{deepArray, "1"}})
	wantError(t, "nested arrays too deep", err, "parameter_invalid", deepArray)
}

func TestAssembleMaxArrayLen(t *testing.T) {
	appended := make([]Pair, MaxArrayLen)
	indexed := make([]Pair, MaxArrayLen)
	for i := range appended {
		appended[i] = Pair{"a[]", strconv.Itoa(i)}
		indexed[i] = Pair{"a[" + strconv.Itoa(MaxArrayLen-1-i) + "]", strconv.Itoa(i)}
	}
	for name, pairs := range map[string][]Pair{"appended": appended, "indexed": indexed} {
		root, err := Assemble(pairs)
		if err != nil {
			t.Fatalf("%s: %d elements: %v", name, MaxArrayLen, err)
		}
		if a := root.Hash["a"]; a.Kind != Array || len(a.Items) != MaxArrayLen {
			t.Fatalf("%s: %d elements", name, len(a.Items))
		}
	}
	// Indexed (the last in order) comes out ordered by index.
	root, _ := Assemble(indexed)
	if first := root.Hash["a"].Items[0].Value; first != strconv.Itoa(MaxArrayLen-1) {
		t.Fatalf("first indexed element %s", first)
	}
	_, err := Assemble(append(appended, Pair{"a[]", "x"}))
	wantError(t, "one appended element too many", err, "parameter_invalid", "a[]")
	_, err = Assemble([]Pair{{"a[][b]", "1"}, {"a[][b]", "2"}})
	if err != nil {
		t.Fatal(err)
	}
	many := make([]Pair, MaxArrayLen+1)
	for i := range many {
		many[i] = Pair{"a[][b]", "x"}
	}
	_, err = Assemble(many)
	wantError(t, "one appended hash too many", err, "parameter_invalid", "a[][b]")
}

// form parses raw into a Form, failing the test on a decoding error.
func form(t *testing.T, raw string) *Form {
	t.Helper()
	f, err := ParseForm(raw)
	if err != nil {
		t.Fatalf("ParseForm(%q): %v", raw, err)
	}
	return f
}

func TestFormScalars(t *testing.T) {
	f := form(t, "name=Jenny&desc=&n=-42&on=true&off=false&pct=12.5&tax=exempt")
	if v, ok := f.String("name"); v != "Jenny" || !ok {
		t.Errorf("String(name) = %q, %v", v, ok)
	}
	if v, ok := f.String("desc"); v != "" || !ok {
		t.Errorf("String(desc) = %q, %v; an empty value is sent", v, ok)
	}
	if v, ok := f.String("missing"); v != "" || ok {
		t.Errorf("String(missing) = %q, %v", v, ok)
	}
	if v, ok := f.NonEmptyString("name"); v != "Jenny" || !ok {
		t.Errorf("NonEmptyString(name) = %q, %v", v, ok)
	}
	if v, ok := f.Int("n"); v != -42 || !ok {
		t.Errorf("Int(n) = %d, %v", v, ok)
	}
	if v, ok := f.Int("missing"); v != 0 || ok {
		t.Errorf("Int(missing) = %d, %v", v, ok)
	}
	if v, ok := f.Bool("on"); !v || !ok {
		t.Errorf("Bool(on) = %v, %v", v, ok)
	}
	if v, ok := f.Bool("off"); v || !ok {
		t.Errorf("Bool(off) = %v, %v", v, ok)
	}
	if v, ok := f.Float("pct"); v != 12.5 || !ok {
		t.Errorf("Float(pct) = %v, %v", v, ok)
	}
	if v, ok := f.Enum("tax", "none", "exempt", "reverse"); v != "exempt" || !ok {
		t.Errorf("Enum(tax) = %q, %v", v, ok)
	}
	if err := f.Err(); err != nil {
		t.Fatalf("Err() = %v", err)
	}
}

func TestFormErrors(t *testing.T) {
	tests := []struct {
		name, raw   string
		read        func(f *Form)
		code, param string
	}{
		{"empty non-empty string", "email=", func(f *Form) { f.NonEmptyString("email") }, "parameter_invalid_empty", "email"},
		{"required missing", "", func(f *Form) { f.RequiredString("customer") }, "parameter_missing", "customer"},
		{"required empty", "customer=", func(f *Form) { f.RequiredString("customer") }, "parameter_invalid_empty", "customer"},
		{"required bool missing", "", func(f *Form) { f.RequiredBool("enabled") }, "parameter_missing", "enabled"},
		{"string sent as hash", "name[x]=1", func(f *Form) { f.String("name") }, "parameter_invalid", "name"},
		{"string sent as array", "name[]=1", func(f *Form) { f.String("name") }, "parameter_invalid", "name"},
		{"bad integer", "balance=12abc", func(f *Form) { f.Int("balance") }, "parameter_invalid_integer", "balance"},
		{"decimal integer", "balance=1.5", func(f *Form) { f.Int("balance") }, "parameter_invalid_integer", "balance"},
		{"integer overflow", "balance=99999999999999999999", func(f *Form) { f.Int("balance") }, "parameter_invalid_integer", "balance"},
		{"empty integer", "balance=", func(f *Form) { f.Int("balance") }, "parameter_invalid_empty", "balance"},
		{"bad bool", "active=yes", func(f *Form) { f.Bool("active") }, "parameter_invalid", "active"},
		{"upper-case bool", "active=TRUE", func(f *Form) { f.Bool("active") }, "parameter_invalid", "active"},
		{"bad float", "pct=ten", func(f *Form) { f.Float("pct") }, "parameter_invalid", "pct"},
		{"NaN", "pct=NaN", func(f *Form) { f.Float("pct") }, "parameter_invalid", "pct"},
		{"infinity", "pct=Inf", func(f *Form) { f.Float("pct") }, "parameter_invalid", "pct"},
		{"overflowing float", "pct=1e400", func(f *Form) { f.Float("pct") }, "parameter_invalid", "pct"},
		{"hex float", "pct=0x1p4", func(f *Form) { f.Float("pct") }, "parameter_invalid", "pct"},
		{"bad enum", "tax_exempt=sometimes", func(f *Form) { f.Enum("tax_exempt", "none", "exempt") }, "parameter_invalid_string", "tax_exempt"},
		{"nested bad enum", "a[b]=x", func(f *Form) { s, _ := f.Hash("a"); s.Enum("b", "y") }, "parameter_invalid_string", "a[b]"},
		{"nested bad integer in a list", "items[0][quantity]=1&items[1][quantity]=x", func(f *Form) {
			items, _ := f.HashList("items")
			for _, it := range items {
				it.Int("quantity")
			}
		}, "parameter_invalid_integer", "items[1][quantity]"},
		{"hash sent as scalar", "address=x", func(f *Form) { f.Hash("address") }, "parameter_invalid", "address"},
		{"hash sent as appended array", "address[]=x", func(f *Form) { f.Hash("address") }, "parameter_invalid", "address"},
		{"hash list sent as scalar", "items=x", func(f *Form) { f.HashList("items") }, "parameter_invalid", "items"},
		{"hash list sent as hash", "items[price]=x", func(f *Form) { f.HashList("items") }, "parameter_invalid", "items"},
		{"hash list of scalars", "items[0]=x", func(f *Form) { f.HashList("items") }, "parameter_invalid", "items[0]"},
		{"hash list index above the cap", "items[0][p]=x&items[256][p]=y", func(f *Form) { f.HashList("items") }, "parameter_invalid", "items[256]"},
		{"hash list with a leading zero", "items[01][p]=y", func(f *Form) { f.HashList("items") }, "parameter_invalid", "items[01]"},
		{"string list index above the cap", "expand[999999999]=x", func(f *Form) { f.StringList("expand") }, "parameter_invalid", "expand[999999999]"},
		{"string list sent as hash", "expand[a]=x", func(f *Form) { f.StringList("expand") }, "parameter_invalid", "expand"},
		{"string list of hashes", "expand[0][a]=x", func(f *Form) { f.StringList("expand") }, "parameter_invalid", "expand[0]"},
		{"string list of hashes, sparse", "expand[3][a]=x", func(f *Form) { f.StringList("expand") }, "parameter_invalid", "expand[3]"},
		{"max length", "name=" + strings.Repeat("é", 6), func(f *Form) { v, _ := f.String("name"); f.MaxLen("name", v, 5) }, "parameter_invalid_string", "name"},
		{"first error wins", "a=x&b=y", func(f *Form) { f.Int("a"); f.Int("b") }, "parameter_invalid_integer", "a"},
		{"error beats unknown", "zzz=1&a=x", func(f *Form) { f.Int("a") }, "parameter_invalid_integer", "a"},
		{"explicit failure", "", func(f *Form) { f.Fail(billing.Missing("x")); f.Fail(billing.Missing("y")) }, "parameter_missing", "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := form(t, tt.raw)
			tt.read(f)
			err := f.Err()
			wantError(t, tt.raw, err, tt.code, tt.param)
			if !f.Failed() && tt.code != "parameter_unknown" {
				t.Fatalf("Failed() = false after %v", err)
			}
			if again := f.Err(); again != err {
				t.Fatalf("Err() changed from %v to %v", err, again)
			}
		})
	}
}

func TestFormAccessorsAfterAnError(t *testing.T) {
	f := form(t, "a=x&b=2&c[d]=1")
	f.Int("a")
	if v, ok := f.Int("b"); v != 0 || ok {
		t.Fatalf("after an error, Int(b) = %d, %v; want zero values", v, ok)
	}
	if sub, _ := f.Hash("c"); sub != nil {
		t.Fatalf("after an error, Hash(c) = %v", sub)
	}
	wantError(t, "after error", f.Err(), "parameter_invalid_integer", "a")
}

func TestFormHash(t *testing.T) {
	f := form(t, "address[city]=Paris&address[line1]=1+Rue&shipping=&business_profile[headline]=Hi")
	addr, cleared := f.Hash("address")
	if addr == nil || cleared {
		t.Fatalf("Hash(address) = %v, %v", addr, cleared)
	}
	if v, _ := addr.String("city"); v != "Paris" {
		t.Fatalf("city = %q", v)
	}
	if addr.Name("line1") != "address[line1]" || !addr.Has("line1") || addr.Has("state") || addr.Empty() {
		t.Fatalf("Name/Has/Empty on a sub-form")
	}
	if sub, cleared := f.Hash("shipping"); sub != nil || !cleared {
		t.Fatalf("Hash(shipping) = %v, %v; want cleared", sub, cleared)
	}
	if sub, cleared := f.Hash("missing"); sub != nil || cleared {
		t.Fatalf("Hash(missing) = %v, %v", sub, cleared)
	}
	// Reading the hash marks only the hash: its children count as read
	// when they are read, so address[line1] is unknown here.
	f.Hash("business_profile")
	err := f.Err()
	wantError(t, "unread child", err, "parameter_unknown", "address[line1]")
	addr.String("line1")
	wantError(t, "unread child of another hash", f.Err(), "parameter_unknown", "business_profile[headline]")
	if bp, _ := f.Hash("business_profile"); bp != nil {
		bp.String("headline")
	}
	if err := f.Err(); err != nil {
		t.Fatalf("all read: %v", err)
	}
}

func TestFormHashWithNumericKeys(t *testing.T) {
	// a[0]= is a hash key on the wire: a hash accessor reads it as one,
	// and an unknown one is reported by the name that was sent.
	f := form(t, "billing_details[0]=x&billing_details[1]=y")
	bd, _ := f.Hash("billing_details")
	if bd == nil {
		t.Fatal("Hash of numeric keys = nil")
	}
	if v, _ := bd.String("1"); v != "y" {
		t.Fatalf("billing_details[1] = %q", v)
	}
	wantError(t, "numeric unknown", f.Err(), "parameter_unknown", "billing_details[0]")
}

func TestFormHashList(t *testing.T) {
	f := form(t, "items[1][price]=p2&items[0][price]=p1&items[0][quantity]=3")
	items, present := f.HashList("items")
	if !present || len(items) != 2 {
		t.Fatalf("HashList = %d items, %v", len(items), present)
	}
	p1, _ := items[0].String("price")
	q, _ := items[0].Int("quantity")
	p2, _ := items[1].String("price")
	if p1 != "p1" || q != 3 || p2 != "p2" || items[1].Name("price") != "items[1][price]" {
		t.Fatalf("items = %s %d %s (%s)", p1, q, p2, items[1].Name("price"))
	}
	if err := f.Err(); err != nil {
		t.Fatal(err)
	}

	f = form(t, "items=")
	if items, present := f.HashList("items"); !present || items == nil || len(items) != 0 {
		t.Fatalf("items= gives %v, %v; want an empty, present list", items, present)
	}
	if items, present := form(t, "").HashList("items"); present || items != nil {
		t.Fatalf("absent: %v, %v", items, present)
	}
	f = form(t, "items[][price]=a&items[][price]=b")
	if items, _ := f.HashList("items"); len(items) != 2 || items[1].Name("price") != "items[1][price]" {
		t.Fatalf("appended hash list: %d", len(items))
	}
}

func TestFormStringList(t *testing.T) {
	tests := []struct {
		raw     string
		want    []string
		present bool
	}{
		{"expand[]=customer&expand[]=invoice", []string{"customer", "invoice"}, true},
		{"expand[1]=invoice&expand[0]=customer", []string{"customer", "invoice"}, true},
		{"expand[0]=customer&expand[7]=invoice", []string{"customer", "invoice"}, true},
		{"expand=customer", []string{"customer"}, true},
		{"expand=", []string{}, true},
		{"expand[]=", []string{""}, true},
		{"", nil, false},
	}
	for _, tt := range tests {
		f := form(t, tt.raw)
		got, present := f.StringList("expand")
		if present != tt.present || fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", tt.want) {
			t.Errorf("StringList(%q) = %#v, %v; want %#v, %v", tt.raw, got, present, tt.want, tt.present)
		}
		if err := f.Err(); err != nil {
			t.Errorf("%q: %v", tt.raw, err)
		}
	}
}

func TestFormRaw(t *testing.T) {
	f := form(t, "rendering_options[amount_tax_display]=x&rendering_options[template][a][]=1")
	n := f.Raw("rendering_options")
	if n == nil || n.Kind != Hash || len(n.Keys) != 2 {
		t.Fatalf("Raw = %v", n)
	}
	if err := f.Err(); err != nil {
		t.Fatalf("Raw marks everything below it read: %v", err)
	}
}

func TestFormUnknown(t *testing.T) {
	tests := []struct {
		name, raw string
		read      func(f *Form)
		want      string
	}{
		{"nothing read", "nmae=x", func(f *Form) {}, "nmae"},
		{"first in arrival order", "b=1&a=2", func(f *Form) {}, "b"},
		{"all read", "name=x", func(f *Form) { f.String("name") }, ""},
		{"nested", "address[town]=x", func(f *Form) {
			a, _ := f.Hash("address")
			a.String("city")
		}, "address[town]"},
		{"in a list, with its index", "items[0][price]=a&items[1][prise]=b", func(f *Form) {
			items, _ := f.HashList("items")
			for _, it := range items {
				it.String("price")
			}
		}, "items[1][prise]"},
		{"in a sparse list, with the index sent", "items[0][price]=a&items[5][prise]=b", func(f *Form) {
			items, _ := f.HashList("items")
			for _, it := range items {
				it.String("price")
			}
		}, "items[5][prise]"},
		{"in an appended list", "items[][price]=a&items[][prise]=b", func(f *Form) {
			items, _ := f.HashList("items")
			for _, it := range items {
				it.String("price")
			}
		}, "items[1][prise]"},
		{"deep", "features[subscription_update][products][0][prices][]=p&features[subscription_update][products][0][produkt]=x", func(f *Form) {
			fe, _ := f.Hash("features")
			su, _ := fe.Hash("subscription_update")
			ps, _ := su.HashList("products")
			ps[0].StringList("prices")
		}, "features[subscription_update][products][0][produkt]"},
		{"unread hash reported whole", "shipping[name]=x", func(f *Form) {}, "shipping"},
		{"unread list reported whole", "items[0][price]=x", func(f *Form) {}, "items"},
		{"Has does not read", "name=x", func(f *Form) { f.Has("name") }, "name"},
		{"stray brackets", "a]]=1", func(f *Form) {}, "a]]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := form(t, tt.raw)
			tt.read(f)
			if got := f.Unknown(); got != tt.want {
				t.Fatalf("Unknown() = %q, want %q", got, tt.want)
			}
			err := f.Err()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Err() = %v", err)
				}
				return
			}
			wantError(t, tt.raw, err, "parameter_unknown", tt.want)
			if !strings.Contains(err.Message, tt.want) {
				t.Fatalf("message %q does not name %s", err.Message, tt.want)
			}
			if f.Err().Param != err.Param {
				t.Fatalf("Err() is not stable")
			}
		})
	}
}

func TestFormUnknownOfSubForm(t *testing.T) {
	f := form(t, "address[city]=x&address[town]=y")
	a, _ := f.Hash("address")
	a.String("city")
	if got := a.Unknown(); got != "address[town]" {
		t.Fatalf("sub-form Unknown() = %q", got)
	}
}

func TestFormMetadata(t *testing.T) {
	tests := []struct {
		name, raw string
		want      billing.MetadataUpdate
	}{
		{"absent", "", billing.MetadataUpdate{}},
		{"clear all", "metadata=", billing.MetadataUpdate{Present: true, ClearAll: true}},
		{"delete one", "metadata[old]=", billing.MetadataUpdate{Present: true, Set: map[string]string{}, Delete: []string{"old"}}},
		{"set", "metadata[order_id]=6735&metadata[note]=a+b", billing.MetadataUpdate{Present: true, Set: map[string]string{"order_id": "6735", "note": "a b"}}},
		{"set and delete", "metadata[a]=1&metadata[b]=", billing.MetadataUpdate{Present: true, Set: map[string]string{"a": "1"}, Delete: []string{"b"}}},
		{"numeric keys", "metadata[0]=zero&metadata[1]=", billing.MetadataUpdate{Present: true, Set: map[string]string{"0": "zero"}, Delete: []string{"1"}}},
		{"numeric keys beyond array indexes", "metadata[2024]=y&metadata[007]=b", billing.MetadataUpdate{Present: true, Set: map[string]string{"2024": "y", "007": "b"}}},
		{"numeric and named keys", "metadata[1]=x&metadata[note]=y", billing.MetadataUpdate{Present: true, Set: map[string]string{"1": "x", "note": "y"}}},
		{"exactly at the limits", "metadata[" + strings.Repeat("k", 40) + "]=" + strings.Repeat("v", 500), billing.MetadataUpdate{Present: true, Set: map[string]string{strings.Repeat("k", 40): strings.Repeat("v", 500)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := form(t, tt.raw)
			got := f.Metadata("metadata")
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("Metadata = %+v, want %+v", got, tt.want)
			}
			if err := f.Err(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestFormMetadataLimits(t *testing.T) {
	fifty := make([]string, 50)
	for i := range fifty {
		fifty[i] = fmt.Sprintf("metadata[k%02d]=v", i)
	}
	long := strings.Repeat("k", 41)
	tests := []struct {
		name, raw   string
		code, param string
	}{
		{"50 keys", strings.Join(fifty, "&"), "", ""},
		{"51 keys", strings.Join(fifty, "&") + "&metadata[k50]=v", "parameter_invalid", "metadata"},
		{"50 keys and deletions", strings.Join(fifty, "&") + "&metadata[gone]=", "", ""},
		{"41-character key", "metadata[" + long + "]=v", "parameter_invalid", "metadata[" + long + "]"},
		{"41-character key deleted", "metadata[" + long + "]=", "parameter_invalid", "metadata[" + long + "]"},
		{"40 multi-byte characters", "metadata[" + strings.Repeat("é", 40) + "]=v", "", ""},
		{"501-character value", "metadata[k]=" + strings.Repeat("v", 501), "parameter_invalid", "metadata[k]"},
		{"500 multi-byte characters", "metadata[k]=" + strings.Repeat("é", 500), "", ""},
		{"key with an opening bracket", "metadata[a[]=v", "parameter_invalid", "metadata"},
		{"nested value", "metadata[k][x]=v", "parameter_invalid", "metadata[k]"},
		{"scalar", "metadata=x", "parameter_invalid", "metadata"},
		{"appended array", "metadata[]=x", "parameter_invalid", "metadata"},
		{"nested metadata param name", "items[0][metadata][" + long + "]=v", "parameter_invalid", "items[0][metadata][" + long + "]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := form(t, tt.raw)
			if strings.HasPrefix(tt.raw, "items") {
				items, _ := f.HashList("items")
				items[0].Metadata("metadata")
			} else {
				f.Metadata("metadata")
			}
			wantError(t, tt.name, f.Err(), tt.code, tt.param)
		})
	}
}

// Equivalent encodings (percent-encoded brackets, + for space) decode to
// the same pairs, so the idempotency fingerprint, which hashes the decoded
// pairs sorted by key, treats them as the same request.
func TestPairsDecodeEquivalentEncodings(t *testing.T) {
	a, _ := Pairs("b=2&a%5Bx%5D=1&a[y]=h+i")
	b, _ := Pairs("a[y]=h%20i&b=2&a[x]=1")
	sortPairs(a)
	sortPairs(b)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("decoded differently: %v vs %v", a, b)
	}
}
