package app

import (
	"context"
	"sync"
	"time"

	"github.com/porticohq/portico/internal/service"
)

// pruneEvery is how often stored idempotent responses older than the
// replay window are deleted.
const pruneEvery = time.Hour

// workers are the background loops of a running Portico.
type workers struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
	clocks *service.ClockRunner
}

// Start starts the background work: the test clock runner, which finishes
// clock advances; the billing scheduler; the webhook delivery worker; and
// pruning of expired idempotency keys and idle portal visits. Close stops
// it.
func (a *App) Start() {
	if a.workers != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	a.workers = &workers{cancel: cancel, clocks: service.NewClockRunner(a.Service, a.cfg.Logger)}
	a.workers.clocks.Start()
	a.startBilling()
	a.startWebhooks()
	a.workers.wg.Add(1)
	go func() {
		defer a.workers.wg.Done()
		a.pruneLoop(ctx)
	}()
}

// stopWorkers stops the background loops and waits for them.
func (a *App) stopWorkers() {
	if a.workers == nil {
		return
	}
	a.workers.cancel()
	a.workers.wg.Wait()
	a.stopWebhooks()
	a.stopBilling()
	a.workers.clocks.Stop()
	a.workers = nil
}

func (a *App) pruneLoop(ctx context.Context) {
	t := time.NewTicker(pruneEvery)
	defer t.Stop()
	for {
		cutoff := a.cfg.Clock.Now().Add(-24 * time.Hour).Unix()
		if n, err := a.Store.PruneIdempotencyKeys(cutoff); err != nil {
			a.cfg.Logger.Error("pruning idempotency keys", "error", err)
		} else if n > 0 {
			a.cfg.Logger.Info("pruned idempotency keys", "count", n)
		}
		// Portal visits idle for an hour and login rate counters from
		// earlier windows.
		hourAgo := a.cfg.Clock.Now().Add(-time.Hour).Unix()
		if _, err := a.Store.PrunePortal(hourAgo, hourAgo); err != nil {
			a.cfg.Logger.Error("pruning portal visits", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
