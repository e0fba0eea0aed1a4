package billing

// EventRecord is an event with its delivery status, as /v1/events shows it.
type EventRecord struct {
	Event
	// PendingWebhooks counts the endpoints the event has not yet been
	// delivered to successfully.
	PendingWebhooks int
}

// EventFilter narrows an event list. Type may use * as a wildcard
// (customer.subscription.*); Types lists exact types; DeliverySuccess keeps
// events delivered to every endpoint (true) or not (false).
type EventFilter struct {
	Type            string
	Types           []string
	Created         Range
	DeliverySuccess *bool
}

// Delivery states.
const (
	DeliveryPending   = "pending"
	DeliverySucceeded = "succeeded"
	DeliveryFailed    = "failed"
)

// Delivery is one event's delivery to one endpoint: a row of the outbox.
type Delivery struct {
	Seq      int64
	Event    int64 // the event's position in the store
	EventID  string
	Endpoint string
	Livemode bool
	Created  int64 // unix ms
	State    string
	Attempts int
	// NextAttempt (unix ms) is when a pending delivery is due; while a
	// worker holds it, when the worker's claim expires.
	NextAttempt int64
	LastStatus  int
}

// DeliveryAttempt is one try at a delivery.
type DeliveryAttempt struct {
	Delivery   int64
	Attempted  int64 // unix ms
	DurationMS int64
	Status     int    // the HTTP status; 0 when no response came
	Error      string // why there was no response
	Response   string // the start of the response body
}

// DeliveryResult is the outcome of an attempt for the store to record:
// the delivery succeeded, is due again at NextAttempt, or (NextAttempt 0
// and not Succeeded) has failed for good.
type DeliveryResult struct {
	Attempt     DeliveryAttempt
	Endpoint    string
	Succeeded   bool
	NextAttempt int64
}

// EndpointFailure tells the worker that an endpoint has been failing since
// Since (unix seconds).
type EndpointFailure struct {
	Endpoint string
	Livemode bool
	Since    int64
}

// DueEndpoint is an enabled endpoint with its earliest pending delivery
// (NextDue, unix ms; 0 when it has none).
type DueEndpoint struct {
	Endpoint *WebhookEndpoint
	NextDue  int64
}

// WebhookStore keeps webhook endpoints, the delivery outbox and its
// attempts, and reads events.
//
// The methods for the delivery worker (DueEndpoints, ClaimDeliveries,
// DeliveryEvent, RecordDeliveryResults, ReleaseDeliveryClaims, PruneEvents)
// work on both modes at once; the others on the transaction's mode.
type WebhookStore interface {
	WebhookEndpoint(id string) (*WebhookEndpoint, error)
	InsertWebhookEndpoint(w *WebhookEndpoint) error
	UpdateWebhookEndpoint(w *WebhookEndpoint) error
	// DeleteWebhookEndpoint deletes the endpoint; its pending deliveries
	// fail.
	DeleteWebhookEndpoint(id string) error
	ListWebhookEndpoints(p Page) (List[*WebhookEndpoint], error)
	CountWebhookEndpoints() (int, error)

	EventRecord(id string) (*EventRecord, error)
	ListEvents(f EventFilter, p Page) (List[*EventRecord], error)
	// EventDeliveries returns the deliveries of an event, oldest first.
	EventDeliveries(eventID string) ([]*Delivery, error)
	// DeliveryAttempts returns a delivery's attempts, oldest first.
	DeliveryAttempts(delivery int64) ([]*DeliveryAttempt, error)
	// ResendEvent makes the event's delivery to endpoint due at `at`
	// (unix ms), creating it when the event had none for that endpoint.
	ResendEvent(eventID, endpoint string, at int64) error

	DueEndpoints() ([]DueEndpoint, error)
	// ClaimDeliveries claims up to limit due deliveries (next_attempt <=
	// now) of endpoint for owner until leaseUntil, oldest due first.
	ClaimDeliveries(owner, endpoint string, now, leaseUntil int64, limit int) ([]*Delivery, error)
	// DeliveryEvent returns the event of a delivery with its delivery
	// status.
	DeliveryEvent(eventSeq int64) (*EventRecord, error)
	// RecordDeliveryResults stores attempts' outcomes and returns the
	// endpoints that failed in them, with when their failures began.
	RecordDeliveryResults(rs []DeliveryResult) ([]EndpointFailure, error)
	// ReleaseDeliveryClaims makes every claimed pending delivery due at now
	// (unix ms): for a single-process store at start-up, when every claim
	// belongs to a process that is gone.
	ReleaseDeliveryClaims(now int64) (int64, error)
	// PruneEvents deletes up to max events created before cutoff (unix
	// seconds) with their deliveries and attempts, and returns how many.
	PruneEvents(cutoff int64, max int) (int64, error)
}
