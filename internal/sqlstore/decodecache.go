package sqlstore

import (
	"bytes"
	"hash/maphash"
	"sync"
)

// decodeCache keeps objects decoded from recently listed rows, keyed by
// the row's bytes themselves: equal bytes decode to equal objects, so an
// entry never goes stale and needs no invalidation, and rows whose bytes
// changed simply miss. A hit costs a hash and a comparison of the bytes
// and the clone's deep copy, a fraction of decoding. Lists go through it
// (listColumn) because the row cache only holds rows read by id.
type decodeCache[T any] struct {
	seed  maphash.Seed
	clone func(*T) *T
	mu    sync.Mutex
	m     map[uint64]decodedEntry[T]
}

type decodedEntry[T any] struct {
	data []byte
	v    *T // never handed out: readers get clones
}

// decodeCacheSize bounds each cache: a few megabytes of rows and objects.
const decodeCacheSize = 1024

func newDecodeCache[T any](clone func(*T) *T) *decodeCache[T] {
	return &decodeCache[T]{seed: maphash.MakeSeed(), clone: clone, m: make(map[uint64]decodedEntry[T])}
}

// decode returns the object data holds, a copy of a cached one when data
// was decoded before. data may be reused by the caller after it returns. A
// nil cache just decodes.
func (c *decodeCache[T]) decode(data []byte) (*T, error) {
	if c == nil {
		v := new(T)
		return v, decode(data, v)
	}
	h := maphash.Bytes(c.seed, data)
	c.mu.Lock()
	e, ok := c.m[h]
	c.mu.Unlock()
	if ok && bytes.Equal(e.data, data) {
		return c.clone(e.v), nil
	}
	v := new(T)
	if err := decode(data, v); err != nil {
		return nil, err
	}
	e = decodedEntry[T]{data: bytes.Clone(data), v: c.clone(v)}
	c.mu.Lock()
	if len(c.m) >= decodeCacheSize {
		for k := range c.m { // map order is random: evict an arbitrary entry
			delete(c.m, k)
			break
		}
	}
	c.m[h] = e
	c.mu.Unlock()
	return v, nil
}

// The lists the portal homepage reads on every view.
var (
	subscriptionDecodes   = newDecodeCache(cloneSubscription)
	paymentMethodDecodes  = newDecodeCache(clonePaymentMethod)
	invoiceSummaryDecodes = newDecodeCache(cloneInvoiceSummary)
)
