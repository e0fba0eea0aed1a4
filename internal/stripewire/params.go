package stripewire

import (
	"math"
	"strconv"
	"strings"

	"github.com/porticohq/portico/internal/billing"
)

// Form gives typed access to one hash of the parameter tree. Every accessor
// marks what it read; Err then reports the first decoding error, or else the
// first parameter that nothing read, as Stripe's parameter_unknown. After an
// error, accessors return zero values, so a handler reads all its parameters
// and checks Err once, as with bufio.Scanner.
type Form struct {
	node   *Node
	prefix string
	root   *Form
	err    *billing.Error
}

// NewForm wraps an assembled tree.
func NewForm(root *Node) *Form {
	f := &Form{node: root}
	f.root = f
	return f
}

// ParseForm decodes raw (a query string or form body) into a Form.
func ParseForm(raw string) (*Form, *billing.Error) {
	pairs, err := Pairs(raw)
	if err != nil {
		return nil, err
	}
	root, err := Assemble(pairs)
	if err != nil {
		return nil, err
	}
	return NewForm(root), nil
}

// Name returns the bracketed parameter name of key within f.
func (f *Form) Name(key string) string {
	if f.prefix == "" {
		return key
	}
	return f.prefix + "[" + key + "]"
}

// Fail records err as the form's error unless one is already recorded.
func (f *Form) Fail(err *billing.Error) {
	if f.root.err == nil {
		f.root.err = err
	}
}

// Failed reports whether an error has been recorded.
func (f *Form) Failed() bool { return f.root.err != nil }

// Has reports whether key was sent, without marking it read.
func (f *Form) Has(key string) bool {
	if f == nil || f.node == nil {
		return false
	}
	_, ok := f.node.Hash[key]
	return ok
}

// Empty reports whether f holds no keys at all.
func (f *Form) Empty() bool { return f == nil || f.node == nil || len(f.node.Keys) == 0 }

func (f *Form) get(key string) *Node {
	if f == nil || f.node == nil || f.root.err != nil {
		return nil
	}
	n := f.node.Hash[key]
	if n != nil {
		n.used = true
	}
	return n
}

// Raw marks key and everything below it read and returns its node.
func (f *Form) Raw(key string) *Node {
	n := f.get(key)
	markUsed(n)
	return n
}

func markUsed(n *Node) {
	if n == nil {
		return
	}
	n.used = true
	for _, c := range n.Hash {
		markUsed(c)
	}
	for _, c := range n.Items {
		markUsed(c)
	}
}

func (f *Form) scalar(key, what string) (string, bool) {
	n := f.get(key)
	if n == nil {
		return "", false
	}
	if n.Kind != Scalar {
		markUsed(n)
		f.Fail(billing.Invalid(f.Name(key), "parameter_invalid", "Invalid %s: %s must be a %s, not a hash or array.", what, f.Name(key), what))
		return "", false
	}
	return n.Value, true
}

// String returns the string value of key and whether it was sent. An empty
// string is returned as sent: for nullable fields it means "clear".
func (f *Form) String(key string) (string, bool) { return f.scalar(key, "string") }

// NonEmptyString is String for parameters that may not be empty: an empty
// value is an error.
func (f *Form) NonEmptyString(key string) (string, bool) {
	v, ok := f.String(key)
	if ok && v == "" {
		f.Fail(billing.Invalid(f.Name(key), "parameter_invalid_empty",
			"You passed an empty string for '%s'. We assume empty values are an attempt to unset a parameter; however '%s' cannot be unset. You should remove '%s' from your request or supply a non-empty value.",
			f.Name(key), f.Name(key), f.Name(key)))
		return "", false
	}
	return v, ok
}

// RequiredString returns a non-empty string, recording parameter_missing when
// key was not sent.
func (f *Form) RequiredString(key string) string {
	v, ok := f.NonEmptyString(key)
	if !ok && !f.Failed() {
		f.Fail(billing.Missing(f.Name(key)))
	}
	return v
}

// MaxLen records an error when v (the value of key) is longer than max
// characters.
func (f *Form) MaxLen(key, v string, max int) {
	if len([]rune(v)) > max {
		f.Fail(billing.Invalid(f.Name(key), "parameter_invalid_string",
			"Invalid %s: must be at most %d characters.", f.Name(key), max))
	}
}

// Int returns the integer value of key and whether it was sent (non-empty).
func (f *Form) Int(key string) (int64, bool) {
	v, ok := f.NonEmptyString(key)
	if !ok {
		return 0, false
	}
	i, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		f.Fail(billing.Invalid(f.Name(key), "parameter_invalid_integer", "Invalid integer: %s", v))
		return 0, false
	}
	return i, true
}

