package billing

import (
	"math"
	"math/big"
	"time"
)

// Money math for subscriptions: billing periods, line amounts, proration and
// discounts. Everything is in integer minor units of the price's currency
// (zero-decimal currencies such as jpy need nothing special: their minor
// unit is the whole unit), and every line is rounded on its own, as Stripe
// rounds each invoice line.

// RoundDiv returns num/den rounded to the nearest integer, halves away from
// zero. den must be positive. It does not overflow.
func RoundDiv(num *big.Int, den int64) int64 {
	d := big.NewInt(den)
	q, r := new(big.Int).QuoRem(num, d, new(big.Int))
	r2 := new(big.Int).Abs(r)
	r2.Lsh(r2, 1)
	if r2.Cmp(d) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q.Int64()
}

// Prorate returns the part of amount (the price of a whole period from
// start to end) for the time from `from` to end, to the second, rounded
// half away from zero. A negative amount gives a credit.
func Prorate(amount, start, end, from int64) int64 {
	if end <= start || from >= end {
		return 0
	}
	if from <= start {
		return amount
	}
	num := new(big.Int).Mul(big.NewInt(amount), big.NewInt(end-from))
	return RoundDiv(num, end-start)
}

// AddInterval returns anchor moved forward n intervals, with Stripe's rule
// for months: the day of the month follows the anchor's, clamped to the
// last day of shorter months (an anchor on the 31st bills on Feb 28/29,
// then Mar 31).
func AddInterval(anchor int64, interval string, count, n int64) int64 {
	t := time.Unix(anchor, 0).UTC()
	switch interval {
	case "day":
		return t.AddDate(0, 0, int(count*n)).Unix()
	case "week":
		return t.AddDate(0, 0, int(7*count*n)).Unix()
	case "year":
		return addMonths(t, 12*count*n).Unix()
	default: // month
		return addMonths(t, count*n).Unix()
	}
}

func addMonths(t time.Time, months int64) time.Time {
	y, m, d := t.Date()
	total := int64(m-1) + months
	ny := y + int(total/12)
	nm := time.Month(total%12 + 1)
	last := time.Date(ny, nm+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if d > last {
		d = last
	}
	return time.Date(ny, nm, d, t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}

// NextBoundary returns the first period boundary after `after` for a
// subscription anchored at anchor: anchor plus a whole number of intervals.
func NextBoundary(anchor, after int64, interval string, count int64) int64 {
	if count <= 0 {
		count = 1
	}
	if anchor > after {
		return anchor
	}
	// Estimate the number of intervals, then step to the exact one.
	approx := map[string]int64{"day": 86400, "week": 7 * 86400, "month": 28 * 86400, "year": 365 * 86400}[interval] * count
	if approx <= 0 {
		approx = 28 * 86400
	}
	n := (after - anchor) / approx
	if n > 2 {
		n -= 2
	} else {
		n = 0
	}
	for {
		b := AddInterval(anchor, interval, count, n)
		if b > after {
			return b
		}
		n++
	}
}

// IntervalSeconds returns an approximate length of one interval, for
// comparisons of intervals (which is shorter).
func IntervalSeconds(interval string, count int64) int64 {
	switch interval {
	case "day":
		return 86400 * count
	case "week":
		return 7 * 86400 * count
	case "year":
		return 365 * 86400 * count
	default:
		return 30 * 86400 * count
	}
}

// LineAmount returns what quantity units of price cost for one period,
// before discounts.
func LineAmount(p *Price, quantity int64) int64 {
	q := quantity
	if tq := p.TransformQuantity; tq != nil && tq.DivideBy > 0 {
		if tq.Round == "up" {
			q = (q + tq.DivideBy - 1) / tq.DivideBy
		} else {
			q = q / tq.DivideBy
		}
	}
	if p.BillingScheme != SchemeTiered {
		if p.UnitAmount == nil {
			return 0
		}
		return *p.UnitAmount * q
	}
	val := func(v *int64) int64 {
		if v == nil {
			return 0
		}
		return *v
	}
	if p.TiersMode == TiersVolume {
		for _, t := range p.Tiers {
			if t.UpTo == nil || q <= *t.UpTo {
				return val(t.UnitAmount)*q + val(t.FlatAmount)
			}
		}
		return 0
	}
	var total, prev int64
	for _, t := range p.Tiers {
		if q <= prev {
			break
		}
		n := q - prev
		if t.UpTo != nil && q > *t.UpTo {
			n = *t.UpTo - prev
		}
		total += val(t.UnitAmount)*n + val(t.FlatAmount)
		if t.UpTo == nil {
			break
		}
		prev = *t.UpTo
	}
	return total
}

// PercentOf returns pct percent of amount, rounded half away from zero.
func PercentOf(amount int64, pct float64) int64 {
	// Percentages have at most two decimals: work in hundredths of a percent.
	bp := int64(math.Round(pct * 100))
	num := new(big.Int).Mul(big.NewInt(amount), big.NewInt(bp))
	return RoundDiv(num, 10000)
}

// AllocateAmountOff spreads an amount-off discount over line amounts in
// proportion to each positive line, capped at their sum so a discount never
// makes an invoice negative. The last positive line takes the rounding
// remainder.
func AllocateAmountOff(amounts []int64, off int64) []int64 {
	out := make([]int64, len(amounts))
	var sum int64
	last := -1
	for i, a := range amounts {
		if a > 0 {
			sum += a
			last = i
		}
	}
	if off > sum {
		off = sum
	}
	if off <= 0 || sum <= 0 {
		return out
	}
	var given int64
	for i, a := range amounts {
		if a <= 0 {
			continue
		}
		if i == last {
			out[i] = off - given
			break
		}
		out[i] = RoundDiv(new(big.Int).Mul(big.NewInt(a), big.NewInt(off)), sum)
		given += out[i]
	}
	return out
}
