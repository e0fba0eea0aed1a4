package stripewire

import "github.com/porticohq/portico/internal/billing"

func (r *Renderer) discount(d *billing.Discount, e Expand) (any, error) {
	coupon, err := r.Ref("coupon", d.Coupon, e, "source.coupon")
	if err != nil {
		return nil, err
	}
	if !r.Version.DiscountSource() && r.Loader != nil {
		// Before clover, the whole coupon was embedded as `coupon`.
		if c, err := r.Loader.Load(r.Ctx, "coupon", d.Coupon); err == nil {
			if coupon.Obj, err = r.Render(c, nil); err != nil {
				return nil, err
			}
		}
	}
	out := map[string]any{
		"id": d.ID, "object": "discount", "checkout_session": nil, "end": i64(d.End), "invoice": ns(d.Invoice), "invoice_item": nil,
		"start": d.Start, "subscription": ns(d.Subscription), "subscription_item": ns(d.SubscriptionItem),
		"source": map[string]any{"type": "coupon", "coupon": coupon},
	}
	if !r.Version.DiscountSource() {
		delete(out, "source")
		out["coupon"] = coupon
	}
	if out["customer"], err = r.Ref("customer", d.Customer, e, "customer"); err != nil {
		return nil, err
	}
	if out["promotion_code"], err = r.Ref("promotion_code", d.PromotionCode, e, "promotion_code"); err != nil {
		return nil, err
	}
	return out, nil
}
