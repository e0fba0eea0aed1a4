package demo

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
	"github.com/porticohq/portico/internal/sqlstore"
	"github.com/porticohq/portico/internal/storetest"
	"github.com/porticohq/portico/internal/testenv"
)

// TestSeedRunTwice seeds through a store that runs each transaction twice,
// the first run rolled back, as PostgreSQL does after a serialization
// failure: the result describes the committed run only.
func TestSeedRunTwice(t *testing.T) {
	ctx := billing.WithLivemode(context.Background(), false)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	db := storetest.Open(t, sqlstore.Options{Logger: log})
	svc := service.New(service.Config{Store: testenv.Rerun(db), Logger: log, FingerprintKey: []byte("k")})
	res, err := Seed(ctx, svc)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Seeded || len(res.Products) != len(plans) || len(res.Prices) != 2*len(plans) {
		t.Fatalf("seeded %v: %d products, %d prices; want %d and %d", res.Seeded, len(res.Products), len(res.Prices), len(plans), 2*len(plans))
	}
	for _, p := range res.Prices {
		if _, err := svc.Price(ctx, p.ID); err != nil {
			t.Fatalf("price %s: %v", p.ID, err)
		}
	}
}
