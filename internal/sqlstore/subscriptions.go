package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/porticohq/portico/internal/billing"
)

var subscriptionsTable = &docTable{name: "subscriptions", noun: "subscription", cols: []string{"customer", "status", "test_clock", "next_due"}}

// Subscription returns the subscription with id.
func (t *tx) Subscription(id string) (*billing.Subscription, error) {
	return getShared(t, subscriptionsTable, id, false, cloneSubscription)
}

// InsertSubscription adds s.
func (t *tx) InsertSubscription(s *billing.Subscription) error {
	if err := t.insert(subscriptionsTable, s.ID, s.Created, s, s.Customer, s.Status, s.TestClock, s.NextDue); err != nil {
		return err
	}
	return t.indexItems(s)
}

// indexItems records which subscription each of s's items belongs to.
func (t *tx) indexItems(s *billing.Subscription) error {
	for _, it := range s.Items {
		if _, err := t.q.ExecContext(t.ctx, "INSERT INTO subscription_items (id, livemode, subscription) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
			it.ID, boolInt(t.livemode), s.ID); err != nil {
			return err
		}
	}
	return nil
}

// SubscriptionOfItem returns the id of the subscription that has (or had)
// the item.
func (t *tx) SubscriptionOfItem(item string) (string, error) {
	var id string
	err := t.q.QueryRowContext(t.ctx, "SELECT subscription FROM subscription_items WHERE id = ? AND livemode = ?", item, boolInt(t.livemode)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", billing.ErrNotFound
	}
	return id, err
}

// UpdateSubscription stores s.
func (t *tx) UpdateSubscription(s *billing.Subscription) error {
	if err := t.update(subscriptionsTable, s.ID, s, s.Customer, s.Status, s.TestClock, s.NextDue); err != nil {
		return err
	}
	return t.indexItems(s)
}

// ListSubscriptions lists subscriptions.
func (t *tx) ListSubscriptions(f billing.SubscriptionFilter, p billing.Page) (billing.List[*billing.Subscription], error) {
	var cs []cond
	if f.Customer != "" {
		cs = append(cs, eq("customer", f.Customer))
	}
	switch f.Status {
	case "all":
	case "":
		// As Stripe: every subscription that has not been canceled.
		cs = append(cs, cond{"status <> ?", []any{billing.SubCanceled}})
	case "ended":
		cs = append(cs, cond{"status IN (?, ?)", []any{billing.SubCanceled, billing.SubIncompleteExpired}})
	default:
		cs = append(cs, eq("status", f.Status))
	}
	cs = append(cs, rangeConds("created", f.Created)...)
	if f.Price == "" {
		return listColumn(t, subscriptionsTable, "data", cs, p, subscriptionDecodes)
	}
	return listFiltered(t, subscriptionsTable, cs, p, func(s *billing.Subscription) bool {
		for _, it := range s.Items {
			if it.Price == f.Price {
				return true
			}
		}
		return false
	})
}

// DueSubscriptions returns the ids of subscriptions on clock due at or
// before at, earliest first.
func (t *tx) DueSubscriptions(clock string, at int64, limit int) ([]string, error) {
	return t.ids("SELECT id FROM subscriptions WHERE livemode = ? AND test_clock = ? AND next_due > 0 AND next_due <= ? AND deleted = 0 ORDER BY next_due, seq LIMIT ?",
		boolInt(t.livemode), clock, at, limit)
}

// PricesOnClock returns the distinct prices of the items of the live
// subscriptions on clock. It decodes only the items' prices, so a clock
// with many subscriptions is read quickly (an advance request checks it in
// its write transaction).
func (t *tx) PricesOnClock(clock string) ([]string, error) {
	type itemPrices struct {
		Items []struct {
			Price string `json:"price"`
		} `json:"items"`
	}
	// One pass in no particular order: the set of prices is all it needs.
	rows, err := t.q.QueryContext(t.ctx, "SELECT data FROM subscriptions WHERE livemode = ? AND test_clock = ? AND deleted = 0 AND status NOT IN (?, ?)",
		boolInt(t.livemode), clock, billing.SubCanceled, billing.SubIncompleteExpired)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	seen := map[string]bool{}
	var out []string
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		var s itemPrices
		if err := decode(data, &s); err != nil {
			return nil, fmt.Errorf("sqlstore: decode subscription: %w", err)
		}
		for _, it := range s.Items {
			if !seen[it.Price] {
				seen[it.Price] = true
				out = append(out, it.Price)
			}
		}
	}
	return out, rows.Err()
}

func (t *tx) ids(query string, args ...any) ([]string, error) {
	rows, err := t.q.QueryContext(t.ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// ScanSubscriptions calls fn for every subscription, newest first.
func (t *tx) ScanSubscriptions(fn func(*billing.Subscription) bool) error {
	return scanDocs(t, subscriptionsTable, nil, fn)
}
