package main

import (
	"context"
	"fmt"
	"io"

	"github.com/porticohq/portico/internal/app"
	"github.com/porticohq/portico/internal/demo"
)

// seedDemo fills an empty database with demo data and says what it made.
func seedDemo(ctx context.Context, a *app.App, w io.Writer) error {
	res, err := demo.Seed(ctx, a.Service)
	if err != nil || !res.Seeded {
		return err
	}
	s, in := res.Subscriptions, res.Invoices
	fmt.Fprintf(w, "\nSeeded demo data: %d products with monthly and yearly prices; customer %s (%s) with two cards (one expiring next month), "+
		"subscriptions (%d trialing, %d active, %d canceling at period end), invoices (%d paid, %d open); coupon WELCOME20.\n",
		len(res.Products), res.Customer.ID, res.Customer.Email, s["trialing"], s["active"], s["canceling"], in["paid"], in["open"])
	return nil
}
