package billing

// Invoice statuses.
const (
	InvoiceDraft         = "draft"
	InvoiceOpen          = "open"
	InvoicePaid          = "paid"
	InvoiceVoid          = "void"
	InvoiceUncollectible = "uncollectible"
)

// Billing reasons.
const (
	ReasonSubscriptionCreate = "subscription_create"
	ReasonSubscriptionCycle  = "subscription_cycle"
	ReasonSubscriptionUpdate = "subscription_update"
	ReasonManual             = "manual"
	ReasonUpcoming           = "upcoming"
)

// DiscountAmount is how much one discount took off a line or an invoice.
type DiscountAmount struct {
	Amount   int64  `json:"amount"`
	Discount string `json:"discount"`
}

// InvoiceLine is one line of an invoice: a subscription item's period, a
// proration, or a pending invoice item.
type InvoiceLine struct {
	ID               string           `json:"id"`
	Amount           int64            `json:"amount"` // before discounts
	Currency         string           `json:"currency"`
	Description      string           `json:"description"`
	Quantity         int64            `json:"quantity"`
	Price            string           `json:"price,omitempty"`
	Product          string           `json:"product,omitempty"`
	UnitAmount       int64            `json:"unit_amount"`
	PeriodStart      int64            `json:"period_start"`
	PeriodEnd        int64            `json:"period_end"`
	Proration        bool             `json:"proration,omitempty"`
	Subscription     string           `json:"subscription,omitempty"`
	SubscriptionItem string           `json:"subscription_item,omitempty"`
	InvoiceItem      string           `json:"invoice_item,omitempty"`
	Discountable     bool             `json:"discountable"`
	DiscountAmounts  []DiscountAmount `json:"discount_amounts,omitempty"`
	Metadata         Metadata         `json:"metadata,omitempty"`
}

// StatusTransitions records when an invoice changed status.
type StatusTransitions struct {
	FinalizedAt           *int64 `json:"finalized_at,omitempty"`
	MarkedUncollectibleAt *int64 `json:"marked_uncollectible_at,omitempty"`
	PaidAt                *int64 `json:"paid_at,omitempty"`
	VoidedAt              *int64 `json:"voided_at,omitempty"`
}

// Invoice is a bill to a customer.
type Invoice struct {
	ID                       string            `json:"id"`
	Created                  int64             `json:"created"`
	Livemode                 bool              `json:"livemode"`
	Customer                 string            `json:"customer"`
	Subscription             string            `json:"subscription,omitempty"`
	ProrationDate            int64             `json:"proration_date,omitempty"`
	Status                   string            `json:"status"`
	Number                   string            `json:"number,omitempty"`
	Currency                 string            `json:"currency"`
	BillingReason            string            `json:"billing_reason"`
	CollectionMethod         string            `json:"collection_method"`
	DueDate                  *int64            `json:"due_date,omitempty"`
	Lines                    []InvoiceLine     `json:"lines"`
	Discounts                []string          `json:"discounts,omitempty"`
	TotalDiscountAmounts     []DiscountAmount  `json:"total_discount_amounts,omitempty"`
	Subtotal                 int64             `json:"subtotal"`
	Total                    int64             `json:"total"`
	StartingBalance          int64             `json:"starting_balance"`
	EndingBalance            *int64            `json:"ending_balance,omitempty"`
	AmountDue                int64             `json:"amount_due"`
	AmountPaid               int64             `json:"amount_paid"`
	AmountRemaining          int64             `json:"amount_remaining"`
	AttemptCount             int64             `json:"attempt_count"`
	Attempted                bool              `json:"attempted"`
	AutoAdvance              bool              `json:"auto_advance"`
	AutomaticallyFinalizesAt *int64            `json:"automatically_finalizes_at,omitempty"`
	NextPaymentAttempt       *int64            `json:"next_payment_attempt,omitempty"`
	PeriodStart              int64             `json:"period_start"`
	PeriodEnd                int64             `json:"period_end"`
	PaymentIntent            string            `json:"payment_intent,omitempty"`
	DefaultPaymentMethod     string            `json:"default_payment_method,omitempty"`
	EffectiveAt              *int64            `json:"effective_at,omitempty"`
	StatusTransitions        StatusTransitions `json:"status_transitions"`
	Description              string            `json:"description,omitempty"`
	Footer                   string            `json:"footer,omitempty"`
	TestClock                string            `json:"test_clock,omitempty"`
	Metadata                 Metadata          `json:"metadata,omitempty"`
	// Customer details copied when the invoice is finalized.
	CustomerName    string   `json:"customer_name,omitempty"`
	CustomerEmail   string   `json:"customer_email,omitempty"`
	CustomerAddress *Address `json:"customer_address,omitempty"`
	Deleted         bool     `json:"deleted,omitempty"`
}

// Open reports whether the invoice can still be paid.
func (in *Invoice) Open() bool { return in.Status == InvoiceOpen }

