package service

import (
	"context"
	"crypto/rand"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/porticohq/portico/internal/billing"
)

// CouponParams are the parameters of creating a coupon. Nil pointers were
// not given.
type CouponParams struct {
	ID               string // empty: generated
	Name             string
	PercentOff       *float64
	AmountOff        *int64
	Currency         string
	Duration         string // empty: once
	DurationInMonths *int64
	MaxRedemptions   *int64
	RedeemBy         *int64
	// AppliesTo lists product ids; nil when applies_to was not given.
	AppliesTo []string
	Metadata  billing.MetadataUpdate
}

// CouponUpdate is what can change on a coupon: only its name and metadata,
// as on Stripe, since customers may already hold its discount.
type CouponUpdate struct {
	Name     Field[string]
	Metadata billing.MetadataUpdate
}

// generatedIDTries bounds the retries when a random coupon id or promotion
// code is already taken (about one chance in 10^12 each).
const generatedIDTries = 3

// CreateCoupon creates a coupon.
func (s *Service) CreateCoupon(ctx context.Context, p CouponParams) (*billing.Coupon, error) {
	var c *billing.Coupon
	err := s.update(ctx, func(tx billing.Tx) error {
		now := tx.Now().Unix()
		c = &billing.Coupon{ID: p.ID, Created: now, Livemode: tx.Livemode(), Name: p.Name, Duration: p.Duration,
			DurationInMonths: p.DurationInMonths, MaxRedemptions: p.MaxRedemptions, RedeemBy: p.RedeemBy}
		if err := checkCouponAmount(c, p); err != nil {
			return err
		}
		if err := checkCouponTerms(c, now); err != nil {
			return err
		}
		if p.AppliesTo != nil {
			for i, id := range p.AppliesTo {
				if _, err := tx.Product(id); err != nil {
					return noSuchParam(err, "applies_to[products]["+itoa(int64(i))+"]", "product", id)
				}
			}
			if len(p.AppliesTo) > 0 {
				c.AppliesTo = &billing.AppliesTo{Products: p.AppliesTo}
			}
		}
		md, merr := p.Metadata.Apply(nil, "metadata")
		if merr != nil {
			return merr
		}
		c.Metadata = md
		if err := insertCoupon(tx, c); err != nil {
			return err
		}
		return emit(tx, "coupon.created", "coupon", c, nil)
	})
	return c, err
}

// checkCouponAmount sets the discount of c: exactly one of percent_off and
// amount_off (with its currency).
func checkCouponAmount(c *billing.Coupon, p CouponParams) error {
	switch {
	case p.PercentOff != nil && p.AmountOff != nil:
		return billing.Invalid("amount_off", "parameters_exclusive", "You may only specify one of these parameters: amount_off, percent_off.")
	case p.PercentOff != nil:
		if x := *p.PercentOff; !(x > 0 && x <= 100) {
			return billing.Invalid("percent_off", "parameter_invalid", "Invalid percent_off: must be greater than 0 and at most 100.")
		}
		if p.Currency != "" {
			return billing.Invalid("currency", "parameter_invalid", "currency can only be set with amount_off, not with percent_off.")
		}
		c.PercentOff = p.PercentOff
	case p.AmountOff != nil:
		if *p.AmountOff <= 0 {
			return billing.Invalid("amount_off", "parameter_invalid_integer", "Invalid amount_off: must be greater than 0.")
		}
		if p.Currency == "" {
			return billing.Invalid("currency", "parameter_missing", "Missing required param: currency. A coupon with amount_off needs a currency.")
		}
		cur := strings.ToLower(p.Currency)
		if !billing.ValidCurrency(cur) {
			return billing.Invalid("currency", "parameter_invalid", "Invalid currency: %s.", p.Currency)
		}
		c.AmountOff, c.Currency = p.AmountOff, cur
	default:
		return billing.Invalid("percent_off", "parameter_missing", "You must provide either percent_off or amount_off.")
	}
	return nil
}

