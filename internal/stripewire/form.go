// Package stripewire is Stripe's wire format: form decoding with bracket
// notation, error bodies, list envelopes, expansion and the JSON shapes of
// every object Portico serves, per API version.
//
// Decoding runs in separate stages, each tested on its own: Pairs splits a
// query or body into decoded key/value pairs; Assemble builds the bracket tree
// from them; Form gives handlers typed access to the tree and remembers what
// they read, so that anything left unread is an unknown parameter.
package stripewire

import (
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/porticohq/portico/internal/billing"
)

// Limits that keep hostile input from exhausting memory. Stripe's own largest
// requests (a configuration with ten products, metadata with fifty keys) stay
// far below them.
const (
	MaxBodyBytes = 1 << 20 // request body
	MaxPairs     = 4096    // key/value pairs in one request
	MaxDepth     = 8       // bracket segments in one key
	MaxArrayLen  = 256     // elements of one array (indexes 0..MaxArrayLen-1)
	MaxKeyBytes  = 1024    // length of one key
)

// Pair is one decoded key/value pair from a query string or form body.
type Pair struct {
	Key   string
	Value string
}

// Pairs splits raw (a query string or a form body) into decoded pairs, in
// order. Percent-encoded brackets decode like literal ones.
func Pairs(raw string) ([]Pair, *billing.Error) {
	var out []Pair
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		if part == "" {
			continue
		}
		if len(out) >= MaxPairs {
			return nil, billing.Invalid("", "parameters_too_many", "Too many parameters: at most %d are allowed.", MaxPairs)
		}
		k, v, _ := strings.Cut(part, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return nil, billing.Invalid("", "parameter_invalid", "Invalid percent-encoding in parameter name %q.", k)
		}
		if len(key) > MaxKeyBytes {
			return nil, billing.Invalid("", "parameter_invalid", "Parameter name too long: at most %d bytes.", MaxKeyBytes)
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			return nil, billing.Invalid(key, "parameter_invalid", "Invalid percent-encoding in the value of %s.", key)
		}
		out = append(out, Pair{Key: key, Value: val})
	}
	return out, nil
}

// NodeKind tells what a Node holds.
type NodeKind int

// The kinds of Node.
const (
	Scalar NodeKind = iota
	Hash
	Array
)

// Node is one value in the assembled parameter tree: a scalar string, a hash
// (keys in the order they first appeared) or an array.
type Node struct {
	Kind  NodeKind
	Value string
	Keys  []string
	Hash  map[string]*Node
	Items []*Node

	used    bool
	indexed map[int]*Node // array elements by explicit index, before Assemble orders them
	auto    bool          // array built with a[] appends
}

// Assemble builds the bracket tree from pairs: a[b]=1 makes a hash, a[]=1 and
// a[0]=1 make arrays (indexed elements ordered by index), a[0][b]=1 an array
// of hashes. The root is a Hash.
func Assemble(pairs []Pair) (*Node, *billing.Error) {
	root := newHash()
	for _, p := range pairs {
		segs, ok := splitKey(p.Key)
		if !ok {
			return nil, billing.Invalid(p.Key, "parameter_invalid", "Invalid parameter name: %s.", p.Key)
		}
		if len(segs) > MaxDepth {
			return nil, billing.Invalid(p.Key, "parameter_invalid", "Parameter nested too deeply: %s.", p.Key)
		}
		if err := insert(root, segs, p.Value, p.Key); err != nil {
			return nil, err
		}
	}
	finish(root)
	return root, nil
}

func newHash() *Node { return &Node{Kind: Hash, Hash: map[string]*Node{}} }

// splitKey turns "a[b][0][]" into ["a","b","0",""].
func splitKey(key string) ([]string, bool) {
	i := strings.IndexByte(key, '[')
	if i < 0 {
		return []string{key}, key != ""
	}
	if i == 0 {
		return nil, false
	}
	segs := []string{key[:i]}
	rest := key[i:]
	for rest != "" {
		if rest[0] != '[' {
			return nil, false
		}
		j := strings.IndexByte(rest, ']')
		if j < 0 {
			return nil, false
		}
		segs = append(segs, rest[1:j])
		rest = rest[j+1:]
	}
	return segs, true
}

