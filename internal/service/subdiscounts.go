package service

import (
	"slices"

	"github.com/porticohq/portico/internal/billing"
)

// setDiscounts replaces the subscription's discounts with those asked for.
func (s *Service) setDiscounts(tx billing.Tx, sub *billing.Subscription, c *billing.Customer, ds []DiscountParams, now int64) error {
	var ids []string
	for i, dp := range ds {
		param := "discounts[" + itoa(int64(i)) + "]"
		switch {
		case dp.Discount != "":
			if !slices.Contains(sub.Discounts, dp.Discount) {
				return billing.NoSuchParam(param+"[discount]", "discount", dp.Discount)
			}
			ids = append(ids, dp.Discount)
			continue
		case dp.Coupon == "" && dp.PromotionCode == "":
			return billing.Missing(param + "[coupon]")
		}
		d := &billing.Discount{ID: billing.NewID("di"), Customer: c.ID, Subscription: sub.ID, Start: now}
		var coupon *billing.Coupon
		if dp.PromotionCode != "" {
			pc, err := tx.PromotionCode(dp.PromotionCode)
			if err != nil {
				return noSuchParam(err, param+"[promotion_code]", "promotion code", dp.PromotionCode)
			}
			if err := ValidatePromotionCode(tx, pc, c.ID, now); err != nil {
				if e, ok := billing.AsError(err); ok {
					e2 := *e
					e2.Param = param + "[promotion_code]"
					return &e2
				}
				return err
			}
			pc.TimesRedeemed++
			if err := tx.UpdatePromotionCode(pc); err != nil {
				return err
			}
			d.PromotionCode = pc.ID
			dp.Coupon = pc.Coupon
		}
		coupon, err := tx.Coupon(dp.Coupon)
		if err != nil {
			return noSuchParam(err, param+"[coupon]", "coupon", dp.Coupon)
		}
		if err := ValidateCoupon(coupon, now, param+"[coupon]"); err != nil {
			return err
		}
		if coupon.AmountOff != nil && coupon.Currency != sub.Currency {
			return billing.Invalid(param+"[coupon]", "", "The coupon's currency (%s) does not match the subscription's (%s).", coupon.Currency, sub.Currency)
		}
		coupon.TimesRedeemed++
		if err := tx.UpdateCoupon(coupon); err != nil {
			return err
		}
		d.Coupon = coupon.ID
		if coupon.Duration == billing.DurationRepeating && coupon.DurationInMonths != nil {
			end := billing.AddInterval(now, "month", *coupon.DurationInMonths, 1)
			d.End = &end
		}
		if err := tx.InsertDiscount(d); err != nil {
			return err
		}
		if err := emit(tx, "customer.discount.created", "discount", d, nil); err != nil {
			return err
		}
		ids = append(ids, d.ID)
	}
	for _, old := range sub.Discounts {
		if slices.Contains(ids, old) {
			continue
		}
		d, err := tx.Discount(old)
		if err != nil {
			return err
		}
		if err := emit(tx, "customer.discount.deleted", "discount", d, nil); err != nil {
			return err
		}
	}
	sub.Discounts = ids
	return nil
}