// checkCouponTerms checks how long and how often c can be used.
func checkCouponTerms(c *billing.Coupon, now int64) error {
	if c.Duration == "" {
		c.Duration = billing.DurationOnce
	}
	switch {
	case c.Duration == billing.DurationRepeating && c.DurationInMonths == nil:
		return billing.Invalid("duration_in_months", "parameter_missing", "Missing required param: duration_in_months. A coupon with duration repeating needs it.")
	case c.Duration != billing.DurationRepeating && c.DurationInMonths != nil:
		return billing.Invalid("duration_in_months", "parameter_invalid", "duration_in_months can only be set when duration is repeating.")
	case c.DurationInMonths != nil && *c.DurationInMonths <= 0:
		return billing.Invalid("duration_in_months", "parameter_invalid_integer", "Invalid duration_in_months: must be greater than 0.")
	case c.MaxRedemptions != nil && *c.MaxRedemptions <= 0:
		return billing.Invalid("max_redemptions", "parameter_invalid_integer", "Invalid max_redemptions: must be greater than 0.")
	case c.RedeemBy != nil && *c.RedeemBy <= now:
		return billing.Invalid("redeem_by", "parameter_invalid", "Invalid redeem_by: must be in the future.")
	}
	return nil
}

// insertCoupon stores a new coupon, drawing a random id when none was
// chosen. A chosen id that is or was taken (deleted coupons keep theirs) is
// an error.
func insertCoupon(tx billing.Tx, c *billing.Coupon) error {
	if c.ID != "" {
		err := tx.InsertCoupon(c)
		if errors.Is(err, billing.ErrConflict) {
			return billing.Invalid("id", "resource_already_exists", "Coupon already exists.")
		}
		return err
	}
	var err error
	for i := 0; i < generatedIDTries; i++ {
		c.ID = randomUpper(8)
		if err = tx.InsertCoupon(c); !errors.Is(err, billing.ErrConflict) {
			return err
		}
	}
	return err
}

// Coupon returns the coupon with id.
func (s *Service) Coupon(ctx context.Context, id string) (*billing.Coupon, error) {
	return getByID(s, ctx, "coupon", id, billing.Tx.Coupon)
}

// UpdateCoupon changes a coupon's name or metadata.
func (s *Service) UpdateCoupon(ctx context.Context, id string, p CouponUpdate) (*billing.Coupon, error) {
	var c *billing.Coupon
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		if c, err = tx.Coupon(id); err != nil {
			return notFound(err, "coupon", id)
		}
		prev := *c
		apply(&c.Name, p.Name)
		md, merr := p.Metadata.Apply(c.Metadata, "metadata")
		if merr != nil {
			return merr
		}
		c.Metadata = md
		if err := tx.UpdateCoupon(c); err != nil {
			return err
		}
		return emit(tx, "coupon.updated", "coupon", c, &prev)
	})
	return c, err
}

// DeleteCoupon deletes a coupon: it can no longer be redeemed, its id stays
// taken, and its promotion codes are deactivated (they could never be
// redeemed again, and would otherwise keep their codes taken).
func (s *Service) DeleteCoupon(ctx context.Context, id string) (*billing.Coupon, error) {
	var c *billing.Coupon
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		if c, err = tx.Coupon(id); err != nil {
			return notFound(err, "coupon", id)
		}
		active := true
		for {
			l, err := tx.ListPromotionCodes(billing.PromotionCodeFilter{Coupon: c.ID, Active: &active}, billing.Page{Limit: 100})
			if err != nil {
				return err
			}
			for _, pc := range l.Data {
				prev := *pc
				pc.Active = false
				if err := tx.UpdatePromotionCode(pc); err != nil {
					return err
				}
				if err := emit(tx, "promotion_code.updated", "promotion_code", pc, &prev); err != nil {
					return err
				}
			}
			if !l.HasMore {
				break
			}
		}
		if err := tx.DeleteCoupon(c.ID); err != nil {
			return err
		}
		return emit(tx, "coupon.deleted", "coupon", c, nil)
	})
	return c, err
}

// ListCoupons lists coupons, newest first.
func (s *Service) ListCoupons(ctx context.Context, created billing.Range, p billing.Page) (billing.List[*billing.Coupon], error) {
	var l billing.List[*billing.Coupon]
	err := s.view(ctx, func(tx billing.Tx) error {
		var err error
		l, err = tx.ListCoupons(created, p)
		return err
	})
	return l, err
}

