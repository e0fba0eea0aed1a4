package billing

import (
	"sort"
	"strings"
)

// Stripe's metadata limits.
const (
	MetadataMaxKeys     = 50
	MetadataMaxKeyLen   = 40
	MetadataMaxValueLen = 500
)

// Metadata is a set of string key/value pairs attached to an object.
type Metadata map[string]string

// MetadataUpdate is a change to an object's metadata as Stripe's wire format
// expresses it: metadata= clears all keys, metadata[k]= deletes one key,
// metadata[k]=v sets one.
type MetadataUpdate struct {
	Present  bool
	ClearAll bool
	Set      map[string]string
	Delete   []string
}

// Validate checks the update against Stripe's limits; param is the
// parameter's bracketed name.
func (u MetadataUpdate) Validate(param string) *Error {
	if len(u.Set) > MetadataMaxKeys {
		return Invalid(param, "parameter_invalid", "Invalid %s: metadata can have at most %d keys.", param, MetadataMaxKeys)
	}
	keys := make([]string, 0, len(u.Set))
	for k := range u.Set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range append(keys, u.Delete...) {
		if len([]rune(k)) > MetadataMaxKeyLen {
			return Invalid(param+"["+k+"]", "parameter_invalid", "Metadata keys can be at most %d characters long.", MetadataMaxKeyLen)
		}
		if strings.ContainsAny(k, "[]") || k == "" {
			return Invalid(param, "parameter_invalid", "Metadata keys must be non-empty and may not contain '[' or ']'.")
		}
	}
	for _, k := range keys {
		if len([]rune(u.Set[k])) > MetadataMaxValueLen {
			return Invalid(param+"["+k+"]", "parameter_invalid", "Metadata values can be at most %d characters long.", MetadataMaxValueLen)
		}
	}
	return nil
}

// Apply returns m changed by u, and an error (an *Error) when the result
// would exceed Stripe's limit on keys. m itself is not modified. It returns
// the error interface, not *Error, so a nil result can never become a
// non-nil error holding a nil pointer.
func (u MetadataUpdate) Apply(m Metadata, param string) (Metadata, error) {
	if !u.Present {
		return m, nil
	}
	out := Metadata{}
	if !u.ClearAll {
		for k, v := range m {
			out[k] = v
		}
	}
	for _, k := range u.Delete {
		delete(out, k)
	}
	for k, v := range u.Set {
		out[k] = v
	}
	if len(out) > MetadataMaxKeys {
		return nil, Invalid(param, "parameter_invalid", "Invalid %s: metadata can have at most %d keys.", param, MetadataMaxKeys)
	}
	return out, nil
}
