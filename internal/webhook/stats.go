package webhook

import "sync/atomic"

// Stats are the worker's counts since it started, for metrics.
type Stats struct {
	// Succeeded, Retrying and GaveUp count finished attempts: delivered
	// (2xx), failed and due again after the backoff, and failed for the
	// last time (past the retry window).
	Succeeded, Retrying, GaveUp uint64
	// Disabled counts endpoints this worker disabled for failing too long.
	Disabled uint64
	// InFlight is the number of attempts running now; Queued the claimed
	// deliveries waiting for a slot in their endpoint's lane.
	InFlight, Queued int
}

// counters are the worker's running totals.
type counters struct {
	succeeded, retrying, gaveUp, disabled atomic.Uint64
}

// Stats returns the worker's counts.
func (w *Worker) Stats() Stats {
	s := Stats{
		Succeeded: w.counts.succeeded.Load(), Retrying: w.counts.retrying.Load(),
		GaveUp: w.counts.gaveUp.Load(), Disabled: w.counts.disabled.Load(),
	}
	w.mu.Lock()
	for _, l := range w.lanes {
		s.InFlight += l.inflight
		s.Queued += len(l.queue)
	}
	w.mu.Unlock()
	return s
}

// count records an attempt's outcome.
func (c *counters) count(succeeded bool, nextAttempt int64) {
	switch {
	case succeeded:
		c.succeeded.Add(1)
	case nextAttempt > 0:
		c.retrying.Add(1)
	default:
		c.gaveUp.Add(1)
	}
}
