package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for the flush timer's goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestLogBufferBatchesAndFlushes(t *testing.T) {
	var out lockedBuffer
	lb := newLogBuffer(&out, time.Hour) // no timed flush in this part
	lb.Write([]byte("one\n"))
	lb.Write([]byte("two\n"))
	if out.String() != "" {
		t.Fatalf("written before a flush: %q", out.String())
	}
	// A full buffer is written at once.
	big := strings.Repeat("x", logBufferSize)
	lb.Write([]byte(big))
	if got := out.String(); got != "one\ntwo\n"+big {
		t.Fatalf("after filling the buffer: %d bytes written", len(got))
	}
	lb.Write([]byte("three\n"))
	lb.Close()
	if !strings.HasSuffix(out.String(), big+"three\n") {
		t.Fatal("Close did not write what was gathered")
	}
	lb.Write([]byte("four\n")) // after Close: straight through
	if !strings.HasSuffix(out.String(), "three\nfour\n") {
		t.Fatal("a write after Close was kept")
	}

	// Lines reach the writer by themselves shortly after they are written.
	var timed lockedBuffer
	tb := newLogBuffer(&timed, time.Millisecond)
	tb.Write([]byte("later\n"))
	deadline := time.Now().Add(time.Minute)
	for timed.String() != "later\n" {
		if time.Now().After(deadline) {
			t.Fatal("the timed flush never came")
		}
		time.Sleep(time.Millisecond)
	}
}
