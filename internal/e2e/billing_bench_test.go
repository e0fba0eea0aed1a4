package e2e

import (
	"context"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/porticohq/portico/internal/app"
	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
	"github.com/porticohq/portico/internal/testenv"
)

// BenchmarkClockAdvanceMonth advances a test clock one month with 10,000
// monthly subscriptions on it (one per customer, each with a card): every
// subscription renews (a draft invoice), and an hour later the invoice is
// finalized, numbered and charged, with all their events. It reports the
// seconds per advance (and the milliseconds of the advance request itself,
// a write transaction) and the heap in use after it. With
// PORTICO_BENCH_WRITES=1 it also creates customers one after another while
// the clock advances, and reports how many and the slowest: the advance
// runs in short transactions, so API writes go on meanwhile.
//
//	go test ./internal/e2e -run '^$' -bench ClockAdvanceMonth -benchtime 1x
func BenchmarkClockAdvanceMonth(b *testing.B) {
	subs := 10000
	if v := os.Getenv("PORTICO_BENCH_SUBS"); v != "" {
		subs, _ = strconv.Atoi(v)
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		ctx := context.Background()
		a, err := app.Open(ctx, app.Config{DB: testenv.DB(b), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			b.Fatal(err)
		}
		svc := a.Service
		clock, err := svc.CreateTestClock(ctx, date(2026, 1, 1), "bench")
		if err != nil {
			b.Fatal(err)
		}
		prod, err := svc.CreateProduct(ctx, service.ProductParams{Name: service.Set("Plan")})
		if err != nil {
			b.Fatal(err)
		}
		price, err := svc.CreatePrice(ctx, benchPrice(prod.ID))
		if err != nil {
			b.Fatal(err)
		}
		for done := 0; done < subs; {
			// On PostgreSQL a conflicting transaction runs again: count
			// from where the last committed batch ended.
			have := done
			err := svc.Atomic(ctx, func(ctx context.Context) error {
				done = have
				for j := 0; j < 500 && done < subs; j++ {
					c, err := svc.CreateCustomer(ctx, service.CustomerParams{TestClock: clock.ID, PaymentMethod: "pm_card_visa"})
					if err != nil {
						return err
					}
					if _, err := svc.CreateSubscription(ctx, service.SubscriptionParams{Customer: c.ID, DefaultPaymentMethod: service.Set("pm_card_visa"),
						Items: service.Set([]service.ItemParams{{Price: price.ID}})}); err != nil {
						return err
					}
					done++
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		peak := samplePeakHeap()
		b.StartTimer()
		start := time.Now()
		if _, err := svc.AdvanceTestClock(ctx, clock.ID, date(2026, 2, 1)+2*3600); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms-advance-request")
		var writes func() (int, time.Duration)
		if os.Getenv("PORTICO_BENCH_WRITES") != "" {
			writes = writeWhile(ctx, svc)
		}
		if n, err := svc.CompleteClockAdvances(ctx); err != nil || n != 1 {
			b.Fatalf("advance: %d %v", n, err)
		}
		elapsed := time.Since(start)
		b.StopTimer()
		if writes != nil {
			count, slowest := writes()
			b.ReportMetric(float64(count), "writes-during")
			b.ReportMetric(float64(slowest.Microseconds())/1000, "ms-slowest-write")
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(elapsed.Seconds(), "s/advance")
		b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "MiB-heap-after")
		b.ReportMetric(float64(peak())/(1<<20), "MiB-heap-peak")
		var paid int
		svc.Read(billing.WithLivemode(ctx, false), func(ctx context.Context) error {
			l, err := svc.ListInvoices(ctx, billing.InvoiceFilter{Status: billing.InvoicePaid}, billing.Page{Limit: 100})
			paid = len(l.Data)
			return err
		})
		if paid == 0 {
			b.Fatal("no paid invoices")
		}
		a.Close()
	}
}

// writeWhile creates customers one after another (with a 10 ms pause, as a
// light API load) until the returned function is called, which reports how
// many were created and the slowest: with the advance in short
// transactions, no write waits for more than one of them.
func writeWhile(ctx context.Context, svc *service.Service) func() (int, time.Duration) {
	stop, done := make(chan struct{}), make(chan struct{})
	var count int
	var slowest time.Duration
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
			t := time.Now()
			if _, err := svc.CreateCustomer(billing.WithLivemode(ctx, false), service.CustomerParams{Email: service.Set("during@example.com")}); err != nil {
				return
			}
			count++
			slowest = max(slowest, time.Since(t))
		}
	}()
	return func() (int, time.Duration) {
		close(stop)
		<-done
		return count, slowest
	}
}

func benchPrice(product string) service.PriceParams {
	amount := int64(1000)
	return service.PriceParams{Currency: "usd", Product: product, UnitAmount: &amount,
		Recurring: &billing.Recurring{Interval: "month", IntervalCount: 1, UsageType: "licensed"}}
}

// samplePeakHeap samples the heap in use every 20 ms until the returned
// function is called, which returns the largest sample.
func samplePeakHeap() func() uint64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		return peak.Load()
	}
}
