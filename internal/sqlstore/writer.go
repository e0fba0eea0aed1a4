package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// maxBatch bounds how many requests share one commit, so one batch cannot
// hold the others back for long.
const maxBatch = 256

// Once nothing waits and the disk is free, a batch is still kept open for
// at most siblingWait while at least minSiblings write requests other than
// its own are under way (see DB.WriteRequest), as PostgreSQL's commit_delay
// does with commit_siblings: with that many, more transactions are likely
// to come within the wait, and sharing a commit and its fsync costs each
// far less CPU than a commit (WAL frames of the same pages) and an fsync of
// its own. A lone client, or a few, never wait.
const (
	siblingWait = time.Millisecond
	minSiblings = 8
)

// job is one Update waiting for the writer, or (raw set) work that needs the
// write connection to itself, such as migrations.
type job struct {
	ctx  context.Context
	fn   func(*tx) error
	raw  func(*sql.Conn) error
	done chan error
}

// writer is the single goroutine that performs every write transaction on
// its own dedicated connection, committing the requests that wait at the
// same moment together. It prepares each statement once on that connection.
//
// Durability is pipelined: the writer's connection commits with
// synchronous=NORMAL, which writes the batch's WAL frames without waiting
// for the disk, and hands the batch to the syncer, which fsyncs the WAL file
// and only then acknowledges its requests. Meanwhile the writer already runs
// the next batch. An acknowledged write has reached the disk exactly as with
// synchronous=FULL; what differs is that a concurrent reader can see a
// committed write a fraction of a millisecond before it is durable (and so
// before its writer was answered). A write that depends on it commits in a
// later batch, whose fsync covers both.
type writer struct {
	db    *DB
	conn  *sql.Conn
	cache *stmtCache
	jobs  chan *job
	quit  chan struct{}
	wg    sync.WaitGroup
	close sync.Once
	sync  *syncer
	// active counts the write requests under way (DB.WriteRequest).
	active atomic.Int64
}

// errClosed is returned to writes that arrive after Close.
var errClosed = errors.New("sqlstore: store is closed")

func startWriter(ctx context.Context, db *DB) (*writer, error) {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: writer connection: %w", err)
	}
	// Durability comes from the syncer's fsync of the WAL (see writer).
	// SQLite's automatic checkpoints stay on this connection: with
	// synchronous=NORMAL each one syncs the WAL before copying it into the
	// database file and syncs the file after.
	// Savepoint sub-journals stay in memory rather than in temporary files.
	// The writer keeps a large page cache: it owns every change, so its
	// cache stays valid. Readers keep SQLite's default, because each commit
	// makes them discard theirs, at a cost that grows with its size.
	for _, pragma := range []string{"PRAGMA synchronous=NORMAL", "PRAGMA temp_store=MEMORY", "PRAGMA cache_size=-32768"} {
		if _, err := conn.ExecContext(ctx, pragma); err != nil {
			conn.Close()
			return nil, fmt.Errorf("sqlstore: writer %s: %w", pragma, err)
		}
	}
	w := &writer{db: db, conn: conn, cache: newStmtCache(conn.PrepareContext), jobs: make(chan *job, maxBatch), quit: make(chan struct{}),
		sync: startSyncer(db.walPath, db.log.Error, &db.onCommit)}
	w.wg.Add(1)
	go w.loop()
	return w, nil
}

// submit queues fn and waits for its batch to commit.
func (w *writer) submit(ctx context.Context, fn func(*tx) error) error {
	return w.send(&job{ctx: ctx, fn: fn, done: make(chan error, 1)})
}

// exclusive runs fn with the write connection to itself, between batches.
func (w *writer) exclusive(ctx context.Context, fn func(*sql.Conn) error) error {
	return w.send(&job{ctx: ctx, raw: fn, done: make(chan error, 1)})
}

func (w *writer) send(j *job) error {
	select {
	case <-w.quit:
		return errClosed
	default:
	}
	select {
	case w.jobs <- j:
	case <-w.quit:
		return errClosed
	case <-j.ctx.Done():
		return j.ctx.Err()
	}
	// Once queued, the job runs to its end (committed or rolled back) even if
	// the caller gives up, so the caller waits for the outcome.
	return <-j.done
}

// WriteRequest tells the store that a request that will probably write
// (an API POST or DELETE) has begun; call the returned function when it
// ends. The writer counts them to decide how long to keep a batch open (see
// siblingWait). On PostgreSQL it does nothing.
func (db *DB) WriteRequest() (end func()) {
	w := db.writer
	if w == nil {
		return func() {}
	}
	w.active.Add(1)
	var ended atomic.Bool
	return func() {
		if ended.CompareAndSwap(false, true) {
			w.active.Add(-1)
		}
	}
}

