package sqlstore

import "github.com/porticohq/portico/internal/billing"

var customersTable = &docTable{name: "customers", noun: "customer", cols: []string{"email", "test_clock", "deleted"}}

// Customer returns the customer with id, also a deleted one (a tombstone
// with Deleted set).
func (t *tx) Customer(id string) (*billing.Customer, error) {
	return getShared(t, customersTable, id, true, cloneCustomer)
}

// InsertCustomer adds c.
func (t *tx) InsertCustomer(c *billing.Customer) error {
	return t.insert(customersTable, c.ID, c.Created, c, c.Email, c.TestClock, boolInt(c.Deleted))
}

// UpdateCustomer stores c; a customer with Deleted set becomes a tombstone.
func (t *tx) UpdateCustomer(c *billing.Customer) error {
	return t.update(customersTable, c.ID, c, c.Email, c.TestClock, boolInt(c.Deleted))
}

// ListCustomers lists live customers.
func (t *tx) ListCustomers(f billing.CustomerFilter, p billing.Page) (billing.List[*billing.Customer], error) {
	var cs []cond
	if f.Email != "" {
		cs = append(cs, eq("email", f.Email))
	}
	// As on Stripe, customers on a test clock are listed only when their
	// clock is asked for.
	cs = append(cs, eq("test_clock", f.TestClock))
	cs = append(cs, rangeConds("created", f.Created)...)
	return listDocs[billing.Customer](t, customersTable, cs, p)
}

// ScanCustomers calls fn for every live customer, newest first.
func (t *tx) ScanCustomers(fn func(*billing.Customer) bool) error {
	return scanDocs(t, customersTable, nil, fn)
}
