package searchquery

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// testSchema resembles the customer search schema, plus a token field.
var testSchema = Schema{
	"email":    KindString,
	"name":     KindString,
	"phone":    KindString,
	"created":  KindNumber,
	"id":       KindToken,
	"metadata": KindMetadata,
}

func TestParseValid(t *testing.T) {
	tests := []struct {
		q    string
		want Query
	}{
		{`email:'jenny@example.com'`, Query{Clauses: []Clause{
			{Field: "email", Op: OpEqual, Value: "jenny@example.com", kind: KindString},
		}}},
		{`metadata['order_id']:'6735'`, Query{Clauses: []Clause{
			{Field: "metadata", Key: "order_id", Op: OpEqual, Value: "6735", kind: KindMetadata},
		}}},
		{`metadata["order id"]:"a\"b"`, Query{Clauses: []Clause{
			{Field: "metadata", Key: "order id", Op: OpEqual, Value: `a"b`, kind: KindMetadata},
		}}},
		{`name~"jen" AND created>1609459200`, Query{Clauses: []Clause{
			{Field: "name", Op: OpSubstring, Value: "jen", kind: KindString},
			{Field: "created", Op: OpGT, Value: "1609459200", kind: KindNumber},
		}}},
		{`-email:"a@b.c" OR phone:null`, Query{Or: true, Clauses: []Clause{
			{Field: "email", Op: OpEqual, Value: "a@b.c", Negate: true, kind: KindString},
			{Field: "phone", Op: OpEqual, Null: true, kind: KindString},
		}}},
		{`email:"x\"y"`, Query{Clauses: []Clause{
			{Field: "email", Op: OpEqual, Value: `x"y`, kind: KindString},
		}}},
		{`name:'it\'s \\ here'`, Query{Clauses: []Clause{
			{Field: "name", Op: OpEqual, Value: `it's \ here`, kind: KindString},
		}}},
		{`name:"single ' inside"`, Query{Clauses: []Clause{
			{Field: "name", Op: OpEqual, Value: `single ' inside`, kind: KindString},
		}}},
		{`created>=1 AND created<=2 AND created<3`, Query{Clauses: []Clause{
			{Field: "created", Op: OpGTE, Value: "1", kind: KindNumber},
			{Field: "created", Op: OpLTE, Value: "2", kind: KindNumber},
			{Field: "created", Op: OpLT, Value: "3", kind: KindNumber},
		}}},
		{`created:"42"`, Query{Clauses: []Clause{
			{Field: "created", Op: OpEqual, Value: "42", kind: KindNumber},
		}}},
		{`created>-5`, Query{Clauses: []Clause{
			{Field: "created", Op: OpGT, Value: "-5", kind: KindNumber},
		}}},
		{`id:"cus_123" phone:5551234`, Query{Clauses: []Clause{
			{Field: "id", Op: OpEqual, Value: "cus_123", kind: KindToken},
			{Field: "phone", Op: OpEqual, Value: "5551234", kind: KindString},
		}}},
		// Keywords and null are case-insensitive, as Stripe documents.
		{`email:"a" and name:"bob"`, Query{Clauses: []Clause{
			{Field: "email", Op: OpEqual, Value: "a", kind: KindString},
			{Field: "name", Op: OpEqual, Value: "bob", kind: KindString},
		}}},
		{`email:"a" or -created:NULL`, Query{Or: true, Clauses: []Clause{
			{Field: "email", Op: OpEqual, Value: "a", kind: KindString},
			{Field: "created", Op: OpEqual, Null: true, Negate: true, kind: KindNumber},
		}}},
		// Quoted null is a string, not the null token.
		{`name:"null"`, Query{Clauses: []Clause{
			{Field: "name", Op: OpEqual, Value: "null", kind: KindString},
		}}},
		// Whitespace around and between clauses is free.
		{"  email:\"a\"\t\tAND\n name:\"b c\"  ", Query{Clauses: []Clause{
			{Field: "email", Op: OpEqual, Value: "a", kind: KindString},
			{Field: "name", Op: OpEqual, Value: "b c", kind: KindString},
		}}},
		{strings.Repeat(`email:"a" `, MaxClauses), Query{Clauses: repeatClause(
			Clause{Field: "email", Op: OpEqual, Value: "a", kind: KindString}, MaxClauses)}},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			got, err := Parse(tt.q, testSchema)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.q, err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("Parse(%q) =\n  %#v\nwant\n  %#v", tt.q, *got, tt.want)
			}
		})
	}
}

