package app

import (
	"os"
	"strconv"
	"time"

	"github.com/porticohq/portico/internal/service"
	"github.com/porticohq/portico/internal/webhook"
)

// The webhook delivery worker of a running Portico. Its settings come from
// the environment:
//
//	PORTICO_WEBHOOK_BLOCK_PRIVATE=1   refuse endpoints on loopback, private
//	                                  and other non-public addresses
//	PORTICO_WEBHOOK_RETRY_SCALE=F     multiply the retry schedule (three days
//	                                  of exponential backoff) by F, e.g. 0.001
//	                                  in tests
//	PORTICO_WEBHOOK_CONCURRENCY=N     concurrent attempts per endpoint (16)
//	PORTICO_WEBHOOK_LEASE=D           how long a claim holds a delivery (60s):
//	                                  on PostgreSQL, how soon the deliveries
//	                                  of an instance that died are made

func (a *App) startWebhooks() {
	cfg := webhook.Config{
		Store: a.Store, Logger: a.cfg.Logger, Clock: a.cfg.Clock, Loader: a.Service,
		BlockPrivate: os.Getenv("PORTICO_WEBHOOK_BLOCK_PRIVATE") == "1",
		Retention:    a.eventRetention(),
	}
	if f, err := strconv.ParseFloat(os.Getenv("PORTICO_WEBHOOK_RETRY_SCALE"), 64); err == nil && f > 0 {
		cfg.RetryScale = f
	}
	if n, err := strconv.Atoi(os.Getenv("PORTICO_WEBHOOK_CONCURRENCY")); err == nil && n > 0 {
		cfg.PerEndpoint = n
	}
	if d, err := time.ParseDuration(os.Getenv("PORTICO_WEBHOOK_LEASE")); err == nil && d > 0 {
		cfg.Lease = d
	}
	if a.webhooks != nil {
		return
	}
	w := webhook.New(cfg)
	a.webhooks = w
	a.webhookWorker.Store(w)
	// Every durable commit wakes the worker, which then looks for due
	// deliveries (a read) before claiming any (a write).
	a.Store.OnCommit(w.Wake)
	w.Start()
}

func (a *App) stopWebhooks() {
	if a.webhooks != nil {
		a.webhooks.Stop()
		a.webhooks = nil
		a.webhookWorker.Store(nil)
	}
}

// eventRetention is how long events and their deliveries are kept.
func (a *App) eventRetention() time.Duration {
	if a.cfg.EventRetention > 0 {
		return a.cfg.EventRetention
	}
	return service.EventRetention
}
