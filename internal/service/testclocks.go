package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/porticohq/portico/internal/billing"
)

// Test clock limits.
const (
	// ClockLifetime is how long a test clock lives: Stripe deletes a clock
	// (and everything on it) 30 days after creating it.
	ClockLifetime = 30 * 24 * time.Hour
	// MaxClockNameLen is the longest name a clock may have.
	MaxClockNameLen = 300
	// maxFrozenTime is the last second of year 9999, a bound that keeps
	// frozen times printable as dates.
	maxFrozenTime = 253402300799
)

// A ClockAdvanceHook does part of what falls due on a test clock's
// customers between from and to (renewals, trial ends, payment retries), in
// tx, earliest first, and reports whether more remains. An advance calls its
// hooks in a series of short transactions, because every write shares one
// writer: a hook must keep its part small (the billing engine stops at 200
// subscription steps or about 50 ms) so that API writes go on between the
// parts. It must also be safe to call again on the same state, after a
// crash or alongside another runner, so it re-reads what it changes. A
// hook's error stops the advance and leaves the clock in internal_failure
// (the parts already committed stay). Hooks must not change clock.
type ClockAdvanceHook func(tx billing.Tx, clock *billing.TestClock, from, to int64) (more bool, err error)

// ClockAdvanceHooks run, in order, while a test clock advances: a hook is
// called again, each time in a new transaction, until it reports nothing
// more, and only then is the next one called. When none has more, the same
// transaction moves the clock to its target and makes it ready. Register
// them at start-up, before any ClockRunner starts.
var ClockAdvanceHooks []ClockAdvanceHook

// ClockAdvanceChecks run when an advance is requested, after the rules every
// clock has (later than now, at most two years ahead): the billing engine
// adds Stripe's tighter limit of two intervals of the shortest subscription
// on the clock. A check refuses an advance by returning a *billing.Error
// (on param frozen_time). Register them at start-up.
var ClockAdvanceChecks []func(tx billing.Tx, clock *billing.TestClock, to int64) error

// CreateTestClock creates a test clock frozen at frozenTime. Clocks exist in
// test mode only.
func (s *Service) CreateTestClock(ctx context.Context, frozenTime int64, name string) (*billing.TestClock, error) {
	var c *billing.TestClock
	err := s.update(ctx, func(tx billing.Tx) error {
		if tx.Livemode() {
			return billing.Invalid("", "", "Test clocks are only available in test mode: use a test mode secret key (sk_test_...) to create one.")
		}
		if err := checkFrozenTime(frozenTime); err != nil {
			return err
		}
		now := tx.Now()
		c = &billing.TestClock{
			ID: billing.NewID("clock"), Created: now.Unix(), Livemode: false, Name: name,
			FrozenTime: frozenTime, Status: billing.ClockReady, DeletesAfter: now.Add(ClockLifetime).Unix(),
		}
		if err := tx.InsertTestClock(c); err != nil {
			return err
		}
		return emit(tx, "test_helpers.test_clock.created", "test_helpers.test_clock", c, nil)
	})
	return c, err
}

func checkFrozenTime(t int64) error {
	if t < 0 || t > maxFrozenTime {
		return billing.Invalid("frozen_time", "parameter_invalid_integer",
			"Invalid frozen_time: %d is not a Unix timestamp between 0 and %d.", t, int64(maxFrozenTime))
	}
	return nil
}

// TestClock returns a test clock.
func (s *Service) TestClock(ctx context.Context, id string) (*billing.TestClock, error) {
	return getByID(s, ctx, "test_clock", id, billing.Tx.TestClock)
}

// ListTestClocks lists test clocks, newest first.
func (s *Service) ListTestClocks(ctx context.Context, p billing.Page) (billing.List[*billing.TestClock], error) {
	var l billing.List[*billing.TestClock]
	err := s.view(ctx, func(tx billing.Tx) error {
		var err error
		l, err = tx.ListTestClocks(p)
		return err
	})
	return l, err
}

