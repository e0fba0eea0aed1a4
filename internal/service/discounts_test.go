package service

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/sqlstore"
	"github.com/porticohq/portico/internal/storetest"
)

// frozenClock is a clock that does not move.
type frozenClock struct{ t time.Time }

func (c frozenClock) Now() time.Time { return c.t }

func pointerTo[T any](v T) *T { return &v }

// openDiscountTestStore opens a fresh migrated store (testenv.DB) whose clock reads now.
func openDiscountTestStore(t *testing.T, now time.Time) *sqlstore.DB {
	t.Helper()
	return storetest.Open(t, sqlstore.Options{Clock: frozenClock{now}})
}

func TestValidateCoupon(t *testing.T) {
	const now = 1_800_000_000
	for _, tc := range []struct {
		name string
		c    billing.Coupon
		want string // error code, "" for none
	}{
		{"plain", billing.Coupon{ID: "C"}, ""},
		{"before redeem_by", billing.Coupon{ID: "C", RedeemBy: pointerTo[int64](now + 1)}, ""},
		{"at redeem_by", billing.Coupon{ID: "C", RedeemBy: pointerTo[int64](now)}, ""},
		{"after redeem_by", billing.Coupon{ID: "C", RedeemBy: pointerTo[int64](now - 1)}, "coupon_expired"},
		{"redemptions left", billing.Coupon{ID: "C", MaxRedemptions: pointerTo[int64](2), TimesRedeemed: 1}, ""},
		{"used up", billing.Coupon{ID: "C", MaxRedemptions: pointerTo[int64](2), TimesRedeemed: 2}, "coupon_expired"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateCoupon(&tc.c, now, "discounts[0][coupon]")
			checkClientError(t, err, tc.want, "discounts[0][coupon]")
			if (err == nil) != tc.c.Valid(now) {
				t.Fatalf("ValidateCoupon = %v but Valid = %v", err, tc.c.Valid(now))
			}
		})
	}
}

// checkClientError asserts err is nil (code "") or a 400 with code and param.
func checkClientError(t *testing.T, err error, code, param string) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("err = %v, want none", err)
		}
		return
	}
	e, ok := billing.AsError(err)
	if !ok || e.Kind != billing.KindInvalid || e.Type != billing.TypeInvalidRequest || e.Code != code || e.Param != param || e.Message == "" {
		t.Fatalf("err = %#v, want %s about %s", err, code, param)
	}
}

