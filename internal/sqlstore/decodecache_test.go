package sqlstore

import (
	"fmt"
	"hash/maphash"
	"testing"

	"github.com/porticohq/portico/internal/billing"
)

func TestDecodeCache(t *testing.T) {
	c := newDecodeCache(cloneSubscription)
	data := []byte(`{"id":"sub_1","status":"active","items":[{"id":"si_1","price":"price_1","quantity":2}],"metadata":{"k":"v"}}`)
	first, err := c.decode(data)
	if err != nil {
		t.Fatal(err)
	}
	// A second decode of the same bytes is a copy of the cached object:
	// equal, and unaffected by changes to the first.
	first.Items[0].Quantity, first.Metadata["k"] = 9, "changed"
	second, err := c.decode(append([]byte(nil), data...))
	if err != nil {
		t.Fatal(err)
	}
	if second.ID != "sub_1" || second.Items[0].Quantity != 2 || second.Metadata["k"] != "v" {
		t.Fatalf("second decode %+v: a change to the first leaked into it", second)
	}
	second.Items[0].Quantity = 5
	if third, _ := c.decode(data); third.Items[0].Quantity != 2 {
		t.Fatalf("third decode: quantity %d, want 2", third.Items[0].Quantity)
	}

	// An entry is used only for exactly its bytes, even under the same hash.
	other := []byte(`{"id":"sub_2","status":"canceled"}`)
	c.m[maphash.Bytes(c.seed, other)] = decodedEntry[billing.Subscription]{data: data, v: cloneSubscription(second)}
	got, err := c.decode(other)
	if err != nil || got.ID != "sub_2" || got.Status != "canceled" {
		t.Fatalf("decode under a colliding hash: %+v, %v; want sub_2", got, err)
	}

	// Bad bytes are an error, not an entry.
	if _, err := c.decode([]byte(`{"id":`)); err == nil {
		t.Fatal("decoding broken JSON succeeded")
	}

	// The cache stays within its size.
	for i := range decodeCacheSize + 50 {
		if _, err := c.decode(fmt.Appendf(nil, `{"id":"sub_%d"}`, i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(c.m); n > decodeCacheSize {
		t.Fatalf("%d entries, want at most %d", n, decodeCacheSize)
	}
}