// DeleteTestClock deletes a test clock and, as Stripe does, every object on
// it: its customers are deleted (their payment methods detached, their tax
// IDs gone with them). An advance in progress is abandoned.
func (s *Service) DeleteTestClock(ctx context.Context, id string) (*billing.TestClock, error) {
	var c *billing.TestClock
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		if c, err = tx.TestClock(id); err != nil {
			return notFound(err, "test_clock", id)
		}
		if err := s.deleteClockCustomers(tx, c.ID); err != nil {
			return err
		}
		if err := tx.DeleteTestClock(c.ID); err != nil {
			return notFound(err, "test_clock", id)
		}
		return emit(tx, "test_helpers.test_clock.deleted", "test_helpers.test_clock", c, nil)
	})
	return c, err
}

// deleteClockCustomers deletes every live customer on clock, in the
// caller's transaction.
func (s *Service) deleteClockCustomers(tx billing.Tx, clock string) error {
	for {
		// Deleted customers drop out of the list, so the first page is
		// always the next one.
		l, err := tx.ListCustomers(billing.CustomerFilter{TestClock: clock}, billing.Page{Limit: 100})
		if err != nil {
			return err
		}
		for _, cu := range l.Data {
			if _, err := s.DeleteCustomer(tx.Context(), cu.ID); err != nil {
				return err
			}
		}
		if !l.HasMore {
			return nil
		}
	}
}

// AdvanceTestClock starts moving a clock forward to frozenTime. As on
// Stripe, it returns at once with the clock advancing; a ClockRunner (or
// CompleteClockAdvances) then does what falls due and makes it ready.
func (s *Service) AdvanceTestClock(ctx context.Context, id string, frozenTime int64) (*billing.TestClock, error) {
	var c *billing.TestClock
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		if c, err = tx.TestClock(id); err != nil {
			return notFound(err, "test_clock", id)
		}
		if c.Status == billing.ClockAdvancing {
			return billing.Invalid("", "", "The test clock %s is already advancing to %d; wait until its status is ready before advancing it again.",
				c.ID, c.AdvancingTo)
		}
		if err := checkFrozenTime(frozenTime); err != nil {
			return err
		}
		if frozenTime <= c.FrozenTime {
			return billing.Invalid("frozen_time", "", "The test clock can only move forward: frozen_time must be after its current frozen_time (%d).", c.FrozenTime)
		}
		// Two years at most when the clock has no subscriptions; the billing
		// engine's checks tighten this to two billing intervals.
		if limit := time.Unix(c.FrozenTime, 0).UTC().AddDate(2, 0, 0).Unix(); frozenTime > limit {
			return billing.Invalid("frozen_time", "", "A test clock cannot be advanced more than two years at a time: frozen_time must be at most %d.", limit)
		}
		for _, check := range ClockAdvanceChecks {
			if err := check(tx, c, frozenTime); err != nil {
				return err
			}
		}
		prev := *c
		c.Status, c.AdvancingTo = billing.ClockAdvancing, frozenTime
		if err := tx.UpdateTestClock(c); err != nil {
			return err
		}
		return emit(tx, "test_helpers.test_clock.advancing", "test_helpers.test_clock", c, &prev)
	})
	if err == nil {
		s.notifyClockRunner()
	}
	return c, err
}

// CompleteClockAdvances finishes every advancing test clock: for each, it
// runs ClockAdvanceHooks in a series of short transactions, each re-reading
// the clock, until nothing is left due up to the target, then sets the
// clock's frozen time to the target and its status to ready. It returns how
// many clocks it made ready. Runs may overlap (several runners, or a runner
// and a test), and a run may stop half-way (cancelled, or the process
// ended): the hooks re-read what they change, so the next run resumes where
// the last committed part ended and nothing is done twice. Call it outside
// any transaction.
func (s *Service) CompleteClockAdvances(ctx context.Context) (int, error) {
	// Clocks live in test mode only.
	ctx = billing.WithLivemode(ctx, false)
	ids, err := s.advancingClocks(ctx)
	if err != nil {
		return 0, err
	}
	done := 0
	var errs []error
	for _, id := range ids {
		if ctx.Err() != nil {
			errs = append(errs, ctx.Err())
			break
		}
		ok, err := s.completeClockAdvance(ctx, id)
		if err != nil {
			errs = append(errs, err)
		}
		if ok {
			done++
		}
	}
	return done, errors.Join(errs...)
}

