package service

import (
	"strings"
	"testing"
	"time"

	"github.com/porticohq/portico/internal/billing"
)

// Portal tokens are stored under keys that start with the token's time
// part, so keys of later tokens sort after earlier ones (the store's token
// index grows at its end), while the rest of the key is the SHA-256 of the
// whole token and the token itself is never part of it.
func TestPortalTokenKeysAreTimeOrdered(t *testing.T) {
	a := "test_" + billing.TimePart(time.UnixMilli(1_800_000_000_000)) + billing.RandomString(32)
	b := "test_" + billing.TimePart(time.UnixMilli(1_800_000_000_001)) + billing.RandomString(32)
	ka, kb := HashToken(a), HashToken(b)
	if !(ka < kb) {
		t.Fatalf("key of the later token %q sorts before the earlier %q", kb, ka)
	}
	if len(ka) != billing.TimePartLen+64 || strings.Contains(ka, a[5+billing.TimePartLen:]) {
		t.Fatalf("key %q: want the time part and a hex SHA-256, without the token's secret part", ka)
	}
	if HashToken(a) != ka {
		t.Fatal("HashToken is not deterministic")
	}
	// A different secret with the same time part gets a different key.
	c := a[:5+billing.TimePartLen] + billing.RandomString(32)
	if HashToken(c) == ka || HashToken(c)[:billing.TimePartLen] != ka[:billing.TimePartLen] {
		t.Fatalf("keys %q and %q", HashToken(c), ka)
	}
	tok := newPortalToken(false)
	if !strings.HasPrefix(tok, "test_") || len(tok) != 5+billing.TimePartLen+32 {
		t.Fatalf("newPortalToken = %q", tok)
	}
}
