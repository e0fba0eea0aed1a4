package sqlstore

import (
	"github.com/porticohq/portico/internal/billing"
)

// InsertEvent records e. The object JSON is stored as it is, not wrapped in
// another document, so it is never encoded twice.
func (t *tx) InsertEvent(e *billing.Event) error {
	var prev any
	if len(e.Previous) > 0 {
		prev = []byte(e.Previous)
	}
	_, err := t.q.ExecContext(t.ctx, `INSERT INTO events (id, livemode, created, type, object_kind, request_id, idempotency_key, object, previous)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, boolInt(e.Livemode), e.Created, e.Type, e.ObjectKind, e.Request.ID, e.Request.IdempotencyKey, []byte(e.Object), prev)
	return err
}