// stop lets queued jobs finish, then ends the writer and releases its
// connection.
func (w *writer) stop() {
	w.close.Do(func() { close(w.quit) })
	w.wg.Wait()
}

func (w *writer) loop() {
	defer w.wg.Done()
	defer func() {
		w.sync.stop() // acknowledges what is still waiting for the disk
		w.cache.close()
		w.conn.Close()
	}()
	for {
		select {
		case j := <-w.jobs:
			w.dispatch(j)
		case <-w.quit:
			// Finish what was queued before stop.
			for {
				select {
				case j := <-w.jobs:
					w.dispatch(j)
				default:
					return
				}
			}
		}
	}
}

func (w *writer) dispatch(j *job) {
	if err := w.sync.failed(); err != nil {
		j.done <- err
		return
	}
	if j.raw != nil {
		err := j.raw(w.conn)
		w.sync.ack([]pending{{done: j.done, err: err}})
		return
	}
	w.batch(j)
}

func (w *writer) exec(query string) error {
	st, err := w.cache.get(context.Background(), query)
	if err != nil {
		return err
	}
	_, err = st.Exec()
	return err
}

// batch runs first and every job already waiting, each in its own savepoint,
// and commits them together. Jobs needing the connection to themselves stay
// queued for after the commit.
func (w *writer) batch(first *job) {
	if err := w.exec("BEGIN IMMEDIATE"); err != nil {
		first.done <- fmt.Errorf("sqlstore: begin: %w", err)
		return
	}
	now := w.db.clock.Now()
	results := make([]pending, 0, 8)
	var touched []string
	results = append(results, pending{first.done, w.runJob(now, first, &touched)})
	var deferred *job
	var siblingTimer *time.Timer
	// Take every job that is waiting; while the previous batch's fsync is
	// still running, also wait for more, since committing now would only
	// queue behind that fsync. Then, while enough other write requests are
	// under way, wait a little longer (siblingWait). Commit when nothing
	// waits, the disk is free and few other writes are under way, or when
	// the batch is full.
more:
	for len(results) < maxBatch {
		var j *job
		select {
		case j = <-w.jobs:
		default:
			if w.sync.inFlight() {
				select {
				case j = <-w.jobs:
				case <-w.sync.idle:
					continue
				}
				break
			}
			if w.active.Load()-int64(len(results)) < minSiblings {
				break more
			}
			if siblingTimer == nil {
				siblingTimer = time.NewTimer(siblingWait)
				defer siblingTimer.Stop()
			}
			select {
			case j = <-w.jobs:
			case <-siblingTimer.C:
				break more
			}
		}
		if j.raw != nil {
			deferred = j
			break more
		}
		results = append(results, pending{j.done, w.runJob(now, j, &touched)})
	}
	commitErr := w.exec("COMMIT")
	if commitErr != nil {
		w.exec("ROLLBACK")
	}
	if w.db.cache != nil {
		w.db.cache.invalidate(touched)
	}
	for _, k := range touched {
		if k == endpointsChangedKey {
			w.db.endpoints.Store(nil)
			break
		}
	}
	var ok []pending
	for _, r := range results {
		switch {
		case commitErr != nil && r.err == nil:
			r.done <- fmt.Errorf("sqlstore: commit: %w", commitErr)
		case r.err != nil:
			r.done <- r.err // rolled back: nothing to wait for
		default:
			ok = append(ok, r)
		}
	}
	if len(ok) > 0 {
		w.sync.ack(ok)
	}
	if deferred != nil {
		w.dispatch(deferred)
	}
}

// runJob runs one job inside a savepoint, rolling back to it when the job
// fails or panics. The rows a successful job changed are added to touched.
func (w *writer) runJob(now timeNow, j *job, touched *[]string) (err error) {
	if err := j.ctx.Err(); err != nil {
		return err
	}
	if err := w.exec("SAVEPOINT job"); err != nil {
		return fmt.Errorf("sqlstore: savepoint: %w", err)
	}
	t := newTx(w.db, cachedQuerier{cache: w.cache, cancels: cancelNone}, now, j.ctx, true)
	t.touched = map[string]struct{}{}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("sqlstore: panic in transaction: %v\n%s", p, debug.Stack())
		}
		if err != nil {
			if rerr := w.exec("ROLLBACK TO job"); rerr != nil {
				err = errors.Join(err, rerr)
			}
		}
		if rerr := w.exec("RELEASE job"); rerr != nil && err == nil {
			err = fmt.Errorf("sqlstore: release savepoint: %w", rerr)
		}
		if err == nil {
			for k := range t.touched {
				*touched = append(*touched, k)
			}
		}
	}()
	return j.fn(t)
}