// Now returns the time fixed on the transaction ctx carries (or the store
// clock's time), which decides whether a coupon is still valid when it is
// rendered.
func (s *Service) Now(ctx context.Context) (time.Time, error) {
	var now time.Time
	err := s.view(ctx, func(tx billing.Tx) error {
		now = tx.Now()
		return nil
	})
	return now, err
}

// ValidateCoupon reports, as a client error about param, why coupon c
// cannot be redeemed at now (unix seconds): past its redeem_by, or used up.
func ValidateCoupon(c *billing.Coupon, now int64, param string) error {
	if c.RedeemBy != nil && now > *c.RedeemBy {
		return billing.Invalid(param, "coupon_expired", "Coupon expired: %s", c.ID)
	}
	if c.MaxRedemptions != nil && c.TimesRedeemed >= *c.MaxRedemptions {
		return billing.Invalid(param, "coupon_expired", "Coupon %s has been redeemed the maximum number of times.", c.ID)
	}
	return nil
}

// hasPriorTransactions reports whether a customer has made a successful
// payment or has a paid invoice, which rules out promotion codes restricted
// to first-time transactions. Payments and invoices arrive with the billing
// engine, which sets this; until then no customer has any.
var hasPriorTransactions = func(tx billing.Tx, customerID string) (bool, error) { return false, nil }

// ValidatePromotionCode reports whether the customer customerID (empty for
// one not known yet) can redeem code at now (unix seconds): the code must be
// active, unexpired, not used up and not restricted to someone else, and its
// coupon valid. The error is a client error about param promotion_code;
// callers that take the code under another name set Param on a copy.
// restrictions.minimum_amount depends on the purchase: see
// ValidatePromotionAmount.
func ValidatePromotionCode(tx billing.Tx, code *billing.PromotionCode, customerID string, now int64) error {
	const param = "promotion_code"
	if !code.Active {
		return billing.Invalid(param, "parameter_invalid", "Promotion code %s is not active.", code.Code)
	}
	if code.ExpiresAt != nil && now >= *code.ExpiresAt {
		return billing.Invalid(param, "parameter_invalid", "Promotion code %s has expired.", code.Code)
	}
	if code.MaxRedemptions != nil && code.TimesRedeemed >= *code.MaxRedemptions {
		return billing.Invalid(param, "parameter_invalid", "Promotion code %s has been redeemed the maximum number of times.", code.Code)
	}
	if code.Customer != "" && code.Customer != customerID {
		return billing.Invalid(param, "parameter_invalid", "Promotion code %s cannot be redeemed by this customer.", code.Code)
	}
	c, err := tx.Coupon(code.Coupon)
	if errors.Is(err, billing.ErrNotFound) {
		return billing.Invalid(param, "coupon_expired", "The coupon of promotion code %s has been deleted.", code.Code)
	}
	if err != nil {
		return err
	}
	if err := ValidateCoupon(c, now, param); err != nil {
		return err
	}
	if code.Restrictions.FirstTimeTransaction && customerID != "" {
		prior, err := hasPriorTransactions(tx, customerID)
		if err != nil {
			return err
		}
		if prior {
			return billing.Invalid(param, "parameter_invalid", "This promotion code cannot be redeemed because the associated customer has prior transactions.")
		}
	}
	return nil
}

// ValidatePromotionAmount reports whether a purchase of amount (minor units
// of currency) meets code's restrictions.minimum_amount.
func ValidatePromotionAmount(code *billing.PromotionCode, amount int64, currency string) error {
	r := code.Restrictions
	if r.MinimumAmount == nil {
		return nil
	}
	if currency != r.MinimumAmountCurrency || amount < *r.MinimumAmount {
		return billing.Invalid("promotion_code", "parameter_invalid",
			"Promotion code %s can only be redeemed on purchases of at least %d %s (in the currency's smallest unit).",
			code.Code, *r.MinimumAmount, r.MinimumAmountCurrency)
	}
	return nil
}