func repeatClause(c Clause, n int) []Clause {
	out := make([]Clause, n)
	for i := range out {
		out[i] = c
	}
	return out
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, q, want string
	}{
		{"empty", "", "must not be empty"},
		{"blank", "  \t ", "must not be empty"},
		{"unknown field", `foo:"x"`, "Field `foo` is not a supported search field. Supported fields are: created, email, id, metadata, name, phone."},
		{"mixed and or", `email:"a" AND name:"b" OR phone:"c"`, "cannot combine AND and OR"},
		{"mixed implicit and with or", `email:"a" name:"b" OR phone:"c"`, "cannot combine AND and OR"},
		{"unterminated double quote", `email:"abc`, "Unterminated quoted string in the value of `email`"},
		{"unterminated single quote", `email:'abc" AND name:"x"`, "Unterminated quoted string"},
		{"unterminated by escape", `email:"abc\"`, "Unterminated quoted string"},
		{"unterminated key", `metadata['k:"v"`, "Unterminated quoted string in the key of `metadata`"},
		{"missing value", `email:`, "Missing value after `email:`"},
		{"missing value before next clause", `email: name:"x"`, "Missing value after `email:`"},
		{"too many clauses", strings.TrimSpace(strings.Repeat(`email:"a" `, MaxClauses+1)), "at most 10 clauses"},
		{"substring too short", `name~"je"`, "at least 3 characters"},
		{"substring too short multibyte", `name~"éé"`, "at least 3 characters"},
		{"substring on number", `created~"123"`, "does not support substring matching"},
		{"substring on token", `id~"cus_"`, "does not support substring matching"},
		{"substring on metadata", `metadata['k']~"abc"`, "does not support substring matching"},
		{"comparison on string", `email>5`, "Field `email` does not support numeric comparison (>)"},
		{"comparison on token", `id<=5`, "does not support numeric comparison (<=)"},
		{"comparison on metadata", `metadata['k']>=5`, "does not support numeric comparison"},
		{"non-numeric number value", `created:"soon"`, "must be an integer"},
		{"decimal comparison", `created>1.5`, "must be an integer"},
		{"number overflow", `created<99999999999999999999`, "must be an integer"},
		{"bare string value", `email:jenny`, "must be quoted"},
		{"lowercase keyword alone", `and`, "Unexpected AND"},
		{"leading keyword", `OR email:"a"`, "Unexpected OR"},
		{"doubled keyword", `email:"a" AND AND name:"b"`, "Unexpected AND"},
		{"trailing keyword", `email:"a" AND`, "ends with AND"},
		{"trailing keyword with space", `email:"a" or  `, "ends with OR"},
		{"no separator", `email:"a"name:"b"`, "separate clauses with whitespace"},
		{"missing operator", `email "a"`, "Expected an operator"},
		{"unsupported operator", `created=5`, "Expected an operator"},
		{"missing field", `:"a"`, "Expected a field name"},
		{"dangling negation", `- email:"a"`, "Expected a field name after \"-\""},
		{"double negation", `--email:"a"`, "Expected a field name"},
		{"metadata without key", `metadata:"a"`, "needs a key"},
		{"metadata unquoted key", `metadata[k]:"a"`, "must be quoted"},
		{"metadata empty key", `metadata['']:"a"`, "must not be empty"},
		{"metadata missing bracket", `metadata['k':"a"`, "Expected ]"},
		{"key on plain field", `email['k']:"a"`, "does not take a key"},
		{"metadata null", `metadata['k']:null`, "for null is not supported"},
		{"null with substring", `name~null`, "null can only be used with `:`"},
		{"null with comparison", `created>null`, "null can only be used with `:`"},
		{"empty value", `email:""`, "must not be empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := Parse(tt.q, testSchema)
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want error containing %q", tt.q, q, tt.want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q) error %T is not *Error", tt.q, err)
			}
			if e.Error() != e.Message {
				t.Errorf("Error() = %q, Message = %q", e.Error(), e.Message)
			}
			if !strings.Contains(e.Message, tt.want) {
				t.Errorf("Parse(%q) error = %q, want it to contain %q", tt.q, e.Message, tt.want)
			}
		})
	}
}

