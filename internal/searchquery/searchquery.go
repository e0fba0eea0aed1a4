// Package searchquery parses and evaluates Stripe's Search Query Language,
// the `query` parameter of the /v1/<resource>/search endpoints.
//
// A query is a list of clauses such as email:"jenny@example.com",
// name~"jen", created>1609459200, phone:null or metadata['order_id']:'6735',
// each optionally negated with a leading "-", joined by AND or OR (in any
// case) or by plain whitespace, which means AND. A query may not mix AND
// and OR and may hold at most MaxClauses clauses. String values are quoted
// with ' or " and may escape a character with a backslash; numbers and the
// word null may be bare.
//
// Parse checks a query against a Schema, the fields one resource supports
// and how each compares, and reports every problem as an *Error whose
// message may be shown to the client. Query.Match evaluates a parsed query
// against one object, seen through the Record interface.
package searchquery

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxClauses is the largest number of clauses a query may hold, as in Stripe.
const MaxClauses = 10

// MinSubstringLen is the smallest number of characters a substring (~) value
// may have, as in Stripe.
const MinSubstringLen = 3

// Query is a parsed search query.
type Query struct {
	// Clauses holds the query's conditions in the order written.
	Clauses []Clause
	// Or is true when the clauses are joined with OR; otherwise all of them
	// must hold.
	Or bool
}

// Clause is one condition of a query.
type Clause struct {
	// Field is the field the clause tests, such as "email", "created" or
	// "metadata".
	Field string
	// Key is the metadata key for a metadata clause and "" otherwise.
	Key string
	// Op is the comparison the clause makes.
	Op Op
	// Value is the clause's value with quotes and escapes removed; it is ""
	// when Null is set.
	Value string
	// Null is true when the value was the bare word null.
	Null bool
	// Negate is true when the clause was written with a leading "-".
	Negate bool

	// kind is the schema kind of Field, recorded by Parse for Match.
	kind FieldKind
}

// Op is the operator of a clause.
type Op int

// The operators of the query language.
const (
	// OpEqual is ":", an exact match.
	OpEqual Op = iota
	// OpSubstring is "~", a case-insensitive substring match.
	OpSubstring
	// OpGT is ">", numerically greater than.
	OpGT
	// OpGTE is ">=", numerically greater than or equal to.
	OpGTE
	// OpLT is "<", numerically less than.
	OpLT
	// OpLTE is "<=", numerically less than or equal to.
	OpLTE
)

// String returns the operator as written in a query, such as ":" or ">=".
func (o Op) String() string {
	switch o {
	case OpEqual:
		return ":"
	case OpSubstring:
		return "~"
	case OpGT:
		return ">"
	case OpGTE:
		return ">="
	case OpLT:
		return "<"
	case OpLTE:
		return "<="
	}
	return fmt.Sprintf("Op(%d)", int(o))
}

// Error is a parse or validation error with a client-facing message. Stripe
// answers it with a 400 invalid_request_error whose param is "query"; the
// caller does the wrapping.
type Error struct {
	// Message is the client-facing explanation.
	Message string
}

// Error returns the client-facing message.
func (e *Error) Error() string { return e.Message }

func errorf(format string, args ...any) *Error {
	return &Error{Message: fmt.Sprintf(format, args...)}
}

// FieldKind says how a field compares.
type FieldKind int

// The kinds of field.
const (
	// KindString is free text: ":" is case-insensitive equality and "~" a
	// case-insensitive substring match.
	KindString FieldKind = iota
	// KindNumber is an integer: ":" is numeric equality and >, >=, <, <=
	// compare numerically.
	KindNumber
	// KindToken is an identifier-like string such as an id, a status or a
	// currency: ":" is exact, case-sensitive equality.
	KindToken
	// KindMetadata is a map of strings addressed as field['key']: ":" is
	// exact, case-sensitive equality of the value under the key.
	KindMetadata
)

// Schema lists the fields a resource's search supports and how each
// compares. Parse rejects other fields with a message naming the supported
// ones, rejects ~ on fields other than KindString, comparisons on fields
// other than KindNumber, and non-integer values for KindNumber fields.
type Schema map[string]FieldKind

