package api

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
	"github.com/porticohq/portico/internal/sqlstore"
	"github.com/porticohq/portico/internal/storetest"
)

// A Run failing with a *billing.CommittedError commits what it wrote and
// answers with the error it carries; any other error rolls back.
func TestCommittedErrorCommitsThenAnswers(t *testing.T) {
	ctx := billing.WithLivemode(context.Background(), false)
	a, svc, _ := newTestAPI(t)
	declined := billing.CardDeclined("card_declined", "generic_decline", "Your card was declined.")
	for _, c := range []struct {
		name   string
		fail   error
		status int
		kept   bool
	}{
		{"committed", billing.CommitThen(declined), http.StatusPaymentRequired, true},
		{"rolled back", declined, http.StatusPaymentRequired, false},
		{"internal", errors.New("boom"), http.StatusInternalServerError, false},
	} {
		var id string
		run := func(ctx context.Context) (any, error) {
			cu, err := svc.CreateCustomer(ctx, service.CustomerParams{Email: service.Set("kept@example.com")})
			if err != nil {
				return nil, err
			}
			id = cu.ID
			return nil, c.fail
		}
		res := a.execute(ctx, true, nil, run, nil, nil)
		if res.status != c.status || (c.status == http.StatusPaymentRequired && !strings.Contains(string(res.body), `"card_declined"`)) {
			t.Fatalf("%s: %d %s", c.name, res.status, res.body)
		}
		_, err := svc.Customer(ctx, id)
		if kept := err == nil; kept != c.kept {
			t.Fatalf("%s: customer kept = %v (%v), want %v", c.name, kept, err, c.kept)
		}
	}
}

// A key whose stored row is a claim without an answer (status 0: a request
// of another instance committed its change and is storing its answer) is
// in use: 409, and nothing the request does is kept. (On SQLite the request
// may run, in a transaction that rolls back, before its key is found.)
func TestClaimedKeyIsInUse(t *testing.T) {
	ctx := billing.WithLivemode(context.Background(), false)
	a, svc, store := newTestAPI(t)
	if err := store.Update(ctx, func(tx billing.Tx) error {
		return tx.SaveIdempotentResponse(&billing.IdempotentResponse{Key: "claimed", Body: []byte{}, Created: time.Now().Unix()})
	}); err != nil {
		t.Fatal(err)
	}
	var made []string
	w := httptest.NewRecorder()
	r := httptest.NewRequestWithContext(ctx, "POST", "/v1/customers", nil)
	a.serveIdempotent(w, r, "claimed", nil, nil, func(ctx context.Context) (any, error) {
		cu, err := svc.CreateCustomer(ctx, service.CustomerParams{Email: service.Set("claimed@example.com")})
		if err != nil {
			return nil, err
		}
		made = append(made, cu.ID)
		return cu, nil
	})
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "idempotency_key_in_use") {
		t.Fatalf("claimed key: %d %s", w.Code, w.Body)
	}
	for _, id := range made {
		if _, err := svc.Customer(ctx, id); err == nil {
			t.Fatalf("customer %s of a request with a key in use was kept", id)
		}
	}
}

// newTestAPI returns an API on a fresh migrated store (testenv.DB).
func newTestAPI(t *testing.T) (*API, *service.Service, *sqlstore.DB) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store := storetest.Open(t, sqlstore.Options{Logger: log})
	svc := service.New(service.Config{Store: store, Logger: log})
	return New(Config{Service: svc, Logger: log}), svc, store
}

