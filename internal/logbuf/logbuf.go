// Package logbuf batches log lines written by many goroutines into few
// write calls.
//
// A server that logs every request writes one line per request; written
// straight to a file or pipe, each line is a system call made while the
// request waits. A Writer instead copies the line into a buffer and returns;
// one goroutine writes whatever has gathered, all of it in one call. When
// lines are rare each is written at once, so nothing waits for a timer, and
// under load the batches grow by themselves, as a database's group commit
// does.
package logbuf

import (
	"io"
	"sync"
)

// DefaultLimit is how many bytes may wait for the output before Write
// blocks, so a slow output slows the loggers down instead of growing the
// buffer without bound.
const DefaultLimit = 1 << 20

// Writer is an io.Writer that hands its writes to a background goroutine.
// Each Write is kept whole: a log line never interleaves with another.
// Call Close (or Flush) before the process exits, or the last lines may be
// lost.
type Writer struct {
	out   io.Writer
	limit int

	mu      sync.Mutex
	cond    *sync.Cond // signalled when a batch has been written
	pending []byte     // written by Write, not yet taken by the flusher
	spare   []byte     // the flusher's previous batch, reused
	queued  uint64     // Writes accepted so far
	written uint64     // Writes that have reached out
	closed  bool
	err     error // the first error out returned

	wake chan struct{}
	done chan struct{}
}

// New returns a Writer that writes to out from its own goroutine.
func New(out io.Writer) *Writer {
	w := &Writer{out: out, limit: DefaultLimit, wake: make(chan struct{}, 1), done: make(chan struct{})}
	w.cond = sync.NewCond(&w.mu)
	go w.flusher()
	return w
}

// Write queues a copy of p and returns at once, unless more than the limit
// is already waiting for the output. After Close, it writes p directly.
// Write never reports the output's errors; Flush and Close do.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	for !w.closed && len(w.pending) > 0 && len(w.pending)+len(p) > w.limit {
		w.cond.Wait()
	}
	if w.closed {
		w.mu.Unlock()
		<-w.done // after the last batch, not beside it
		return w.out.Write(p)
	}
	w.pending = append(w.pending, p...)
	w.queued++
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
	return len(p), nil
}

// Flush waits until everything written before it has reached the output,
// and returns the first error the output returned, if any.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	target := w.queued
	for w.written < target && !w.closed {
		w.cond.Wait()
	}
	return w.err
}

// Close writes what is waiting, stops the goroutine and returns the first
// error the output returned. Later writes go straight to the output.
func (w *Writer) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return w.err
	}
	w.closed = true
	w.mu.Unlock()
	close(w.wake)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	w.cond.Broadcast()
	return w.err
}

func (w *Writer) flusher() {
	defer close(w.done)
	for range w.wake {
		w.drain()
	}
	w.drain() // what came between the last wake and Close
}

// drain writes batches until nothing is pending.
func (w *Writer) drain() {
	for {
		w.mu.Lock()
		if len(w.pending) == 0 {
			w.mu.Unlock()
			return
		}
		batch, count := w.pending, w.queued
		w.pending, w.spare = w.spare[:0], nil
		w.mu.Unlock()

		_, err := w.out.Write(batch)

		w.mu.Lock()
		if err != nil && w.err == nil {
			w.err = err
		}
		w.written = count
		if cap(batch) <= w.limit {
			w.spare = batch[:0]
		}
		w.cond.Broadcast()
		w.mu.Unlock()
	}
}
