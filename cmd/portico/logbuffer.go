package main

import (
	"io"
	"sync"
	"time"
)

// logBuffer batches log lines on their way to w (the process's stderr):
// the server writes a line per request, and a write system call per line
// was a measurable share of a request's CPU at thousands of requests a
// second. Lines reach w when 64 KiB have gathered, at most flushEvery after
// they were written, and on Close. A process killed outright loses at most
// the last flushEvery of log lines, never data: logs are not the record of
// anything acknowledged.
type logBuffer struct {
	mu      sync.Mutex
	w       io.Writer
	buf     []byte
	every   time.Duration
	pending bool // a flush is scheduled
	closed  bool
}

// logBufferSize is how much is gathered before a write.
const logBufferSize = 64 << 10

func newLogBuffer(w io.Writer, flushEvery time.Duration) *logBuffer {
	return &logBuffer{w: w, every: flushEvery, buf: make([]byte, 0, logBufferSize)}
}

// Write keeps p for the next flush (writing at once when closed or full).
func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return b.w.Write(p)
	}
	b.buf = append(b.buf, p...)
	if len(b.buf) >= logBufferSize {
		return len(p), b.flushLocked()
	}
	if !b.pending {
		b.pending = true
		time.AfterFunc(b.every, b.flush)
	}
	return len(p), nil
}

func (b *logBuffer) flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pending = false
	b.flushLocked()
}

func (b *logBuffer) flushLocked() error {
	if len(b.buf) == 0 {
		return nil
	}
	_, err := b.w.Write(b.buf)
	b.buf = b.buf[:0]
	return err
}

// Close writes what is gathered; later writes go straight to w.
func (b *logBuffer) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	return b.flushLocked()
}
