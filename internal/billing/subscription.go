package billing

// Subscription statuses.
const (
	SubIncomplete        = "incomplete"
	SubIncompleteExpired = "incomplete_expired"
	SubTrialing          = "trialing"
	SubActive            = "active"
	SubPastDue           = "past_due"
	SubUnpaid            = "unpaid"
	SubCanceled          = "canceled"
	SubPaused            = "paused"
)

// SubscriptionItem is one price on a subscription, with its own billing
// period (as in the current API, periods live on the items).
type SubscriptionItem struct {
	ID                 string   `json:"id"`
	Created            int64    `json:"created"`
	Price              string   `json:"price"`
	Quantity           int64    `json:"quantity"`
	CurrentPeriodStart int64    `json:"current_period_start"`
	CurrentPeriodEnd   int64    `json:"current_period_end"`
	Discounts          []string `json:"discounts,omitempty"` // discount ids
	Metadata           Metadata `json:"metadata,omitempty"`
}

// CancellationDetails says why a subscription was (or will be) canceled.
type CancellationDetails struct {
	Comment  string `json:"comment,omitempty"`
	Feedback string `json:"feedback,omitempty"` // customer_service, low_quality, missing_features, other, switched_service, too_complex, too_expensive, unused
	Reason   string `json:"reason,omitempty"`   // cancellation_requested, payment_disputed, payment_failed
}

// PauseCollection pauses invoicing of a subscription.
type PauseCollection struct {
	Behavior  string `json:"behavior"` // keep_as_draft, mark_uncollectible, void
	ResumesAt *int64 `json:"resumes_at,omitempty"`
}

// ScheduledItem is one item of a change scheduled for the period end: an
// existing item (ID) to change or delete, or a new one (no ID).
type ScheduledItem struct {
	ID       string `json:"id,omitempty"`
	Price    string `json:"price,omitempty"`
	Quantity int64  `json:"quantity,omitempty"`
	Deleted  bool   `json:"deleted,omitempty"`
}

// ScheduledChange is a change of items that takes effect at the end of the
// current period, without prorations (a downgrade at period end). It is
// what the portal's "downgrade at period end" needs of subscription
// schedules, which Portico does not serve.
type ScheduledChange struct {
	Items       []ScheduledItem `json:"items"`
	EffectiveAt int64           `json:"effective_at"`
}

// Discount is a coupon (maybe through a promotion code) applied to a
// customer, subscription or item.
type Discount struct {
	ID               string `json:"id"`
	Coupon           string `json:"coupon"`
	PromotionCode    string `json:"promotion_code,omitempty"`
	Customer         string `json:"customer,omitempty"`
	Subscription     string `json:"subscription,omitempty"`
	SubscriptionItem string `json:"subscription_item,omitempty"`
	Invoice          string `json:"invoice,omitempty"`
	Start            int64  `json:"start"`
	End              *int64 `json:"end,omitempty"`
}

