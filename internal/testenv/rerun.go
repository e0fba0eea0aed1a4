package testenv

import (
	"context"
	"errors"

	"github.com/porticohq/portico/internal/billing"
)

// Rerun returns a store that runs every outermost Update callback twice:
// first in a transaction it rolls back, then for real. That is what the
// PostgreSQL store does when it retries a transaction after a serialization
// failure, made to happen every time, so a test can check that a callback
// leaves nothing behind from an earlier run: a value appended to, a
// parameter overwritten, a message sent. An Update made with the context of
// a transaction joins it, as in the store, and is not run twice itself.
func Rerun(s billing.Store) billing.Store { return rerunStore{Store: s} }

// RerunAfter is Rerun with a change made in between: between runs after
// each rolled-back first run, outside any transaction, as the concurrent
// commit that made PostgreSQL retry would have. The second run sees it.
func RerunAfter(s billing.Store, between func()) billing.Store {
	return rerunStore{Store: s, between: between}
}

type rerunStore struct {
	billing.Store
	between func()
}

// rerunKey marks the context of a transaction rerunStore started.
type rerunKey struct{}

// errRerun rolls back the first run.
var errRerun = errors.New("testenv: rolled back, to run again")

func (s rerunStore) Update(ctx context.Context, fn func(billing.Tx) error) error {
	if ctx.Value(rerunKey{}) != nil {
		return s.Store.Update(ctx, fn)
	}
	ctx = context.WithValue(ctx, rerunKey{}, true)
	err := s.Store.Update(ctx, func(tx billing.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return errRerun
	})
	if err != nil && !errors.Is(err, errRerun) {
		// A failing first run would fail again; the store retries only
		// conflicts, which this run did not meet.
		return err
	}
	if s.between != nil {
		s.between()
	}
	return s.Store.Update(ctx, fn)
}