// advancingClocks returns the ids of the clocks that are advancing. It reads
// in a write transaction, which is ordered after every write already
// committed or queued: an advance that has just notified the runner from
// inside its own (not yet committed) transaction is seen.
func (s *Service) advancingClocks(ctx context.Context) ([]string, error) {
	var ids []string
	err := s.update(ctx, func(tx billing.Tx) error {
		ids = ids[:0]
		p := billing.Page{Limit: 100}
		for {
			l, err := tx.ListTestClocks(p)
			if err != nil {
				return err
			}
			for _, c := range l.Data {
				if c.Status == billing.ClockAdvancing {
					ids = append(ids, c.ID)
				}
			}
			if !l.HasMore || len(l.Data) == 0 {
				return nil
			}
			p.StartingAfter = l.Data[len(l.Data)-1].ID
		}
	})
	// Oldest first, so clocks finish in the order they were created.
	for i, j := 0, len(ids)-1; i < j; i, j = i+1, j-1 {
		ids[i], ids[j] = ids[j], ids[i]
	}
	return ids, err
}

// hookError marks a failure of a ClockAdvanceHook, which fails the advance,
// from a failure of the store, which is retried.
type hookError struct{ err error }

func (e *hookError) Error() string { return e.err.Error() }
func (e *hookError) Unwrap() error { return e.err }

// completeClockAdvance finishes one clock's advance, part by part; ok
// reports whether this call made it ready.
func (s *Service) completeClockAdvance(ctx context.Context, id string) (ok bool, err error) {
	for {
		var stop bool
		err = s.update(ctx, func(tx billing.Tx) error {
			ok, stop = false, false
			c, err := tx.TestClock(id)
			if errors.Is(err, billing.ErrNotFound) {
				stop = true // deleted meanwhile
				return nil
			}
			if err != nil {
				return err
			}
			if c.Status != billing.ClockAdvancing {
				stop = true // finished (or failed) by another run
				return nil
			}
			from, to := c.FrozenTime, c.AdvancingTo
			for _, hook := range ClockAdvanceHooks {
				more, err := hook(tx, c, from, to)
				if err != nil {
					return &hookError{err}
				}
				if more {
					return nil // the next part, in the next transaction
				}
			}
			prev := *c
			c.FrozenTime, c.Status, c.AdvancingTo = to, billing.ClockReady, 0
			if err := tx.UpdateTestClock(c); err != nil {
				return err
			}
			ok, stop = true, true
			return emit(tx, "test_helpers.test_clock.ready", "test_helpers.test_clock", c, &prev)
		})
		var he *hookError
		if errors.As(err, &he) && ctx.Err() == nil {
			if ferr := s.failClockAdvance(ctx, id); ferr != nil {
				return false, errors.Join(err, ferr)
			}
			return false, fmt.Errorf("service: advancing test clock %s: %w", id, he.err)
		}
		if err == nil && !stop {
			err = ctx.Err()
		}
		if err != nil {
			return false, fmt.Errorf("service: advancing test clock %s: %w", id, err)
		}
		if stop {
			return ok, nil
		}
	}
}

// failClockAdvance puts a clock whose advance failed in internal_failure, at
// its old frozen time. It can be advanced again, or deleted.
func (s *Service) failClockAdvance(ctx context.Context, id string) error {
	return s.update(ctx, func(tx billing.Tx) error {
		c, err := tx.TestClock(id)
		if errors.Is(err, billing.ErrNotFound) {
			return nil
		}
		if err != nil || c.Status != billing.ClockAdvancing {
			return err
		}
		prev := *c
		c.Status, c.AdvancingTo = billing.ClockFailed, 0
		if err := tx.UpdateTestClock(c); err != nil {
			return err
		}
		return emit(tx, "test_helpers.test_clock.internal_failure", "test_helpers.test_clock", c, &prev)
	})
}
