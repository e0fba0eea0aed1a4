package webhook

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/sqlstore"
	"github.com/porticohq/portico/internal/storetest"
	"github.com/porticohq/portico/internal/testenv"
)

// The worker disables a failing endpoint; its transaction conflicts with
// someone disabling the endpoint first, and runs again. The second run
// finds it disabled already, so the worker must not count or log that it
// disabled it.
func TestDisableRetriedAfterAnotherDisabledTheEndpoint(t *testing.T) {
	ctx := billing.WithLivemode(context.Background(), false)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	db := storetest.Open(t, sqlstore.Options{Logger: log})
	ep := &billing.WebhookEndpoint{ID: "we_failing", URL: "https://example.com/hook", EnabledEvents: []string{"*"}, Status: billing.EndpointEnabled}
	if err := db.Update(ctx, func(tx billing.Tx) error { return tx.InsertWebhookEndpoint(ep) }); err != nil {
		t.Fatal(err)
	}
	store := testenv.RerunAfter(db, func() {
		err := db.Update(ctx, func(tx billing.Tx) error {
			ep, err := tx.WebhookEndpoint("we_failing")
			if err != nil {
				return err
			}
			ep.Status = billing.EndpointDisabled
			return tx.UpdateWebhookEndpoint(ep)
		})
		if err != nil {
			t.Error(err)
		}
	})
	w := New(Config{Store: store, Logger: log})
	w.disable(billing.EndpointFailure{Endpoint: "we_failing", Since: 1})
	if n := w.Stats().Disabled; n != 0 {
		t.Fatalf("Stats().Disabled = %d, want 0: the endpoint was disabled by another", n)
	}
}
