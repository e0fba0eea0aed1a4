package sqlstore

import (
	"strings"

	"github.com/porticohq/portico/internal/billing"
)

var (
	couponsTable        = &docTable{name: "coupons", noun: "coupon"}
	promotionCodesTable = &docTable{name: "promotion_codes", noun: "promotion code", cols: []string{"code", "coupon", "customer", "active", "active_code"}, unique: true}
)

// Coupon returns the coupon with id.
func (t *tx) Coupon(id string) (*billing.Coupon, error) {
	return getShared(t, couponsTable, id, false, cloneCoupon)
}

// InsertCoupon adds c; billing.ErrConflict when the id is taken.
func (t *tx) InsertCoupon(c *billing.Coupon) error { return t.insert(couponsTable, c.ID, c.Created, c) }

// UpdateCoupon stores c.
func (t *tx) UpdateCoupon(c *billing.Coupon) error { return t.update(couponsTable, c.ID, c) }

// DeleteCoupon deletes the coupon with id. Its id stays taken, as the row
// remains as a tombstone.
func (t *tx) DeleteCoupon(id string) error { return t.markDeleted(couponsTable, id) }

// ListCoupons lists coupons.
func (t *tx) ListCoupons(created billing.Range, p billing.Page) (billing.List[*billing.Coupon], error) {
	return listDocs[billing.Coupon](t, couponsTable, rangeConds("created", created), p)
}

// promoCols returns the promotion code's extra columns. active_code, which
// carries the unique index, holds the code in upper case: Stripe's codes are
// case-insensitive, so FALL20 and fall20 may not both be active.
func promoCols(pc *billing.PromotionCode) []any {
	var activeCode any
	if pc.Active {
		activeCode = strings.ToUpper(pc.Code)
	}
	return []any{pc.Code, pc.Coupon, pc.Customer, boolInt(pc.Active), activeCode}
}

// PromotionCode returns the promotion code with id.
func (t *tx) PromotionCode(id string) (*billing.PromotionCode, error) {
	return getDoc[billing.PromotionCode](t, promotionCodesTable, id, false)
}

// InsertPromotionCode adds pc; billing.ErrConflict when an active code with
// the same text, in any case, exists.
func (t *tx) InsertPromotionCode(pc *billing.PromotionCode) error {
	return t.insert(promotionCodesTable, pc.ID, pc.Created, pc, promoCols(pc)...)
}

// UpdatePromotionCode stores pc.
func (t *tx) UpdatePromotionCode(pc *billing.PromotionCode) error {
	return t.update(promotionCodesTable, pc.ID, pc, promoCols(pc)...)
}

// ListPromotionCodes lists promotion codes.
func (t *tx) ListPromotionCodes(f billing.PromotionCodeFilter, p billing.Page) (billing.List[*billing.PromotionCode], error) {
	var cs []cond
	if f.Active != nil {
		cs = append(cs, eq("active", boolInt(*f.Active)))
	}
	if f.Code != "" {
		cs = append(cs, eq("code", f.Code))
	}
	if f.Coupon != "" {
		cs = append(cs, eq("coupon", f.Coupon))
	}
	if f.Customer != "" {
		cs = append(cs, eq("customer", f.Customer))
	}
	cs = append(cs, rangeConds("created", f.Created)...)
	return listDocs[billing.PromotionCode](t, promotionCodesTable, cs, p)
}