// randomUpper returns n characters drawn uniformly from [0-9A-Z], the
// alphabet of Stripe's generated coupon ids and promotion codes.
func randomUpper(n int) string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			panic("service: crypto/rand failed: " + err.Error())
		}
		for _, b := range buf {
			// 36*7 = 252: reject 252..255 so every character is equally likely.
			if b < 252 && len(out) < n {
				out = append(out, alphabet[b%36])
			}
		}
	}
	return string(out)
}

// promotionCodeRE is Stripe's alphabet for customer-facing codes.
var promotionCodeRE = regexp.MustCompile(`^[A-Za-z0-9]+$`)

// PromotionCodeParams are the parameters of creating a promotion code.
type PromotionCodeParams struct {
	Coupon string
	// CouponParam names the parameter that gave Coupon, for errors:
	// promotion[coupon], or coupon for clients older than 2025-09-30.clover.
	CouponParam           string
	Code                  string // empty: generated
	Customer              string
	ExpiresAt             *int64
	MaxRedemptions        *int64
	FirstTimeTransaction  bool
	MinimumAmount         *int64
	MinimumAmountCurrency string
	Active                Field[bool] // unset: active
	Metadata              billing.MetadataUpdate
}

// PromotionCodeUpdate is what can change on a promotion code.
type PromotionCodeUpdate struct {
	Active   Field[bool]
	Metadata billing.MetadataUpdate
}

// CreatePromotionCode creates a promotion code for a valid coupon.
func (s *Service) CreatePromotionCode(ctx context.Context, p PromotionCodeParams) (*billing.PromotionCode, error) {
	var pc *billing.PromotionCode
	err := s.update(ctx, func(tx billing.Tx) error {
		now := tx.Now().Unix()
		c, err := tx.Coupon(p.Coupon)
		if err != nil {
			return noSuchParam(err, p.CouponParam, "coupon", p.Coupon)
		}
		if err := ValidateCoupon(c, now, p.CouponParam); err != nil {
			return err
		}
		pc = &billing.PromotionCode{
			ID: billing.NewID("promo"), Created: now, Livemode: tx.Livemode(), Code: p.Code, Coupon: c.ID,
			Active: true, ExpiresAt: p.ExpiresAt, MaxRedemptions: p.MaxRedemptions,
			Restrictions: billing.PromotionRestrictions{FirstTimeTransaction: p.FirstTimeTransaction},
		}
		apply(&pc.Active, p.Active)
		if err := checkPromotionCode(tx, pc, c, p, now); err != nil {
			return err
		}
		md, merr := p.Metadata.Apply(nil, "metadata")
		if merr != nil {
			return merr
		}
		pc.Metadata = md
		if err := insertPromotionCode(tx, pc); err != nil {
			return err
		}
		return emit(tx, "promotion_code.created", "promotion_code", pc, nil)
	})
	return pc, err
}

// checkPromotionCode checks p's code, customer, expiry and restrictions and
// sets them on pc, a new code for coupon c.
func checkPromotionCode(tx billing.Tx, pc *billing.PromotionCode, c *billing.Coupon, p PromotionCodeParams, now int64) error {
	if p.Code != "" && !promotionCodeRE.MatchString(p.Code) {
		return billing.Invalid("code", "parameter_invalid", "Invalid code: only letters (a-z, A-Z) and digits (0-9) are allowed.")
	}
	if p.Customer != "" {
		cu, err := tx.Customer(p.Customer)
		if err != nil {
			return noSuchParam(err, "customer", "customer", p.Customer)
		}
		if cu.Deleted {
			return billing.NoSuchParam("customer", "customer", p.Customer)
		}
		pc.Customer = cu.ID
	}
	switch {
	case p.ExpiresAt != nil && *p.ExpiresAt <= now:
		return billing.Invalid("expires_at", "parameter_invalid", "Invalid expires_at: must be in the future.")
	case p.ExpiresAt != nil && c.RedeemBy != nil && *p.ExpiresAt > *c.RedeemBy:
		return billing.Invalid("expires_at", "parameter_invalid", "Invalid expires_at: the promotion code cannot expire after its coupon's redeem_by.")
	case p.MaxRedemptions != nil && *p.MaxRedemptions <= 0:
		return billing.Invalid("max_redemptions", "parameter_invalid_integer", "Invalid max_redemptions: must be greater than 0.")
	case p.MinimumAmount != nil && p.MinimumAmountCurrency == "":
		return billing.Missing("restrictions[minimum_amount_currency]")
	case p.MinimumAmount == nil && p.MinimumAmountCurrency != "":
		return billing.Missing("restrictions[minimum_amount]")
	case p.MinimumAmount != nil && *p.MinimumAmount <= 0:
		return billing.Invalid("restrictions[minimum_amount]", "parameter_invalid_integer", "Invalid restrictions[minimum_amount]: must be greater than 0.")
	}
	if p.MinimumAmount != nil {
		cur := strings.ToLower(p.MinimumAmountCurrency)
		if !billing.ValidCurrency(cur) {
			return billing.Invalid("restrictions[minimum_amount_currency]", "parameter_invalid", "Invalid currency: %s.", p.MinimumAmountCurrency)
		}
		pc.Restrictions.MinimumAmount, pc.Restrictions.MinimumAmountCurrency = p.MinimumAmount, cur
	}
	return nil
}

