package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/porticohq/portico/internal/billing"
)

// A test clock advance's part stops after clockBatchSteps steps or
// clockBatchTime, whichever comes first: the writer is shared, so a part
// must leave it to other writes soon.
const (
	clockBatchSteps = 200
	clockBatchTime  = 50 * time.Millisecond
)

// runDueBatch does part of what is due on clock by `to`, in tx, in the
// order it falls due: the drafts of no subscription to finalize up to the
// earliest subscription due, then one step of each subscription due, in
// the order of their due times, again until nothing is due or the part's
// budget is spent. It reports whether more remains. Each invoice and
// subscription is re-read and checked against its due time here, so a part
// that another run already did is not done again.
func (s *Service) runDueBatch(tx billing.Tx, clock string, to int64) (more bool, err error) {
	start := time.Now()
	budget := clockBatchSteps
	spent := func() bool { return budget <= 0 || time.Since(start) >= clockBatchTime }
	for !spent() {
		ids, err := tx.DueSubscriptions(clock, to, budget)
		if err != nil {
			return false, err
		}
		horizon := to
		if len(ids) > 0 {
			first, err := tx.Subscription(ids[0])
			if err != nil {
				return false, err
			}
			horizon = first.NextDue // due by `to`, as DueSubscriptions returned it
		}
		drafts, err := tx.DueDrafts(clock, horizon)
		if err != nil {
			return false, err
		}
		for _, id := range drafts {
			if spent() {
				return true, nil
			}
			if err := s.finalizeDueDraft(tx, id); err != nil {
				return false, err
			}
			budget--
		}
		if len(ids) == 0 {
			if len(drafts) == 0 {
				return false, nil
			}
			continue
		}
		for _, id := range ids {
			if spent() {
				return true, nil
			}
			// Read now, not with the others: a step may change what the
			// next one reads.
			sub, err := tx.Subscription(id)
			if err != nil {
				return false, err
			}
			if sub.NextDue == 0 || sub.NextDue > to {
				continue
			}
			if err := s.step(tx, sub, sub.NextDue); err != nil {
				return false, fmt.Errorf("subscription %s: %w", sub.ID, err)
			}
			budget--
		}
	}
	return true, nil
}

// RunDueSubscriptions advances the subscriptions on real time that are due
// by the store's clock, each in its own short transaction (re-reading it
// there, so concurrent runs never bill a period twice). A subscription that
// fails is logged in the returned error and skipped for the rest of the run,
// so it cannot hold the others up. It returns how many it advanced.
func (s *Service) RunDueSubscriptions(ctx context.Context) (int, error) {
	total := 0
	var errs []error
	for _, live := range []bool{false, true} {
		lctx := billing.WithLivemode(ctx, live)
		// Counted once committed: on PostgreSQL the transaction may run
		// again after a serialization failure.
		var finalized int
		if err := s.update(lctx, func(tx billing.Tx) error {
			var err error
			finalized, err = s.finalizeDueDrafts(tx, "", tx.Now().Unix())
			return err
		}); err != nil {
			errs = append(errs, err)
		} else {
			total += finalized
		}
		failed := map[string]bool{}
		for {
			var ids []string
			if err := s.view(lctx, func(tx billing.Tx) error {
				var err error
				ids, err = tx.DueSubscriptions("", tx.Now().Unix(), 100+len(failed))
				return err
			}); err != nil {
				return total, errors.Join(append(errs, err)...)
			}
			progressed := 0
			for _, id := range ids {
				if ctx.Err() != nil {
					return total, errors.Join(append(errs, ctx.Err())...)
				}
				if failed[id] {
					continue
				}
				did := false
				err := s.update(lctx, func(tx billing.Tx) error {
					did = false
					sub, err := tx.Subscription(id)
					if err != nil {
						return err
					}
					now := tx.Now().Unix()
					if sub.NextDue == 0 || sub.NextDue > now {
						return nil // done by another run
					}
					did = true
					return s.advanceSubscription(tx, sub, now)
				})
				if err != nil {
					failed[id] = true
					errs = append(errs, fmt.Errorf("subscription %s: %w", id, err))
					continue
				}
				if did {
					progressed++
				}
			}
			total += progressed
			if progressed == 0 {
				break
			}
		}
	}
	return total, errors.Join(errs...)
}

// Scheduler runs RunDueSubscriptions every Interval until stopped.
type Scheduler struct {
	svc      *Service
	log      *slog.Logger
	Interval time.Duration
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	lastPass atomic.Int64 // unix nanoseconds when the last run ended
}

// LastPass returns when the scheduler last finished a run (the zero time
// before the first). It is wall-clock time, like the scheduler's ticker:
// metrics report how long ago it was.
func (sc *Scheduler) LastPass() time.Time {
	if n := sc.lastPass.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// NewScheduler returns a scheduler for s; Start starts it.
func NewScheduler(s *Service, log *slog.Logger) *Scheduler {
	if log == nil {
		log = s.log
	}
	return &Scheduler{svc: s, log: log, Interval: 10 * time.Second}
}

// Start starts the scheduler's loop.
func (sc *Scheduler) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	sc.cancel = cancel
	sc.wg.Add(1)
	go func() {
		defer sc.wg.Done()
		t := time.NewTicker(sc.Interval)
		defer t.Stop()
		for {
			if n, err := sc.svc.RunDueSubscriptions(ctx); err != nil && ctx.Err() == nil {
				sc.log.Error("advancing subscriptions", "error", err)
			} else if n > 0 {
				sc.log.Info("subscriptions advanced", "count", n)
			}
			if ctx.Err() == nil {
				sc.lastPass.Store(time.Now().UnixNano())
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// Stop stops the loop and waits for the run in progress.
func (sc *Scheduler) Stop() {
	if sc.cancel != nil {
		sc.cancel()
	}
	sc.wg.Wait()
}

// Test clock advances run what falls due on the clock's subscriptions, and
// are limited to two intervals of the shortest subscription on the clock,
// as Stripe does. The steps use no Service state, so one engine serves
// every Service.
func init() {
	s := &Service{log: slog.Default()}
	ClockAdvanceHooks = append(ClockAdvanceHooks, func(tx billing.Tx, clock *billing.TestClock, from, to int64) (bool, error) {
		return s.runDueBatch(tx, clock.ID, to)
	})
	ClockAdvanceChecks = append(ClockAdvanceChecks, func(tx billing.Tx, clock *billing.TestClock, to int64) error {
		prices, err := tx.PricesOnClock(clock.ID)
		if err != nil {
			return err
		}
		limit := int64(0)
		for _, id := range prices {
			p, err := tx.Price(id)
			if err != nil {
				return err
			}
			if p.Recurring == nil {
				continue
			}
			l := billing.AddInterval(clock.FrozenTime, p.Recurring.Interval, p.Recurring.IntervalCount, 2)
			if limit == 0 || l < limit {
				limit = l
			}
		}
		if limit > 0 && to > limit {
			return billing.Invalid("frozen_time", "", "Cannot advance the test clock more than two intervals of its shortest subscription at a time: frozen_time must be at most %d.", limit)
		}
		return nil
	})
}
