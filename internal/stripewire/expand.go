package stripewire

import (
	"encoding/json"
	"strings"

	"github.com/porticohq/portico/internal/billing"
)

// MaxExpandDepth is Stripe's limit on nested expansion (a.b.c.d).
const MaxExpandDepth = 4

// Expand is the set of fields a request asked to expand, as a tree:
// expand[]=invoice_settings.default_payment_method and
// expand[]=test_clock give {invoice_settings: {default_payment_method: {}},
// test_clock: {}}.
type Expand map[string]Expand

// ParseExpand builds the tree from expand[] paths.
func ParseExpand(paths []string) (Expand, *billing.Error) {
	e := Expand{}
	for _, p := range paths {
		if p == "" {
			continue
		}
		parts := strings.Split(p, ".")
		if len(parts) > MaxExpandDepth+1 || (len(parts) > MaxExpandDepth && parts[0] != "data") {
			return nil, billing.Invalid("expand", "parameter_invalid", "You cannot expand more than %d levels of a property (%s).", MaxExpandDepth, p)
		}
		node := e
		for _, part := range parts {
			if part == "" {
				return nil, billing.Invalid("expand", "parameter_invalid", "Invalid expand path: %s.", p)
			}
			next, ok := node[part]
			if !ok {
				next = Expand{}
				node[part] = next
			}
			node = next
		}
	}
	return e, nil
}

// Sub returns the subtree under the dotted field path, and whether that
// field is to be expanded.
func (e Expand) Sub(path string) (Expand, bool) {
	node := e
	for _, part := range strings.Split(path, ".") {
		next, ok := node[part]
		if !ok {
			return nil, false
		}
		node = next
	}
	return node, true
}

// expandable lists, per object type, the fields that hold an id that can be
// expanded into the object, and that object's type ("" when the reference
// is of a type Portico does not serve, which expands to null).
var expandable = map[string]map[string]string{
	"customer": {
		"default_source": "",
		"invoice_settings.default_payment_method": "payment_method",
		"test_clock":              "test_helpers.test_clock",
		"discount.promotion_code": "promotion_code",
		"discount.customer":       "customer",
	},
	"product":                      {"default_price": "price"},
	"price":                        {"product": "product"},
	"payment_method":               {"customer": "customer"},
	"promotion_code":               {"customer": "customer", "promotion.coupon": "coupon"},
	"tax_id":                       {"customer": "customer", "owner.customer": "customer"},
	"coupon":                       {},
	"test_helpers.test_clock":      {},
	"billing_portal.configuration": {"application": ""},
	"billing_portal.session":       {"configuration": "billing_portal.configuration"},
}

// RegisterExpandable adds expandable fields of an object type; packages
// serving more objects call it at start-up.
func RegisterExpandable(objectType string, fields map[string]string) {
	m := expandable[objectType]
	if m == nil {
		m = map[string]string{}
		expandable[objectType] = m
	}
	for k, v := range fields {
		m[k] = v
	}
}

// Validate checks that every path in e names expandable fields of an object
// of type objectType ("list:customer" for lists, whose items are reached
// through data.), so a bad expand fails before the request does anything.
func (e Expand) Validate(objectType string) *billing.Error {
	for _, p := range e.paths("") {
		if !validPath(objectType, p) {
			return billing.Invalid("expand", "parameter_invalid", "This property cannot be expanded (%s).", p)
		}
	}
	return nil
}

func (e Expand) paths(prefix string) []string {
	var out []string
	for k, sub := range e {
		p := k
		if prefix != "" {
			p = prefix + "." + k
		}
		if len(sub) == 0 {
			out = append(out, p)
		} else {
			out = append(out, sub.paths(p)...)
		}
	}
	return out
}

func validPath(objectType, path string) bool {
	if item, ok := cutListPrefix(objectType); ok {
		rest, ok := strings.CutPrefix(path, "data.")
		return ok && validPath(item, rest)
	}
	fields := expandable[objectType]
	// The longest registered field that is a prefix of path.
	best, target := "", ""
	for f, t := range fields {
		if (path == f || strings.HasPrefix(path, f+".")) && len(f) > len(best) {
			best, target = f, t
		}
	}
	if best == "" {
		return false
	}
	if path == best {
		return true
	}
	if target == "" {
		return false
	}
	return validPath(target, path[len(best)+1:])
}

// Ref is an expandable reference: an id, or the expanded object.
type Ref struct {
	ID  string
	Obj any
}

// MarshalJSON writes the expanded object, the id string, or null.
func (r Ref) MarshalJSON() ([]byte, error) {
	if r.Obj != nil {
		return json.Marshal(r.Obj)
	}
	if r.ID == "" {
		return []byte("null"), nil
	}
	return json.Marshal(r.ID)
}

// cutListPrefix returns the item type of a "list:T" or "search:T" type.
func cutListPrefix(objectType string) (string, bool) {
	if item, ok := strings.CutPrefix(objectType, "list:"); ok {
		return item, true
	}
	return strings.CutPrefix(objectType, "search:")
}
