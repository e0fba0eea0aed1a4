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
	if raw != "" {
		out = make([]Pair, 0, min(strings.Count(raw, "&")+1, MaxPairs))
	}
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

	used bool
	// index holds, for an array assembled from indexed keys (a[0]=, a[1]=),
	// the index each item was sent under, so that parameter names in errors
	// are those the client sent and a hash with numeric keys
	// (metadata[1]=x) can still be read as a hash. It is nil for arrays
	// built with a[] appends.
	index []string
}

// Assemble builds the bracket tree from pairs: a[b]=1 makes a hash, a[]=1 and
// a[0]=1 make arrays (indexed elements ordered by index), a[0][b]=1 an array
// of hashes. The root is a Hash.
//
// As in Stripe's own decoding, a[0]= is first a hash key: a hash becomes an
// array only when every one of its keys is an index from 0 to MaxArrayLen-1
// written without leading zeros. Other numeric keys (metadata[2024]=x,
// metadata[1]=x&metadata[note]=y) stay hash keys, which Form's array
// accessors reject and Metadata accepts.
func Assemble(pairs []Pair) (*Node, *billing.Error) {
	root := newHash()
	// Every pair ends in one scalar: allocate them together.
	a := assembler{scalars: make([]Node, 0, len(pairs))}
	var buf [MaxDepth + 1]string
	for _, p := range pairs {
		segs, ok := splitKey(p.Key, buf[:0])
		if !ok {
			return nil, billing.Invalid(p.Key, "parameter_invalid", "Invalid parameter name: %s.", p.Key)
		}
		if len(segs) > MaxDepth {
			return nil, billing.Invalid(p.Key, "parameter_invalid", "Parameter nested too deeply: %s.", p.Key)
		}
		if err := a.insert(root, segs, p.Value, p.Key); err != nil {
			return nil, err
		}
	}
	// The root stays a hash even when every name is a number ("0=x").
	for _, k := range root.Keys {
		finish(root.Hash[k])
	}
	return root, nil
}

func newHash() *Node { return &Node{Kind: Hash, Hash: map[string]*Node{}} }

// assembler hands out the scalar nodes of one Assemble.
type assembler struct {
	scalars []Node
}

func (a *assembler) scalar(value string) *Node {
	if len(a.scalars) == cap(a.scalars) {
		return &Node{Kind: Scalar, Value: value}
	}
	a.scalars = append(a.scalars, Node{Kind: Scalar, Value: value})
	return &a.scalars[len(a.scalars)-1]
}

// splitKey turns "a[b][0][]" into ["a","b","0",""], appending to segs. A
// key deeper than MaxDepth gives more than MaxDepth segments, not all.
func splitKey(key string, segs []string) ([]string, bool) {
	i := strings.IndexByte(key, '[')
	if i < 0 {
		return append(segs, key), key != ""
	}
	if i == 0 {
		return nil, false
	}
	segs = append(segs, key[:i])
	rest := key[i:]
	for rest != "" {
		if len(segs) > MaxDepth {
			return segs, true // too deep: the caller rejects it
		}
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
func (a *assembler) insert(n *Node, segs []string, value, key string) *billing.Error {
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
			n.Hash[seg] = a.scalar(value)
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
		// a[]= appends to an array; a[x]= and a[0]= are hash keys until
		// finish. Mixing the two is a conflict.
		if (child.Kind == Array) != (segs[1] == "") {
			return conflict(key)
		}
		return a.insert(child, segs[1:], value, key)
	case Array:
		if seg != "" {
			return conflict(key)
		}
		if len(n.Items) >= MaxArrayLen {
			return billing.Invalid(key, "parameter_invalid", "Too many elements in array %s: at most %d.", key, MaxArrayLen)
		}
		if last {
			n.Items = append(n.Items, a.scalar(value))
			return nil
		}
		elem := containerFor(segs[1])
		n.Items = append(n.Items, elem)
		return a.insert(elem, segs[1:], value, key)
	}
	return conflict(key)
}

// arrayIndex returns the index seg stands for when it is one an array may
// have: digits without leading zeros, below MaxArrayLen.
func arrayIndex(seg string) (int, bool) {
	if seg == "" || len(seg) > len(strconv.Itoa(MaxArrayLen)) || (len(seg) > 1 && seg[0] == '0') {
		return 0, false
	}
	i := 0
	for _, c := range []byte(seg) {
		if c < '0' || c > '9' {
			return 0, false
		}
		i = i*10 + int(c-'0')
	}
	return i, i < MaxArrayLen
}

// containerFor returns the container for the segment after a bracket: an
// array for a[]=, a hash otherwise.
func containerFor(next string) *Node {
	if next == "" {
		return &Node{Kind: Array}
	}
	return newHash()
}

// finish turns hashes whose keys are all array indexes into arrays ordered
// by index, recursively.
func finish(n *Node) {
	switch n.Kind {
	case Hash:
		for _, k := range n.Keys {
			finish(n.Hash[k])
		}
		if len(n.Keys) == 0 {
			return
		}
		for _, k := range n.Keys {
			if _, ok := arrayIndex(k); !ok {
				return // a hash
			}
		}
		byIndex := make(map[int]string, len(n.Keys))
		for _, k := range n.Keys {
			i, _ := arrayIndex(k)
			byIndex[i] = k
		}
		order := make([]int, 0, len(byIndex))
		for i := range byIndex {
			order = append(order, i)
		}
		sort.Ints(order)
		keys := make([]string, len(order))
		items := make([]*Node, len(order))
		for j, i := range order {
			keys[j] = byIndex[i]
			items[j] = n.Hash[keys[j]]
		}
		*n = Node{Kind: Array, Items: items, index: keys}
	case Array:
		for _, it := range n.Items {
			finish(it)
		}
	}
}

func sortPairs(p []Pair) {
	sort.SliceStable(p, func(i, j int) bool { return p[i].Key < p[j].Key })
}
