package sqlstore

import "github.com/porticohq/portico/internal/billing"

var (
	taxIDsTable     = &docTable{name: "tax_ids", noun: "tax_id", cols: []string{"customer"}}
	testClocksTable = &docTable{name: "test_clocks", noun: "test_clock"}
)

// TaxID returns the tax ID with id.
func (t *tx) TaxID(id string) (*billing.TaxID, error) {
	return getDoc[billing.TaxID](t, taxIDsTable, id, false)
}

// InsertTaxID adds ti.
func (t *tx) InsertTaxID(ti *billing.TaxID) error {
	return t.insert(taxIDsTable, ti.ID, ti.Created, ti, ti.Customer)
}

// DeleteTaxID deletes the tax ID with id.
func (t *tx) DeleteTaxID(id string) error { return t.markDeleted(taxIDsTable, id) }

// ListTaxIDs lists a customer's tax IDs.
func (t *tx) ListTaxIDs(customer string, p billing.Page) (billing.List[*billing.TaxID], error) {
	return listDocs[billing.TaxID](t, taxIDsTable, []cond{eq("customer", customer)}, p)
}

// TestClock returns the test clock with id.
func (t *tx) TestClock(id string) (*billing.TestClock, error) {
	return getDoc[billing.TestClock](t, testClocksTable, id, false)
}

// InsertTestClock adds c.
func (t *tx) InsertTestClock(c *billing.TestClock) error {
	return t.insert(testClocksTable, c.ID, c.Created, c)
}

// UpdateTestClock stores c.
func (t *tx) UpdateTestClock(c *billing.TestClock) error { return t.update(testClocksTable, c.ID, c) }

// DeleteTestClock deletes the test clock with id.
func (t *tx) DeleteTestClock(id string) error { return t.markDeleted(testClocksTable, id) }

// ListTestClocks lists test clocks.
func (t *tx) ListTestClocks(p billing.Page) (billing.List[*billing.TestClock], error) {
	return listDocs[billing.TestClock](t, testClocksTable, nil, p)
}

// compile-time check that tx implements the whole domain interface.
var _ billing.Tx = (*tx)(nil)
var _ billing.Store = (*DB)(nil)
