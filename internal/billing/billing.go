// Package billing is Portico's domain: the objects a Stripe-compatible
// billing system keeps (customers, products, prices, payment methods,
// coupons, promotion codes, tax IDs, test clocks, events), their rules, the
// Stripe-shaped Error, and the narrow store interfaces the service layer runs
// its use cases against. It imports only the standard library.
package billing

import (
	"context"
	"crypto/rand"
	"time"
)

// Clock tells the time. Production uses the wall clock; tests and test
// clocks move it.
type Clock interface {
	Now() time.Time
}

// WallClock is the real clock.
type WallClock struct{}

// Now returns the current time.
func (WallClock) Now() time.Time { return time.Now() }

const idAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// RandomString returns n characters drawn uniformly from [0-9A-Za-z] with a
// cryptographic source (about 5.95 bits each).
func RandomString(n int) string {
	buf := make([]byte, n+n/2+8)
	out := make([]byte, 0, n)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			panic("billing: crypto/rand failed: " + err.Error())
		}
		for _, b := range buf {
			// 62*4 = 248: reject 248..255 so every character is equally likely.
			if b < 248 && len(out) < n {
				out = append(out, idAlphabet[b%62])
			}
		}
	}
	return string(out)
}

// NewID returns a new object id with Stripe's prefix for the object type:
// prefix_ + 7 characters of the creation time in milliseconds + 17 random
// characters (101 bits), e.g. cus_0VzX3kQa8Pn2LmR7tY1sWq4Z. Like Stripe's
// ids, they start with a time-ordered part, so new ids land next to each
// other in the store's indexes instead of on random pages. Object ids are
// not secrets; portal session tokens are made separately with 128+ bits of
// randomness.
func NewID(prefix string) string {
	return prefix + "_" + TimePart(time.Now()) + RandomString(17)
}

// TimePartLen is the length of TimePart's result.
const TimePartLen = 7

// TimePart encodes t's Unix milliseconds in 7 base-62 characters, big-endian
// and zero-padded, so ids (and other keys) made later sort after earlier
// ones.
func TimePart(t time.Time) string {
	ms := t.UnixMilli()
	var b [7]byte
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = idAlphabet[ms%62]
		ms /= 62
	}
	return string(b[:])
}

// RequestInfo identifies the API request that causes a change, for the
// events it records. Changes made by the portal or the scheduler have none.
type RequestInfo struct {
	ID             string `json:"id"`
	IdempotencyKey string `json:"idempotency_key"`
}

type requestInfoKey struct{}

// WithRequestInfo returns ctx carrying info.
func WithRequestInfo(ctx context.Context, info RequestInfo) context.Context {
	return context.WithValue(ctx, requestInfoKey{}, info)
}

// RequestInfoFrom returns the request info carried by ctx, if any.
func RequestInfoFrom(ctx context.Context) (RequestInfo, bool) {
	info, ok := ctx.Value(requestInfoKey{}).(RequestInfo)
	return info, ok
}

type livemodeKey struct{}

// WithLivemode returns ctx selecting the live (true) or test (false) data
// set, as the API key of a request does.
func WithLivemode(ctx context.Context, live bool) context.Context {
	return context.WithValue(ctx, livemodeKey{}, live)
}

// LivemodeFrom tells which data set ctx selects (test when unset).
func LivemodeFrom(ctx context.Context) bool {
	live, _ := ctx.Value(livemodeKey{}).(bool)
	return live
}
