package billing

// BillingDetails are the billing contact details of a payment method.
type BillingDetails struct {
	Address *Address `json:"address,omitempty"`
	Email   string   `json:"email,omitempty"`
	Name    string   `json:"name,omitempty"`
	Phone   string   `json:"phone,omitempty"`
}

// PaymentMethod is a saved way to pay: a card.
type PaymentMethod struct {
	ID             string         `json:"id"`
	Created        int64          `json:"created"`
	Livemode       bool           `json:"livemode"`
	Type           string         `json:"type"` // card
	Customer       string         `json:"customer,omitempty"`
	BillingDetails BillingDetails `json:"billing_details"`
	Card           Card           `json:"card"`
	AllowRedisplay string         `json:"allow_redisplay"`
	Metadata       Metadata       `json:"metadata,omitempty"`
}

// PaymentMethodFilter narrows a payment method list.
type PaymentMethodFilter struct {
	Customer string
	Type     string
}

// PaymentMethodStore keeps payment methods.
type PaymentMethodStore interface {
	PaymentMethod(id string) (*PaymentMethod, error)
	InsertPaymentMethod(pm *PaymentMethod) error
	UpdatePaymentMethod(pm *PaymentMethod) error
	ListPaymentMethods(f PaymentMethodFilter, p Page) (List[*PaymentMethod], error)
}
