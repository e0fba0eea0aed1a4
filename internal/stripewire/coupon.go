package stripewire

import (
	"context"
	"time"

	"github.com/porticohq/portico/internal/billing"
)

func init() {
	// applies_to is one of Stripe's includable fields: a coupon carries it
	// only when a request expands it.
	RegisterExpandable("coupon", map[string]string{"applies_to": ""})
}

type appliesToJSON struct {
	Products []string `json:"products"`
}

type couponJSON struct {
	ID               string           `json:"id"`
	Object           string           `json:"object"`
	AmountOff        *int64           `json:"amount_off"`
	Created          int64            `json:"created"`
	Currency         *string          `json:"currency"`
	Duration         string           `json:"duration"`
	DurationInMonths *int64           `json:"duration_in_months"`
	Livemode         bool             `json:"livemode"`
	MaxRedemptions   *int64           `json:"max_redemptions"`
	Metadata         billing.Metadata `json:"metadata"`
	Name             *string          `json:"name"`
	PercentOff       *float64         `json:"percent_off"`
	RedeemBy         *int64           `json:"redeem_by"`
	TimesRedeemed    int64            `json:"times_redeemed"`
	Valid            bool             `json:"valid"`
}

// couponJSONWithAppliesTo is a coupon for requests that expanded
// applies_to: null when the coupon applies to everything.
type couponJSONWithAppliesTo struct {
	couponJSON
	AppliesTo *appliesToJSON `json:"applies_to"`
}

// nower is implemented by loaders that know the time fixed for the
// request's transaction (the service does), which decides whether a coupon
// is still valid.
type nower interface {
	Now(ctx context.Context) (time.Time, error)
}

// now returns the time a rendering is as of, in unix seconds.
func (r *Renderer) now() (int64, error) {
	if n, ok := r.Loader.(nower); ok {
		t, err := n.Now(r.Ctx)
		return t.Unix(), err
	}
	return time.Now().Unix(), nil
}

func (r *Renderer) coupon(c *billing.Coupon, e Expand) (any, error) {
	now, err := r.now()
	if err != nil {
		return nil, err
	}
	out := couponJSON{
		ID: c.ID, Object: "coupon", AmountOff: c.AmountOff, Created: c.Created, Currency: ns(c.Currency),
		Duration: c.Duration, DurationInMonths: c.DurationInMonths, Livemode: c.Livemode,
		MaxRedemptions: c.MaxRedemptions, Metadata: metadata(c.Metadata), Name: ns(c.Name),
		PercentOff: c.PercentOff, RedeemBy: c.RedeemBy, TimesRedeemed: c.TimesRedeemed, Valid: c.Valid(now),
	}
	if _, ok := e.Sub("applies_to"); !ok {
		return out, nil
	}
	with := couponJSONWithAppliesTo{couponJSON: out}
	if c.AppliesTo != nil {
		with.AppliesTo = &appliesToJSON{Products: strs(c.AppliesTo.Products)}
	}
	return with, nil
}

// discountSourceJSON is how discounts (source) and promotion codes
// (promotion) name their coupon since 2025-09-30.clover.
type discountSourceJSON struct {
	Coupon Ref    `json:"coupon"`
	Type   string `json:"type"`
}

// CouponSource renders the coupon a discount or promotion code draws on, for
// versions where it sits under a typed source (see Version.DiscountSource):
// {type: "coupon", coupon}, the coupon expanded when path (e.g.
// "source.coupon") is in e.
func (r *Renderer) CouponSource(couponID string, e Expand, path string) (any, error) {
	ref, err := r.Ref("coupon", couponID, e, path)
	if err != nil {
		return nil, err
	}
	return discountSourceJSON{Coupon: ref, Type: "coupon"}, nil
}

// EmbeddedCoupon renders the whole coupon, as discounts and promotion codes
// carried it as `coupon` before 2025-09-30.clover; sub is what to expand
// inside it. A deleted coupon renders as its tombstone.
func (r *Renderer) EmbeddedCoupon(couponID string, sub Expand) (Ref, error) {
	return r.Ref("coupon", couponID, Expand{"coupon": sub}, "coupon")
}
