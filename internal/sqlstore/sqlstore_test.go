package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/testenv"
)

func openTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), testenv.DB(t),
		Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func readBalance(t *testing.T, db *DB, id string) int64 {
	t.Helper()
	var bal int64
	err := db.View(context.Background(), func(tx billing.Tx) error {
		c, err := tx.Customer(id)
		if err == nil {
			bal = c.Balance
		}
		return err
	})
	if err != nil {
		t.Error(err)
	}
	return bal
}

// TestReadYourWritesThroughRowCache updates one customer from several
// goroutines while others read it. After an update is acknowledged, every
// read that starts later must see it or something newer: the row cache may
// never serve a row that a commit has replaced. On PostgreSQL (no row
// cache) the same test checks that concurrent read-modify-writes, retried
// after serialization failures, neither lose an update nor read stale rows.
func TestReadYourWritesThroughRowCache(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	const id = "cus_cache"
	if err := db.Update(ctx, func(tx billing.Tx) error {
		return tx.InsertCustomer(&billing.Customer{ID: id, Created: 1, InvoicePrefix: "ABC", TaxExempt: "none"})
	}); err != nil {
		t.Fatal(err)
	}
	readBalance(t, db, id) // cache it

	var mu sync.Mutex
	acked := int64(0) // highest balance whose update was acknowledged
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				mu.Lock()
				floor := acked
				mu.Unlock()
				if got := readBalance(t, db, id); got < floor {
					t.Errorf("read balance %d after %d was acknowledged: stale row", got, floor)
					return
				}
			}
		}()
	}
	var writers sync.WaitGroup
	for w := 0; w < 4; w++ {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for i := 0; i < 150; i++ {
				var set int64
				err := db.Update(ctx, func(tx billing.Tx) error {
					c, err := tx.Customer(id)
					if err != nil {
						return err
					}
					c.Balance++
					set = c.Balance
					return tx.UpdateCustomer(c)
				})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if set > acked {
					acked = set
				}
				mu.Unlock()
				if got := readBalance(t, db, id); got < set {
					t.Errorf("read %d right after writing %d", got, set)
					return
				}
			}
		}()
	}
	writers.Wait()
	close(stop)
	wg.Wait()
	if got := readBalance(t, db, id); got != 600 {
		t.Fatalf("final balance %d, want 600 (lost updates)", got)
	}
}

// TestRolledBackWriteNeverReachesTheCache: a job that fails after writing
// leaves neither the database nor the cache changed.
func TestRolledBackWriteNeverReachesTheCache(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	if err := db.Update(ctx, func(tx billing.Tx) error {
		return tx.InsertCustomer(&billing.Customer{ID: "cus_rb", Created: 1, Email: "before@example.com", TaxExempt: "none"})
	}); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := db.Update(ctx, func(tx billing.Tx) error {
		c, _ := tx.Customer("cus_rb")
		c.Email = "after@example.com"
		if err := tx.UpdateCustomer(c); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	for i := 0; i < 2; i++ { // once from the database, once from the cache
		db.View(ctx, func(tx billing.Tx) error {
			c, err := tx.Customer("cus_rb")
			if err != nil || c.Email != "before@example.com" {
				t.Fatalf("after rollback: %+v, %v", c, err)
			}
			return nil
		})
	}
}

// TestBatchedJobsFailAlone: in one group commit, a failing job rolls back
// alone and the others commit (on PostgreSQL, where each job is its own
// transaction, it checks the same outcome).
func TestBatchedJobsFailAlone(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 40)
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = db.Update(ctx, func(tx billing.Tx) error {
				if err := tx.InsertCustomer(&billing.Customer{ID: fmt.Sprintf("cus_%02d", i), Created: 1, TaxExempt: "none"}); err != nil {
					return err
				}
				if i%3 == 0 {
					return fmt.Errorf("job %d fails", i)
				}
				return nil
			})
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		var got error
		db.View(ctx, func(tx billing.Tx) error { _, got = tx.Customer(fmt.Sprintf("cus_%02d", i)); return nil })
		if i%3 == 0 {
			if err == nil || !errors.Is(got, billing.ErrNotFound) {
				t.Errorf("job %d: err %v, row %v; want failure and no row", i, err, got)
			}
		} else if err != nil || got != nil {
			t.Errorf("job %d: err %v, row %v; want success and a row", i, err, got)
		}
	}
}

