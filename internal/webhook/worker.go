// Package webhook delivers events to webhook endpoints. The outbox table is
// the queue: the store writes one delivery row per event and endpoint in the
// transaction that records the event, and the Worker claims due rows (for a
// lease, so a crashed worker's claims come due again), posts each signed
// event, and records the outcome, retrying failures with exponential
// backoff and jitter for up to three days.
//
// Each endpoint has its own lane with bounded concurrency and a timeout
// per attempt, so slow or dead endpoints do not delay healthy ones.
package webhook

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/stripewire"
)

// Config configures a Worker; zero fields take the defaults in brackets.
type Config struct {
	Store  billing.Store
	Logger *slog.Logger
	// Clock schedules retries; it must be the store's clock. Signatures
	// always carry the wall-clock time, which SDKs check.
	Clock billing.Clock
	// Timeout bounds one attempt, response included [10 s].
	Timeout time.Duration
	// PerEndpoint bounds the concurrent attempts to one endpoint [16].
	PerEndpoint int
	// RetryFor is how long after an event failed deliveries are retried
	// [72 h]; DisableAfter is how long an endpoint may fail without a
	// success before it is disabled [72 h].
	RetryFor     time.Duration
	DisableAfter time.Duration
	// RetryScale multiplies every delay of the retry schedule and RetryFor
	// and DisableAfter [1]; tests compress the schedule with e.g. 0.001.
	RetryScale float64
	// BlockPrivate refuses endpoints whose addresses are loopback,
	// private, link-local or otherwise not public, checked when dialing.
	BlockPrivate bool
	// Lease is how long a claim holds a delivery [60 s].
	Lease time.Duration
	// Poll is the longest the worker sleeps without looking for due
	// deliveries [1 s]; commits wake it sooner.
	Poll time.Duration
	// Retention is how long events are kept [30 days]; PruneEvery is how
	// often older ones are deleted [1 h].
	Retention  time.Duration
	PruneEvery time.Duration
	// Loader provides what rendered objects embed (the prices of
	// subscription items); nil leaves those as ids.
	Loader stripewire.Loader
	// Transport, when set, replaces the HTTP transport (tests).
	Transport http.RoundTripper
}