func TestString(t *testing.T) {
	tests := []struct{ q, want string }{
		{`email:'jenny@example.com'`, `email:"jenny@example.com"`},
		{`email:"x\"y"`, `email:"x\"y"`},
		{`name:'back\\slash'`, `name:"back\\slash"`},
		{`metadata['order_id']:'6735'`, `metadata["order_id"]:6735`},
		{`-email:"a@b.c" or phone:NULL`, `-email:"a@b.c" OR phone:null`},
		{`name~"jen"   created>=1609459200`, `name~"jen" AND created>=1609459200`},
		{`name:"null"`, `name:"null"`},
		{`created<-3 created<=4`, `created<-3 AND created<=4`},
	}
	for _, tt := range tests {
		q, err := Parse(tt.q, testSchema)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.q, err)
		}
		if got := q.String(); got != tt.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.q, got, tt.want)
		}
		again, err := Parse(q.String(), testSchema)
		if err != nil {
			t.Fatalf("reparse %q: %v", q.String(), err)
		}
		if !reflect.DeepEqual(q, again) {
			t.Errorf("reparse of %q = %#v, want %#v", q.String(), again, q)
		}
	}
}

func TestOpString(t *testing.T) {
	want := map[Op]string{OpEqual: ":", OpSubstring: "~", OpGT: ">", OpGTE: ">=", OpLT: "<", OpLTE: "<=", Op(99): "Op(99)"}
	for op, s := range want {
		if got := op.String(); got != s {
			t.Errorf("Op(%d).String() = %q, want %q", int(op), got, s)
		}
	}
}

// fakeRecord is a Record over plain maps.
type fakeRecord struct {
	fields   map[string]string
	metadata map[string]string
}

func (r fakeRecord) Field(name, key string) (string, bool) {
	if name == "metadata" {
		v, ok := r.metadata[key]
		return v, ok
	}
	v, ok := r.fields[name]
	return v, ok
}

func TestMatch(t *testing.T) {
	jenny := fakeRecord{
		fields: map[string]string{
			"id":      "cus_ABC",
			"email":   "Jenny@Example.com",
			"name":    "Jenny Rosen",
			"phone":   "",
			"created": "1609459200",
		},
		metadata: map[string]string{"order_id": "6735", "tier": "Gold"},
	}
	bare := fakeRecord{fields: map[string]string{"id": "cus_X", "created": "oops"}}

	tests := []struct {
		q    string
		rec  fakeRecord
		want bool
	}{
		{`email:"jenny@example.com"`, jenny, true}, // string equality ignores case
		{`email:"jenny@example"`, jenny, false},    // but is not a substring match
		{`email:"jenny@example.com"`, bare, false}, // unset field
		{`id:"cus_ABC"`, jenny, true},
		{`id:"cus_abc"`, jenny, false}, // tokens are case-sensitive
		{`created:1609459200`, jenny, true},
		{`created:"01609459200"`, jenny, true}, // numeric, not textual, equality
		{`created:1609459201`, jenny, false},
		{`created:1`, bare, false}, // unparsable stored number
		{`name~"ROSE"`, jenny, true},
		{`name~"rosa"`, jenny, false},
		{`name~"abc"`, bare, false},
		{`created>1609459199`, jenny, true},
		{`created>1609459200`, jenny, false},
		{`created>=1609459200`, jenny, true},
		{`created>=1609459201`, jenny, false},
		{`created<1609459201`, jenny, true},
		{`created<1609459200`, jenny, false},
		{`created<=1609459200`, jenny, true},
		{`created<=1609459199`, jenny, false},
		{`created>0`, bare, false},
		{`phone:null`, jenny, true}, // set but empty
		{`phone:null`, bare, true},  // unset
		{`name:null`, jenny, false},
		{`-name:null`, jenny, true},
		{`-email:"jenny@example.com"`, jenny, false},
		{`-email:"jenny@example.com"`, bare, true},
		{`metadata['order_id']:'6735'`, jenny, true},
		{`metadata['order_id']:'6736'`, jenny, false},
		{`metadata['tier']:'gold'`, jenny, false}, // metadata values are case-sensitive
		{`metadata['missing']:'x'`, jenny, false},
		{`-metadata['missing']:'x'`, jenny, true},
		{`email:"jenny@example.com" AND created>5`, jenny, true},
		{`email:"jenny@example.com" AND created<5`, jenny, false},
		{`email:"nobody@example.com" OR created>5`, jenny, true},
		{`email:"nobody@example.com" OR created<5`, jenny, false},
		{`id:"cus_X" -email:null`, bare, false},
	}
	for _, tt := range tests {
		q, err := Parse(tt.q, testSchema)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.q, err)
		}
		if got := q.Match(tt.rec); got != tt.want {
			t.Errorf("Parse(%q).Match(%v) = %v, want %v", tt.q, tt.rec.fields, got, tt.want)
		}
	}
}

