package service

import (
	"errors"

	"github.com/porticohq/portico/internal/billing"
)

// featureDisabled is the error for a flow whose portal feature is off in the
// configuration.
func featureDisabled(feature string) error {
	return billing.Invalid("flow_data[type]", "parameter_invalid",
		"This flow cannot be created because the %s feature in the portal configuration is disabled.", feature)
}

// checkPortalFlow checks a flow against the customer, their subscription
// and the configuration, and completes what it echoes (item quantities, a
// retention coupon that does not apply is dropped).
func checkPortalFlow(tx billing.Tx, f *billing.PortalFlow, cu *billing.Customer, conf *billing.PortalConfiguration) error {
	feats := &conf.Features
	switch f.Type {
	case billing.FlowPaymentMethodUpdate:
		if !feats.PaymentMethodUpdate.Enabled {
			return featureDisabled("payment method update")
		}
		return nil
	case billing.FlowCustomerUpdate:
		if !feats.CustomerUpdate.Enabled {
			return featureDisabled("customer update")
		}
		return nil
	case billing.FlowSubscriptionCancel:
		if !feats.SubscriptionCancel.Enabled {
			return featureDisabled("subscription cancel")
		}
		param := "flow_data[subscription_cancel][subscription]"
		sub, err := flowSubscription(tx, f.Subscription, param, cu)
		if err != nil {
			return err
		}
		if sub.CancelAtPeriodEnd || sub.CancelAt != nil {
			return billing.Invalid(param, "parameter_invalid", "Subscription %s is already scheduled to be canceled.", sub.ID)
		}
		if f.RetentionCoupon != "" {
			keep, err := retentionApplies(tx, f.RetentionCoupon, sub)
			if err != nil {
				return err
			}
			if !keep {
				f.RetentionCoupon = ""
			}
		}
		return nil
	}
	// subscription_update and subscription_update_confirm.
	if !feats.SubscriptionUpdate.Enabled {
		return featureDisabled("subscription update")
	}
	param := "flow_data[" + f.Type + "][subscription]"
	sub, err := flowSubscription(tx, f.Subscription, param, cu)
	if err != nil {
		return err
	}
	switch {
	case sub.Status != billing.SubActive && sub.Status != billing.SubTrialing && sub.Status != billing.SubPastDue:
		return billing.Invalid(param, "parameter_invalid", "Subscription %s cannot be updated while its status is %s.", sub.ID, sub.Status)
	case sub.CancelAtPeriodEnd || sub.CancelAt != nil:
		return billing.Invalid(param, "parameter_invalid", "Subscription %s is scheduled to be canceled and cannot be updated.", sub.ID)
	case len(sub.Items) != 1:
		return billing.Invalid(param, "parameter_invalid", "Subscription %s has several items: subscriptions with multiple items are not updatable in the portal.", sub.ID)
	}
	if f.Type == billing.FlowSubscriptionUpdateConfirm {
		return checkUpdateConfirm(tx, f, sub, cu, conf)
	}
	return nil
}

// flowSubscription loads the flow's subscription, which must be the
// customer's and not over.
func flowSubscription(tx billing.Tx, id, param string, cu *billing.Customer) (*billing.Subscription, error) {
	sub, err := tx.Subscription(id)
	if err != nil {
		return nil, noSuchParam(err, param, "subscription", id)
	}
	if sub.Customer != cu.ID {
		return nil, billing.Invalid(param, "parameter_invalid", "Subscription %s does not belong to customer %s.", sub.ID, cu.ID)
	}
	if sub.Ended() {
		return nil, billing.Invalid(param, "parameter_invalid", "Subscription %s is %s.", sub.ID, sub.Status)
	}
	return sub, nil
}

// checkUpdateConfirm checks a subscription_update_confirm flow's item and
// discount.
func checkUpdateConfirm(tx billing.Tx, f *billing.PortalFlow, sub *billing.Subscription, cu *billing.Customer, conf *billing.PortalConfiguration) error {
	const base = "flow_data[subscription_update_confirm]"
	it := &f.Items[0]
	cur, ok := sub.Item(it.ID)
	if !ok {
		return billing.Invalid(base+"[items][0][id]", "resource_missing", "Subscription %s has no item %s.", sub.ID, it.ID)
	}
	price := cur.Price
	if it.Price != "" {
		if _, ok := conf.Features.PortalProductFor(it.Price); !ok {
			return billing.Invalid(base+"[items][0][price]", "parameter_invalid",
				"Price %s is not among the products of the configuration's subscription update feature (features[subscription_update][products]).", it.Price)
		}
		price = it.Price
	}
	if it.Quantity != nil {
		if *it.Quantity < 1 {
			return billing.Invalid(base+"[items][0][quantity]", "parameter_invalid_integer", "Invalid quantity: must be at least 1.")
		}
		if pp, ok := conf.Features.PortalProductFor(price); ok && pp.AdjustableQuantity.Enabled {
			q := pp.AdjustableQuantity
			if *it.Quantity < q.Minimum || (q.Maximum != nil && *it.Quantity > *q.Maximum) {
				return billing.Invalid(base+"[items][0][quantity]", "parameter_invalid", "Quantity %d is outside the range the configuration allows for this product.", *it.Quantity)
			}
		}
	} else {
		q := cur.Quantity
		it.Quantity = &q
	}
	now := tx.Now().Unix()
	for i, d := range f.Discounts {
		param := base + "[discounts][" + itoa(int64(i)) + "]"
		if d.Coupon != "" {
			c, err := tx.Coupon(d.Coupon)
			if err != nil {
				return noSuchParam(err, param+"[coupon]", "coupon", d.Coupon)
			}
			if err := ValidateCoupon(c, now, param+"[coupon]"); err != nil {
				return err
			}
			continue
		}
		pc, err := tx.PromotionCode(d.PromotionCode)
		if err != nil {
			return noSuchParam(err, param+"[promotion_code]", "promotion code", d.PromotionCode)
		}
		if err := ValidatePromotionCode(tx, pc, cu.ID, now); err != nil {
			if e, ok := billing.AsError(err); ok {
				re := *e
				re.Param = param + "[promotion_code]"
				return &re
			}
			return err
		}
	}
	return nil
}

// retentionApplies reports whether the coupon offered by a cancel flow can
// apply to sub: it must be redeemable, in the subscription's currency when
// it is an amount off, and (when limited to products) cover one of the
// subscription's products. An unknown coupon is an error; one that merely
// does not apply is dropped from the flow, as Stripe shows the cancel page
// without the offer then.
func retentionApplies(tx billing.Tx, couponID string, sub *billing.Subscription) (bool, error) {
	const param = "flow_data[subscription_cancel][retention][coupon_offer][coupon]"
	c, err := tx.Coupon(couponID)
	if err != nil {
		return false, noSuchParam(err, param, "coupon", couponID)
	}
	if !c.Valid(tx.Now().Unix()) {
		return false, nil
	}
	if c.AmountOff != nil && sub.Currency != "" && c.Currency != sub.Currency {
		return false, nil
	}
	if c.AppliesTo == nil || len(c.AppliesTo.Products) == 0 {
		return true, nil
	}
	for _, it := range sub.Items {
		pr, err := tx.Price(it.Price)
		if errors.Is(err, billing.ErrNotFound) {
			continue
		}
		if err != nil {
			return false, err
		}
		for _, prod := range c.AppliesTo.Products {
			if prod == pr.Product {
				return true, nil
			}
		}
	}
	return false, nil
}
