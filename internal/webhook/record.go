package webhook

import (
	"context"
	"time"

	"github.com/porticohq/portico/internal/billing"
)

// record stores outcomes in batches: whatever has arrived while the
// previous batch was being committed goes in one transaction.
func (w *Worker) record() {
	defer w.loops.Done()
	const maxBatch = 128
	batch := make([]billing.DeliveryResult, 0, maxBatch)
	for {
		select {
		case r := <-w.results:
			batch = append(batch, r)
		case <-w.stopped:
			// Attempts have all returned; record what they left.
			for {
				select {
				case r := <-w.results:
					batch = append(batch, r)
				default:
					w.flush(batch)
					return
				}
			}
		}
	more:
		for len(batch) < maxBatch {
			select {
			case r := <-w.results:
				batch = append(batch, r)
			default:
				break more
			}
		}
		w.flush(batch)
		batch = batch[:0]
	}
}

func (w *Worker) flush(batch []billing.DeliveryResult) {
	if len(batch) == 0 {
		return
	}
	var failing []billing.EndpointFailure
	err := w.cfg.Store.Update(context.Background(), func(tx billing.Tx) error {
		var err error
		failing, err = tx.RecordDeliveryResults(batch)
		return err
	})
	if err != nil {
		// The claims expire, so these deliveries are attempted again.
		w.cfg.Logger.Error("webhook worker: recording delivery results", "error", err, "count", len(batch))
		return
	}
	now := w.cfg.Clock.Now().Unix()
	limit := int64(w.scaled(w.cfg.DisableAfter) / time.Second)
	for _, f := range failing {
		if now-f.Since >= limit {
			w.disable(f)
		}
	}
}

// disable turns off an endpoint that has failed for too long, as Stripe
// does, with a notice in the log.
func (w *Worker) disable(f billing.EndpointFailure) {
	ctx := billing.WithLivemode(context.Background(), f.Livemode)
	var url string
	err := w.cfg.Store.Update(ctx, func(tx billing.Tx) error {
		// A retried transaction may find the endpoint disabled or deleted
		// by someone else meanwhile: then this worker disabled nothing.
		url = ""
		ep, err := tx.WebhookEndpoint(f.Endpoint)
		if err != nil || ep.Status != billing.EndpointEnabled {
			return err
		}
		url = ep.URL
		ep.Status = billing.EndpointDisabled
		return tx.UpdateWebhookEndpoint(ep)
	})
	switch {
	case err != nil:
		w.cfg.Logger.Error("webhook worker: disabling a failing endpoint", "endpoint", f.Endpoint, "error", err)
	case url != "":
		w.counts.disabled.Add(1)
		w.cfg.Logger.Warn("webhook endpoint disabled: its deliveries have failed without a success since "+
			time.Unix(f.Since, 0).UTC().Format(time.RFC3339)+"; fix it and enable it again (disabled=false)",
			"endpoint", f.Endpoint, "url", url)
	}
}

// prune deletes events past their retention, with their deliveries.
func (w *Worker) prune() {
	defer w.loops.Done()
	t := time.NewTicker(w.cfg.PruneEvery)
	defer t.Stop()
	for {
		cutoff := w.cfg.Clock.Now().Add(-w.cfg.Retention).Unix()
		var total int64
		for w.ctx.Err() == nil {
			var n int64
			err := w.cfg.Store.Update(w.ctx, func(tx billing.Tx) error {
				var err error
				n, err = tx.PruneEvents(cutoff, 2000)
				return err
			})
			if err != nil {
				if w.ctx.Err() == nil {
					w.cfg.Logger.Error("pruning events", "error", err)
				}
				break
			}
			total += n
			if n < 2000 {
				break
			}
		}
		if total > 0 {
			w.cfg.Logger.Info("pruned events", "count", total)
		}
		select {
		case <-w.ctx.Done():
			return
		case <-t.C:
		}
	}
}
