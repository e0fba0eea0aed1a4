package sqlstore

import "github.com/porticohq/portico/internal/billing"

var subscriptionsTable = &docTable{name: "subscriptions", noun: "subscription", cols: []string{"customer", "status", "test_clock"}}

// Subscription returns the subscription with id.
func (t *tx) Subscription(id string) (*billing.Subscription, error) {
	return getDoc[billing.Subscription](t, subscriptionsTable, id, false)
}

// InsertSubscription adds s.
func (t *tx) InsertSubscription(s *billing.Subscription) error {
	return t.insert(subscriptionsTable, s.ID, s.Created, s, s.Customer, s.Status, s.TestClock)
}

// UpdateSubscription stores s.
func (t *tx) UpdateSubscription(s *billing.Subscription) error {
	return t.update(subscriptionsTable, s.ID, s, s.Customer, s.Status, s.TestClock)
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
		cs = append(cs, cond{"status <> ?", []any{billing.SubCanceled}})
	default:
		cs = append(cs, eq("status", f.Status))
	}
	cs = append(cs, rangeConds("created", f.Created)...)
	if f.Price == "" {
		return listDocs[billing.Subscription](t, subscriptionsTable, cs, p)
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