// fieldList returns the schema's field names, sorted and comma separated.
func (s Schema) fieldList() string {
	names := make([]string, 0, len(s))
	for name := range s {
		names = append(names, name)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// Parse parses q against schema. Every error it returns is an *Error.
func Parse(q string, schema Schema) (*Query, error) {
	p := parser{s: q, schema: schema}
	p.skipSpace()
	if p.eof() {
		return nil, errorf("The search query must not be empty.")
	}
	query := &Query{}
	sawAnd, sawOr := false, false
	for {
		if len(query.Clauses) == MaxClauses {
			return nil, errorf("A search query can have at most %d clauses.", MaxClauses)
		}
		c, err := p.clause()
		if err != nil {
			return nil, err
		}
		query.Clauses = append(query.Clauses, c)
		if p.eof() {
			break
		}
		if !isSpace(p.s[p.pos]) {
			return nil, errorf("Unexpected %q after the value of `%s`; separate clauses with whitespace, AND or OR.", p.snippet(), c.Field)
		}
		p.skipSpace()
		if p.eof() {
			break
		}
		if kw, ok := p.keyword(); ok {
			if kw == "AND" {
				sawAnd = true
			} else {
				sawOr = true
			}
			p.skipSpace()
			if p.eof() {
				return nil, errorf("The search query ends with %s; a clause must follow it.", kw)
			}
		} else {
			sawAnd = true // clauses separated by whitespace alone are ANDed
		}
		if sawAnd && sawOr {
			return nil, errorf("A search query cannot combine AND and OR; use only one of them.")
		}
	}
	query.Or = sawOr
	return query, nil
}

// parser holds the state of one Parse call.
type parser struct {
	s      string
	pos    int
	schema Schema
}

func (p *parser) eof() bool { return p.pos >= len(p.s) }

func (p *parser) peek() byte {
	if p.eof() {
		return 0
	}
	return p.s[p.pos]
}

func (p *parser) skipSpace() {
	for !p.eof() && isSpace(p.s[p.pos]) {
		p.pos++
	}
}

// word returns the text from the current position to the next whitespace.
func (p *parser) word() string {
	end := p.pos
	for end < len(p.s) && !isSpace(p.s[end]) {
		end++
	}
	return p.s[p.pos:end]
}

// snippet returns the upcoming word, shortened for use in a message.
func (p *parser) snippet() string {
	w := p.word()
	const max = 40
	if len(w) > max {
		w = w[:max]
		for len(w) > 0 && !utf8.ValidString(w) {
			w = w[:len(w)-1]
		}
		w += "..."
	}
	return w
}

// keyword consumes the word AND or OR (in any case) at the current position
// and returns it in upper case.
func (p *parser) keyword() (string, bool) {
	w := p.word()
	for _, kw := range []string{"AND", "OR"} {
		if strings.EqualFold(w, kw) {
			p.pos += len(w)
			return kw, true
		}
	}
	return "", false
}

// clause parses one clause starting at the current position, which is not
// whitespace.
func (p *parser) clause() (Clause, error) {
	var c Clause
	if w := p.word(); strings.EqualFold(w, "AND") || strings.EqualFold(w, "OR") {
		return c, errorf("Unexpected %s; it must stand between two clauses.", strings.ToUpper(w))
	}
	if p.peek() == '-' {
		c.Negate = true
		p.pos++
	}
	c.Field = p.ident()
	if c.Field == "" {
		if p.eof() || isSpace(p.peek()) {
			return c, errorf("Expected a field name after \"-\".")
		}
		return c, errorf("Expected a field name but found %q.", p.snippet())
	}
	kind, ok := p.schema[c.Field]
	if !ok {
		return c, errorf("Field `%s` is not a supported search field. Supported fields are: %s.", c.Field, p.schema.fieldList())
	}
	c.kind = kind

	if p.peek() == '[' {
		if kind != KindMetadata {
			return c, errorf("Field `%s` does not take a key in brackets.", c.Field)
		}
		p.pos++
		if !isQuote(p.peek()) {
			return c, errorf("The key of `%s` must be quoted, as in %s['key'].", c.Field, c.Field)
		}
		key, err := p.quoted("the key of `" + c.Field + "`")
		if err != nil {
			return c, err
		}
		if key == "" {
			return c, errorf("The key of `%s` must not be empty.", c.Field)
		}
		if p.peek() != ']' {
			return c, errorf("Expected ] after the key of `%s`.", c.Field)
		}
		p.pos++
		c.Key = key
	} else if kind == KindMetadata {
		return c, errorf("Field `%s` needs a key, as in %s['key']:'value'.", c.Field, c.Field)
	}

	op, ok := p.op()
	if !ok {
		return c, errorf("Expected an operator (:, ~, >, >=, <, <=) after `%s`.", c.Field)
	}
	c.Op = op

	if p.eof() || isSpace(p.peek()) {
		return c, errorf("Missing value after `%s%s`.", c.Field, op)
	}
	if isQuote(p.peek()) {
		v, err := p.quoted("the value of `" + c.Field + "`")
		if err != nil {
			return c, err
		}
		c.Value = v
	} else {
		v := p.word()
		p.pos += len(v)
		switch {
		case strings.EqualFold(v, "null"):
			c.Null = true
		case isBareNumber(v):
			c.Value = v
		default:
			return c, errorf("The value %q of `%s` must be quoted, as in %s%s\"%s\".", v, c.Field, c.Field, op, v)
		}
	}
	return c, c.validate()
}

// validate checks that the clause's operator and value suit its field.
func (c *Clause) validate() error {
	if c.Null {
		if c.kind == KindMetadata {
			return errorf("Searching `%s` for null is not supported.", c.Field)
		}
		if c.Op != OpEqual {
			return errorf("null can only be used with `:`, as in %s:null.", c.Field)
		}
		return nil
	}
	if c.Value == "" {
		return errorf("The value of `%s` must not be empty; use %s:null to find objects without it.", c.Field, c.Field)
	}
	switch c.Op {
	case OpSubstring:
		if c.kind != KindString {
			return errorf("Field `%s` does not support substring matching (~); use `:` for an exact match.", c.Field)
		}
		if utf8.RuneCountInString(c.Value) < MinSubstringLen {
			return errorf("Substring matching (~) on `%s` needs a value of at least %d characters.", c.Field, MinSubstringLen)
		}
	case OpGT, OpGTE, OpLT, OpLTE:
		if c.kind != KindNumber {
			return errorf("Field `%s` does not support numeric comparison (%s).", c.Field, c.Op)
		}
		if _, err := strconv.ParseInt(c.Value, 10, 64); err != nil {
			return errorf("The value %q of `%s` must be an integer.", c.Value, c.Field)
		}
	case OpEqual:
		if c.kind == KindNumber {
			if _, err := strconv.ParseInt(c.Value, 10, 64); err != nil {
				return errorf("The value %q of `%s` must be an integer.", c.Value, c.Field)
			}
		}
	}
	return nil
}

// ident consumes a field name: a letter or underscore followed by letters,
// digits, underscores and dots.
func (p *parser) ident() string {
	start := p.pos
	for !p.eof() {
		b := p.s[p.pos]
		letter := b == '_' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
		if !letter && !(p.pos > start && (b == '.' || '0' <= b && b <= '9')) {
			break
		}
		p.pos++
	}
	return p.s[start:p.pos]
}

// op consumes an operator.
func (p *parser) op() (Op, bool) {
	switch p.peek() {
	case ':':
		p.pos++
		return OpEqual, true
	case '~':
		p.pos++
		return OpSubstring, true
	case '>', '<':
		gt := p.peek() == '>'
		p.pos++
		eq := p.peek() == '='
		if eq {
			p.pos++
		}
		switch {
		case gt && eq:
			return OpGTE, true
		case gt:
			return OpGT, true
		case eq:
			return OpLTE, true
		default:
			return OpLT, true
		}
	}
	return 0, false
}

// quoted consumes a string quoted with ' or ", in which a backslash escapes
// the next byte. what names the string for error messages.
func (p *parser) quoted(what string) (string, error) {
	q := p.s[p.pos]
	p.pos++
	var b strings.Builder
	for {
		if p.eof() {
			return "", errorf("Unterminated quoted string in %s.", what)
		}
		ch := p.s[p.pos]
		p.pos++
		switch ch {
		case '\\':
			if p.eof() {
				return "", errorf("Unterminated quoted string in %s.", what)
			}
			b.WriteByte(p.s[p.pos])
			p.pos++
		case q:
			return b.String(), nil
		default:
			b.WriteByte(ch)
		}
	}
}

func isSpace(b byte) bool {
	switch b {
	case ' ', '\t', '\n', '\r', '\f', '\v':
		return true
	}
	return false
}

func isQuote(b byte) bool { return b == '"' || b == '\'' }

// isBareNumber reports whether s is a number that may appear unquoted:
// an optional minus sign, digits, and optionally a dot and more digits.
func isBareNumber(s string) bool {
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasDot := strings.Cut(s, ".")
	if !allDigits(intPart) {
		return false
	}
	return !hasDot || allDigits(frac)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String returns the query in canonical form: clauses joined by " AND " or
// " OR ", values double-quoted unless they are numbers or null. Parsing the
// result against the same schema gives an equal Query.
func (q *Query) String() string {
	sep := " AND "
	if q.Or {
		sep = " OR "
	}
	parts := make([]string, len(q.Clauses))
	for i, c := range q.Clauses {
		parts[i] = c.String()
	}
	return strings.Join(parts, sep)
}

// String returns the clause in canonical form, such as -email:"a@b.c" or
// metadata["order_id"]:"6735".
func (c Clause) String() string {
	var b strings.Builder
	if c.Negate {
		b.WriteByte('-')
	}
	b.WriteString(c.Field)
	if c.Key != "" {
		b.WriteByte('[')
		writeQuoted(&b, c.Key)
		b.WriteByte(']')
	}
	b.WriteString(c.Op.String())
	switch {
	case c.Null:
		b.WriteString("null")
	case isBareNumber(c.Value):
		b.WriteString(c.Value)
	default:
		writeQuoted(&b, c.Value)
	}
	return b.String()
}

// writeQuoted writes s in double quotes, escaping quotes and backslashes.
func writeQuoted(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
}