// Float returns the decimal value of key (for percentages) and whether it was
// sent.
func (f *Form) Float(key string) (float64, bool) {
	v, ok := f.NonEmptyString(key)
	if !ok {
		return 0, false
	}
	// ParseFloat also takes "Inf", "NaN" and hex floats ("0x1p4"); Stripe's
	// decimals are plain decimal numbers.
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(x, 0) || math.IsNaN(x) || strings.ContainsAny(v, "xX") {
		f.Fail(billing.Invalid(f.Name(key), "parameter_invalid", "Invalid decimal: %s", v))
		return 0, false
	}
	return x, true
}

// Bool returns the boolean value of key ("true" or "false") and whether it
// was sent.
func (f *Form) Bool(key string) (bool, bool) {
	v, ok := f.NonEmptyString(key)
	if !ok {
		return false, false
	}
	switch v {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	f.Fail(billing.Invalid(f.Name(key), "parameter_invalid", "Invalid boolean: %s", v))
	return false, false
}

// RequiredBool is Bool with parameter_missing when key was not sent.
func (f *Form) RequiredBool(key string) bool {
	b, ok := f.Bool(key)
	if !ok && !f.Failed() {
		f.Fail(billing.Missing(f.Name(key)))
	}
	return b
}

// Enum returns the value of key, which must be one of allowed.
func (f *Form) Enum(key string, allowed ...string) (string, bool) {
	v, ok := f.NonEmptyString(key)
	if !ok {
		return "", false
	}
	for _, a := range allowed {
		if v == a {
			return v, true
		}
	}
	f.Fail(billing.BadEnum(f.Name(key), v, allowed...))
	return "", false
}

// Hash returns the sub-form under key. It returns nil when key was not sent
// and cleared=true when it was sent as an empty string (meaning "unset").
func (f *Form) Hash(key string) (sub *Form, cleared bool) {
	n := f.get(key)
	if n == nil {
		return nil, false
	}
	if h := hashView(n); h != nil {
		return &Form{node: h, prefix: f.Name(key), root: f.root}, false
	}
	if n.Kind == Scalar && n.Value == "" {
		return nil, true
	}
	markUsed(n)
	f.Fail(billing.Invalid(f.Name(key), "parameter_invalid", "Invalid hash: %s must be a hash.", f.Name(key)))
	return nil, false
}

// hashView returns n as a hash: n itself, or for an array assembled from
// indexed keys (a[0]=, a[1]=) a hash of those keys sharing n's items, since
// on the wire a[0]= is a hash key too. It returns nil for scalars and for
// arrays built with a[] appends.
func hashView(n *Node) *Node {
	switch {
	case n.Kind == Hash:
		return n
	case n.Kind == Array && n.index != nil:
		h := &Node{Kind: Hash, Keys: n.index, Hash: make(map[string]*Node, len(n.Items)), used: n.used}
		for i, it := range n.Items {
			h.Hash[n.index[i]] = it
		}
		return h
	}
	return nil
}

// itemName returns the parameter name of item i of array n under name: the
// index the client sent, which compaction of sparse indexes may change.
func itemName(n *Node, name string, i int) string {
	if n.index != nil {
		return name + "[" + n.index[i] + "]"
	}
	return name + "[" + strconv.Itoa(i) + "]"
}

// notArray records the error for a hash sent where an array was expected,
// naming the first key that is no array index when there is one.
func (f *Form) notArray(key string, n *Node) {
	markUsed(n)
	name := f.Name(key)
	if n.Kind == Hash {
		for _, k := range n.Keys {
			if _, ok := arrayIndex(k); !ok && isDigits(k) {
				f.Fail(billing.Invalid(name+"["+k+"]", "parameter_invalid",
					"Invalid array index in %s[%s]: indexes run from 0 to %d.", name, k, MaxArrayLen-1))
				return
			}
		}
	}
	f.Fail(billing.Invalid(name, "parameter_invalid", "Invalid array: %s must be an array.", name))
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// HashList returns the array of hashes under key (items[0][price]=...). It
// returns present=false when key was not sent and an empty, present list when
// it was sent as an empty string.
func (f *Form) HashList(key string) (items []*Form, present bool) {
	n := f.get(key)
	if n == nil {
		return nil, false
	}
	switch n.Kind {
	case Array:
		items = make([]*Form, len(n.Items))
		for i, it := range n.Items {
			it.used = true
			name := itemName(n, f.Name(key), i)
			h := hashView(it)
			if h == nil {
				markUsed(it)
				f.Fail(billing.Invalid(name, "parameter_invalid", "Invalid array: %s must be a hash.", name))
				return nil, true
			}
			items[i] = &Form{node: h, prefix: name, root: f.root}
		}
		return items, true
	case Scalar:
		if n.Value == "" {
			return []*Form{}, true
		}
	}
	f.notArray(key, n)
	return nil, true
}

// StringList returns the array of strings under key (a[]=x or a[0]=x). It
// returns present=false when key was not sent and an empty, present list when
// sent as an empty string.
func (f *Form) StringList(key string) (list []string, present bool) {
	n := f.get(key)
	if n == nil {
		return nil, false
	}
	switch n.Kind {
	case Array:
		list = make([]string, 0, len(n.Items))
		for i, it := range n.Items {
			it.used = true
			if it.Kind != Scalar {
				markUsed(it)
				f.Fail(billing.Invalid(itemName(n, f.Name(key), i), "parameter_invalid", "Invalid array: %s must be an array of strings.", f.Name(key)))
				return nil, true
			}
			list = append(list, it.Value)
		}
		return list, true
	case Scalar:
		if n.Value == "" {
			return []string{}, true
		}
		// A single value where an array is expected: accept it as a
		// one-element array, as Stripe does for expand=customer.
		return []string{n.Value}, true
	}
	f.notArray(key, n)
	return nil, true
}

// Unknown returns the bracketed name of the first parameter below f that no
// accessor read, or "".
func (f *Form) Unknown() string {
	if f == nil || f.node == nil {
		return ""
	}
	return firstUnused(f.node, f.prefix)
}

func firstUnused(n *Node, name string) string {
	if !hasUnused(n) {
		// The common case: every parameter was read. Checking first
		// spares building a bracketed name for every node.
		return ""
	}
	switch n.Kind {
	case Hash:
		for _, k := range n.Keys {
			c := n.Hash[k]
			cn := k
			if name != "" {
				cn = name + "[" + k + "]"
			}
			if !c.used {
				return cn
			}
			if u := firstUnused(c, cn); u != "" {
				return u
			}
		}
	case Array:
		for i, c := range n.Items {
			cn := itemName(n, name, i)
			if !c.used {
				return cn
			}
			if u := firstUnused(c, cn); u != "" {
				return u
			}
		}
	}
	return ""
}

// hasUnused reports whether n has a parameter that was never read.
func hasUnused(n *Node) bool {
	switch n.Kind {
	case Hash:
		for _, c := range n.Hash {
			if !c.used || hasUnused(c) {
				return true
			}
		}
	case Array:
		for _, c := range n.Items {
			if !c.used || hasUnused(c) {
				return true
			}
		}
	}
	return false
}

// Err returns the first recorded error, or else parameter_unknown for the
// first parameter nothing read, or nil.
func (f *Form) Err() *billing.Error {
	if f.root.err != nil {
		return f.root.err
	}
	if u := f.root.Unknown(); u != "" {
		return billing.Invalid(u, "parameter_unknown", "Received unknown parameter: %s", u)
	}
	return nil
}

// Metadata reads the metadata hash under key as an update: key= clears all,
// key[k]= deletes k, key[k]=v sets k. Limits are checked.
func (f *Form) Metadata(key string) billing.MetadataUpdate {
	var u billing.MetadataUpdate
	n := f.get(key)
	if n == nil {
		return u
	}
	u.Present = true
	if n.Kind == Scalar {
		if n.Value != "" {
			f.Fail(billing.Invalid(f.Name(key), "parameter_invalid", "Invalid hash: %s must be a hash of strings.", f.Name(key)))
			return u
		}
		u.ClearAll = true
		return u
	}
	// Numeric keys (metadata[1]=x) arrive as an indexed array.
	h := hashView(n)
	if h == nil {
		markUsed(n)
		f.Fail(billing.Invalid(f.Name(key), "parameter_invalid", "Invalid hash: %s must be a hash of strings.", f.Name(key)))
		return u
	}
	n = h
	u.Set = map[string]string{}
	for _, k := range n.Keys {
		c := n.Hash[k]
		c.used = true
		if c.Kind != Scalar {
			markUsed(c)
			f.Fail(billing.Invalid(f.Name(key)+"["+k+"]", "parameter_invalid", "Metadata values must be strings."))
			return u
		}
		if c.Value == "" {
			u.Delete = append(u.Delete, k)
		} else {
			u.Set[k] = c.Value
		}
	}
	if err := u.Validate(f.Name(key)); err != nil {
		f.Fail(err)
	}
	return u
}