func TestMatchHandBuilt(t *testing.T) {
	rec := fakeRecord{
		fields:   map[string]string{"email": "A@B.C", "created": "10"},
		metadata: map[string]string{"k": "V"},
	}
	tests := []struct {
		q    Query
		want bool
	}{
		{Query{}, true},          // AND of nothing
		{Query{Or: true}, false}, // OR of nothing
		{Query{Clauses: []Clause{{Field: "email", Value: "a@b.c"}}}, true},
		{Query{Clauses: []Clause{{Field: "metadata", Key: "k", Value: "v"}}}, false},
		{Query{Clauses: []Clause{{Field: "metadata", Key: "k", Value: "V"}}}, true},
		{Query{Clauses: []Clause{{Field: "created", Op: OpGT, Value: "9"}}}, true},
		{Query{Clauses: []Clause{{Field: "created", Op: OpGT, Value: "x"}}}, false},
	}
	for i, tt := range tests {
		if got := tt.q.Match(rec); got != tt.want {
			t.Errorf("case %d: %v.Match = %v, want %v", i, tt.q.String(), got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`email:'jenny@example.com'`,
		`metadata['order_id']:'6735'`,
		`metadata["k\"ey"]:"v\\al"`,
		`name~"jen" AND created>1609459200`,
		`-email:"a@b.c" OR phone:null`,
		`email:"x\"y"`,
		`created>=-1 created<=2 created<3 created:"4"`,
		`id:"cus_1" and name:'it\'s'`,
		`email:"a" or name:NULL`,
		`name:"null"`,
		`email:"a"name:"b"`,
		`email:"unterminated`,
		`foo:bar`,
		`AND`,
		"name:\"\xff\xfe\"",
		`phone:1.5`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s, testSchema)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Message == "" {
				t.Fatalf("Parse(%q) returned %T %v, want *Error with a message", s, err, err)
			}
			return
		}
		if len(q.Clauses) == 0 || len(q.Clauses) > MaxClauses {
			t.Fatalf("Parse(%q) gave %d clauses", s, len(q.Clauses))
		}
		out := q.String()
		again, err := Parse(out, testSchema)
		if err != nil {
			t.Fatalf("Parse(%q) succeeded but reparsing its String %q failed: %v", s, out, err)
		}
		if !reflect.DeepEqual(q, again) {
			t.Fatalf("Parse(%q) = %#v, but reparsing %q gave %#v", s, q, out, again)
		}
		if out2 := again.String(); out2 != out {
			t.Fatalf("String not stable: %q then %q", out, out2)
		}
		q.Match(fakeRecord{})
		q.Match(fakeRecord{fields: map[string]string{"email": s, "created": "1"}, metadata: map[string]string{"k": s}})
	})
}
