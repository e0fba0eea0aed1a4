package service

import (
	"context"
	"errors"

	"github.com/porticohq/portico/internal/billing"
)

// What the hosted portal's pages read: everything a page shows, loaded in
// one read transaction, so that a page is one consistent snapshot.

// PortalSubscription is a subscription with the catalog objects and
// coupons the portal shows alongside it.
type PortalSubscription struct {
	Subscription *billing.Subscription
	// Prices and Products are keyed by id, for the subscription's items.
	Prices   map[string]*billing.Price
	Products map[string]*billing.Product
	// Coupons are the coupons of the subscription's live discounts.
	Coupons []*billing.Coupon
}

// PortalHomeData is what the portal homepage shows for a visit.
type PortalHomeData struct {
	Customer      *billing.Customer
	Configuration *billing.PortalConfiguration
	// BusinessName is the merchant's name (the business.name setting).
	BusinessName string
	// Account is the merchant's account, for its branding.
	Account        *billing.Account
	Subscriptions  []PortalSubscription
	PaymentMethods []*billing.PaymentMethod
	// Invoices are the most recent invoices (PortalHomeInvoices on the
	// homepage, a page of PortalInvoicePage on the invoice history);
	// MoreInvoices says older ones exist.
	Invoices     []*billing.InvoiceSummary
	MoreInvoices bool
	TaxIDs       []*billing.TaxID
	// Now is the transaction's time, for "expired" and "in N days".
	Now int64
}

// portalHomeLimit bounds each list on the homepage.
const portalHomeLimit = 100

// PortalHomeInvoices is how many invoices the homepage lists, newest
// first; like Stripe's portal, it links to the full history when there are
// more. PortalInvoicePage is the length of a page of that history.
const (
	PortalHomeInvoices = 10
	PortalInvoicePage  = 25
)

// loadPage loads what every portal page of visit v shows: the customer,
// the configuration and the account (the header's branding), and the time.
func (d *PortalHomeData) loadPage(tx billing.Tx, v *billing.PortalVisit) error {
	var err error
	d.Now = tx.Now().Unix()
	if d.Customer, err = tx.Customer(v.Customer); err != nil {
		return err
	}
	if d.Configuration, err = tx.PortalConfiguration(v.Configuration); err != nil {
		return err
	}
	if d.Account, err = accountOf(tx); err != nil {
		return err
	}
	d.BusinessName = d.Account.BusinessName
	return nil
}

// PortalHome loads the homepage of visit v: its customer's subscriptions
// that have not ended, cards, invoices (newest first, without drafts) and
// tax ids, and the visit's configuration.
func (s *Service) PortalHome(ctx context.Context, v *billing.PortalVisit) (*PortalHomeData, error) {
	d := &PortalHomeData{}
	err := s.view(ctx, func(tx billing.Tx) error {
		if err := d.loadPage(tx, v); err != nil {
			return err
		}
		subs, err := tx.ListSubscriptions(billing.SubscriptionFilter{Customer: v.Customer}, billing.Page{Limit: portalHomeLimit})
		if err != nil {
			return err
		}
		for _, sub := range subs.Data {
			ps, err := portalSubscription(tx, sub)
			if err != nil {
				return err
			}
			d.Subscriptions = append(d.Subscriptions, ps)
		}
		pms, err := tx.ListPaymentMethods(billing.PaymentMethodFilter{Customer: v.Customer, Type: "card"}, billing.Page{Limit: portalHomeLimit})
		if err != nil {
			return err
		}
		d.PaymentMethods = pms.Data
		if d.Invoices, d.MoreInvoices, err = customerInvoices(tx, v.Customer, "", PortalHomeInvoices); err != nil {
			return err
		}
		ids, err := tx.ListTaxIDs(v.Customer, billing.Page{Limit: portalHomeLimit})
		if err != nil {
			return err
		}
		d.TaxIDs = ids.Data
		return nil
	})
	return d, err
}

