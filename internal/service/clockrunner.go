package service

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// clockRunners holds the running ClockRunner of each Service, so an advance
// can wake it (*Service → *ClockRunner).
var clockRunners sync.Map

// notifyClockRunner wakes s's ClockRunner, if one is running.
func (s *Service) notifyClockRunner() {
	if r, ok := clockRunners.Load(s); ok {
		r.(*ClockRunner).Notify()
	}
}

// clockPollInterval is how often a ClockRunner looks for advancing clocks
// without being woken: it catches advances made while it was stopped or by
// another process, and retries failed runs.
const clockPollInterval = time.Second

// ClockRunner completes test clock advances in the background, as Stripe
// does after answering an advance request. Start it once the service is
// built and Stop it before the store closes; while it runs, AdvanceTestClock
// wakes it, and it also polls every second. Several runners (in one process
// or several) may share a store: each advance still completes once.
type ClockRunner struct {
	svc  *Service
	log  *slog.Logger
	wake chan struct{}
	done chan struct{}

	mu      sync.Mutex
	cancel  context.CancelFunc // set by Start
	stopped bool
}

// NewClockRunner returns a runner for s's clocks; Start starts it.
func NewClockRunner(s *Service, log *slog.Logger) *ClockRunner {
	if log == nil {
		log = s.log
	}
	return &ClockRunner{svc: s, log: log, wake: make(chan struct{}, 1), done: make(chan struct{})}
}

// Start starts the runner. It first finishes the advances a previous run
// left unfinished, then waits for Notify or its poll interval. A runner
// starts once; Start after Stop does nothing.
func (r *ClockRunner) Start() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cancel != nil || r.stopped {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	clockRunners.Store(r.svc, r)
	go r.loop(ctx)
}

// Stop stops the runner and waits for the run in progress to end. Call it
// before closing the store.
func (r *ClockRunner) Stop() {
	r.mu.Lock()
	if !r.stopped {
		r.stopped = true
		clockRunners.CompareAndDelete(r.svc, r)
		if r.cancel != nil {
			r.cancel()
		} else {
			close(r.done) // never started
		}
	}
	r.mu.Unlock()
	<-r.done
}

// Notify wakes the runner to look for advancing clocks now. It never blocks.
func (r *ClockRunner) Notify() {
	select {
	case r.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
}

func (r *ClockRunner) loop(ctx context.Context) {
	defer close(r.done)
	failures := 0
	wait := time.Duration(0)
	for {
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-r.wake:
			timer.Stop()
		case <-timer.C:
		}
		n, err := r.svc.CompleteClockAdvances(ctx)
		if ctx.Err() != nil {
			return
		}
		if n > 0 {
			r.log.Info("test clocks advanced", "count", n)
		}
		if err != nil {
			failures++
			wait = retryDelay(failures)
			r.log.Error("completing test clock advances", "error", err, "failures", failures, "retry_in", wait)
			continue
		}
		failures, wait = 0, clockPollInterval
	}
}

// retryDelay backs off after consecutive failures: 2s, 4s, ... up to a
// minute, less up to a quarter of jitter so several runners spread out.
func retryDelay(failures int) time.Duration {
	d := clockPollInterval << min(failures, 6)
	if d > time.Minute {
		d = time.Minute
	}
	return d - time.Duration(rand.Int64N(int64(d/4)))
}