// A request with an Idempotency-Key answers as if its key were looked up
// first, whichever way the store checks keys (on SQLite the request runs
// first and its key is checked when its answer is stored): a stored answer
// is replayed and nothing the request did is kept, an expired one is
// replaced, and a change committed with an error is made once.
func TestIdempotentRequestsAgainstStoredKeys(t *testing.T) {
	ctx := billing.WithLivemode(context.Background(), false)
	declined := billing.CardDeclined("card_declined", "generic_decline", "Your card was declined.")
	conflict := &billing.Error{Kind: billing.KindConflict, Type: billing.TypeInvalidRequest, Message: "conflict"}
	stored := &billing.IdempotentResponse{Method: "POST", Path: "/v1/customers", Status: 200, Body: []byte(`{"stored":true}`)}
	for _, c := range []struct {
		name     string
		stored   *billing.IdempotentResponse // the key's row before the request
		age      time.Duration               // of that row
		fail     error                       // what the request's run returns after creating a customer
		status   int
		replayed bool
		kept     int // customers the request leaves behind
	}{
		{"new key", nil, 0, nil, 200, false, 1},
		{"new key, rolled-back error", nil, 0, declined, 402, false, 0},
		{"new key, committed error", nil, 0, billing.CommitThen(declined), 402, false, 1},
		{"new key, conflict", nil, 0, conflict, 409, false, 0},
		{"stored answer", stored, time.Hour, nil, 200, true, 0},
		{"stored answer, rolled-back error", stored, time.Hour, declined, 200, true, 0},
		{"stored answer, committed error", stored, time.Hour, billing.CommitThen(declined), 200, true, 0},
		{"stored answer, conflict", stored, time.Hour, conflict, 200, true, 0},
		{"expired answer", stored, 25 * time.Hour, nil, 200, false, 1},
		{"expired answer, rolled-back error", stored, 25 * time.Hour, declined, 402, false, 0},
		{"expired answer, committed error", stored, 25 * time.Hour, billing.CommitThen(declined), 402, false, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, svc, store := newTestAPI(t)
			const key = "key-1"
			if c.stored != nil {
				row := *c.stored
				row.Key, row.Created, row.Fingerprint = key, time.Now().Add(-c.age).Unix(), a.fingerprint(nil)
				if err := store.Update(ctx, func(tx billing.Tx) error { return tx.SaveIdempotentResponse(&row) }); err != nil {
					t.Fatal(err)
				}
			}
			var made []string
			run := func(ctx context.Context) (any, error) {
				cu, err := svc.CreateCustomer(ctx, service.CustomerParams{Email: service.Set("idem@example.com")})
				if err != nil {
					return nil, err
				}
				made = append(made, cu.ID)
				if c.fail != nil {
					return nil, c.fail
				}
				return cu, nil
			}
			call := func() *httptest.ResponseRecorder {
				w := httptest.NewRecorder()
				r := httptest.NewRequestWithContext(ctx, "POST", "/v1/customers", nil)
				a.serveIdempotent(w, r, key, nil, nil, run)
				return w
			}
			w := call()
			if w.Code != c.status || (w.Header().Get("Idempotent-Replayed") == "true") != c.replayed {
				t.Fatalf("%d replayed=%q %s; want %d replayed=%v", w.Code, w.Header().Get("Idempotent-Replayed"), w.Body, c.status, c.replayed)
			}
			if c.replayed && w.Body.String() != string(c.stored.Body) {
				t.Fatalf("replayed %s, want the stored %s", w.Body, c.stored.Body)
			}
			kept := func() int {
				n := 0
				for _, id := range made {
					if _, err := svc.Customer(ctx, id); err == nil {
						n++
					}
				}
				return n
			}
			if n := kept(); n != c.kept {
				t.Fatalf("%d customers kept, want %d", n, c.kept)
			}
			// A retry gets the first answer, except after a conflict (not
			// stored, so it runs again); nothing more is kept either way.
			first := w.Body.String()
			again := call()
			if c.status != http.StatusConflict && (again.Body.String() != first || again.Code != w.Code || again.Header().Get("Idempotent-Replayed") != "true") {
				t.Fatalf("retry: %d replayed=%q %s; want the first answer replayed: %d %s", again.Code, again.Header().Get("Idempotent-Replayed"), again.Body, w.Code, first)
			}
			if n := kept(); n != c.kept {
				t.Fatalf("after the retry %d customers kept, want %d", n, c.kept)
			}
		})
	}
}
