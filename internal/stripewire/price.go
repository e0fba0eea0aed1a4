package stripewire

import (
	"encoding/json"

	"github.com/porticohq/portico/internal/billing"
)

// Stripe includes a price's tiers only when asked with expand[]=tiers.
func init() { RegisterExpandable("price", map[string]string{"tiers": ""}) }

type recurringJSON struct {
	Interval        string  `json:"interval"`
	IntervalCount   int64   `json:"interval_count"`
	Meter           *string `json:"meter"`
	TrialPeriodDays *int64  `json:"trial_period_days"`
	UsageType       string  `json:"usage_type"`
}

type tierJSON struct {
	FlatAmount        *int64  `json:"flat_amount"`
	FlatAmountDecimal *string `json:"flat_amount_decimal"`
	UnitAmount        *int64  `json:"unit_amount"`
	UnitAmountDecimal *string `json:"unit_amount_decimal"`
	UpTo              *int64  `json:"up_to"` // null is infinity
}

type transformQuantityJSON struct {
	DivideBy int64  `json:"divide_by"`
	Round    string `json:"round"`
}

type priceJSON struct {
	ID                string                 `json:"id"`
	Object            string                 `json:"object"`
	Active            bool                   `json:"active"`
	BillingScheme     string                 `json:"billing_scheme"`
	Created           int64                  `json:"created"`
	Currency          string                 `json:"currency"`
	CustomUnitAmount  any                    `json:"custom_unit_amount"`
	Livemode          bool                   `json:"livemode"`
	LookupKey         *string                `json:"lookup_key"`
	Metadata          billing.Metadata       `json:"metadata"`
	Nickname          *string                `json:"nickname"`
	Product           Ref                    `json:"product"`
	Recurring         *recurringJSON         `json:"recurring"`
	TaxBehavior       string                 `json:"tax_behavior"`
	Tiers             any                    `json:"tiers,omitempty"` // only when expanded
	TiersMode         *string                `json:"tiers_mode"`
	TransformQuantity *transformQuantityJSON `json:"transform_quantity"`
	Type              string                 `json:"type"`
	UnitAmount        *int64                 `json:"unit_amount"`
	UnitAmountDecimal *string                `json:"unit_amount_decimal"`
}

// price renders a Price; product expands to its Product, and tiers are
// included only when expanded.
func (r *Renderer) price(p *billing.Price, e Expand) (any, error) {
	out := priceJSON{
		ID: p.ID, Object: "price", Active: p.Active, BillingScheme: p.BillingScheme, Created: p.Created,
		Currency: p.Currency, Livemode: p.Livemode, LookupKey: ns(p.LookupKey), Metadata: metadata(p.Metadata),
		Nickname: ns(p.Nickname), TaxBehavior: p.TaxBehavior, TiersMode: ns(p.TiersMode), Type: p.Type,
		UnitAmount: p.UnitAmount, UnitAmountDecimal: ns(p.UnitAmountDecimal),
	}
	if rc := p.Recurring; rc != nil {
		out.Recurring = &recurringJSON{Interval: rc.Interval, IntervalCount: rc.IntervalCount,
			TrialPeriodDays: rc.TrialPeriodDays, UsageType: rc.UsageType}
	}
	if tq := p.TransformQuantity; tq != nil {
		out.TransformQuantity = &transformQuantityJSON{DivideBy: tq.DivideBy, Round: tq.Round}
	}
	if _, ok := e.Sub("tiers"); ok {
		if p.BillingScheme == billing.SchemeTiered {
			tiers := make([]tierJSON, len(p.Tiers))
			for i, t := range p.Tiers {
				tiers[i] = tierJSON{FlatAmount: t.FlatAmount, FlatAmountDecimal: ns(t.FlatAmountDecimal),
					UnitAmount: t.UnitAmount, UnitAmountDecimal: ns(t.UnitAmountDecimal), UpTo: t.UpTo}
			}
			out.Tiers = tiers
		} else {
			out.Tiers = json.RawMessage("null")
		}
	}
	var err error
	if out.Product, err = r.Ref("product", p.Product, e, "product"); err != nil {
		return nil, err
	}
	return out, nil
}
