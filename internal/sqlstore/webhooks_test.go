package sqlstore

import (
	"context"
	"fmt"
	"testing"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/testenv"
)

func insertTestEvent(t *testing.T, db *DB, id, typ string, created int64) {
	t.Helper()
	err := db.Update(context.Background(), func(tx billing.Tx) error {
		return tx.InsertEvent(&billing.Event{ID: id, Type: typ, Created: created, ObjectKind: "customer", Object: []byte(`{"id":"cus_1"}`)})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOutboxRowsWrittenWithEvents(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	endpoints := []*billing.WebhookEndpoint{
		{ID: "we_all", EnabledEvents: []string{"*"}, Status: billing.EndpointEnabled},
		{ID: "we_created", EnabledEvents: []string{"customer.created"}, Status: billing.EndpointEnabled},
		{ID: "we_off", EnabledEvents: []string{"*"}, Status: billing.EndpointDisabled},
		{ID: "we_live", EnabledEvents: []string{"*"}, Status: billing.EndpointEnabled, Livemode: true},
		// A type that contains another's name must not match it.
		{ID: "we_tax", EnabledEvents: []string{"customer.tax_id.created"}, Status: billing.EndpointEnabled},
	}
	for _, w := range endpoints {
		err := db.Update(billing.WithLivemode(ctx, w.Livemode), func(tx billing.Tx) error { return tx.InsertWebhookEndpoint(w) })
		if err != nil {
			t.Fatal(err)
		}
	}
	insertTestEvent(t, db, "evt_1", "customer.created", 100)
	insertTestEvent(t, db, "evt_2", "customer.updated", 200)
	want := map[string][]string{"evt_1": {"we_all", "we_created"}, "evt_2": {"we_all"}}
	for ev, eps := range want {
		db.View(ctx, func(tx billing.Tx) error {
			ds, err := tx.EventDeliveries(ev)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range ds {
				got = append(got, d.Endpoint)
			}
			if len(got) != len(eps) || got[0] != eps[0] || got[len(got)-1] != eps[len(eps)-1] {
				t.Errorf("%s delivered to %v, want %v", ev, got, eps)
			}
			r, err := tx.EventRecord(ev)
			if err != nil || r.PendingWebhooks != len(eps) {
				t.Errorf("%s pending = %+v %v", ev, r, err)
			}
			return nil
		})
	}
	// Claims: only due rows, at most limit, and a second claim finds
	// nothing until the lease runs out.
	var first, second []*billing.Delivery
	db.Update(ctx, func(tx billing.Tx) error {
		first, _ = tx.ClaimDeliveries("w1", "we_all", 1<<62, 1<<62+60000, 1)
		second, _ = tx.ClaimDeliveries("w1", "we_all", 1<<62, 1<<62+60000, 10)
		return nil
	})
	if len(first) != 1 || len(second) != 1 || first[0].Seq == second[0].Seq {
		t.Fatalf("claims = %v then %v", first, second)
	}
	db.Update(ctx, func(tx billing.Tx) error {
		again, _ := tx.ClaimDeliveries("w2", "we_all", 1<<62+1, 1<<62+60001, 10)
		if len(again) != 0 {
			t.Errorf("claimed rows claimed again before the lease ran out: %v", again)
		}
		// A claimer that died: once its lease runs out, another claims
		// the rows.
		expired, _ := tx.ClaimDeliveries("w2", "we_all", 1<<62+60000, 1<<62+120000, 10)
		if len(expired) != 2 {
			t.Errorf("claimed %d rows after the lease ran out, want 2", len(expired))
		}
		if n, _ := tx.(interface {
			ReleaseClaimsOf(string, int64) (int64, error)
		}).ReleaseClaimsOf("w1", 5); n != 0 {
			t.Errorf("released %d claims of w1, whose claims w2 took over", n)
		}
		// On SQLite this process holds every claim, so all are released;
		// on PostgreSQL other instances may hold them, so none are, and
		// only a worker's own claims are released when it stops.
		n, _ := tx.ReleaseDeliveryClaims(5)
		if want := map[bool]int64{false: 2, true: 0}[db.Shared()]; n != want {
			t.Errorf("released %d claims, want %d", n, want)
		}
		if db.Shared() {
			if n, _ := tx.(interface {
				ReleaseClaimsOf(string, int64) (int64, error)
			}).ReleaseClaimsOf("w2", 5); n != 2 {
				t.Errorf("released %d claims of w2, want 2", n)
			}
		}
		return nil
	})

	// Pruning removes old events with their deliveries and attempts.
	db.Update(ctx, func(tx billing.Tx) error {
		_, err := tx.RecordDeliveryResults([]billing.DeliveryResult{{Endpoint: "we_all", Succeeded: true,
			Attempt: billing.DeliveryAttempt{Delivery: first[0].Seq, Status: 200}}})
		return err
	})
	var n int64
	if err := db.Update(ctx, func(tx billing.Tx) error {
		var err error
		n, err = tx.PruneEvents(150, 1000)
		return err
	}); err != nil || n != 1 {
		t.Fatalf("pruned %d, %v", n, err)
	}
	db.View(ctx, func(tx billing.Tx) error {
		if _, err := tx.EventRecord("evt_1"); err != billing.ErrNotFound {
			t.Errorf("evt_1 after pruning: %v", err)
		}
		if ds, _ := tx.EventDeliveries("evt_2"); len(ds) != 1 {
			t.Errorf("evt_2 deliveries after pruning: %v", ds)
		}
		return nil
	})
	var rows int
	db.read.QueryRow(`SELECT (SELECT count(*) FROM webhook_deliveries) + (SELECT count(*) FROM webhook_attempts)`).Scan(&rows)
	if rows != 1 {
		t.Errorf("%d delivery and attempt rows left, want evt_2's one delivery", rows)
	}
}

// TestEndpointListFollowsEndpointChanges: the writer's in-memory list of
// enabled endpoints must never miss an endpoint added after it was filled,
// nor keep one that was disabled or deleted.
func TestEndpointListFollowsEndpointChanges(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	deliveries := func(ev string) int {
		var n int
		db.View(ctx, func(tx billing.Tx) error {
			ds, err := tx.EventDeliveries(ev)
			if err != nil {
				t.Fatal(err)
			}
			n = len(ds)
			return nil
		})
		return n
	}
	insertTestEvent(t, db, "evt_before", "customer.created", 100) // fills the (empty) list
	ep := &billing.WebhookEndpoint{ID: "we_new", EnabledEvents: []string{"*"}, Status: billing.EndpointEnabled}
	if err := db.Update(ctx, func(tx billing.Tx) error { return tx.InsertWebhookEndpoint(ep) }); err != nil {
		t.Fatal(err)
	}
	insertTestEvent(t, db, "evt_after_add", "customer.created", 200)
	if n := deliveries("evt_after_add"); n != 1 {
		t.Fatalf("event after adding an endpoint has %d deliveries, want 1", n)
	}
	// An endpoint written and an event emitted in one transaction.
	err := db.Update(ctx, func(tx billing.Tx) error {
		ep.Status = billing.EndpointDisabled
		if err := tx.UpdateWebhookEndpoint(ep); err != nil {
			return err
		}
		return tx.InsertEvent(&billing.Event{ID: "evt_same_tx", Type: "customer.created", Created: 300, ObjectKind: "customer", Object: []byte(`{}`)})
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := deliveries("evt_same_tx"); n != 0 {
		t.Fatalf("event in the transaction that disabled the endpoint has %d deliveries, want 0", n)
	}
	insertTestEvent(t, db, "evt_after_disable", "customer.created", 400)
	if n := deliveries("evt_after_disable"); n != 0 {
		t.Fatalf("event after disabling has %d deliveries, want 0", n)
	}
}

// TestPostgresConcurrentClaims: while one instance's claim transaction
// holds some due deliveries, another claims the rest without waiting, and
// neither has to run again: FOR UPDATE SKIP LOCKED at READ COMMITTED.
func TestPostgresConcurrentClaims(t *testing.T) {
	testenv.PostgresURL(t)
	db := openTest(t)
	ctx := context.Background()
	if err := db.Update(ctx, func(tx billing.Tx) error {
		return tx.InsertWebhookEndpoint(&billing.WebhookEndpoint{ID: "we_q", EnabledEvents: []string{"*"}, Status: billing.EndpointEnabled})
	}); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		insertTestEvent(t, db, fmt.Sprintf("evt_%d", i), "customer.created", int64(100+i))
	}
	const now, lease = 1 << 62, 1<<62 + 60000
	var first, second []*billing.Delivery
	firstRuns := 0
	held := make(chan struct{})
	secondDone := make(chan struct{})
	errs := make(chan error, 1)
	go func() {
		errs <- db.Claim(ctx, func(tx billing.Tx) error {
			firstRuns++
			var err error
			if first, err = tx.ClaimDeliveries("w1", "we_q", now, lease, 4); err != nil {
				return err
			}
			if firstRuns == 1 {
				close(held)
				<-secondDone // keep the rows locked while the other claims
			}
			return nil
		})
	}()
	<-held
	err := db.Claim(ctx, func(tx billing.Tx) error {
		var err error
		second, err = tx.ClaimDeliveries("w2", "we_q", now, lease, 10)
		return err
	})
	close(secondDone)
	if err != nil || <-errs != nil {
		t.Fatalf("claims failed: %v", err)
	}
	seen := map[int64]bool{}
	for _, d := range append(append([]*billing.Delivery{}, first...), second...) {
		if seen[d.Seq] {
			t.Fatalf("delivery %d claimed twice: %v then %v", d.Seq, first, second)
		}
		seen[d.Seq] = true
	}
	if len(first) != 4 || len(second) != 6 || firstRuns != 1 {
		t.Fatalf("claimed %d and %d (first claim ran %d times), want 4 and 6 in one run each", len(first), len(second), firstRuns)
	}
}
