package logbuf

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is an output that records every Write call.
type syncBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	calls int
	gate  chan struct{} // when set, each Write waits for a token
	err   error
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	if b.gate != nil {
		<-b.gate
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.calls++
	if b.err != nil {
		return 0, b.err
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestLinesArriveWholeAndInOrderPerWriter(t *testing.T) {
	out := &syncBuffer{}
	w := New(out)
	const writers, lines = 8, 500
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range lines {
				fmt.Fprintf(w, "writer=%d line=%d %s\n", g, i, strings.Repeat("x", i%50))
			}
		}()
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(got) != writers*lines {
		t.Fatalf("%d lines, want %d", len(got), writers*lines)
	}
	next := make([]int, writers)
	for _, l := range got {
		var g, i int
		if _, err := fmt.Sscanf(l, "writer=%d line=%d ", &g, &i); err != nil {
			t.Fatalf("torn line %q: %v", l, err)
		}
		if want := fmt.Sprintf("writer=%d line=%d %s", g, i, strings.Repeat("x", i%50)); l != want {
			t.Fatalf("torn line %q", l)
		}
		if i != next[g] {
			t.Fatalf("writer %d: line %d after %d", g, i, next[g]-1)
		}
		next[g]++
	}
	if out.calls >= writers*lines {
		t.Logf("no batching happened (%d output writes for %d lines)", out.calls, writers*lines)
	}
}

func TestFlushWaitsForEarlierLines(t *testing.T) {
	out := &syncBuffer{gate: make(chan struct{})}
	w := New(out)
	defer w.Close()
	w.Write([]byte("one\n"))
	flushed := make(chan error, 1)
	go func() { flushed <- w.Flush() }()
	select {
	case <-flushed:
		t.Fatal("Flush returned before the line was written")
	case out.gate <- struct{}{}: // let the one Write through
	}
	if err := <-flushed; err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "one\n" {
		t.Fatalf("output %q", got)
	}
	close(out.gate)
}

func TestCloseWritesWhatWaitsAndLaterWritesGoStraightThrough(t *testing.T) {
	out := &syncBuffer{}
	w := New(out)
	for i := range 100 {
		fmt.Fprintf(w, "%d\n", i)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "\n"); n != 100 {
		t.Fatalf("%d lines after Close, want 100", n)
	}
	w.Write([]byte("late\n"))
	if !strings.HasSuffix(out.String(), "99\nlate\n") {
		t.Fatalf("a write after Close was not written in order: %q", out.String()[len(out.String())-12:])
	}
	if err := w.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestWriteBlocksBeyondTheLimit(t *testing.T) {
	out := &syncBuffer{gate: make(chan struct{})}
	w := New(out)
	w.limit = 10
	w.Write([]byte("0123456789")) // taken by the flusher, which waits at the gate
	// Wait until the flusher holds the first batch, so the next line is
	// pending alone.
	deadline := time.Now().Add(10 * time.Second)
	for {
		w.mu.Lock()
		taken := len(w.pending) == 0
		w.mu.Unlock()
		if taken {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the flusher never took the first batch")
		}
		time.Sleep(time.Millisecond)
	}
	w.Write([]byte("abcdefghij")) // pending: at the limit
	third := make(chan struct{})
	go func() {
		w.Write([]byte("z"))
		close(third)
	}()
	select {
	case <-third:
		t.Fatal("a write beyond the limit did not wait")
	case out.gate <- struct{}{}: // first batch written
	}
	out.gate <- struct{}{} // second batch
	<-third
	close(out.gate)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "0123456789abcdefghijz" {
		t.Fatalf("output %q", got)
	}
}

func TestOutputErrorIsReported(t *testing.T) {
	boom := errors.New("disk full")
	out := &syncBuffer{err: boom}
	w := New(out)
	w.Write([]byte("lost\n"))
	if err := w.Flush(); !errors.Is(err, boom) {
		t.Fatalf("Flush: %v, want %v", err, boom)
	}
	if err := w.Close(); !errors.Is(err, boom) {
		t.Fatalf("Close: %v, want %v", err, boom)
	}
}
