package e2e

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/porticohq/portico/internal/app"
	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
	"github.com/porticohq/portico/internal/testenv"
	stripe "github.com/stripe/stripe-go/v85"
)

// seedClockSubscriptions puts n monthly subscriptions (one per customer,
// paid by card) on clock, a few hundred per transaction, and returns their
// ids.
func seedClockSubscriptions(t *testing.T, svc *service.Service, clock string, n int) []string {
	t.Helper()
	ctx := billing.WithLivemode(context.Background(), false)
	prod, err := svc.CreateProduct(ctx, service.ProductParams{Name: service.Set("Plan")})
	if err != nil {
		t.Fatal(err)
	}
	price, err := svc.CreatePrice(ctx, benchPrice(prod.ID))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for len(ids) < n {
		// On PostgreSQL a conflicting transaction runs again: drop the ids
		// of the rolled-back run.
		have := len(ids)
		err := svc.Atomic(ctx, func(ctx context.Context) error {
			ids = ids[:have]
			for j := 0; j < 200 && len(ids) < n; j++ {
				c, err := svc.CreateCustomer(ctx, service.CustomerParams{TestClock: clock, PaymentMethod: "pm_card_visa"})
				if err != nil {
					return err
				}
				sub, err := svc.CreateSubscription(ctx, service.SubscriptionParams{Customer: c.ID, DefaultPaymentMethod: service.Set("pm_card_visa"),
					Items: service.Set([]service.ItemParams{{Price: price.ID}})})
				if err != nil {
					return err
				}
				ids = append(ids, sub.ID)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// checkRenewedOnce checks that each subscription has exactly its first
// invoice and one paid renewal, and is active in its second period.
func checkRenewedOnce(t *testing.T, svc *service.Service, subs []string, periodStart int64) {
	t.Helper()
	ctx := billing.WithLivemode(context.Background(), false)
	for _, id := range subs {
		l, err := svc.ListInvoices(ctx, billing.InvoiceFilter{Subscription: id}, billing.Page{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		cycles := 0
		for _, in := range l.Data {
			if in.BillingReason == billing.ReasonSubscriptionCycle {
				cycles++
				if in.Status != billing.InvoicePaid || in.PeriodEnd != periodStart {
					t.Fatalf("%s: renewal invoice %s is %s for the period ending %d, want paid, ending %d", id, in.ID, in.Status, in.PeriodEnd, periodStart)
				}
			}
		}
		if len(l.Data) != 2 || cycles != 1 {
			t.Fatalf("%s: %d invoices, %d renewals; want the first and one renewal", id, len(l.Data), cycles)
		}
		sub, err := svc.Subscription(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if sub.Status != billing.SubActive || sub.Items[0].CurrentPeriodStart != periodStart {
			t.Fatalf("%s after the advance: %s from %d", id, sub.Status, sub.Items[0].CurrentPeriodStart)
		}
	}
}

// A large advance runs in parts, each its own short transaction: an API
// write made while it runs is committed between two parts, before the
// advance ends. The last hook holds the advance open (doing nothing) until
// the write has returned, so the test depends on no timing: were the
// advance one transaction holding the writer, the write could not finish
// and the hook's bound would fail the advance.
func TestClockAdvanceLetsWritesThrough(t *testing.T) {
	started, written := make(chan struct{}), make(chan struct{})
	var once sync.Once
	parts := 0
	engine := service.ClockAdvanceHooks
	hooks := append([]service.ClockAdvanceHook{}, engine...)
	hooks[0] = func(tx billing.Tx, clock *billing.TestClock, from, to int64) (bool, error) {
		more, err := engine[0](tx, clock, from, to)
		parts++
		if more {
			once.Do(func() { close(started) })
		}
		return more, err
	}
	hooks = append(hooks, func(tx billing.Tx, clock *billing.TestClock, from, to int64) (bool, error) {
		select {
		case <-written:
			return false, nil
		default:
		}
		if parts++; parts > 1_000_000 {
			return false, errors.New("the write never went through")
		}
		return true, nil
	})
	setClockHooks(t, hooks...)
	e := start(t)
	clock := e.newClock(date(2026, 1, 1), "large")
	subs := seedClockSubscriptions(t, e.app.Service, clock.ID, 600)
	if _, err := e.sc.V1TestHelpersTestClocks.Advance(e.ctx, clock.ID, &stripe.TestHelpersTestClockAdvanceParams{FrozenTime: stripe.Int64(date(2026, 2, 1) + 7200)}); err != nil {
		t.Fatal(err)
	}
	<-started // a part has run and more are to come
	c, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{Email: stripe.String("during@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	mid, err := e.sc.V1TestHelpersTestClocks.Retrieve(e.ctx, clock.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	close(written)
	if mid.Status != stripe.TestHelpersTestClockStatusAdvancing || mid.StatusDetails == nil || mid.StatusDetails.Advancing == nil ||
		mid.StatusDetails.Advancing.TargetFrozenTime != date(2026, 2, 1)+7200 || mid.FrozenTime != date(2026, 1, 1) {
		t.Fatalf("clock while customer %s was created = %+v, want advancing to its target", c.ID, mid)
	}
	done := e.waitForClock(clock.ID)
	if done.Status != stripe.TestHelpersTestClockStatusReady || done.FrozenTime != date(2026, 2, 1)+7200 {
		t.Fatalf("clock after the advance = %+v", done)
	}
	checkRenewedOnce(t, e.app.Service, subs, date(2026, 2, 1))
}

// An advance interrupted half-way (its run cancelled right after a part
// committed, as when the process ends) stays advancing and is resumed by the
// next run; two runs racing on it finish it once. No period is billed twice.
func TestClockAdvanceResumesAndRunsOnce(t *testing.T) {
	ctx := billing.WithLivemode(context.Background(), false)
	a, err := app.Open(ctx, app.Config{DB: testenv.DB(t), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close() // not started: no runner but this test's
	svc := a.Service
	clock, err := svc.CreateTestClock(ctx, date(2026, 1, 1), "resume")
	if err != nil {
		t.Fatal(err)
	}
	subs := seedClockSubscriptions(t, svc, clock.ID, 500)
	if _, err := svc.AdvanceTestClock(ctx, clock.ID, date(2026, 2, 1)+7200); err != nil {
		t.Fatal(err)
	}

	// The first run ends after its third part.
	engine := service.ClockAdvanceHooks[0]
	runCtx, cancel := context.WithCancel(ctx)
	parts := 0
	setClockHooks(t, func(tx billing.Tx, clock *billing.TestClock, from, to int64) (bool, error) {
		if parts++; parts == 3 {
			cancel()
		}
		return engine(tx, clock, from, to)
	})
	if n, err := svc.CompleteClockAdvances(runCtx); n != 0 || !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run = %d, %v", n, err)
	}
	mid, err := svc.TestClock(ctx, clock.ID)
	if err != nil {
		t.Fatal(err)
	}
	if mid.Status != billing.ClockAdvancing || mid.FrozenTime != date(2026, 1, 1) || mid.AdvancingTo != date(2026, 2, 1)+7200 {
		t.Fatalf("clock after an interrupted run = %+v", mid)
	}

	// Two runs resume it together; exactly one makes it ready.
	setClockHooks(t, engine)
	var wg sync.WaitGroup
	var done [2]int
	var errs [2]error
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			done[i], errs[i] = svc.CompleteClockAdvances(ctx)
		}()
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil || done[0]+done[1] != 1 {
		t.Fatalf("resuming runs = %v, %v", done, errs)
	}
	end, err := svc.TestClock(ctx, clock.ID)
	if err != nil {
		t.Fatal(err)
	}
	if end.Status != billing.ClockReady || end.FrozenTime != date(2026, 2, 1)+7200 {
		t.Fatalf("clock after resuming = %+v", end)
	}
	checkRenewedOnce(t, svc, subs, date(2026, 2, 1))
}
