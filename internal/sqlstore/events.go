package sqlstore

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/porticohq/portico/internal/billing"
)

// InsertEvent records e and, in the same transaction, one outbox row for
// each enabled endpoint of the event's mode that subscribes to its type, so
// an event is delivered exactly when it is committed. The object JSON is
// stored as it is, not wrapped in another document, so it is never encoded
// twice.
func (t *tx) InsertEvent(e *billing.Event) error {
	var prev any
	if len(e.Previous) > 0 {
		prev = []byte(e.Previous)
	}
	const insert = `INSERT INTO events (id, livemode, created, type, object_kind, request_id, idempotency_key, object, previous)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	args := []any{e.ID, boolInt(e.Livemode), e.Created, e.Type, e.ObjectKind, e.Request.ID, e.Request.IdempotencyKey, []byte(e.Object), prev}
	var seq int64
	if t.db.dialect.lastInsertID {
		res, err := t.q.ExecContext(t.ctx, insert, args...)
		if err != nil {
			return err
		}
		if seq, err = res.LastInsertId(); err != nil {
			return err
		}
	} else if err := t.q.QueryRowContext(t.ctx, insert+" RETURNING seq", args...).Scan(&seq); err != nil {
		return err
	}
	endpoints, err := t.enabledEndpoints(e.Livemode)
	if err != nil {
		return err
	}
	now := t.now.UnixMilli()
	needle := "," + e.Type + ","
	for _, ep := range endpoints {
		if ep.events != ",*," && !strings.Contains(ep.events, needle) {
			continue
		}
		if _, err := t.q.ExecContext(t.ctx, `INSERT INTO webhook_deliveries (event, endpoint, livemode, created, next_attempt) VALUES (?, ?, ?, ?, ?)`,
			seq, ep.id, boolInt(e.Livemode), now, now); err != nil {
			return err
		}
	}
	return nil
}

// endpointSub is an enabled endpoint and the event types it subscribes to
// (",a,b," or ",*,").
type endpointSub struct {
	id     string
	events string
}

// endpointsChangedKey marks, among a transaction's touched rows, that a
// webhook endpoint was written, so the writer drops its endpoint list.
const endpointsChangedKey = "\x00webhook_endpoints"

// endpointsChanged records that the transaction wrote a webhook endpoint.
func (t *tx) endpointsChanged() {
	t.endpointsDirty = true
	if t.touched != nil {
		t.touched[endpointsChangedKey] = struct{}{}
	}
}

// enabledEndpoints returns the enabled endpoints of a mode. Every event
// needs them, inside the writer, so on SQLite (one process makes every
// change) the writer keeps them in memory: it fills the list inside its own
// transactions and drops it after any commit that wrote an endpoint; a
// transaction that writes endpoints reads them from the table until it
// ends.
func (t *tx) enabledEndpoints(live bool) ([]endpointSub, error) {
	useCache := t.db.cache != nil && t.writable && !t.endpointsDirty
	if useCache {
		if m := t.db.endpoints.Load(); m != nil {
			return (*m)[live], nil
		}
	}
	rows, err := t.q.QueryContext(t.ctx, `SELECT id, livemode, events FROM webhook_endpoints WHERE status = 'enabled' AND deleted = 0`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	all := map[bool][]endpointSub{}
	for rows.Next() {
		var ep endpointSub
		var l int
		if err := rows.Scan(&ep.id, &l, &ep.events); err != nil {
			return nil, err
		}
		all[l != 0] = append(all[l != 0], ep)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if useCache {
		t.db.endpoints.Store(&all)
	}
	return all[live], nil
}

// eventColumns are read by scanEvent; the last one counts the deliveries
// not (yet) successful.
const eventColumns = `seq, id, livemode, created, type, object_kind, request_id, idempotency_key, object, previous,
	(SELECT count(*) FROM webhook_deliveries d WHERE d.event = events.seq AND d.state <> 1)`

func scanEvent(sc interface{ Scan(...any) error }) (*billing.EventRecord, int64, error) {
	var r billing.EventRecord
	var seq int64
	var live int
	var object, previous []byte
	if err := sc.Scan(&seq, &r.ID, &live, &r.Created, &r.Type, &r.ObjectKind, &r.Request.ID, &r.Request.IdempotencyKey,
		&object, &previous, &r.PendingWebhooks); err != nil {
		return nil, 0, err
	}
	r.Livemode = live != 0
	r.Object = object
	if len(previous) > 0 {
		r.Previous = previous
	}
	return &r, seq, nil
}

// EventRecord returns the event with id, or billing.ErrNotFound.
func (t *tx) EventRecord(id string) (*billing.EventRecord, error) {
	r, _, err := scanEvent(t.q.QueryRowContext(t.ctx, "SELECT "+eventColumns+" FROM events WHERE id = ? AND livemode = ?", id, boolInt(t.livemode)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, billing.ErrNotFound
	}
	return r, err
}

// DeliveryEvent returns the event at seq, in either mode.
func (t *tx) DeliveryEvent(seq int64) (*billing.EventRecord, error) {
	r, _, err := scanEvent(t.q.QueryRowContext(t.ctx, "SELECT "+eventColumns+" FROM events WHERE seq = ?", seq))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, billing.ErrNotFound
	}
	return r, err
}

// ListEvents returns one page of events, newest first.
func (t *tx) ListEvents(f billing.EventFilter, p billing.Page) (billing.List[*billing.EventRecord], error) {
	var out billing.List[*billing.EventRecord]
	conds := []cond{eq("livemode", boolInt(t.livemode))}
	switch {
	case f.Type != "" && strings.Contains(f.Type, "*"):
		conds = append(conds, t.db.dialect.glob("type", f.Type))
	case f.Type != "":
		conds = append(conds, eq("type", f.Type))
	case f.Types != nil:
		conds = append(conds, inList("type", f.Types))
	}
	conds = append(conds, rangeConds("created", f.Created)...)
	if f.DeliverySuccess != nil {
		exists := "EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event = events.seq AND d.state <> 1)"
		if *f.DeliverySuccess {
			exists = "NOT " + exists
		}
		conds = append(conds, cond{exists, nil})
	}
	limit := p.Limit
	if limit <= 0 {
		limit = 10
	}
	order, cursor, param := "DESC", p.StartingAfter, "starting_after"
	if p.EndingBefore != "" {
		order, cursor, param = "ASC", p.EndingBefore, "ending_before"
	}
	if cursor != "" {
		var seq int64
		err := t.q.QueryRowContext(t.ctx, "SELECT seq FROM events WHERE id = ? AND livemode = ?", cursor, boolInt(t.livemode)).Scan(&seq)
		if errors.Is(err, sql.ErrNoRows) {
			return out, billing.NoSuchParam(param, "event", cursor)
		}
		if err != nil {
			return out, err
		}
		op := "<"
		if order == "ASC" {
			op = ">"
		}
		conds = append(conds, cond{"seq " + op + " ?", []any{seq}})
	}
	parts := make([]string, len(conds))
	var args []any
	for i, c := range conds {
		parts[i] = c.sql
		args = append(args, c.args...)
	}
	args = append(args, limit+1)
	rows, err := t.q.QueryContext(t.ctx, "SELECT "+eventColumns+" FROM events WHERE "+strings.Join(parts, " AND ")+" ORDER BY seq "+order+" LIMIT ?", args...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		r, _, err := scanEvent(rows)
		if err != nil {
			return out, err
		}
		if len(out.Data) == limit {
			out.HasMore = true
			break
		}
		out.Data = append(out.Data, r)
	}
	if err := rows.Err(); err != nil {
		return out, err
	}
	if order == "ASC" {
		for i, j := 0, len(out.Data)-1; i < j; i, j = i+1, j-1 {
			out.Data[i], out.Data[j] = out.Data[j], out.Data[i]
		}
	}
	return out, nil
}

// PruneEvents deletes up to max events created before cutoff, oldest
// first, with their deliveries and attempts. Events are stored in time
// order, so the expired ones are those before the first that is not.
func (t *tx) PruneEvents(cutoff int64, max int) (int64, error) {
	var boundary int64
	err := t.q.QueryRowContext(t.ctx, `SELECT coalesce(
		(SELECT seq FROM events WHERE created >= ? ORDER BY seq LIMIT 1),
		(SELECT max(seq) + 1 FROM events), 0)`, cutoff).Scan(&boundary)
	if err != nil {
		return 0, err
	}
	var last int64
	err = t.q.QueryRowContext(t.ctx, `SELECT coalesce(max(seq), -1) FROM (SELECT seq FROM events WHERE seq < ? ORDER BY seq LIMIT ?) AS expired`, boundary, max).Scan(&last)
	if err != nil || last < 0 {
		return 0, err
	}
	if _, err := t.q.ExecContext(t.ctx, `DELETE FROM webhook_attempts WHERE delivery IN
		(SELECT seq FROM webhook_deliveries WHERE event <= ?)`, last); err != nil {
		return 0, err
	}
	if _, err := t.q.ExecContext(t.ctx, `DELETE FROM webhook_deliveries WHERE event <= ?`, last); err != nil {
		return 0, err
	}
	res, err := t.q.ExecContext(t.ctx, `DELETE FROM events WHERE seq <= ?`, last)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
