package api

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/porticohq/portico/internal/stripewire"
)

// The stored fingerprint of a request must not be a plain hash of its
// parameters, which may hold a card number: with a card's brand, last four
// digits and expiry known, a plain hash could be reversed by trying the few
// remaining numbers.
func TestFingerprintIsKeyed(t *testing.T) {
	pairs := []stripewire.Pair{{Key: "type", Value: "card"}, {Key: "card[number]", Value: "4242424242424242"}}
	plain := sha256.Sum256([]byte("card%5Bnumber%5D=4242424242424242&type=card"))
	a := &API{requestHashKey: []byte("installation-one")}
	b := &API{requestHashKey: []byte("installation-two")}
	fa, fb := a.fingerprint(pairs), b.fingerprint(pairs)
	if fa == hex.EncodeToString(plain[:]) {
		t.Fatal("fingerprint is the plain SHA-256 of the parameters")
	}
	if fa == fb {
		t.Fatal("two installations give the same fingerprint")
	}
	if fa != a.fingerprint([]stripewire.Pair{pairs[1], pairs[0]}) {
		t.Fatal("parameter order changes the fingerprint")
	}
	if fa == a.fingerprint([]stripewire.Pair{{Key: "type", Value: "card"}, {Key: "card[number]", Value: "4000000000000002"}}) {
		t.Fatal("different parameters give the same fingerprint")
	}
	// Boundaries between keys and values are part of what is hashed.
	if a.fingerprint([]stripewire.Pair{{Key: "ab", Value: "c"}}) == a.fingerprint([]stripewire.Pair{{Key: "a", Value: "bc"}}) {
		t.Fatal("a=bc and ab=c give the same fingerprint")
	}
}
