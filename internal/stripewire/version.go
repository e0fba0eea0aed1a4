package stripewire

import "strings"

// The API versions Portico knows by name. Responses are shaped for the
// version a request names in Stripe-Version (or the account default).
const (
	// VersionDahlia is what stripe-go v85 pins.
	VersionDahlia = "2026-03-25.dahlia"
	// VersionEndive is what stripe-node 23.x pins.
	VersionEndive = "2026-10-28.endive"
	// DefaultVersion is the account's default API version.
	DefaultVersion = VersionDahlia
)

// Version is a Stripe API version, e.g. 2026-03-25.dahlia. Every difference
// in shape between versions is decided by a method here, so that a version
// switch is one place rather than scattered conditions.
type Version struct {
	Date  string // 2026-03-25
	Train string // dahlia
}

// ParseVersion reads a Stripe-Version header value. Any value is accepted:
// an unknown or empty one means the default version, so that clients pinned
// to versions Portico has not heard of still get the newest shapes it has.
func ParseVersion(s string) Version {
	s = strings.TrimSpace(s)
	date, train, _ := strings.Cut(s, ".")
	if len(date) != len("2006-01-02") || date[4] != '-' || date[7] != '-' {
		return ParseVersion(DefaultVersion)
	}
	return Version{Date: date, Train: train}
}

// String returns the version as Stripe writes it.
func (v Version) String() string {
	if v.Train == "" {
		return v.Date
	}
	return v.Date + "." + v.Train
}

// atLeast reports whether v is date or newer.
func (v Version) atLeast(date string) bool { return v.Date >= date }

// CustomerUpdateFlow reports whether the portal's customer_update flow type
// exists (2026-08-26.dahlia).
func (v Version) CustomerUpdateFlow() bool { return v.atLeast("2026-08-26") }

// AfterExpiration reports whether portal sessions carry after_expiration
// (2026-10-28.endive).
func (v Version) AfterExpiration() bool { return v.atLeast("2026-10-28") }

// DiscountSource reports whether promotion codes name their coupon as
// promotion: {type: "coupon", coupon} and discounts as source: {type:
// "coupon", coupon}, both with customer_account (2025-09-30.clover); before,
// both embedded the whole coupon object as `coupon`.
func (v Version) DiscountSource() bool { return v.atLeast("2025-09-30") }
