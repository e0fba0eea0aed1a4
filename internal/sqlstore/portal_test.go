package sqlstore

import (
	"context"
	"testing"

	"github.com/porticohq/portico/internal/billing"
)

func TestPortalCountersVisitsAndPrune(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	hit := func(key string, window int64) (n int64) {
		t.Helper()
		if err := db.Update(ctx, func(tx billing.Tx) (err error) { n, err = tx.CountHit(key, window); return }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if a, b, c := hit("k", 100), hit("k", 100), hit("other", 100); a != 1 || b != 2 || c != 1 {
		t.Fatalf("counts %d %d %d", a, b, c)
	}
	if n := hit("k", 200); n != 1 {
		t.Fatalf("new window count %d", n)
	}
	err := db.Update(ctx, func(tx billing.Tx) error {
		for i, last := range []int64{10, 500} {
			if err := tx.InsertPortalVisit(&billing.PortalVisit{TokenHash: string(rune('a' + i)), Session: "bps_x", Customer: "cus_x", Configuration: "bpc_x", Created: last, LastActive: last}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	n, err := db.PrunePortal(100, 150)
	if err != nil || n != 2 { // visit a, counter "other"
		t.Fatalf("pruned %d, %v", n, err)
	}
	db.View(ctx, func(tx billing.Tx) error {
		if _, err := tx.PortalVisit("a"); err != billing.ErrNotFound {
			t.Errorf("idle visit kept: %v", err)
		}
		if v, err := tx.PortalVisit("b"); err != nil || v.LastActive != 500 {
			t.Errorf("active visit: %+v %v", v, err)
		}
		return nil
	})
}
