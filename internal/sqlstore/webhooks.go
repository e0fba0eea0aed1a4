package sqlstore

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/porticohq/portico/internal/billing"
)

var webhookEndpointsTable = &docTable{name: "webhook_endpoints", noun: "webhook endpoint", cols: []string{"status", "events"}}

// eventsColumn joins enabled_events for matching by substring (see
// InsertEvent).
func eventsColumn(events []string) string { return "," + strings.Join(events, ",") + "," }

// WebhookEndpoint returns the endpoint with id.
func (t *tx) WebhookEndpoint(id string) (*billing.WebhookEndpoint, error) {
	return getDoc[billing.WebhookEndpoint](t, webhookEndpointsTable, id, false)
}

// InsertWebhookEndpoint adds w.
func (t *tx) InsertWebhookEndpoint(w *billing.WebhookEndpoint) error {
	t.endpointsChanged()
	return t.insert(webhookEndpointsTable, w.ID, w.Created, w, w.Status, eventsColumn(w.EnabledEvents))
}

// UpdateWebhookEndpoint stores w. Any update of a disabled endpoint (such as
// enabling it again) starts its failure count afresh.
func (t *tx) UpdateWebhookEndpoint(w *billing.WebhookEndpoint) error {
	t.endpointsChanged()
	data, err := json.Marshal(w)
	if err != nil {
		return err
	}
	res, err := t.q.ExecContext(t.ctx, `UPDATE webhook_endpoints SET data = ?, status = ?, events = ?,
		failing_since = CASE WHEN status = 'enabled' THEN failing_since ELSE 0 END
		WHERE id = ? AND livemode = ? AND deleted = 0`,
		data, w.Status, eventsColumn(w.EnabledEvents), w.ID, boolInt(t.livemode))
	t.touch(webhookEndpointsTable, w.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return billing.ErrNotFound
	}
	return nil
}

// DeleteWebhookEndpoint deletes the endpoint; its pending deliveries fail.
func (t *tx) DeleteWebhookEndpoint(id string) error {
	t.endpointsChanged()
	if err := t.markDeleted(webhookEndpointsTable, id); err != nil {
		return err
	}
	_, err := t.q.ExecContext(t.ctx, `UPDATE webhook_deliveries SET state = 2, claimed_by = '' WHERE endpoint = ? AND state = 0`, id)
	return err
}

// ListWebhookEndpoints lists endpoints, newest first.
func (t *tx) ListWebhookEndpoints(p billing.Page) (billing.List[*billing.WebhookEndpoint], error) {
	return listDocs[billing.WebhookEndpoint](t, webhookEndpointsTable, nil, p)
}

// CountWebhookEndpoints counts the endpoints of the transaction's mode.
func (t *tx) CountWebhookEndpoints() (int, error) {
	var n int
	err := t.q.QueryRowContext(t.ctx, `SELECT count(*) FROM webhook_endpoints WHERE livemode = ? AND deleted = 0`, boolInt(t.livemode)).Scan(&n)
	return n, err
}

var deliveryStates = []string{billing.DeliveryPending, billing.DeliverySucceeded, billing.DeliveryFailed}

const deliveryColumns = `d.seq, d.event, e.id, d.endpoint, d.livemode, d.created, d.state, d.attempts, d.next_attempt, d.last_status`

func scanDelivery(sc interface{ Scan(...any) error }) (*billing.Delivery, error) {
	var d billing.Delivery
	var live, state int
	if err := sc.Scan(&d.Seq, &d.Event, &d.EventID, &d.Endpoint, &live, &d.Created, &state, &d.Attempts, &d.NextAttempt, &d.LastStatus); err != nil {
		return nil, err
	}
	d.Livemode = live != 0
	if state >= 0 && state < len(deliveryStates) {
		d.State = deliveryStates[state]
	}
	return &d, nil
}

