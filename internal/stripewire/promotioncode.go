package stripewire

import "github.com/porticohq/portico/internal/billing"

type restrictionsJSON struct {
	FirstTimeTransaction  bool    `json:"first_time_transaction"`
	MinimumAmount         *int64  `json:"minimum_amount"`
	MinimumAmountCurrency *string `json:"minimum_amount_currency"`
}

// promotionCodeJSON is the shape common to every version.
type promotionCodeJSON struct {
	ID             string           `json:"id"`
	Object         string           `json:"object"`
	Active         bool             `json:"active"`
	Code           string           `json:"code"`
	Created        int64            `json:"created"`
	Customer       Ref              `json:"customer"`
	ExpiresAt      *int64           `json:"expires_at"`
	Livemode       bool             `json:"livemode"`
	MaxRedemptions *int64           `json:"max_redemptions"`
	Metadata       billing.Metadata `json:"metadata"`
	Restrictions   restrictionsJSON `json:"restrictions"`
	TimesRedeemed  int64            `json:"times_redeemed"`
}

// promotionCodeSourceJSON is a promotion code since 2025-09-30.clover.
type promotionCodeSourceJSON struct {
	promotionCodeJSON
	Promotion       any     `json:"promotion"`
	CustomerAccount *string `json:"customer_account"`
}

// promotionCodeCouponJSON is a promotion code before 2025-09-30.clover.
type promotionCodeCouponJSON struct {
	promotionCodeJSON
	Coupon Ref `json:"coupon"`
}

func (r *Renderer) promotionCode(pc *billing.PromotionCode, e Expand) (any, error) {
	out := promotionCodeJSON{
		ID: pc.ID, Object: "promotion_code", Active: pc.Active, Code: pc.Code, Created: pc.Created,
		ExpiresAt: pc.ExpiresAt, Livemode: pc.Livemode, MaxRedemptions: pc.MaxRedemptions,
		Metadata: metadata(pc.Metadata), TimesRedeemed: pc.TimesRedeemed,
		Restrictions: restrictionsJSON{
			FirstTimeTransaction: pc.Restrictions.FirstTimeTransaction, MinimumAmount: pc.Restrictions.MinimumAmount,
			MinimumAmountCurrency: ns(pc.Restrictions.MinimumAmountCurrency),
		},
	}
	var err error
	if out.Customer, err = r.Ref("customer", pc.Customer, e, "customer"); err != nil {
		return nil, err
	}
	if !r.Version.DiscountSource() {
		sub, _ := e.Sub("coupon")
		coupon, err := r.EmbeddedCoupon(pc.Coupon, sub)
		if err != nil {
			return nil, err
		}
		return promotionCodeCouponJSON{promotionCodeJSON: out, Coupon: coupon}, nil
	}
	promotion, err := r.CouponSource(pc.Coupon, e, "promotion.coupon")
	if err != nil {
		return nil, err
	}
	return promotionCodeSourceJSON{promotionCodeJSON: out, Promotion: promotion}, nil
}
