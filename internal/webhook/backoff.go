package webhook

import (
	"math/rand/v2"
	"time"
)

// The retry schedule: the n-th failed attempt is retried after about
// 1 min × 3^(n-1) (1 min, 3 min, 9 min, 27 min, 81 min, 4 h), then every
// 12 h, each with ±20 % jitter so that retries of many events that failed
// together spread out, until RetryFor (three days) after the event.
const (
	firstRetry = time.Minute
	maxRetry   = 12 * time.Hour
)

// backoff returns the delay before the attempt after the n-th (n ≥ 1), on
// the worker's (possibly compressed) scale.
func (w *Worker) backoff(n int) time.Duration {
	d := firstRetry
	for i := 1; i < n && d < maxRetry; i++ {
		d *= 3
	}
	if d > maxRetry {
		d = maxRetry
	}
	jitter := 0.8 + 0.4*rand.Float64()
	return w.scaled(time.Duration(float64(d) * jitter))
}

// scaled applies RetryScale to a duration of the schedule.
func (w *Worker) scaled(d time.Duration) time.Duration {
	return time.Duration(float64(d) * w.cfg.RetryScale)
}
