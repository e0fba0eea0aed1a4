package sqlstore

import (
	"encoding/json"

	"github.com/porticohq/portico/internal/billing"
)

// InsertEvent records e.
func (t *tx) InsertEvent(e *billing.Event) error {
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	_, err = t.q.ExecContext(t.ctx, "INSERT INTO events (id, livemode, created, type, data) VALUES (?, ?, ?, ?, ?)",
		e.ID, boolInt(e.Livemode), e.Created, e.Type, data)
	return err
}
