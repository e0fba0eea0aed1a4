// Package demo seeds a fresh Portico with demo data, so a person who runs
// `go run ./cmd/portico` sees a realistic catalog and customer at once.
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
)

// Result names what Seed created.
type Result struct {
	Seeded   bool // false when the database already had data
	Customer *billing.Customer
	Products []*billing.Product
	Prices   []*billing.Price
	// Subscriptions and Invoices count the demo customer's, by status
	// ("trialing", "canceling"; "paid", "open").
	Subscriptions map[string]int
	Invoices      map[string]int
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

// Seed creates the demo catalog and a demo customer with two cards, a
// tax ID and subscriptions in several states (trialing, active, canceling at
// period end) with paid and open invoices, all in one transaction, when the database has no products and no
// customers yet.
func Seed(ctx context.Context, svc *service.Service) (Result, error) {
	var res Result
	err := svc.Atomic(ctx, func(ctx context.Context) error {
		// On PostgreSQL a conflicting transaction runs again: start afresh,
		// without the rolled-back run's products and prices.
		res = Result{}
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
		if err := portalProducts(ctx, svc, res.Prices); err != nil {
			return fmt.Errorf("portal configuration: %w", err)
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
		mc, err := svc.AttachPaymentMethod(ctx, "pm_card_mastercard", c.ID)
		if err != nil {
			return fmt.Errorf("second card: %w", err)
		}
		// The second card expires at the end of next month, so the portal
		// shows a card about to expire.
		soon := time.Unix(c.Created, 0).UTC().AddDate(0, 1, 0)
		if _, err := svc.UpdatePaymentMethod(ctx, mc.ID, service.PaymentMethodParams{
			ExpMonth: service.Set(int64(soon.Month())), ExpYear: service.Set(int64(soon.Year()))}); err != nil {
			return fmt.Errorf("second card's expiry: %w", err)
		}
		if err := seedBilling(ctx, svc, c.ID, res.Prices); err != nil {
			return err
		}
		coupon, err := svc.CreateCoupon(ctx, couponParams())
		if err != nil {
			return fmt.Errorf("coupon: %w", err)
		}
		if _, err := svc.CreatePromotionCode(ctx, service.PromotionCodeParams{Coupon: coupon.ID, CouponParam: "coupon", Code: "WELCOME20"}); err != nil {
			return fmt.Errorf("promotion code: %w", err)
		}
		if res.Customer, err = svc.Customer(ctx, c.ID); err != nil {
			return err
		}
		return count(ctx, svc, c.ID, &res)
	})
	return res, err
}

// count tallies the demo customer's subscriptions and invoices by status.
func count(ctx context.Context, svc *service.Service, customer string, res *Result) error {
	res.Subscriptions, res.Invoices = map[string]int{}, map[string]int{}
	subs, err := svc.ListSubscriptions(ctx, billing.SubscriptionFilter{Customer: customer}, billing.Page{Limit: 100})
	if err != nil {
		return err
	}
	for _, s := range subs.Data {
		st := s.Status
		if s.CancelAtPeriodEnd {
			st = "canceling"
		}
		res.Subscriptions[st]++
	}
	ins, err := svc.ListInvoices(ctx, billing.InvoiceFilter{Customer: customer}, billing.Page{Limit: 100})
	if err != nil {
		return err
	}
	for _, in := range ins.Data {
		res.Invoices[in.Status]++
	}
	return nil
}

// couponParams is the demo's welcome offer: 20% off for three months.
func couponParams() service.CouponParams {
	pct := 20.0
	months := int64(3)
	return service.CouponParams{ID: "WELCOME20", Name: "Welcome: 20% off", PercentOff: &pct,
		Duration: billing.DurationRepeating, DurationInMonths: &months}
}

// seedBilling gives the demo customer a trialing Starter, an active Pro
// (its first invoice paid), a Business subscription canceling at period
// end, and an open invoice for an onboarding session. prices are the demo
// prices in creation order: each plan's monthly, then yearly.
func seedBilling(ctx context.Context, svc *service.Service, customer string, prices []*billing.Price) error {
	monthly := func(i int) []service.ItemParams { return []service.ItemParams{{Price: prices[2*i].ID}} }
	for _, p := range []service.SubscriptionParams{
		{Customer: customer, Items: service.Set(monthly(0)), TrialPeriodDays: service.Set[int64](14)},
		{Customer: customer, Items: service.Set(monthly(1))},
		{Customer: customer, Items: service.Set(monthly(2)), CancelAtPeriodEnd: service.Set(true)},
	} {
		if _, err := svc.CreateSubscription(ctx, p); err != nil {
			return fmt.Errorf("subscription: %w", err)
		}
	}
	if _, err := svc.CreateInvoiceItem(ctx, service.InvoiceItemParams{Customer: customer, Amount: service.Set[int64](15000),
		Currency: "usd", Description: service.Set("Onboarding session")}); err != nil {
		return fmt.Errorf("invoice item: %w", err)
	}
	in, err := svc.CreateInvoice(ctx, service.InvoiceParams{Customer: customer, CollectionMethod: "send_invoice",
		DaysUntilDue: service.Set[int64](30), PendingItems: "include"})
	if err != nil {
		return fmt.Errorf("invoice: %w", err)
	}
	if _, err := svc.FinalizeInvoice(ctx, in.ID); err != nil {
		return fmt.Errorf("finalize invoice: %w", err)
	}
	return nil
}

// portalProducts puts the demo plans into the default portal
// configuration, so customers can switch between them (monthly or yearly,
// 1 to 50 seats) in the portal.
func portalProducts(ctx context.Context, svc *service.Service, prices []*billing.Price) error {
	def, err := svc.EnsureDefaultPortalConfiguration(ctx)
	if err != nil {
		return err
	}
	var products []billing.PortalProduct
	for _, pr := range prices {
		if n := len(products); n > 0 && products[n-1].Product == pr.Product {
			products[n-1].Prices = append(products[n-1].Prices, pr.ID)
			continue
		}
		maxSeats := int64(50)
		products = append(products, billing.PortalProduct{Product: pr.Product, Prices: []string{pr.ID},
			AdjustableQuantity: billing.PortalAdjustableQuantity{Enabled: true, Minimum: 1, Maximum: &maxSeats}})
	}
	_, err = svc.UpdatePortalConfiguration(ctx, def.ID, service.PortalConfigurationParams{
		UpdateEnabled: service.Set(true), Products: service.Set(products)})
	return err
}
