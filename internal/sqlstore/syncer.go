package sqlstore

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
)

// pending is a committed request waiting for its WAL frames to be on disk.
type pending struct {
	done chan error
	err  error
}

// syncer fsyncs the WAL file for committed batches and then acknowledges
// them; one fsync covers every batch committed before it started.
type syncer struct {
	walPath string
	log     func(msg string, args ...any)
	queue   chan []pending
	wg      sync.WaitGroup
	wal     *os.File
	err     atomic.Pointer[error]
	// busy is set while batches are queued or being synced; idle receives a
	// token each time the syncer runs dry, so the writer can keep its
	// transaction open (and its batch growing) exactly while an fsync is in
	// flight.
	busy atomic.Bool
	idle chan struct{}
	// onCommit is called after each round of durable batches (DB.onCommit).
	onCommit *atomic.Pointer[[]func()]
}

// startSyncer starts the syncer for the WAL at walPath ("" for an
// in-memory database, which has nothing to sync).
func startSyncer(walPath string, log func(msg string, args ...any), onCommit *atomic.Pointer[[]func()]) *syncer {
	s := &syncer{walPath: walPath, log: log, queue: make(chan []pending, 64), idle: make(chan struct{}, 1), onCommit: onCommit}
	s.wg.Add(1)
	go s.loop()
	return s
}

// ack queues committed requests; they are answered after the next fsync.
func (s *syncer) ack(batch []pending) {
	s.busy.Store(true)
	s.queue <- batch
}

// inFlight reports whether an fsync is queued or running. A stale idle token
// is drained first, so a later wait on idle ends only when the syncer has
// really run dry.
func (s *syncer) inFlight() bool {
	select {
	case <-s.idle:
	default:
	}
	return s.busy.Load()
}

// failed returns the error that stopped durable writes, if any.
func (s *syncer) failed() error {
	if p := s.err.Load(); p != nil {
		return *p
	}
	return nil
}

// stop answers everything queued and ends the syncer.
func (s *syncer) stop() {
	close(s.queue)
	s.wg.Wait()
	if s.wal != nil {
		s.wal.Close()
	}
}

func (s *syncer) loop() {
	defer s.wg.Done()
	for batch := range s.queue {
		waiting := [][]pending{batch}
	more:
		for {
			select {
			case b, ok := <-s.queue:
				if !ok {
					break more
				}
				waiting = append(waiting, b)
			default:
				break more
			}
		}
		err := s.syncWAL()
		if hooks := s.onCommit.Load(); hooks != nil && err == nil {
			for _, fn := range *hooks {
				fn() // before the answers, so workers wake no later than clients
			}
		}
		for _, b := range waiting {
			for _, p := range b {
				if err != nil && p.err == nil {
					p.err = err
				}
				p.done <- p.err
			}
		}
		if len(s.queue) == 0 {
			s.busy.Store(false)
			// A batch queued between the check and the store sets busy
			// again itself (ack stores before it sends).
			if len(s.queue) > 0 {
				s.busy.Store(true)
			}
			select {
			case s.idle <- struct{}{}:
			default:
			}
		}
	}
}

// syncWAL makes everything written to the WAL so far durable. After a
// failed fsync the state of the file is unknown (the kernel may have dropped
// the dirty pages), so every later write is refused: Portico must be
// restarted, and SQLite's recovery then sees only what really reached the
// disk.
func (s *syncer) syncWAL() error {
	if err := s.failed(); err != nil {
		return err
	}
	if s.walPath == "" {
		return nil
	}
	if s.wal == nil {
		f, err := os.OpenFile(s.walPath, os.O_RDWR, 0)
		if errors.Is(err, os.ErrNotExist) {
			return nil // nothing written yet
		}
		if err != nil {
			return s.fail(err)
		}
		s.wal = f
	}
	if err := s.wal.Sync(); err != nil {
		return s.fail(err)
	}
	return nil
}

func (s *syncer) fail(err error) error {
	err = fmt.Errorf("sqlstore: syncing the WAL failed; refusing further writes until restart: %w", err)
	s.err.CompareAndSwap(nil, &err)
	s.log("durability lost", "error", err)
	return err
}
