package billing

// TaxIDVerification is the result of checking a tax ID with its authority.
type TaxIDVerification struct {
	Status          string `json:"status"` // pending, verified, unverified, unavailable
	VerifiedAddress string `json:"verified_address,omitempty"`
	VerifiedName    string `json:"verified_name,omitempty"`
}

// TaxID is a customer's tax identifier.
type TaxID struct {
	ID           string            `json:"id"`
	Created      int64             `json:"created"`
	Livemode     bool              `json:"livemode"`
	Customer     string            `json:"customer"`
	Type         string            `json:"type"`
	Value        string            `json:"value"`
	Country      string            `json:"country,omitempty"`
	Verification TaxIDVerification `json:"verification"`
}

// TaxIDStore keeps customers' tax IDs.
type TaxIDStore interface {
	TaxID(id string) (*TaxID, error)
	InsertTaxID(t *TaxID) error
	DeleteTaxID(id string) error
	ListTaxIDs(customer string, p Page) (List[*TaxID], error)
}

// Test clock statuses.
const (
	ClockReady     = "ready"
	ClockAdvancing = "advancing"
	ClockFailed    = "internal_failure"
)

// TestClock is a clock that test customers live on: their "now" is its
// frozen time, moved forward by advancing it.
type TestClock struct {
	ID           string `json:"id"`
	Created      int64  `json:"created"`
	Livemode     bool   `json:"livemode"`
	Name         string `json:"name,omitempty"`
	FrozenTime   int64  `json:"frozen_time"`
	Status       string `json:"status"`
	DeletesAfter int64  `json:"deletes_after"`
	AdvancingTo  int64  `json:"advancing_to,omitempty"`
}

// TestClockStore keeps test clocks.
type TestClockStore interface {
	TestClock(id string) (*TestClock, error)
	InsertTestClock(c *TestClock) error
	UpdateTestClock(c *TestClock) error
	DeleteTestClock(id string) error
	ListTestClocks(p Page) (List[*TestClock], error)
}
