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
// in use: 409, and the request does not run.
func TestClaimedKeyIsInUse(t *testing.T) {
	ctx := billing.WithLivemode(context.Background(), false)
	a, _, store := newTestAPI(t)
	if err := store.Update(ctx, func(tx billing.Tx) error {
		return tx.SaveIdempotentResponse(&billing.IdempotentResponse{Key: "claimed", Body: []byte{}, Created: time.Now().Unix()})
	}); err != nil {
		t.Fatal(err)
	}
	ran := false
	w := httptest.NewRecorder()
	r := httptest.NewRequestWithContext(ctx, "POST", "/v1/customers", nil)
	a.serveIdempotent(w, r, "claimed", nil, nil, func(context.Context) (any, error) { ran = true; return nil, nil })
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "idempotency_key_in_use") || ran {
		t.Fatalf("claimed key: %d %s (ran: %v)", w.Code, w.Body, ran)
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