// Subscription is a customer's recurring purchase of one or more prices.
//
// The billing engine owns this type and may add fields; the portal reads
// it. Field names follow Stripe's.
type Subscription struct {
	ID                   string              `json:"id"`
	Created              int64               `json:"created"`
	Livemode             bool                `json:"livemode"`
	Customer             string              `json:"customer"`
	Status               string              `json:"status"`
	Items                []SubscriptionItem  `json:"items"`
	Currency             string              `json:"currency"`
	StartDate            int64               `json:"start_date"`
	BillingCycleAnchor   int64               `json:"billing_cycle_anchor"`
	CancelAtPeriodEnd    bool                `json:"cancel_at_period_end"`
	CancelAt             *int64              `json:"cancel_at,omitempty"`
	CanceledAt           *int64              `json:"canceled_at,omitempty"`
	EndedAt              *int64              `json:"ended_at,omitempty"`
	CancellationDetails  CancellationDetails `json:"cancellation_details"`
	TrialStart           *int64              `json:"trial_start,omitempty"`
	TrialEnd             *int64              `json:"trial_end,omitempty"`
	CollectionMethod     string              `json:"collection_method"` // charge_automatically, send_invoice
	DaysUntilDue         *int64              `json:"days_until_due,omitempty"`
	DefaultPaymentMethod string              `json:"default_payment_method,omitempty"`
	Discounts            []string            `json:"discounts,omitempty"` // discount ids
	PauseCollection      *PauseCollection    `json:"pause_collection,omitempty"`
	LatestInvoice        string              `json:"latest_invoice,omitempty"`
	TestClock            string              `json:"test_clock,omitempty"`
	Description          string              `json:"description,omitempty"`
	Metadata             Metadata            `json:"metadata,omitempty"`
	// NextDue is when the scheduler must next look at the subscription
	// (a period end, a draft to finalize, a payment retry, an expiry);
	// 0 when nothing is due.
	NextDue int64 `json:"next_due,omitempty"`
	// PaymentBehavior is how the first invoice was paid (payment_behavior).
	PaymentBehavior string `json:"payment_behavior,omitempty"`
	// UpcomingSentFor and TrialWillEndSentFor are the period end and trial
	// end for which invoice.upcoming and customer.subscription.trial_will_end
	// were recorded, so each is recorded once.
	UpcomingSentFor int64 `json:"upcoming_sent_for,omitempty"`
	// TrialEndBehavior is what happens when the trial ends and there is no
	// payment method: create_invoice (default), pause or cancel
	// (trial_settings.end_behavior.missing_payment_method).
	TrialEndBehavior string `json:"trial_end_behavior,omitempty"`
	// ScheduledChange, when set, is applied at the end of the period.
	ScheduledChange *ScheduledChange `json:"scheduled_change,omitempty"`
	// Collecting lists the subscription's open invoices, other than the
	// latest, still being collected (payment retries, a send_invoice due
	// date), each with when the scheduler must next look at it.
	Collecting []CollectingInvoice `json:"collecting,omitempty"`
	// OverdueFor is the send_invoice latest invoice whose due date has
	// passed (and made the subscription past_due), so it is handled once.
	OverdueFor string `json:"overdue_for,omitempty"`
	// PendingUpdate, when set, is an update made with
	// payment_behavior=pending_if_incomplete whose invoice is not paid yet:
	// applied when it is, dropped when it expires.
	PendingUpdate       *PendingUpdate `json:"pending_update,omitempty"`
	TrialWillEndSentFor int64          `json:"trial_will_end_sent_for,omitempty"`
}

// CollectingInvoice is an open invoice of a subscription, other than its
// latest, that the scheduler still collects: At is its next automatic
// payment attempt or, for send_invoice, its due date.
type CollectingInvoice struct {
	Invoice string `json:"invoice"`
	At      int64  `json:"at"`
}

// PendingUpdate is Stripe's pending_update: the changes an update would
// make, kept apart until the invoice it created is paid.
type PendingUpdate struct {
	BillingCycleAnchor *int64             `json:"billing_cycle_anchor,omitempty"`
	ExpiresAt          int64              `json:"expires_at"`
	SubscriptionItems  []SubscriptionItem `json:"subscription_items,omitempty"`
	TrialEnd           *int64             `json:"trial_end,omitempty"`
	TrialFromPlan      bool               `json:"trial_from_plan,omitempty"`
	// Invoice is the invoice whose payment applies the update; "" while
	// the update that makes it is still running (its first attempt).
	Invoice string `json:"invoice,omitempty"`
}

// Item returns the subscription's item with id.
func (s *Subscription) Item(id string) (*SubscriptionItem, bool) {
	for i := range s.Items {
		if s.Items[i].ID == id {
			return &s.Items[i], true
		}
	}
	return nil, false
}

// Ended reports whether the subscription is over (canceled or expired).
func (s *Subscription) Ended() bool {
	return s.Status == SubCanceled || s.Status == SubIncompleteExpired
}

// SubscriptionFilter narrows a subscription list.
type SubscriptionFilter struct {
	Customer string
	Price    string
	Status   string // a status, "all", or "" (every status but canceled)
	Created  Range
}

// SubscriptionStore keeps subscriptions. The billing engine extends it.
type SubscriptionStore interface {
	Subscription(id string) (*Subscription, error)
	InsertSubscription(s *Subscription) error
	UpdateSubscription(s *Subscription) error
	ListSubscriptions(f SubscriptionFilter, p Page) (List[*Subscription], error)
	// DueSubscriptions returns up to limit ids of subscriptions on clock
	// ("" for those on no clock) whose NextDue is set and at or before at,
	// earliest first.
	DueSubscriptions(clock string, at int64, limit int) ([]string, error)
	// ScanSubscriptions calls fn for every subscription, newest first,
	// until fn returns false.
	ScanSubscriptions(fn func(*Subscription) bool) error
	// SubscriptionOfItem returns the id of the subscription an item
	// belongs (or belonged) to.
	SubscriptionOfItem(item string) (string, error)
	// PricesOnClock returns the distinct prices of the items of the live
	// subscriptions on a test clock.
	PricesOnClock(clock string) ([]string, error)
}