func TestPruneIdempotencyKeys(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	save := func(key string, created int64) {
		t.Helper()
		if err := db.Update(ctx, func(tx billing.Tx) error {
			return tx.SaveIdempotentResponse(&billing.IdempotentResponse{Key: key, Method: "POST", Path: "/v1/x", Status: 200, Body: []byte("{}"), Created: created})
		}); err != nil {
			t.Fatal(err)
		}
	}
	save("a", 100)
	save("b", 200)
	save("c", 300)
	save("a", 400) // an expired key used again: a new row, after c
	n, err := db.PruneIdempotencyKeys(250)
	if err != nil || n != 1 {
		t.Fatalf("pruned %d (%v), want 1 (b)", n, err)
	}
	for key, want := range map[string]bool{"a": true, "b": false, "c": true} {
		var got error
		db.View(ctx, func(tx billing.Tx) error { _, got = tx.IdempotentResponse(key); return nil })
		if (got == nil) != want {
			t.Errorf("key %s present=%v, want %v", key, got == nil, want)
		}
	}
	if n, err := db.PruneIdempotencyKeys(1000); err != nil || n != 2 {
		t.Fatalf("second prune removed %d (%v), want 2", n, err)
	}
}

// InsertIdempotentResponse stores a response only for a key without a row,
// live or expired, and leaves an existing row as it was.
func TestInsertIdempotentResponseKeepsExistingRows(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	insert := func(key string, status int, created int64) error {
		return db.Update(ctx, func(tx billing.Tx) error {
			return tx.InsertIdempotentResponse(&billing.IdempotentResponse{Key: key, Method: "POST", Path: "/v1/x", Status: status, Body: []byte("{}"), Created: created})
		})
	}
	if err := insert("k", 200, 100); err != nil {
		t.Fatalf("new key: %v", err)
	}
	if err := insert("k", 402, 200); !errors.Is(err, billing.ErrIdempotencyKeyExists) {
		t.Fatalf("key with a row: %v, want ErrIdempotencyKeyExists", err)
	}
	var got *billing.IdempotentResponse
	if err := db.View(ctx, func(tx billing.Tx) (err error) { got, err = tx.IdempotentResponse("k"); return err }); err != nil {
		t.Fatal(err)
	}
	if got.Status != 200 || got.Created != 100 {
		t.Fatalf("row after a refused insert: status %d created %d, want 200 and 100", got.Status, got.Created)
	}
	// The other data set has its own keys.
	if err := db.Update(billing.WithLivemode(ctx, true), func(tx billing.Tx) error {
		return tx.InsertIdempotentResponse(&billing.IdempotentResponse{Key: "k", Method: "POST", Path: "/v1/x", Status: 200, Body: []byte("{}"), Created: 300})
	}); err != nil {
		t.Fatalf("same key in live mode: %v", err)
	}
}

func TestOnCommitRunsAfterDurableCommit(t *testing.T) {
	db := openTest(t)
	fired := make(chan struct{}, 10)
	db.OnCommit(func() {
		select {
		case fired <- struct{}{}:
		default:
		}
	})
	if err := db.Update(context.Background(), func(tx billing.Tx) error { return tx.SetSetting("k", "v") }); err != nil {
		t.Fatal(err)
	}
	// The hook runs before the writer is answered, so it has fired by now.
	select {
	case <-fired:
	default:
		t.Fatal("OnCommit hook did not run for an acknowledged commit")
	}
}

// TestSettingsThroughRowCache: a setting read (or found absent) through the
// row cache is seen changed by the next read once its change committed.
func TestSettingsThroughRowCache(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	read := func() (string, error) {
		var v string
		err := db.View(ctx, func(tx billing.Tx) error {
			var err error
			v, err = tx.Setting("test.key")
			return err
		})
		return v, err
	}
	for range 2 { // the second read comes from the cache where there is one
		if _, err := read(); !errors.Is(err, billing.ErrNotFound) {
			t.Fatalf("absent setting: %v", err)
		}
	}
	for _, want := range []string{"one", "two"} {
		if err := db.Update(ctx, func(tx billing.Tx) error { return tx.SetSetting("test.key", want) }); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if v, err := read(); err != nil || v != want {
				t.Fatalf("after setting %q: %q, %v", want, v, err)
			}
		}
	}
}
