package stripewire

import "github.com/porticohq/portico/internal/billing"

// Renderers of the billing engine's objects, in the current (dahlia)
// shapes: periods on subscription items, invoice.parent, line pricing and
// parent, discounts[] with source.coupon.

func init() {
	RegisterRenderer(renderBilling)
	RegisterKind("invoice", func() any { return new(billing.Invoice) })
	RegisterKind("invoiceitem", func() any { return new(billing.InvoiceItem) })
	RegisterKind("payment_intent", func() any { return new(billing.PaymentIntent) })
	RegisterKind("charge", func() any { return new(billing.Charge) })
	RegisterKind("discount", func() any { return new(billing.Discount) })
	RegisterKind("setup_intent", func() any { return new(billing.SetupIntent) })
	RegisterExpandable("setup_intent", map[string]string{"customer": "customer", "payment_method": "payment_method", "latest_attempt": "", "mandate": ""})
	RegisterExpandable("subscription", map[string]string{
		"customer": "customer", "latest_invoice": "invoice", "default_payment_method": "payment_method",
		"test_clock": "test_helpers.test_clock", "items.data.price": "price", "discounts": "discount",
		"latest_invoice.payments": "", "pending_setup_intent": "", "schedule": "", "default_source": "",
	})
	RegisterExpandable("invoice", map[string]string{
		"payment_intent": "payment_intent",
		"customer":       "customer", "subscription": "subscription", "default_payment_method": "payment_method",
		"test_clock": "test_helpers.test_clock", "discounts": "discount", "payments": "", "confirmation_secret": "",
		"parent.subscription_details.subscription": "subscription", "lines.data.pricing.price_details.price": "price",
	})
	RegisterExpandable("invoiceitem", map[string]string{"customer": "customer", "invoice": "invoice", "test_clock": "test_helpers.test_clock"})
	RegisterExpandable("payment_intent", map[string]string{"customer": "customer", "payment_method": "payment_method", "latest_charge": "charge"})
	RegisterExpandable("charge", map[string]string{"customer": "customer", "payment_intent": "payment_intent", "payment_method": ""})
	RegisterExpandable("discount", map[string]string{"customer": "customer", "source.coupon": "coupon", "promotion_code": "promotion_code"})
	RegisterExpandable("subscription_item", map[string]string{"price": "price"})
}

func renderBilling(r *Renderer, obj any, e Expand) (any, bool, error) {
	switch o := obj.(type) {
	case *billing.Subscription:
		v, err := r.subscription(o, e)
		return v, true, err
	case SubscriptionItemRef:
		v, err := r.subscriptionItem(o.Sub, o.Item, e)
		return v, true, err
	case *billing.Invoice:
		if o.Deleted {
			return deletedJSON{ID: o.ID, Object: "invoice", Deleted: true}, true, nil
		}
		v, err := r.invoice(o, e)
		return v, true, err
	case InvoiceLines:
		v, err := r.linePage(o.Invoice, o.Page)
		return v, true, err
	case *billing.InvoiceItem:
		v, err := r.invoiceItem(o, e)
		return v, true, err
	case *billing.PaymentIntent:
		v, err := r.paymentIntent(o, e)
		return v, true, err
	case *billing.Charge:
		v, err := r.charge(o, e)
		return v, true, err
	case *billing.SetupIntent:
		v, err := r.setupIntent(o, e)
		return v, true, err
	case *billing.Discount:
		v, err := r.discount(o, e)
		return v, true, err
	}
	return nil, false, nil
}

// BillingPeriodsOnItems reports whether billing periods live on
// subscription items and invoices point to their subscription through
// parent, payments and line pricing/parent (2025-03-31.basil); before,
// subscription.current_period_*, invoice.subscription, payment_intent and
// paid, and line price, proration, subscription_item and type.
func (v Version) BillingPeriodsOnItems() bool { return v.atLeast("2025-03-31") }

// SubscriptionItemRef is one item of a subscription, rendered as a
// subscription_item.
type SubscriptionItemRef struct {
	Sub  *billing.Subscription
	Item *billing.SubscriptionItem
}

// InvoiceLines is one page of an invoice's lines (all of them when Page
// is zero), rendered as a list.
type InvoiceLines struct {
	Invoice *billing.Invoice
	Page    billing.Page
}

func i64(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func (r *Renderer) refs(objectType string, ids []string, e Expand, path string) ([]Ref, error) {
	out := []Ref{}
	for _, id := range ids {
		ref, err := r.Ref(objectType, id, e, path)
		if err != nil {
			return nil, err
		}
		out = append(out, ref)
	}
	return out, nil
}
