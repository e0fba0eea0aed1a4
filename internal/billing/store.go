package billing

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// ErrNotFound is returned by stores when no object has the id asked for.
// Services turn it into the right Stripe error: a 404 for an id in the path,
// a 400 naming the parameter for an id given as a parameter.
var ErrNotFound = errors.New("billing: not found")

// ErrConflict is returned by stores when a write breaks a uniqueness rule
// (a lookup key or promotion code already in use).
var ErrConflict = errors.New("billing: unique value already in use")

// Page selects one page of a list, newest first: at most Limit objects older
// than StartingAfter, or newer than EndingBefore.
type Page struct {
	Limit         int
	StartingAfter string
	EndingBefore  string
}

// Range filters an integer field such as created; nil bounds are open.
type Range struct {
	GT, GTE, LT, LTE *int64
}

// IsZero reports whether r filters nothing.
func (r Range) IsZero() bool { return r.GT == nil && r.GTE == nil && r.LT == nil && r.LTE == nil }

// List is one page of objects, newest first.
type List[T any] struct {
	Data    []T
	HasMore bool
}

// Store runs transactions. Update runs fn in a read-write transaction and
// commits when fn returns nil; a failing fn leaves nothing written. View runs
// fn on a consistent read-only snapshot. Both join the transaction carried by
// ctx when there is one (see Tx.Context), so use cases compose: a caller that
// is already inside a transaction must pass tx.Context(), never a fresh
// context, or the call would wait for its own transaction.
type Store interface {
	Update(ctx context.Context, fn func(tx Tx) error) error
	View(ctx context.Context, fn func(tx Tx) error) error
}

// Tx is one transaction. Now is fixed for the whole transaction; Livemode
// selects the test or live data set, from the API key that made the request.
type Tx interface {
	Context() context.Context
	Now() time.Time
	Livemode() bool

	CustomerStore
	EventStore
	IdempotencyStore
	CatalogStore
	PaymentMethodStore
	DiscountStore
	TaxIDStore
	TestClockStore
	SettingsStore
	SubscriptionStore
	InvoiceStore
	PortalStore
	WebhookStore
	FileStore
}

// CustomerFilter narrows a customer list.
type CustomerFilter struct {
	Email     string
	Created   Range
	TestClock string
}

// CustomerStore keeps customers.
type CustomerStore interface {
	Customer(id string) (*Customer, error)
	InsertCustomer(c *Customer) error
	UpdateCustomer(c *Customer) error
	ListCustomers(f CustomerFilter, p Page) (List[*Customer], error)
	// ScanCustomers calls fn for every live (not deleted) customer, newest
	// first, until fn returns false.
	ScanCustomers(fn func(*Customer) bool) error
}

// Event records a change, for /v1/events and webhooks. Object and Previous
// are the domain objects (JSON) after and before the change; the wire layer
// renders them in the version a reader asks for and derives
// previous_attributes from the difference.
type Event struct {
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	Created    int64           `json:"created"`
	Livemode   bool            `json:"livemode"`
	Request    RequestInfo     `json:"request"`
	ObjectKind string          `json:"object_kind"`
	Object     json.RawMessage `json:"object"`
	Previous   json.RawMessage `json:"previous,omitempty"`
}

// EventStore keeps events.
type EventStore interface {
	InsertEvent(e *Event) error
}

// IdempotentResponse is the stored first response to a request made with an
// Idempotency-Key.
type IdempotentResponse struct {
	Key         string
	Method      string
	Path        string
	Fingerprint string
	Status      int
	Body        []byte
	Created     int64
}

// IdempotencyStore keeps the responses to requests made with an
// Idempotency-Key.
type IdempotencyStore interface {
	IdempotentResponse(key string) (*IdempotentResponse, error)
	SaveIdempotentResponse(r *IdempotentResponse) error
	// InsertIdempotentResponse stores r unless a row for its key exists
	// (live or expired), in which case it returns ErrIdempotencyKeyExists
	// and changes nothing.
	InsertIdempotentResponse(r *IdempotentResponse) error
}

// ErrIdempotencyKeyExists is InsertIdempotentResponse's answer when the key
// has a stored row already.
var ErrIdempotencyKeyExists = errors.New("billing: idempotency key already stored")

// SettingsStore keeps the server's own settings (the API key hash, the
// fingerprint key, the account's business details).
type SettingsStore interface {
	Setting(key string) (string, error)
	SetSetting(key, value string) error
}