func (c *Config) defaults() {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Clock == nil {
		c.Clock = billing.WallClock{}
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	if c.PerEndpoint <= 0 {
		c.PerEndpoint = 16
	}
	if c.RetryScale <= 0 {
		c.RetryScale = 1
	}
	if c.RetryFor <= 0 {
		c.RetryFor = 72 * time.Hour
	}
	if c.DisableAfter <= 0 {
		c.DisableAfter = 72 * time.Hour
	}
	if c.Lease <= 0 {
		c.Lease = 60 * time.Second
	}
	if c.Poll <= 0 {
		c.Poll = time.Second
	}
	if c.Retention <= 0 {
		c.Retention = 30 * 24 * time.Hour
	}
	if c.PruneEvery <= 0 {
		c.PruneEvery = time.Hour
	}
}

// Worker delivers the outbox. Start it once; Stop ends it.
type Worker struct {
	cfg     Config
	owner   string
	client  *http.Client
	wake    chan struct{}
	results chan billing.DeliveryResult

	ctx        context.Context
	cancel     context.CancelFunc
	dispatcher sync.WaitGroup // the loop that starts attempts
	loops      sync.WaitGroup // recorder, pruner
	sends      sync.WaitGroup // attempts in flight
	stopped    chan struct{}  // closed when attempts may no longer record

	mu    sync.Mutex
	lanes map[string]*lane

	counts counters // outcomes, for Stats
}

// holdPerEndpoint × PerEndpoint deliveries of one endpoint are held at
// most (in flight or waiting for a slot), so a burst is claimed in few
// rounds while a waiting delivery starts well within its lease: ahead of
// it are at most three rounds of attempts, each at most Timeout.
const holdPerEndpoint = 4

// lane is one endpoint's claimed deliveries: at most PerEndpoint in flight,
// the rest of holdPerEndpoint × PerEndpoint waiting.
type lane struct {
	queue    []*job
	inflight int
}

type job struct {
	d  *billing.Delivery
	ep *billing.WebhookEndpoint
}

// New returns a Worker; it does nothing until Start.
func New(cfg Config) *Worker {
	cfg.defaults()
	w := &Worker{
		cfg: cfg, owner: billing.RandomString(12),
		wake: make(chan struct{}, 1), results: make(chan billing.DeliveryResult, 4096),
		stopped: make(chan struct{}), lanes: map[string]*lane{},
	}
	w.client = newClient(cfg)
	return w
}

// Wake tells the worker that deliveries may have become due. It never
// blocks, so it can be a store commit hook.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// claimStore is a store with a transaction kind made for claiming queue
// rows (sqlstore.DB.Claim), in which claimers in different instances do
// not fail each other.
type claimStore interface {
	Claim(ctx context.Context, fn func(billing.Tx) error) error
}

// ownClaimsReleaser is a transaction that can release the claims of one
// worker only, which is what Stop needs on a store other instances share.
type ownClaimsReleaser interface {
	ReleaseClaimsOf(owner string, now int64) (int64, error)
}

// Start releases the claims a previous run left and starts delivering. On a
// store used by this process alone every claim is a previous run's; on one
// several instances share (PostgreSQL) the store releases nothing, and the
// claims of an instance that died come due when their leases run out.
func (w *Worker) Start() {
	w.ctx, w.cancel = context.WithCancel(context.Background())
	var released int64
	if err := w.cfg.Store.Update(w.ctx, func(tx billing.Tx) error {
		var err error
		released, err = tx.ReleaseDeliveryClaims(w.cfg.Clock.Now().UnixMilli())
		return err
	}); err != nil {
		w.cfg.Logger.Error("releasing webhook delivery claims", "error", err)
	} else if released > 0 {
		// Logged once committed: a retried transaction may run twice.
		w.cfg.Logger.Info("webhook deliveries released from an earlier run", "count", released)
	}
	w.dispatcher.Add(1)
	w.loops.Add(2)
	go w.dispatch()
	go w.record()
	go w.prune()
	w.Wake()
}

// Stop ends delivery: attempts in flight are abandoned (their claims are
// released, so they are made again on the next start), outcomes already
// known are recorded.
func (w *Worker) Stop() {
	if w.cancel == nil {
		return
	}
	w.cancel()
	// Once the dispatcher is gone, only running attempts start others
	// (which return at once), so waiting for them is safe.
	w.dispatcher.Wait()
	w.sends.Wait()
	close(w.stopped)
	w.loops.Wait()
	w.client.CloseIdleConnections()
	err := w.cfg.Store.Update(context.Background(), func(tx billing.Tx) error {
		now := w.cfg.Clock.Now().UnixMilli()
		if r, ok := tx.(ownClaimsReleaser); ok {
			_, err := r.ReleaseClaimsOf(w.owner, now)
			return err
		}
		_, err := tx.ReleaseDeliveryClaims(now)
		return err
	})
	if err != nil {
		w.cfg.Logger.Error("releasing webhook delivery claims", "error", err)
	}
}

// dispatch claims due deliveries whenever it is woken (by a commit, a
// finished attempt, or the time the next delivery is due).
func (w *Worker) dispatch() {
	defer w.dispatcher.Done()
	timer := time.NewTimer(w.cfg.Poll)
	defer timer.Stop()
	for {
		select {
		case <-w.ctx.Done():
			return
		case <-w.wake:
		case <-timer.C:
		}
		next := w.round()
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(next)
	}
}

// round claims what is due on every endpoint with room in its lane and
// returns how long to sleep at most before the next round.
func (w *Worker) round() time.Duration {
	var dues []billing.DueEndpoint
	err := w.cfg.Store.View(w.ctx, func(tx billing.Tx) error {
		var err error
		dues, err = tx.DueEndpoints()
		return err
	})
	if err != nil {
		if w.ctx.Err() == nil {
			w.cfg.Logger.Error("webhook worker: reading due deliveries", "error", err)
		}
		return w.cfg.Poll
	}
	now := w.cfg.Clock.Now().UnixMilli()
	sleep := w.cfg.Poll
	type claim struct {
		ep   *billing.WebhookEndpoint
		room int
	}
	var claims []claim
	w.mu.Lock()
	for _, d := range dues {
		if d.NextDue == 0 {
			continue
		}
		if d.NextDue > now {
			if s := time.Duration(d.NextDue-now) * time.Millisecond; s < sleep {
				sleep = s
			}
			continue
		}
		l := w.lanes[d.Endpoint.ID]
		room := holdPerEndpoint * w.cfg.PerEndpoint
		if l != nil {
			room -= len(l.queue) + l.inflight
		}
		if room > 0 {
			claims = append(claims, claim{d.Endpoint, room})
		}
	}
	w.mu.Unlock()
	if len(claims) == 0 {
		return sleep
	}
	got := make([][]*billing.Delivery, len(claims))
	update := w.cfg.Store.Update
	if c, ok := w.cfg.Store.(claimStore); ok {
		update = c.Claim
	}
	err = update(w.ctx, func(tx billing.Tx) error {
		now := tx.Now().UnixMilli()
		lease := now + w.cfg.Lease.Milliseconds()
		for i, c := range claims {
			var err error
			if got[i], err = tx.ClaimDeliveries(w.owner, c.ep.ID, now, lease, c.room); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		if w.ctx.Err() == nil {
			w.cfg.Logger.Error("webhook worker: claiming deliveries", "error", err)
		}
		return w.cfg.Poll
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, c := range claims {
		if len(got[i]) == 0 {
			continue
		}
		l := w.lanes[c.ep.ID]
		if l == nil {
			l = &lane{}
			w.lanes[c.ep.ID] = l
		}
		for _, d := range got[i] {
			l.queue = append(l.queue, &job{d: d, ep: c.ep})
		}
		w.startLocked(l)
	}
	return sleep
}

// startLocked starts queued attempts while the lane has room.
func (w *Worker) startLocked(l *lane) {
	if w.ctx.Err() != nil {
		return // stopping: what is queued is released with the claims
	}
	for l.inflight < w.cfg.PerEndpoint && len(l.queue) > 0 {
		j := l.queue[0]
		l.queue[0] = nil
		l.queue = l.queue[1:]
		l.inflight++
		w.sends.Add(1)
		go w.run(l, j)
	}
}

// run makes one attempt and frees its lane slot.
func (w *Worker) run(l *lane, j *job) {
	defer w.sends.Done()
	res, ok := w.attempt(j)
	if ok {
		w.counts.count(res.Succeeded, res.NextAttempt)
		select {
		case w.results <- res:
		case <-w.ctx.Done():
			// Shutting down: the recorder may be gone; the claim is
			// released and the delivery made again on the next start.
		}
	}
	w.mu.Lock()
	l.inflight--
	w.startLocked(l)
	w.mu.Unlock()
	w.Wake()
}
