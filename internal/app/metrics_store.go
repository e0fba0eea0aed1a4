package app

import (
	"context"
	"time"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
)

// The metrics read from the store at scrape time, each with one short read.

// webhookQueueState is what the outbox says about waiting deliveries.
type webhookQueueState struct {
	endpointsDue int           // endpoints with an unclaimed delivery due now
	oldestDue    time.Duration // how long the oldest of those has waited
}

// webhookQueue reads, per enabled endpoint, when its earliest pending
// delivery falls due (one index probe each). Claimed deliveries are due
// only when their lease ends, so they do not count until it has.
func (a *App) webhookQueue(ctx context.Context) (webhookQueueState, bool) {
	ctx, cancel := context.WithTimeout(ctx, scrapeTimeout)
	defer cancel()
	var q webhookQueueState
	err := a.Store.View(ctx, func(tx billing.Tx) error {
		dues, err := tx.DueEndpoints()
		if err != nil {
			return err
		}
		now := a.cfg.Clock.Now().UnixMilli()
		for _, d := range dues {
			if d.NextDue == 0 || d.NextDue > now {
				continue
			}
			q.endpointsDue++
			q.oldestDue = max(q.oldestDue, time.Duration(now-d.NextDue)*time.Millisecond)
		}
		return nil
	})
	if err != nil {
		a.cfg.Logger.Warn("metrics: reading the webhook queue", "error", err)
		return q, false
	}
	return q, true
}

// schedulerLag is how far behind now the earliest due subscription step
// is, over both modes (subscriptions on test clocks move with their clock
// and are left out).
func (a *App) schedulerLag(ctx context.Context) (time.Duration, bool) {
	ctx, cancel := context.WithTimeout(ctx, scrapeTimeout)
	defer cancel()
	now := a.cfg.Clock.Now().Unix()
	var lag time.Duration
	for _, live := range []bool{false, true} {
		err := a.Store.View(billing.WithLivemode(ctx, live), func(tx billing.Tx) error {
			ids, err := tx.DueSubscriptions("", now, 1)
			if err != nil || len(ids) == 0 {
				return err
			}
			sub, err := tx.Subscription(ids[0])
			if err != nil {
				return err
			}
			if sub.NextDue > 0 && sub.NextDue <= now {
				lag = max(lag, time.Duration(now-sub.NextDue)*time.Second)
			}
			return nil
		})
		if err != nil {
			a.cfg.Logger.Warn("metrics: reading due subscriptions", "error", err)
			return 0, false
		}
	}
	return lag, true
}

// scheduler returns the running billing scheduler, or nil.
func (a *App) scheduler() *service.Scheduler {
	if sc, ok := billingSchedulers.Load(a); ok {
		return sc.(*service.Scheduler)
	}
	return nil
}