func conflict(key string) *billing.Error {
	return billing.Invalid(key, "parameter_invalid", "Invalid parameter structure: %s is used both as a value and as a hash or array.", key)
}

// insert places value at the path segs below n.
func insert(n *Node, segs []string, value, key string) *billing.Error {
	seg := segs[0]
	last := len(segs) == 1
	switch n.Kind {
	case Hash:
		child, exists := n.Hash[seg]
		if last {
			if exists && child.Kind != Scalar {
				// "a=" after a[b]=...: an empty value clears the whole hash or
				// array; a non-empty one is a conflict.
				if value != "" {
					return conflict(key)
				}
			}
			if !exists {
				n.Keys = append(n.Keys, seg)
			}
			n.Hash[seg] = &Node{Kind: Scalar, Value: value}
			return nil
		}
		if !exists || (child.Kind == Scalar && child.Value == "") {
			child = containerFor(segs[1])
			if !exists {
				n.Keys = append(n.Keys, seg)
			}
			n.Hash[seg] = child
		} else if child.Kind == Scalar {
			return conflict(key)
		}
		if (child.Kind == Array) != isIndex(segs[1]) {
			return conflict(key)
		}
		return insert(child, segs[1:], value, key)
	case Array:
		var elem *Node
		if seg == "" {
			if len(n.indexed) > 0 && !n.auto {
				return conflict(key)
			}
			n.auto = true
			if len(n.Items) >= MaxArrayLen {
				return billing.Invalid(key, "parameter_invalid", "Too many elements in array %s: at most %d.", key, MaxArrayLen)
			}
			if last {
				n.Items = append(n.Items, &Node{Kind: Scalar, Value: value})
				return nil
			}
			elem = containerFor(segs[1])
			n.Items = append(n.Items, elem)
			return insert(elem, segs[1:], value, key)
		}
		if n.auto {
			return conflict(key)
		}
		idx, err := strconv.Atoi(seg)
		if err != nil || idx < 0 || idx >= MaxArrayLen {
			return billing.Invalid(key, "parameter_invalid", "Invalid array index in %s: indexes run from 0 to %d.", key, MaxArrayLen-1)
		}
		if n.indexed == nil {
			n.indexed = map[int]*Node{}
		}
		elem, exists := n.indexed[idx]
		if last {
			if exists && elem.Kind != Scalar {
				return conflict(key)
			}
			n.indexed[idx] = &Node{Kind: Scalar, Value: value}
			return nil
		}
		if !exists {
			elem = containerFor(segs[1])
			n.indexed[idx] = elem
		} else if elem.Kind == Scalar || (elem.Kind == Array) != isIndex(segs[1]) {
			return conflict(key)
		}
		return insert(elem, segs[1:], value, key)
	}
	return conflict(key)
}

func isIndex(seg string) bool {
	if seg == "" {
		return true
	}
	for _, c := range seg {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func containerFor(next string) *Node {
	if isIndex(next) {
		return &Node{Kind: Array}
	}
	return newHash()
}

// finish orders indexed array elements by index, recursively.
func finish(n *Node) {
	switch n.Kind {
	case Hash:
		for _, k := range n.Keys {
			finish(n.Hash[k])
		}
	case Array:
		if n.indexed != nil {
			idx := make([]int, 0, len(n.indexed))
			for i := range n.indexed {
				idx = append(idx, i)
			}
			sort.Ints(idx)
			for _, i := range idx {
				n.Items = append(n.Items, n.indexed[i])
			}
			n.indexed = nil
		}
		for _, it := range n.Items {
			finish(it)
		}
	}
}

func sortPairs(p []Pair) {
	sort.SliceStable(p, func(i, j int) bool { return p[i].Key < p[j].Key })
}