// PortalInvoiceHistory loads a page of the invoice history of visit v:
// up to PortalInvoicePage invoices older than the invoice after (newest
// first, without drafts; after "" starts at the newest), with what the
// page's header shows (customer, configuration, account).
func (s *Service) PortalInvoiceHistory(ctx context.Context, v *billing.PortalVisit, after string) (*PortalHomeData, error) {
	d := &PortalHomeData{}
	err := s.view(ctx, func(tx billing.Tx) error {
		if err := d.loadPage(tx, v); err != nil {
			return err
		}
		if after != "" {
			// The cursor must be one of this customer's invoices.
			in, err := tx.Invoice(after)
			if err != nil || in.Customer != v.Customer {
				return billing.ErrNotFound
			}
		}
		var err error
		d.Invoices, d.MoreInvoices, err = customerInvoices(tx, v.Customer, after, PortalInvoicePage)
		return err
	})
	return d, err
}

// customerInvoices returns up to n of customer's invoices older than
// after, newest first, without drafts (which the customer does not see),
// as summaries, and whether older ones exist: the portal's pages read only
// what they show, however long the history.
func customerInvoices(tx billing.Tx, customer, after string, n int) ([]*billing.InvoiceSummary, bool, error) {
	l, err := tx.ListInvoiceSummaries(billing.InvoiceFilter{Customer: customer, Finalized: true}, billing.Page{Limit: n, StartingAfter: after})
	return l.Data, l.HasMore, err
}

// portalSubscription gathers the prices, products and coupons sub shows.
func portalSubscription(tx billing.Tx, sub *billing.Subscription) (PortalSubscription, error) {
	ps := PortalSubscription{Subscription: sub, Prices: map[string]*billing.Price{}, Products: map[string]*billing.Product{}}
	for _, it := range sub.Items {
		if _, ok := ps.Prices[it.Price]; ok {
			continue
		}
		pr, err := tx.Price(it.Price)
		if err != nil {
			return ps, err
		}
		ps.Prices[pr.ID] = pr
		if _, ok := ps.Products[pr.Product]; !ok {
			prod, err := tx.Product(pr.Product)
			if err != nil {
				return ps, err
			}
			ps.Products[prod.ID] = prod
		}
	}
	for _, id := range sub.Discounts {
		di, err := tx.Discount(id)
		if errors.Is(err, billing.ErrNotFound) {
			continue
		}
		if err != nil {
			return ps, err
		}
		co, err := tx.Coupon(di.Coupon)
		if err != nil {
			return ps, err
		}
		ps.Coupons = append(ps.Coupons, co)
	}
	return ps, nil
}

// PortalLinkSession returns the session behind a session link without
// opening it, for the page of a used or expired link (its locale and
// return URL). It is ErrPortalLinkInvalid for an unknown link.
func (s *Service) PortalLinkSession(ctx context.Context, token string) (*billing.PortalSession, error) {
	var ps *billing.PortalSession
	err := s.view(ctx, func(tx billing.Tx) error {
		var err error
		ps, err = tx.PortalSessionByTokenHash(HashToken(token))
		if errors.Is(err, billing.ErrNotFound) {
			return ErrPortalLinkInvalid
		}
		return err
	})
	return ps, err
}

// PortalPlan is a product a portal configuration lets customers switch
// to, with its active prices in the configured order.
type PortalPlan struct {
	Product            *billing.Product
	Prices             []*billing.Price
	AdjustableQuantity billing.PortalAdjustableQuantity
}

// PortalPlans returns the products and prices of conf's subscription
// update feature, leaving out inactive ones.
func (s *Service) PortalPlans(ctx context.Context, conf *billing.PortalConfiguration) ([]PortalPlan, error) {
	var out []PortalPlan
	err := s.view(ctx, func(tx billing.Tx) error {
		for _, pp := range conf.Features.SubscriptionUpdate.Products {
			prod, err := tx.Product(pp.Product)
			if err != nil {
				return err
			}
			if !prod.Active {
				continue
			}
			plan := PortalPlan{Product: prod, AdjustableQuantity: pp.AdjustableQuantity}
			for _, id := range pp.Prices {
				pr, err := tx.Price(id)
				if err != nil {
					return err
				}
				if pr.Active {
					plan.Prices = append(plan.Prices, pr)
				}
			}
			if len(plan.Prices) > 0 {
				out = append(out, plan)
			}
		}
		return nil
	})
	return out, err
}

// PortalBusinessName returns the merchant's name for portal pages shown
// without a visit (an expired link): the business.name setting, or "".
func (s *Service) PortalBusinessName(ctx context.Context) (string, error) {
	var name string
	err := s.view(ctx, func(tx billing.Tx) error {
		var err error
		name, err = tx.Setting(SettingBusinessName)
		return err
	})
	return name, err
}
