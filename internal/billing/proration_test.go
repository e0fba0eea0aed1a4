package billing

import (
	"slices"
	"testing"
	"time"
)

func day(y int, m time.Month, d int) int64 { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() }

// TestProrationHandWorked holds hand-worked proration figures. Each line is
// rounded on its own (half away from zero), as Stripe rounds invoice lines.
func TestProrationHandWorked(t *testing.T) {
	apr1, apr16, may1 := day(2026, 4, 1), day(2026, 4, 16), day(2026, 5, 1) // April: 30 days
	jan1, jan11, feb1 := day(2026, 1, 1), day(2026, 1, 11), day(2026, 2, 1) // January: 31 days, 21 left on the 11th
	feb, mar := day(2026, 2, 1), day(2026, 3, 1)                            // February 2026: 28 days
	tests := []struct {
		name             string
		amount           int64
		start, end, from int64
		want             int64
	}{
		// Upgrade $10 → $30 half-way through April: credit 1000×15/30, charge 3000×15/30.
		{"upgrade half-way: credit", -1000, apr1, may1, apr16, -500},
		{"upgrade half-way: charge", 3000, apr1, may1, apr16, 1500},
		// Downgrade $30 → $10 on Jan 11: 3000×21/31 = 2032.26, 1000×21/31 = 677.42.
		{"downgrade: credit", -3000, jan1, feb1, jan11, -2032},
		{"downgrade: charge", 1000, jan1, feb1, jan11, 677},
		// Quantity 2 → 5 at $10 on Jan 11: 2000×21/31 = 1354.84, 5000×21/31 = 3387.10.
		{"quantity increase: credit", -2000, jan1, feb1, jan11, -1355},
		{"quantity increase: charge", 5000, jan1, feb1, jan11, 3387},
		// Quantity 5 → 2: the same lines the other way.
		{"quantity decrease: credit", -5000, jan1, feb1, jan11, -3387},
		{"quantity decrease: charge", 2000, jan1, feb1, jan11, 1355},
		// To the second: one second into February leaves 2419199/2419200 of 1000.
		{"one second in", 1000, feb, mar, feb + 1, 1000},
		// Feb 15 12:00: 13.5 of 28 days left: 1000×1166400/2419200 = 482.14.
		{"mid-day", 1000, feb, mar, feb + 14*86400 + 43200, 482},
		// Exactly half a cent rounds away from zero, both ways.
		{"half up", 1, feb, mar, feb + 14*86400, 1},
		{"half down", -1, feb, mar, feb + 14*86400, -1},
		// Zero-decimal currency (JPY): ¥1000 → ¥3000 on Jan 11, whole yen.
		{"jpy credit", -1000, jan1, feb1, jan11, -677},
		{"jpy charge", 3000, jan1, feb1, jan11, 2032},
		// Before the period starts or at its end.
		{"whole period", 1000, feb, mar, feb, 1000},
		{"nothing left", 1000, feb, mar, mar, 0},
	}
	for _, tt := range tests {
		if got := Prorate(tt.amount, tt.start, tt.end, tt.from); got != tt.want {
			t.Errorf("%s: Prorate(%d) = %d, want %d", tt.name, tt.amount, got, tt.want)
		}
	}
	// Interval change monthly $10 → yearly $300 on Apr 16: the unused half
	// of April is credited and the new year charged in full from a new
	// anchor: 30000 − 500 = 29500, next renewal Apr 16 2027.
	credit := Prorate(-1000, apr1, may1, apr16)
	if total := credit + 30000; total != 29500 {
		t.Errorf("interval change total %d, want 29500", total)
	}
	if got := NextBoundary(apr16, apr16, "year", 1); got != day(2027, 4, 16) {
		t.Errorf("yearly boundary %d", got)
	}
}

