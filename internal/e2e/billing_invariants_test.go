package e2e

import (
	"context"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/porticohq/portico/internal/app"
	"github.com/porticohq/portico/internal/billing"
	stripe "github.com/stripe/stripe-go/v85"
)

// TestInvariantTotalsMatchTimeUsed makes random plan and quantity changes
// (always_invoice) at random times over three months, then checks that the
// invoices add up to what the customer owes worked out independently: the
// price × quantity in force over each stretch of time, pro rata to the
// second, plus the last period billed in advance. Each invoice line is
// rounded on its own, so the sum may differ from the exact figure by at most
// half a cent per proration line.
func TestInvariantTotalsMatchTimeUsed(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		e := start(t)
		rng := rand.New(rand.NewPCG(seed, 99))
		f := e.billingSetup(date(2026, 1, 1), "pm_card_visa")
		mid := e.newPrice(monthly(f.productBasic.ID, 2500))
		prices := map[string]int64{f.basic.ID: 1000, f.pro.ID: 3000, mid.ID: 2500}
		ids := []string{f.basic.ID, f.pro.ID, mid.ID}
		s := e.subscribe(f.cus.ID, f.basic.ID)
		item := s.Items.Data[0].ID
		price, qty := f.basic.ID, int64(1)
		exact := 0.0
		var lines int
		now := date(2026, 1, 1)
		periodStart, periodEnd := date(2026, 1, 1), date(2026, 2, 1)
		charge := func(from, to int64) { // exact cost of [from, to) in the period
			exact += float64(prices[price]*qty) * float64(to-from) / float64(periodEnd-periodStart)
		}
		for m := 1; m <= 3; m++ {
			for k := 0; k < 2; k++ {
				at := now + rng.Int64N((periodEnd-now)/2)
				if at <= now {
					continue
				}
				e.advance(f.clock.ID, at)
				charge(now, at)
				now = at
				price, qty = ids[rng.IntN(len(ids))], 1+rng.Int64N(4)
				if _, err := e.sc.V1Subscriptions.Update(e.ctx, s.ID, &stripe.SubscriptionUpdateParams{ProrationBehavior: stripe.String("always_invoice"),
					Items: []*stripe.SubscriptionUpdateItemParams{{ID: stripe.String(item), Price: stripe.String(price), Quantity: stripe.Int64(qty)}}}); err != nil {
					t.Fatal(err)
				}
				lines += 2
			}
			charge(now, periodEnd)
			now = periodEnd
			next := time.Unix(periodEnd, 0).UTC().AddDate(0, 1, 0).Unix()
			periodStart, periodEnd = periodEnd, next
			e.advance(f.clock.ID, periodStart+2*3600)
			now = periodStart + 2*3600
			charge(periodStart, now)
		}
		charge(now, periodEnd) // the last period, billed in advance
		var sum int64
		for _, in := range e.invoices(s.ID) {
			sum += in.Total
		}
		// The first invoice billed January in advance: it is in exact above.
		if diff := math.Abs(float64(sum) - exact); diff > float64(lines)/2+1e-6 {
			t.Fatalf("seed %d: invoices sum to %d, time used is worth %.3f (%d proration lines)", seed, sum, exact, lines)
		}
	}
}

// settableClock is a wall clock the test moves.
type settableClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *settableClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *settableClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// TestSchedulerRunsConcurrentlyWithoutDoubleBilling lets real time pass a
// renewal and runs the scheduler from several goroutines at once (as
// several processes would): each subscription gets exactly one renewal
// invoice, charged once.
func TestSchedulerRunsConcurrentlyWithoutDoubleBilling(t *testing.T) {
	clock := &settableClock{t: time.Unix(date(2026, 1, 1), 0)}
	e := startWith(t, app.Config{Clock: clock})
	f := e.billingSetup(0, "pm_card_visa")
	var subs []string
	for i := 0; i < 20; i++ {
		subs = append(subs, e.subscribe(f.cus.ID, f.basic.ID).ID)
	}
	clock.Set(time.Unix(date(2026, 2, 1)+2*3600, 0))
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < 3; r++ {
				if _, err := e.app.Service.RunDueSubscriptions(context.Background()); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	for _, id := range subs {
		ins := e.invoices(id)
		if len(ins) != 2 || ins[1].Status != stripe.InvoiceStatusPaid || ins[1].AttemptCount != 1 || ins[1].PeriodEnd != date(2026, 2, 1) {
			t.Fatalf("subscription %s: %d invoices", id, len(ins))
		}
	}
	var charges int
	for ch, err := range e.sc.V1Charges.List(e.ctx, &stripe.ChargeListParams{Customer: stripe.String(f.cus.ID)}).All(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if ch.Status == "succeeded" {
			charges++
		}
	}
	if charges != 40 {
		t.Fatalf("%d charges, want 40", charges)
	}
	// Running again does nothing more.
	n, err := e.app.Service.RunDueSubscriptions(billing.WithLivemode(context.Background(), false))
	if err != nil || n != 0 {
		t.Fatalf("second run advanced %d (%v)", n, err)
	}
}
