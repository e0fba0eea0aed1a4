package api

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/stripewire"
)

// IdempotencyWindow is how long a stored response is replayed: Stripe
// prunes keys once they are at least 24 hours old.
const IdempotencyWindow = 24 * time.Hour

// MaxIdempotencyKeyLen is Stripe's limit on key length.
const MaxIdempotencyKeyLen = 255

// inflight holds the Idempotency-Keys of requests being executed, so a
// concurrent request with the same key is refused with 409 instead of
// running twice.
type inflight struct {
	mu   sync.Mutex
	keys map[string]struct{}
}

func newInflight() *inflight { return &inflight{keys: map[string]struct{}{}} }

func (f *inflight) claim(key string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, busy := f.keys[key]; busy {
		return false
	}
	f.keys[key] = struct{}{}
	return true
}

func (f *inflight) release(key string) {
	f.mu.Lock()
	delete(f.keys, key)
	f.mu.Unlock()
}

// fingerprint identifies a request's parameters: a replay must match the
// first request. It is keyed (HMAC-SHA256 with a per-installation secret)
// because parameters can hold card numbers: a plain hash of a body whose
// other fields are known could be reversed by trying the few possible
// numbers with a card's known brand, last four digits and expiry.
//
// The pairs are hashed sorted by key (so the order of parameters does not
// matter), each key and value prefixed with its length, so no two different
// sets of parameters hash alike.
func (a *API) fingerprint(pairs []stripewire.Pair) string {
	sorted := make([]stripewire.Pair, len(pairs))
	copy(sorted, pairs)
	slices.SortStableFunc(sorted, func(x, y stripewire.Pair) int { return strings.Compare(x.Key, y.Key) })
	size := 0
	for _, p := range sorted {
		size += 2*binary.MaxVarintLen64 + len(p.Key) + len(p.Value)
	}
	buf := make([]byte, 0, size)
	for _, p := range sorted {
		buf = binary.AppendUvarint(buf, uint64(len(p.Key)))
		buf = append(buf, p.Key...)
		buf = binary.AppendUvarint(buf, uint64(len(p.Value)))
		buf = append(buf, p.Value...)
	}
	mac := hmac.New(sha256.New, a.requestHashKey)
	mac.Write(buf)
	return hex.EncodeToString(mac.Sum(nil))
}