func TestPeriods(t *testing.T) {
	// A month-end anchor clamps to shorter months and comes back.
	jan31 := day(2026, 1, 31)
	if got := AddInterval(jan31, "month", 1, 1); got != day(2026, 2, 28) {
		t.Errorf("Jan 31 + 1 month = %s", time.Unix(got, 0).UTC())
	}
	if got := AddInterval(jan31, "month", 1, 2); got != day(2026, 3, 31) {
		t.Errorf("Jan 31 + 2 months = %s", time.Unix(got, 0).UTC())
	}
	if got := NextBoundary(jan31, day(2026, 2, 28), "month", 1); got != day(2026, 3, 31) {
		t.Errorf("next after Feb 28 = %s", time.Unix(got, 0).UTC())
	}
	// Trial to paid: a 14-day trial from Jan 1 anchors billing on Jan 15;
	// the first paid period runs to Feb 15.
	trialEnd := day(2026, 1, 1) + 14*86400
	if trialEnd != day(2026, 1, 15) || NextBoundary(trialEnd, trialEnd, "month", 1) != day(2026, 2, 15) {
		t.Error("trial anchor")
	}
	if got := NextBoundary(day(2026, 1, 1), day(2026, 1, 1)+10*86400, "week", 2); got != day(2026, 1, 15) {
		t.Errorf("two-weekly boundary %s", time.Unix(got, 0).UTC())
	}
	if got := AddInterval(day(2024, 2, 29), "year", 1, 1); got != day(2025, 2, 28) {
		t.Errorf("leap day + 1 year = %s", time.Unix(got, 0).UTC())
	}
}

func TestDiscountMath(t *testing.T) {
	// A repeating 20% coupon for 3 months from Jan 1 takes 200 off each
	// $10 invoice on Jan 1, Feb 1 and Mar 1, and ends on Apr 1.
	if PercentOf(1000, 20) != 200 || AddInterval(day(2026, 1, 1), "month", 3, 1) != day(2026, 4, 1) {
		t.Error("repeating coupon")
	}
	if PercentOf(999, 12.5) != 125 || PercentOf(-500, 50) != -250 || PercentOf(333, 33.33) != 111 {
		t.Error("percent rounding")
	}
	// An amount-off coupon larger than the invoice takes it to zero, no further.
	if got := AllocateAmountOff([]int64{1000}, 5000); !slices.Equal(got, []int64{1000}) {
		t.Errorf("capped: %v", got)
	}
	// Spread in proportion over positive lines; credits take none.
	if got := AllocateAmountOff([]int64{300, 700, -200}, 500); !slices.Equal(got, []int64{150, 350, 0}) {
		t.Errorf("spread: %v", got)
	}
	// The remainder goes to the last line, so the parts sum to the discount.
	if got := AllocateAmountOff([]int64{1, 1, 1}, 2); got[0]+got[1]+got[2] != 2 {
		t.Errorf("remainder: %v", got)
	}
	// JPY amount off: ¥500 off ¥3000.
	if got := AllocateAmountOff([]int64{3000}, 500); got[0] != 500 {
		t.Errorf("jpy: %v", got)
	}
}

func TestLineAmount(t *testing.T) {
	ua := func(v int64) *int64 { return &v }
	per := &Price{BillingScheme: SchemePerUnit, UnitAmount: ua(1500)}
	if LineAmount(per, 3) != 4500 {
		t.Error("per unit")
	}
	grad := &Price{BillingScheme: SchemeTiered, TiersMode: TiersGraduated, Tiers: []Tier{{UpTo: ua(5), UnitAmount: ua(1000)}, {UnitAmount: ua(800), FlatAmount: ua(100)}}}
	if got := LineAmount(grad, 7); got != 5*1000+2*800+100 {
		t.Errorf("graduated %d", got)
	}
	vol := &Price{BillingScheme: SchemeTiered, TiersMode: TiersVolume, Tiers: []Tier{{UpTo: ua(5), UnitAmount: ua(1000)}, {UnitAmount: ua(800)}}}
	if got := LineAmount(vol, 7); got != 7*800 {
		t.Errorf("volume %d", got)
	}
	pack := &Price{BillingScheme: SchemePerUnit, UnitAmount: ua(500), TransformQuantity: &TransformQuantity{DivideBy: 10, Round: "up"}}
	if got := LineAmount(pack, 11); got != 1000 {
		t.Errorf("transform %d", got)
	}
}
