package billing

// Coupon durations.
const (
	DurationOnce      = "once"
	DurationRepeating = "repeating"
	DurationForever   = "forever"
)

// AppliesTo limits a coupon to some products.
type AppliesTo struct {
	Products []string `json:"products"`
}

// Coupon is a discount the merchant offers: a percentage or an amount off.
type Coupon struct {
	ID               string     `json:"id"`
	Created          int64      `json:"created"`
	Livemode         bool       `json:"livemode"`
	Name             string     `json:"name,omitempty"`
	PercentOff       *float64   `json:"percent_off,omitempty"`
	AmountOff        *int64     `json:"amount_off,omitempty"`
	Currency         string     `json:"currency,omitempty"`
	Duration         string     `json:"duration"`
	DurationInMonths *int64     `json:"duration_in_months,omitempty"`
	MaxRedemptions   *int64     `json:"max_redemptions,omitempty"`
	RedeemBy         *int64     `json:"redeem_by,omitempty"`
	TimesRedeemed    int64      `json:"times_redeemed"`
	AppliesTo        *AppliesTo `json:"applies_to,omitempty"`
	Metadata         Metadata   `json:"metadata,omitempty"`
}

// Valid reports whether the coupon can still be redeemed at now (unix
// seconds): not past redeem_by and not used up.
func (c *Coupon) Valid(now int64) bool {
	if c.RedeemBy != nil && now > *c.RedeemBy {
		return false
	}
	if c.MaxRedemptions != nil && c.TimesRedeemed >= *c.MaxRedemptions {
		return false
	}
	return true
}

// PromotionRestrictions limit who may use a promotion code.
type PromotionRestrictions struct {
	FirstTimeTransaction  bool   `json:"first_time_transaction"`
	MinimumAmount         *int64 `json:"minimum_amount,omitempty"`
	MinimumAmountCurrency string `json:"minimum_amount_currency,omitempty"`
}

// PromotionCode is a customer-facing code for a coupon.
type PromotionCode struct {
	ID             string                `json:"id"`
	Created        int64                 `json:"created"`
	Livemode       bool                  `json:"livemode"`
	Code           string                `json:"code"`
	Coupon         string                `json:"coupon"`
	Active         bool                  `json:"active"`
	Customer       string                `json:"customer,omitempty"`
	ExpiresAt      *int64                `json:"expires_at,omitempty"`
	MaxRedemptions *int64                `json:"max_redemptions,omitempty"`
	TimesRedeemed  int64                 `json:"times_redeemed"`
	Restrictions   PromotionRestrictions `json:"restrictions"`
	Metadata       Metadata              `json:"metadata,omitempty"`
}

// PromotionCodeFilter narrows a promotion code list.
type PromotionCodeFilter struct {
	Active   *bool
	Code     string
	Coupon   string
	Customer string
	Created  Range
}

// DiscountStore keeps coupons and promotion codes. InsertPromotionCode
// returns ErrConflict when an active promotion code already has the code.
type DiscountStore interface {
	Coupon(id string) (*Coupon, error)
	InsertCoupon(c *Coupon) error
	UpdateCoupon(c *Coupon) error
	DeleteCoupon(id string) error
	ListCoupons(created Range, p Page) (List[*Coupon], error)

	PromotionCode(id string) (*PromotionCode, error)
	InsertPromotionCode(pc *PromotionCode) error
	UpdatePromotionCode(pc *PromotionCode) error
	ListPromotionCodes(f PromotionCodeFilter, p Page) (List[*PromotionCode], error)
}