// serveIdempotent runs a POST or DELETE carrying an Idempotency-Key: the
// first response (success, or an error that happened after the parameters
// were validated) is stored in the same transaction as the change and
// replayed for retries with the same key and parameters.
func (a *API) serveIdempotent(w http.ResponseWriter, r *http.Request, key string, pairs []stripewire.Pair, exp stripewire.Expand, run Run) {
	ctx := r.Context()
	if len(key) > MaxIdempotencyKeyLen {
		stripewire.WriteError(w, billing.Invalid("", "idempotency_key_too_long", "Idempotency-Key is too long: at most %d characters.", MaxIdempotencyKeyLen))
		return
	}
	scope := boolKey(billing.LivemodeFrom(ctx)) + key
	if !a.inflight.claim(scope) {
		stripewire.WriteError(w, keyInUse())
		return
	}
	defer a.inflight.release(scope)

	w.Header().Set("Idempotency-Key", key)
	fp := a.fingerprint(pairs)
	route := r.Method + " " + r.URL.Path
	// The stored response is looked up inside the request's own write
	// transaction, so no other request with the key can commit between the
	// look-up and the change, and the request needs no separate read.
	lookup := func(ctx context.Context) error {
		prev, err := a.svc.IdempotentResponse(ctx, key)
		if errors.Is(err, billing.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if a.clock.Now().Sub(time.Unix(prev.Created, 0)) >= IdempotencyWindow {
			return nil // expired: the key is new again
		}
		if prev.Status == 0 {
			// Claimed by a request (of another instance) whose answer is
			// not stored yet.
			return &replay{err: keyInUse()}
		}
		if prev.Method+" "+prev.Path != route {
			return &replay{err: &billing.Error{Kind: billing.KindInvalid, Type: billing.TypeIdempotency, Code: "idempotency_key_in_use",
				Message: "Keys for idempotent requests can only be used for the same endpoint they were first used for ('" +
					prev.Method + " " + prev.Path + "' vs '" + route + "'). Try using a key other than '" + key + "' if you meant to execute a different request."}}
		}
		if prev.Fingerprint != fp {
			return &replay{err: &billing.Error{Kind: billing.KindInvalid, Type: billing.TypeIdempotency,
				Message: "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '" + key + "' if you meant to execute a different request."}}
		}
		return &replay{resp: prev}
	}
	record := func(ctx context.Context, status int, body []byte) error {
		return a.svc.SaveIdempotentResponse(ctx, &billing.IdempotentResponse{
			Key: key, Method: r.Method, Path: r.URL.Path, Fingerprint: fp, Status: status, Body: body,
		})
	}
	if a.svc.IdempotencyKeysCheckedAtInsert() {
		// Most keys are new: run without the look-up and store the answer
		// only if the key has no row yet. When it has one (a retry, or an
		// expired entry), nothing was committed, and the request runs again
		// below, looking the key up first.
		recordNew := func(ctx context.Context, status int, body []byte) error {
			return a.svc.SaveNewIdempotentResponse(ctx, &billing.IdempotentResponse{
				Key: key, Method: r.Method, Path: r.URL.Path, Fingerprint: fp, Status: status, Body: body,
			})
		}
		checked := func(ctx context.Context) (any, error) {
			obj, err := run(ctx)
			var committed *billing.CommittedError
			if errors.As(err, &committed) {
				// This change commits with an error whose answer is stored
				// after the commit: the key must be new before it may.
				if lerr := lookup(ctx); lerr != nil {
					return nil, lerr
				}
			}
			return obj, err
		}
		res := a.execute(ctx, true, exp, checked, nil, recordNew)
		switch {
		case res.keyExists:
			// Run again below, looking the key up first.
		case res.status == http.StatusOK || res.keyError || res.replayed:
			a.answerIdempotent(ctx, w, res, nil)
			return
		case res.committed:
			// The key was new (checked in the transaction) and this request
			// still holds it: store the answer, replacing an expired entry.
			a.answerIdempotent(ctx, w, res, record)
			return
		case !storableStatus(res.status):
			// Rolled back and not stored, so a retry runs for real; but a
			// key that has a row must be looked up first, below.
			if _, err := a.svc.IdempotentResponse(ctx, key); errors.Is(err, billing.ErrNotFound) {
				a.answerIdempotent(ctx, w, res, nil)
				return
			}
		default:
			// Rolled back: the error is what a retry must see, if the key
			// is new.
			err := a.svc.Atomic(ctx, func(ctx context.Context) error { return recordNew(ctx, res.status, res.body) })
			if !errors.Is(err, billing.ErrIdempotencyKeyExists) {
				if err != nil {
					a.log.Error("storing idempotent error response", "request_id", RequestID(ctx), "error", err)
				}
				a.answerIdempotent(ctx, w, res, nil)
				return
			}
		}
	}
	res := a.execute(ctx, true, exp, run, lookup, record)
	a.answerIdempotent(ctx, w, res, record)
}

// answerIdempotent writes res, the result of a request with an
// Idempotency-Key. record, when set, stores an error answer that a retry
// must see (the change was rolled back).
func (a *API) answerIdempotent(ctx context.Context, w http.ResponseWriter, res result, record func(ctx context.Context, status int, body []byte) error) {
	if res.replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	} else if record != nil && res.status != http.StatusOK && storableStatus(res.status) && !res.keyError {
		if err := a.svc.Atomic(ctx, func(ctx context.Context) error { return record(ctx, res.status, res.body) }); err != nil {
			a.log.Error("storing idempotent error response", "request_id", RequestID(ctx), "error", err)
		}
	}
	stripewire.WriteJSON(w, res.status, res.body)
}

// keyInUse is the answer to a request whose Idempotency-Key another request
// is using right now.
func keyInUse() *billing.Error {
	return &billing.Error{Kind: billing.KindConflict, Type: billing.TypeIdempotency, Code: "idempotency_key_in_use",
		Message: "There is currently another in-progress request using this Idempotency-Key. Please try again later."}
}

// replay ends a request early with a stored response (resp) or with an
// idempotency_error about the key (err).
type replay struct {
	resp *billing.IdempotentResponse
	err  *billing.Error
}

func (r *replay) Error() string { return "idempotent replay" }

// storableStatus tells which error responses are replayed: not conflicts or
// rate limits, which the client should retry for real.
func storableStatus(status int) bool {
	return status != http.StatusConflict && status != http.StatusTooManyRequests
}

func boolKey(live bool) string {
	if live {
		return "live:"
	}
	return "test:"
}

// marshal encodes v as JSON without escaping HTML characters (Stripe sends
// URLs with & as is).
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	return b[:len(b)-1], nil
}
