package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
)

// maxBatch bounds how many requests share one commit, so one batch cannot
// hold the others back for long.
const maxBatch = 256

// job is one Update waiting for the writer.
type job struct {
	ctx  context.Context
	fn   func(*tx) error
	done chan error
}

// writer is the single goroutine that performs every write transaction,
// committing the requests that wait at the same moment together.
type writer struct {
	db    *DB
	jobs  chan *job
	quit  chan struct{}
	wg    sync.WaitGroup
	close sync.Once
}

// errClosed is returned to writes that arrive after Close.
var errClosed = errors.New("sqlstore: store is closed")

func startWriter(db *DB) *writer {
	w := &writer{db: db, jobs: make(chan *job, maxBatch), quit: make(chan struct{})}
	w.wg.Add(1)
	go w.loop()
	return w
}

// submit queues fn and waits for its batch to commit.
func (w *writer) submit(ctx context.Context, fn func(*tx) error) error {
	j := &job{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case w.jobs <- j:
	case <-w.quit:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued, the job runs to its end (committed or rolled back) even if
	// the caller gives up, so the caller waits for the outcome.
	return <-j.done
}

// stop lets queued jobs finish, then ends the writer.
func (w *writer) stop() {
	w.close.Do(func() { close(w.quit) })
	w.wg.Wait()
}

func (w *writer) loop() {
	defer w.wg.Done()
	for {
		select {
		case j := <-w.jobs:
			w.batch(j)
		case <-w.quit:
			// Drain what was queued before stop.
			for {
				select {
				case j := <-w.jobs:
					w.batch(j)
				default:
					return
				}
			}
		}
	}
}

// batch runs first and every job already waiting, each in its own savepoint,
// and commits them together.
func (w *writer) batch(first *job) {
	ctx := context.Background()
	sqlTx, err := w.db.write.BeginTx(ctx, nil)
	if err != nil {
		first.done <- fmt.Errorf("sqlstore: begin: %w", err)
		return
	}
	now := w.db.clock.Now()
	type outcome struct {
		j   *job
		err error
	}
	results := make([]outcome, 0, 8)
	run := func(j *job) {
		results = append(results, outcome{j, w.runJob(sqlTx, now, j)})
	}
	run(first)
more:
	for len(results) < maxBatch {
		select {
		case j := <-w.jobs:
			run(j)
		default:
			break more
		}
	}
	commitErr := sqlTx.Commit()
	for _, r := range results {
		if commitErr != nil && r.err == nil {
			r.err = fmt.Errorf("sqlstore: commit: %w", commitErr)
		}
		r.j.done <- r.err
	}
}

// runJob runs one job inside a savepoint, rolling back to it when the job
// fails or panics.
func (w *writer) runJob(sqlTx *sql.Tx, now timeNow, j *job) (err error) {
	if err := j.ctx.Err(); err != nil {
		return err
	}
	if _, err := sqlTx.Exec("SAVEPOINT job"); err != nil {
		return fmt.Errorf("sqlstore: savepoint: %w", err)
	}
	t := newTx(w.db, sqlTx, now, j.ctx, true)
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("sqlstore: panic in transaction: %v\n%s", p, debug.Stack())
		}
		if err != nil {
			if _, rerr := sqlTx.Exec("ROLLBACK TO job"); rerr != nil {
				err = errors.Join(err, rerr)
			}
		}
		if _, rerr := sqlTx.Exec("RELEASE job"); rerr != nil && err == nil {
			err = fmt.Errorf("sqlstore: release savepoint: %w", rerr)
		}
	}()
	return j.fn(t)
}