func TestValidatePromotionCode(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	db := openDiscountTestStore(t, now)
	ctx := context.Background()
	paid := map[string]bool{"cus_paid": true}
	saved := hasPriorTransactions
	hasPriorTransactions = func(tx billing.Tx, customerID string) (bool, error) { return paid[customerID], nil }
	t.Cleanup(func() { hasPriorTransactions = saved })

	err := db.Update(ctx, func(tx billing.Tx) error {
		for _, c := range []*billing.Coupon{
			{ID: "GOOD", Duration: billing.DurationOnce, PercentOff: pointerTo(10.0)},
			{ID: "OLD", Duration: billing.DurationOnce, PercentOff: pointerTo(10.0), RedeemBy: pointerTo(now.Unix() - 1)},
			{ID: "FULL", Duration: billing.DurationOnce, PercentOff: pointerTo(10.0), MaxRedemptions: pointerTo[int64](1), TimesRedeemed: 1},
			{ID: "DELETED", Duration: billing.DurationOnce, PercentOff: pointerTo(10.0)},
		} {
			if err := tx.InsertCoupon(c); err != nil {
				return err
			}
		}
		return tx.DeleteCoupon("DELETED")
	})
	if err != nil {
		t.Fatal(err)
	}
	code := func(mod func(pc *billing.PromotionCode)) *billing.PromotionCode {
		pc := &billing.PromotionCode{ID: "promo_1", Code: "SAVE", Coupon: "GOOD", Active: true}
		if mod != nil {
			mod(pc)
		}
		return pc
	}
	for _, tc := range []struct {
		name     string
		pc       *billing.PromotionCode
		customer string
		want     string
	}{
		{"redeemable", code(nil), "cus_new", ""},
		{"redeemable without a customer", code(nil), "", ""},
		{"inactive", code(func(pc *billing.PromotionCode) { pc.Active = false }), "cus_new", "parameter_invalid"},
		{"before expiry", code(func(pc *billing.PromotionCode) { pc.ExpiresAt = pointerTo(now.Unix() + 1) }), "cus_new", ""},
		{"expired", code(func(pc *billing.PromotionCode) { pc.ExpiresAt = pointerTo(now.Unix()) }), "cus_new", "parameter_invalid"},
		{"redemptions left", code(func(pc *billing.PromotionCode) { pc.MaxRedemptions, pc.TimesRedeemed = pointerTo[int64](3), 2 }), "cus_new", ""},
		{"used up", code(func(pc *billing.PromotionCode) { pc.MaxRedemptions, pc.TimesRedeemed = pointerTo[int64](3), 3 }), "cus_new", "parameter_invalid"},
		{"its customer", code(func(pc *billing.PromotionCode) { pc.Customer = "cus_vip" }), "cus_vip", ""},
		{"another customer", code(func(pc *billing.PromotionCode) { pc.Customer = "cus_vip" }), "cus_new", "parameter_invalid"},
		{"restricted, no customer yet", code(func(pc *billing.PromotionCode) { pc.Customer = "cus_vip" }), "", "parameter_invalid"},
		{"first time, new customer", code(func(pc *billing.PromotionCode) { pc.Restrictions.FirstTimeTransaction = true }), "cus_new", ""},
		{"first time, customer not known yet", code(func(pc *billing.PromotionCode) { pc.Restrictions.FirstTimeTransaction = true }), "", ""},
		{"first time, customer who paid", code(func(pc *billing.PromotionCode) { pc.Restrictions.FirstTimeTransaction = true }), "cus_paid", "parameter_invalid"},
		{"paying customer without the restriction", code(nil), "cus_paid", ""},
		{"coupon past redeem_by", code(func(pc *billing.PromotionCode) { pc.Coupon = "OLD" }), "cus_new", "coupon_expired"},
		{"coupon used up", code(func(pc *billing.PromotionCode) { pc.Coupon = "FULL" }), "cus_new", "coupon_expired"},
		{"coupon deleted", code(func(pc *billing.PromotionCode) { pc.Coupon = "DELETED" }), "cus_new", "coupon_expired"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := db.View(ctx, func(tx billing.Tx) error {
				return ValidatePromotionCode(tx, tc.pc, tc.customer, tx.Now().Unix())
			})
			checkClientError(t, err, tc.want, "promotion_code")
		})
	}

	// A failing lookup of prior transactions is an internal error, passed on.
	boom := errors.New("boom")
	hasPriorTransactions = func(tx billing.Tx, customerID string) (bool, error) { return false, boom }
	err = db.View(ctx, func(tx billing.Tx) error {
		return ValidatePromotionCode(tx, code(func(pc *billing.PromotionCode) { pc.Restrictions.FirstTimeTransaction = true }), "cus_new", now.Unix())
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
}

func TestValidatePromotionAmount(t *testing.T) {
	pc := &billing.PromotionCode{Code: "BIG", Restrictions: billing.PromotionRestrictions{MinimumAmount: pointerTo[int64](5000), MinimumAmountCurrency: "usd"}}
	for _, tc := range []struct {
		amount   int64
		currency string
		want     string
	}{
		{5000, "usd", ""},
		{4999, "usd", "parameter_invalid"},
		{9000, "eur", "parameter_invalid"},
	} {
		checkClientError(t, ValidatePromotionAmount(pc, tc.amount, tc.currency), tc.want, "promotion_code")
	}
	if err := ValidatePromotionAmount(&billing.PromotionCode{Code: "ANY"}, 1, "jpy"); err != nil {
		t.Fatalf("unrestricted code: %v", err)
	}
}

func TestRandomUpper(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		s := randomUpper(8)
		if !promotionCodeRE.MatchString(s) || len(s) != 8 || s != toUpperASCII(s) || seen[s] {
			t.Fatalf("randomUpper(8) = %q", s)
		}
		seen[s] = true
	}
}

func toUpperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}