// InvoiceItem is a pending charge or credit for a customer, added to their
// next invoice.
type InvoiceItem struct {
	ID               string   `json:"id"`
	Created          int64    `json:"created"`
	Livemode         bool     `json:"livemode"`
	Customer         string   `json:"customer"`
	Amount           int64    `json:"amount"`
	Currency         string   `json:"currency"`
	Description      string   `json:"description,omitempty"`
	Quantity         int64    `json:"quantity"`
	UnitAmount       int64    `json:"unit_amount"`
	Price            string   `json:"price,omitempty"`
	Product          string   `json:"product,omitempty"`
	PeriodStart      int64    `json:"period_start"`
	PeriodEnd        int64    `json:"period_end"`
	Proration        bool     `json:"proration"`
	Discountable     bool     `json:"discountable"`
	Subscription     string   `json:"subscription,omitempty"`
	SubscriptionItem string   `json:"subscription_item,omitempty"`
	Invoice          string   `json:"invoice,omitempty"`
	TestClock        string   `json:"test_clock,omitempty"`
	Metadata         Metadata `json:"metadata,omitempty"`
}

// PaymentIntent statuses.
const (
	PIRequiresPaymentMethod = "requires_payment_method"
	PIRequiresConfirmation  = "requires_confirmation"
	PIRequiresAction        = "requires_action"
	PISucceeded             = "succeeded"
	PICanceled              = "canceled"
)

// PaymentError is the last failure of a payment or setup.
type PaymentError struct {
	Type          string `json:"type"`
	Code          string `json:"code,omitempty"`
	DeclineCode   string `json:"decline_code,omitempty"`
	Message       string `json:"message,omitempty"`
	PaymentMethod string `json:"payment_method,omitempty"`
}

// PaymentIntent collects one payment, here an invoice's.
type PaymentIntent struct {
	ID               string        `json:"id"`
	Created          int64         `json:"created"`
	Livemode         bool          `json:"livemode"`
	Amount           int64         `json:"amount"`
	AmountReceived   int64         `json:"amount_received"`
	Currency         string        `json:"currency"`
	Customer         string        `json:"customer,omitempty"`
	Invoice          string        `json:"invoice,omitempty"`
	Description      string        `json:"description,omitempty"`
	PaymentMethod    string        `json:"payment_method,omitempty"`
	Status           string        `json:"status"`
	ClientSecret     string        `json:"client_secret"`
	LatestCharge     string        `json:"latest_charge,omitempty"`
	LastPaymentError *PaymentError `json:"last_payment_error,omitempty"`
	// NextActionURL is the 3-D Secure page the customer must visit when
	// Status is requires_action.
	NextActionURL string   `json:"next_action_url,omitempty"`
	CanceledAt    *int64   `json:"canceled_at,omitempty"`
	Metadata      Metadata `json:"metadata,omitempty"`
}

// Charge is one attempt to move money from a card.
type Charge struct {
	ID             string   `json:"id"`
	Created        int64    `json:"created"`
	Livemode       bool     `json:"livemode"`
	Amount         int64    `json:"amount"`
	Currency       string   `json:"currency"`
	Customer       string   `json:"customer,omitempty"`
	PaymentIntent  string   `json:"payment_intent,omitempty"`
	PaymentMethod  string   `json:"payment_method,omitempty"`
	Status         string   `json:"status"` // succeeded, failed
	Paid           bool     `json:"paid"`
	FailureCode    string   `json:"failure_code,omitempty"`
	FailureMessage string   `json:"failure_message,omitempty"`
	DeclineCode    string   `json:"decline_code,omitempty"`
	Description    string   `json:"description,omitempty"`
	CardBrand      string   `json:"card_brand,omitempty"`
	CardLast4      string   `json:"card_last4,omitempty"`
	Metadata       Metadata `json:"metadata,omitempty"`
}

// InvoiceFilter narrows an invoice list.
type InvoiceFilter struct {
	Customer     string
	Subscription string
	Status       string
	// Finalized leaves drafts out (the invoices a customer sees).
	Finalized bool
	Created   Range
}

// InvoiceSummary is what an invoice list shows (the portal's invoice
// history): decoding only these fields of a stored invoice, not its lines,
// discounts and totals, keeps long lists cheap. The JSON names are the
// Invoice's.
type InvoiceSummary struct {
	ID                string            `json:"id"`
	Customer          string            `json:"customer"`
	Created           int64             `json:"created"`
	Status            string            `json:"status"`
	Number            string            `json:"number,omitempty"`
	Currency          string            `json:"currency"`
	Total             int64             `json:"total"`
	StatusTransitions StatusTransitions `json:"status_transitions"`
}

// InvoiceItemFilter narrows an invoice item list.
type InvoiceItemFilter struct {
	Customer string
	Invoice  string
	Pending  *bool
	Created  Range
}
