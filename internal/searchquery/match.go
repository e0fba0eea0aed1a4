package searchquery

import (
	"strconv"
	"strings"
)

// Record gives a query the values of one object. For a plain field (key is
// "") it returns the field's value and whether the field is set; for a
// metadata field it returns the value under key and whether the key exists.
// Numbers are given in base 10.
type Record interface {
	Field(name, key string) (value string, ok bool)
}

// Match reports whether rec satisfies q: every clause when the clauses are
// joined with AND, any clause when they are joined with OR.
//
// Match compares each clause by the kind Parse found for its field. A Clause
// built by hand compares as KindMetadata when Key is set and as KindString
// otherwise, except that comparisons (>, >=, <, <=) are always numeric.
func (q *Query) Match(rec Record) bool {
	if q.Or {
		for i := range q.Clauses {
			if q.Clauses[i].match(rec) {
				return true
			}
		}
		return false
	}
	for i := range q.Clauses {
		if !q.Clauses[i].match(rec) {
			return false
		}
	}
	return true
}

// match evaluates one clause, negation included.
func (c *Clause) match(rec Record) bool {
	return c.test(rec) != c.Negate
}

// test evaluates one clause, ignoring negation.
func (c *Clause) test(rec Record) bool {
	if c.kind == KindMetadata || c.Key != "" {
		if c.Null {
			return false // Parse rejects null for metadata.
		}
		v, ok := rec.Field(c.Field, c.Key)
		return ok && v == c.Value
	}
	v, ok := rec.Field(c.Field, "")
	if c.Null {
		return !ok || v == ""
	}
	if !ok {
		return false
	}
	switch c.Op {
	case OpEqual:
		switch c.kind {
		case KindToken:
			return v == c.Value
		case KindNumber:
			return compareInts(v, c.Value, func(a, b int64) bool { return a == b })
		default:
			return strings.EqualFold(v, c.Value)
		}
	case OpSubstring:
		return strings.Contains(strings.ToLower(v), strings.ToLower(c.Value))
	case OpGT:
		return compareInts(v, c.Value, func(a, b int64) bool { return a > b })
	case OpGTE:
		return compareInts(v, c.Value, func(a, b int64) bool { return a >= b })
	case OpLT:
		return compareInts(v, c.Value, func(a, b int64) bool { return a < b })
	case OpLTE:
		return compareInts(v, c.Value, func(a, b int64) bool { return a <= b })
	}
	return false
}

// compareInts parses both sides as int64 and applies cmp; it is false when
// either side is not an integer.
func compareInts(have, want string, cmp func(a, b int64) bool) bool {
	a, err := strconv.ParseInt(have, 10, 64)
	if err != nil {
		return false
	}
	b, err := strconv.ParseInt(want, 10, 64)
	if err != nil {
		return false
	}
	return cmp(a, b)
}
