// Package demo seeds a fresh Portico with demo data, so a person who runs
// `go run ./cmd/portico` sees a realistic catalog and customer at once.
package demo

import (
	"context"
	"fmt"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
)

// Result names what Seed created.
type Result struct {
	Seeded   bool // false when the database already had data
	Customer *billing.Customer
	Products []*billing.Product
	Prices   []*billing.Price
}

// plan is one demo product with a monthly and a yearly price (in cents).
type plan struct {
	id, name, description string
	monthly, yearly       int64
}

var plans = []plan{
	{"prod_demo_starter", "Starter", "For individuals getting started.", 900, 9000},
	{"prod_demo_pro", "Pro", "For growing teams: everything in Starter, plus priority support.", 2900, 29000},
	{"prod_demo_business", "Business", "For organisations: SSO, audit logs and a dedicated manager.", 9900, 99000},
}

// Seed creates the demo catalog and a demo customer with two cards and a
// tax ID, all in one transaction, when the database has no products and no
// customers yet.
func Seed(ctx context.Context, svc *service.Service) (Result, error) {
	var res Result
	err := svc.Atomic(ctx, func(ctx context.Context) error {
		prods, err := svc.ListProducts(ctx, billing.ProductFilter{}, billing.Page{Limit: 1})
		if err != nil {
			return err
		}
		custs, err := svc.ListCustomers(ctx, billing.CustomerFilter{}, billing.Page{Limit: 1})
		if err != nil {
			return err
		}
		if len(prods.Data) > 0 || len(custs.Data) > 0 {
			return nil
		}
		res.Seeded = true
		for _, p := range plans {
			prod, err := svc.CreateProduct(ctx, service.ProductParams{
				ID: p.id, Name: service.Set(p.name), Description: service.Set(p.description),
				Metadata: billing.MetadataUpdate{Present: true, Set: map[string]string{"demo": "true"}},
			})
			if err != nil {
				return fmt.Errorf("product %s: %w", p.name, err)
			}
			res.Products = append(res.Products, prod)
			for _, iv := range []struct {
				interval string
				amount   int64
			}{{"month", p.monthly}, {"year", p.yearly}} {
				amount := iv.amount
				price, err := svc.CreatePrice(ctx, service.PriceParams{
					Currency: "usd", Product: prod.ID, UnitAmount: &amount,
					Recurring: &billing.Recurring{Interval: iv.interval, IntervalCount: 1, UsageType: "licensed"},
					Nickname:  p.name + " " + iv.interval + "ly",
					LookupKey: fmt.Sprintf("%s_%sly", p.id[len("prod_demo_"):], iv.interval),
				})
				if err != nil {
					return fmt.Errorf("price %s %s: %w", p.name, iv.interval, err)
				}
				res.Prices = append(res.Prices, price)
				if iv.interval == "month" {
					if prod, err = svc.UpdateProduct(ctx, prod.ID, service.ProductParams{DefaultPrice: service.Set(price.ID)}); err != nil {
						return err
					}
					res.Products[len(res.Products)-1] = prod
				}
			}
		}
		c, err := svc.CreateCustomer(ctx, service.CustomerParams{
			Name: service.Set("Jenny Rosen"), Email: service.Set("jenny.rosen@example.com"),
			Phone: service.Set("+14155550123"),
			Address: service.Set(&billing.Address{Line1: "510 Townsend St", City: "San Francisco",
				State: "CA", PostalCode: "94103", Country: "US"}),
			PreferredLocales: service.Set([]string{"en"}),
			PaymentMethod:    "pm_card_visa",
			DefaultPM:        service.Set("pm_card_visa"),
			Metadata:         billing.MetadataUpdate{Present: true, Set: map[string]string{"demo": "true"}},
		})
		if err != nil {
			return fmt.Errorf("customer: %w", err)
		}
		if _, err := svc.AttachPaymentMethod(ctx, "pm_card_mastercard", c.ID); err != nil {
			return fmt.Errorf("second card: %w", err)
		}
		coupon, err := svc.CreateCoupon(ctx, couponParams())
		if err != nil {
			return fmt.Errorf("coupon: %w", err)
		}
		if _, err := svc.CreatePromotionCode(ctx, service.PromotionCodeParams{Coupon: coupon.ID, CouponParam: "coupon", Code: "WELCOME20"}); err != nil {
			return fmt.Errorf("promotion code: %w", err)
		}
		res.Customer, err = svc.Customer(ctx, c.ID)
		return err
	})
	return res, err
}

// couponParams is the demo's welcome offer: 20% off for three months.
func couponParams() service.CouponParams {
	pct := 20.0
	months := int64(3)
	return service.CouponParams{ID: "WELCOME20", Name: "Welcome: 20% off", PercentOff: &pct,
		Duration: billing.DurationRepeating, DurationInMonths: &months}
}