// codeTaken is the error for a code that another active promotion code has.
func codeTaken(param, code string) error {
	return billing.Invalid(param, "resource_already_exists",
		"An active promotion code with code %s already exists. Codes are compared regardless of case: deactivate the other one first or choose another code.", code)
}

// insertPromotionCode stores a new promotion code, drawing a random code
// when none was chosen.
func insertPromotionCode(tx billing.Tx, pc *billing.PromotionCode) error {
	if pc.Code != "" {
		err := tx.InsertPromotionCode(pc)
		if errors.Is(err, billing.ErrConflict) {
			return codeTaken("code", pc.Code)
		}
		return err
	}
	var err error
	for i := 0; i < generatedIDTries; i++ {
		pc.Code = randomUpper(8)
		if err = tx.InsertPromotionCode(pc); !errors.Is(err, billing.ErrConflict) {
			return err
		}
	}
	return err
}

// PromotionCode returns the promotion code with id.
func (s *Service) PromotionCode(ctx context.Context, id string) (*billing.PromotionCode, error) {
	return getByID(s, ctx, "promotion code", id, billing.Tx.PromotionCode)
}

// UpdatePromotionCode activates or deactivates a promotion code or changes
// its metadata. A code is reactivated only while it could be redeemed and
// no other active code has the same text.
func (s *Service) UpdatePromotionCode(ctx context.Context, id string, p PromotionCodeUpdate) (*billing.PromotionCode, error) {
	var pc *billing.PromotionCode
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		if pc, err = tx.PromotionCode(id); err != nil {
			return notFound(err, "promotion code", id)
		}
		prev := *pc
		if p.Active.Set && p.Active.Value && !pc.Active {
			// Who redeems it is not known here: check only the code itself.
			probe := *pc
			probe.Active, probe.Customer, probe.Restrictions.FirstTimeTransaction = true, "", false
			if err := ValidatePromotionCode(tx, &probe, "", tx.Now().Unix()); err != nil {
				if e, ok := billing.AsError(err); ok {
					re := *e
					re.Param, re.Message = "active", "This promotion code cannot be reactivated. "+e.Message
					return &re
				}
				return err
			}
		}
		apply(&pc.Active, p.Active)
		md, merr := p.Metadata.Apply(pc.Metadata, "metadata")
		if merr != nil {
			return merr
		}
		pc.Metadata = md
		err = tx.UpdatePromotionCode(pc)
		if errors.Is(err, billing.ErrConflict) {
			return codeTaken("active", pc.Code)
		}
		if err != nil {
			return err
		}
		return emit(tx, "promotion_code.updated", "promotion_code", pc, &prev)
	})
	return pc, err
}

// ListPromotionCodes lists promotion codes, newest first.
func (s *Service) ListPromotionCodes(ctx context.Context, f billing.PromotionCodeFilter, p billing.Page) (billing.List[*billing.PromotionCode], error) {
	return listPage(s, ctx, func(tx billing.Tx) (billing.List[*billing.PromotionCode], error) { return tx.ListPromotionCodes(f, p) })
}
