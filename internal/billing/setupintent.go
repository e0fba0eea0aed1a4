package billing

// SetupIntent statuses.
const (
	SISucceeded             = "succeeded"
	SIRequiresPaymentMethod = "requires_payment_method"
	SIRequiresConfirmation  = "requires_confirmation"
	SIRequiresAction        = "requires_action"
	SICanceled              = "canceled"
)

// SetupIntent saves a card for later payments, with 3-D Secure when the
// card asks for it.
type SetupIntent struct {
	ID                 string        `json:"id"`
	Created            int64         `json:"created"`
	Livemode           bool          `json:"livemode"`
	Customer           string        `json:"customer,omitempty"`
	PaymentMethod      string        `json:"payment_method,omitempty"`
	Status             string        `json:"status"`
	Usage              string        `json:"usage"` // off_session, on_session
	ClientSecret       string        `json:"client_secret"`
	Description        string        `json:"description,omitempty"`
	LastSetupError     *PaymentError `json:"last_setup_error,omitempty"`
	NextActionURL      string        `json:"next_action_url,omitempty"`
	CancellationReason string        `json:"cancellation_reason,omitempty"`
	Metadata           Metadata      `json:"metadata,omitempty"`
}

// SetupIntentStore keeps setup intents.
type SetupIntentStore interface {
	SetupIntent(id string) (*SetupIntent, error)
	InsertSetupIntent(si *SetupIntent) error
	UpdateSetupIntent(si *SetupIntent) error
	ListSetupIntents(customer string, p Page) (List[*SetupIntent], error)
}
