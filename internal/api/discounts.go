package api

import (
	"context"
	"strconv"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
	"github.com/porticohq/portico/internal/stripewire"
)

func (a *API) discountRoutes() {
	a.handle("POST /v1/coupons", "coupon", a.createCoupon)
	a.handle("GET /v1/coupons", "list:coupon", a.listCoupons)
	a.handle("GET /v1/coupons/{id}", "coupon", a.getCoupon)
	a.handle("POST /v1/coupons/{id}", "coupon", a.updateCoupon)
	a.handle("DELETE /v1/coupons/{id}", "deleted", a.deleteCoupon)
	a.handle("POST /v1/promotion_codes", "promotion_code", a.createPromotionCode)
	a.handle("GET /v1/promotion_codes", "list:promotion_code", a.listPromotionCodes)
	a.handle("GET /v1/promotion_codes/{id}", "promotion_code", a.getPromotionCode)
	a.handle("POST /v1/promotion_codes/{id}", "promotion_code", a.updatePromotionCode)
}

// optInt reads an optional integer as a pointer, nil when not sent.
func optInt(f *stripewire.Form, key string) *int64 {
	if v, ok := f.Int(key); ok {
		return &v
	}
	return nil
}

func (a *API) createCoupon(r *Req) Run {
	f := r.Form
	var p service.CouponParams
	p.ID, _ = f.NonEmptyString("id")
	f.MaxLen("id", p.ID, 5000)
	p.Name, _ = f.String("name")
	f.MaxLen("name", p.Name, 40)
	if v, ok := f.Float("percent_off"); ok {
		p.PercentOff = &v
	}
	p.AmountOff = optInt(f, "amount_off")
	p.Currency, _ = f.NonEmptyString("currency")
	p.Duration, _ = f.Enum("duration", billing.DurationOnce, billing.DurationRepeating, billing.DurationForever)
	p.DurationInMonths = optInt(f, "duration_in_months")
	p.MaxRedemptions = optInt(f, "max_redemptions")
	p.RedeemBy = optInt(f, "redeem_by")
	if sub, _ := f.Hash("applies_to"); sub != nil {
		products, _ := sub.StringList("products")
		for i, id := range products {
			if id == "" {
				f.Fail(billing.Invalid(sub.Name("products")+"["+strconv.Itoa(i)+"]", "parameter_invalid_empty", "Product ids in applies_to[products] may not be empty."))
			}
		}
		p.AppliesTo = append([]string{}, products...)
	}
	p.Metadata = f.Metadata("metadata")
	return func(ctx context.Context) (any, error) { return a.svc.CreateCoupon(ctx, p) }
}

func (a *API) getCoupon(r *Req) Run {
	id := r.PathValue("id")
	return func(ctx context.Context) (any, error) { return a.svc.Coupon(ctx, id) }
}

func (a *API) updateCoupon(r *Req) Run {
	id := r.PathValue("id")
	p := service.CouponUpdate{Name: str(r.Form, "name", 40), Metadata: r.Form.Metadata("metadata")}
	return func(ctx context.Context) (any, error) { return a.svc.UpdateCoupon(ctx, id, p) }
}

func (a *API) deleteCoupon(r *Req) Run {
	id := r.PathValue("id")
	return func(ctx context.Context) (any, error) {
		c, err := a.svc.DeleteCoupon(ctx, id)
		if err != nil {
			return nil, err
		}
		return stripewire.Deleted{ID: c.ID, Object: "coupon"}, nil
	}
}

func (a *API) listCoupons(r *Req) Run {
	created := rangeParam(r.Form, "created")
	p := page(r.Form)
	return func(ctx context.Context) (any, error) {
		l, err := a.svc.ListCoupons(ctx, created, p)
		return stripewire.ListOf("/v1/coupons", l), err
	}
}

func (a *API) createPromotionCode(r *Req) Run {
	f := r.Form
	var p service.PromotionCodeParams
	// promotion[type]=coupon&promotion[coupon]=ID since 2025-09-30.clover;
	// older clients send coupon=ID, which is still accepted.
	if sub, _ := f.Hash("promotion"); sub != nil {
		if typ := sub.RequiredString("type"); typ != "" && typ != "coupon" {
			f.Fail(billing.BadEnum(sub.Name("type"), typ, "coupon"))
		}
		p.Coupon, p.CouponParam = sub.RequiredString("coupon"), sub.Name("coupon")
		if f.Has("coupon") {
			f.Fail(billing.Invalid("coupon", "parameters_exclusive", "You may only specify one of these parameters: coupon, promotion."))
		}
	} else if c, ok := f.NonEmptyString("coupon"); ok {
		p.Coupon, p.CouponParam = c, "coupon"
	} else if !f.Failed() {
		f.Fail(billing.Missing("promotion"))
	}
	p.Code, _ = f.NonEmptyString("code")
	f.MaxLen("code", p.Code, 500)
	p.Customer, _ = f.NonEmptyString("customer")
	p.ExpiresAt = optInt(f, "expires_at")
	p.MaxRedemptions = optInt(f, "max_redemptions")
	if sub, _ := f.Hash("restrictions"); sub != nil {
		p.FirstTimeTransaction, _ = sub.Bool("first_time_transaction")
		p.MinimumAmount = optInt(sub, "minimum_amount")
		p.MinimumAmountCurrency, _ = sub.NonEmptyString("minimum_amount_currency")
	}
	if v, ok := f.Bool("active"); ok {
		p.Active = service.Set(v)
	}
	p.Metadata = f.Metadata("metadata")
	return func(ctx context.Context) (any, error) { return a.svc.CreatePromotionCode(ctx, p) }
}

func (a *API) getPromotionCode(r *Req) Run {
	id := r.PathValue("id")
	return func(ctx context.Context) (any, error) { return a.svc.PromotionCode(ctx, id) }
}

func (a *API) updatePromotionCode(r *Req) Run {
	id := r.PathValue("id")
	f := r.Form
	var p service.PromotionCodeUpdate
	if v, ok := f.Bool("active"); ok {
		p.Active = service.Set(v)
	}
	p.Metadata = f.Metadata("metadata")
	// restrictions[currency_options] is the only restriction Stripe lets
	// change; Portico has no currency options, so whatever is under
	// restrictions is reported as an unknown parameter by name.
	f.Hash("restrictions")
	return func(ctx context.Context) (any, error) { return a.svc.UpdatePromotionCode(ctx, id, p) }
}

func (a *API) listPromotionCodes(r *Req) Run {
	f := r.Form
	var filter billing.PromotionCodeFilter
	filter.Active = optBool(f, "active")
	filter.Code, _ = f.NonEmptyString("code")
	filter.Coupon, _ = f.NonEmptyString("coupon")
	filter.Customer, _ = f.NonEmptyString("customer")
	filter.Created = rangeParam(f, "created")
	p := page(f)
	return func(ctx context.Context) (any, error) {
		l, err := a.svc.ListPromotionCodes(ctx, filter, p)
		return stripewire.ListOf("/v1/promotion_codes", l), err
	}
}