// EventDeliveries returns the deliveries of an event, oldest first.
func (t *tx) EventDeliveries(eventID string) ([]*billing.Delivery, error) {
	rows, err := t.q.QueryContext(t.ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries d JOIN events e ON e.seq = d.event
		WHERE e.id = ? AND e.livemode = ? ORDER BY d.seq`, eventID, boolInt(t.livemode))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*billing.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DeliveryAttempts returns a delivery's attempts, oldest first.
func (t *tx) DeliveryAttempts(delivery int64) ([]*billing.DeliveryAttempt, error) {
	rows, err := t.q.QueryContext(t.ctx, `SELECT delivery, attempted, duration_ms, status, error, response FROM webhook_attempts
		WHERE delivery = ? ORDER BY seq`, delivery)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*billing.DeliveryAttempt
	for rows.Next() {
		var a billing.DeliveryAttempt
		if err := rows.Scan(&a.Delivery, &a.Attempted, &a.DurationMS, &a.Status, &a.Error, &a.Response); err != nil {
			return nil, err
		}
		out = append(out, &a)
	}
	return out, rows.Err()
}

// ResendEvent makes the event's delivery to endpoint due at `at`, creating
// it when there was none.
func (t *tx) ResendEvent(eventID, endpoint string, at int64) error {
	var seq int64
	err := t.q.QueryRowContext(t.ctx, `SELECT seq FROM events WHERE id = ? AND livemode = ?`, eventID, boolInt(t.livemode)).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return billing.ErrNotFound
	}
	if err != nil {
		return err
	}
	_, err = t.q.ExecContext(t.ctx, `INSERT INTO webhook_deliveries (event, endpoint, livemode, created, next_attempt) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (event, endpoint) DO UPDATE SET state = 0, next_attempt = excluded.next_attempt, claimed_by = ''`,
		seq, endpoint, boolInt(t.livemode), t.now.UnixMilli(), at)
	return err
}

// DueEndpoints returns every enabled endpoint of both modes with the time
// its earliest pending delivery is due: one index probe per endpoint.
func (t *tx) DueEndpoints() ([]billing.DueEndpoint, error) {
	rows, err := t.q.QueryContext(t.ctx, `SELECT w.data,
		coalesce((SELECT min(d.next_attempt) FROM webhook_deliveries d WHERE d.endpoint = w.id AND d.state = 0), 0)
		FROM webhook_endpoints w WHERE w.status = 'enabled' AND w.deleted = 0`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []billing.DueEndpoint
	for rows.Next() {
		var data []byte
		var due billing.DueEndpoint
		if err := rows.Scan(&data, &due.NextDue); err != nil {
			return nil, err
		}
		due.Endpoint = new(billing.WebhookEndpoint)
		if err := decode(data, due.Endpoint); err != nil {
			return nil, fmt.Errorf("sqlstore: decode webhook endpoint: %w", err)
		}
		out = append(out, due)
	}
	return out, rows.Err()
}

// ClaimDeliveries claims up to limit due deliveries of endpoint: their
// next_attempt moves to leaseUntil, so they are due again if the claimer
// never records an outcome. (A SELECT then UPDATEs by key: the single
// UPDATE ... WHERE seq IN (SELECT ... LIMIT ?) RETURNING was re-prepared by
// SQLite on every run, in the writer.) On PostgreSQL, where several workers
// may claim at once, the SELECT takes FOR UPDATE SKIP LOCKED: rows another
// worker is claiming are skipped rather than claimed twice or waited for.
func (t *tx) ClaimDeliveries(owner, endpoint string, now, leaseUntil int64, limit int) ([]*billing.Delivery, error) {
	rows, err := t.q.QueryContext(t.ctx, `SELECT seq, event, livemode, created, attempts FROM webhook_deliveries
		WHERE endpoint = ? AND state = 0 AND next_attempt <= ? ORDER BY next_attempt LIMIT ?`+t.db.dialect.claimLock, endpoint, now, limit)
	if err != nil {
		return nil, err
	}
	var out []*billing.Delivery
	for rows.Next() {
		d := &billing.Delivery{Endpoint: endpoint, State: billing.DeliveryPending, NextAttempt: leaseUntil}
		var live int
		if err := rows.Scan(&d.Seq, &d.Event, &live, &d.Created, &d.Attempts); err != nil {
			rows.Close()
			return nil, err
		}
		d.Livemode = live != 0
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, d := range out {
		if _, err := t.q.ExecContext(t.ctx, `UPDATE webhook_deliveries SET next_attempt = ?, claimed_by = ? WHERE seq = ?`, leaseUntil, owner, d.Seq); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RecordDeliveryResults stores the attempts and their outcomes. A result
// for a delivery that is no longer pending (delivered meanwhile by a
// duplicate claim, or its endpoint deleted) only adds the attempt.
func (t *tx) RecordDeliveryResults(rs []billing.DeliveryResult) ([]billing.EndpointFailure, error) {
	nowSec := t.now.Unix()
	// Each endpoint's latest outcome in the batch decides whether it is
	// failing.
	failing := map[string]bool{}
	for _, r := range rs {
		a := r.Attempt
		if _, err := t.q.ExecContext(t.ctx, `INSERT INTO webhook_attempts (delivery, attempted, duration_ms, status, error, response) VALUES (?, ?, ?, ?, ?, ?)`,
			a.Delivery, a.Attempted, a.DurationMS, a.Status, a.Error, a.Response); err != nil {
			return nil, err
		}
		var err error
		switch {
		case r.Succeeded:
			_, err = t.q.ExecContext(t.ctx, `UPDATE webhook_deliveries SET state = 1, attempts = attempts + 1, last_status = ?, claimed_by = '' WHERE seq = ? AND state = 0`,
				a.Status, a.Delivery)
		case r.NextAttempt > 0:
			_, err = t.q.ExecContext(t.ctx, `UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = ?, next_attempt = ?, claimed_by = '' WHERE seq = ? AND state = 0`,
				a.Status, r.NextAttempt, a.Delivery)
		default:
			_, err = t.q.ExecContext(t.ctx, `UPDATE webhook_deliveries SET state = 2, attempts = attempts + 1, last_status = ?, claimed_by = '' WHERE seq = ? AND state = 0`,
				a.Status, a.Delivery)
		}
		if err != nil {
			return nil, err
		}
		failing[r.Endpoint] = !r.Succeeded
	}
	var out []billing.EndpointFailure
	for id, failed := range failing {
		if !failed {
			if _, err := t.q.ExecContext(t.ctx, `UPDATE webhook_endpoints SET failing_since = 0 WHERE id = ? AND failing_since <> 0`, id); err != nil {
				return nil, err
			}
			continue
		}
		if _, err := t.q.ExecContext(t.ctx, `UPDATE webhook_endpoints SET failing_since = ? WHERE id = ? AND failing_since = 0`, nowSec, id); err != nil {
			return nil, err
		}
		f := billing.EndpointFailure{Endpoint: id}
		var live int
		err := t.q.QueryRowContext(t.ctx, `SELECT livemode, failing_since FROM webhook_endpoints WHERE id = ?`, id).Scan(&live, &f.Since)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, err
		}
		f.Livemode = live != 0
		out = append(out, f)
	}
	return out, nil
}

// ReleaseDeliveryClaims makes every claimed pending delivery due at now.
// Only on SQLite, whose one process holds every claim: on PostgreSQL the
// claims may belong to other running instances, so it releases nothing and
// the claims of an instance that died come due when their leases run out.
func (t *tx) ReleaseDeliveryClaims(now int64) (int64, error) {
	if t.db.Shared() {
		return 0, nil
	}
	res, err := t.q.ExecContext(t.ctx, `UPDATE webhook_deliveries SET next_attempt = ?, claimed_by = '' WHERE state = 0 AND claimed_by <> ''`, now)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// ReleaseClaimsOf makes the pending deliveries owner claimed due at now:
// for a worker that stops, on any database.
func (t *tx) ReleaseClaimsOf(owner string, now int64) (int64, error) {
	res, err := t.q.ExecContext(t.ctx, `UPDATE webhook_deliveries SET next_attempt = ?, claimed_by = '' WHERE state = 0 AND claimed_by = ?`, now, owner)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
