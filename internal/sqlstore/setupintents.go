package sqlstore

import "github.com/porticohq/portico/internal/billing"

var setupIntentsTable = &docTable{name: "setup_intents", noun: "setup_intent", cols: []string{"customer"}}

// SetupIntent returns the setup intent with id.
func (t *tx) SetupIntent(id string) (*billing.SetupIntent, error) {
	return getDoc[billing.SetupIntent](t, setupIntentsTable, id, false)
}

// InsertSetupIntent adds si.
func (t *tx) InsertSetupIntent(si *billing.SetupIntent) error {
	return t.insert(setupIntentsTable, si.ID, si.Created, si, si.Customer)
}

// UpdateSetupIntent stores si.
func (t *tx) UpdateSetupIntent(si *billing.SetupIntent) error {
	return t.update(setupIntentsTable, si.ID, si, si.Customer)
}

// ListSetupIntents lists setup intents, newest first.
func (t *tx) ListSetupIntents(customer string, p billing.Page) (billing.List[*billing.SetupIntent], error) {
	var cs []cond
	if customer != "" {
		cs = append(cs, eq("customer", customer))
	}
	return listDocs[billing.SetupIntent](t, setupIntentsTable, cs, p)
}
