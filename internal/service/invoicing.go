package service

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/porticohq/portico/internal/billing"
)

// The invoice engine: building an invoice's lines, applying discounts and
// the customer's balance, finalizing and numbering. Every function works in
// the caller's transaction with an explicit now (unix seconds), which is the
// test clock's time for customers on a clock.

// draftFinalizeDelay is how long a renewal invoice stays a draft before it
// is finalized and charged, as on Stripe (about an hour).
const draftFinalizeDelay = 3600

func init() {
	hasPriorTransactions = func(tx billing.Tx, customerID string) (bool, error) {
		return tx.CustomerHasPaidInvoice(customerID)
	}
	loaders["invoice"] = func(tx billing.Tx, id string) (any, error) { return tx.Invoice(id) }
	loaders["subscription"] = func(tx billing.Tx, id string) (any, error) { return tx.Subscription(id) }
	loaders["invoiceitem"] = func(tx billing.Tx, id string) (any, error) { return tx.InvoiceItem(id) }
	loaders["payment_intent"] = func(tx billing.Tx, id string) (any, error) { return tx.PaymentIntent(id) }
	loaders["charge"] = func(tx billing.Tx, id string) (any, error) { return tx.Charge(id) }
	loaders["discount"] = func(tx billing.Tx, id string) (any, error) { return tx.Discount(id) }
}

// customerNow is the time for a customer: its test clock's frozen time, or
// the transaction's.
func customerNow(tx billing.Tx, c *billing.Customer) (int64, error) {
	if c.TestClock == "" {
		return tx.Now().Unix(), nil
	}
	clock, err := tx.TestClock(c.TestClock)
	if err != nil {
		return 0, err
	}
	return clock.FrozenTime, nil
}

// newInvoice starts a draft invoice for c.
func newInvoice(tx billing.Tx, c *billing.Customer, sub *billing.Subscription, currency, reason string, now int64) *billing.Invoice {
	in := &billing.Invoice{
		ID: billing.NewID("in"), Created: now, Livemode: tx.Livemode(), Customer: c.ID, Status: billing.InvoiceDraft,
		Currency: currency, BillingReason: reason, CollectionMethod: "charge_automatically", AutoAdvance: true,
		PeriodStart: now, PeriodEnd: now, TestClock: c.TestClock, Footer: c.InvoiceSettings.Footer,
	}
	if sub != nil {
		in.Subscription = sub.ID
		in.CollectionMethod = sub.CollectionMethod
		in.DefaultPaymentMethod = sub.DefaultPaymentMethod
		in.Discounts = append([]string(nil), sub.Discounts...)
		if sub.DaysUntilDue != nil && sub.CollectionMethod == "send_invoice" {
			d := now + *sub.DaysUntilDue*86400
			in.DueDate = &d
		}
	}
	return in
}

// itemLine returns the line billing a subscription item for a whole period.
func itemLine(tx billing.Tx, sub *billing.Subscription, it *billing.SubscriptionItem, start, end int64) (billing.InvoiceLine, error) {
	p, err := tx.Price(it.Price)
	if err != nil {
		return billing.InvoiceLine{}, err
	}
	name := productName(tx, p.Product)
	return billing.InvoiceLine{
		ID: billing.NewID("il"), Amount: billing.LineAmount(p, it.Quantity), Currency: p.Currency,
		Description: fmt.Sprintf("%d × %s (at %s / %s)", it.Quantity, name, formatMoney(unitAmount(p), p.Currency), p.Recurring.Interval),
		Quantity:    it.Quantity, Price: p.ID, Product: p.Product, UnitAmount: unitAmount(p), PeriodStart: start, PeriodEnd: end,
		Subscription: sub.ID, SubscriptionItem: it.ID, Discountable: true,
	}, nil
}

func unitAmount(p *billing.Price) int64 {
	if p.UnitAmount != nil {
		return *p.UnitAmount
	}
	return 0
}

func productName(tx billing.Tx, id string) string {
	if prod, err := tx.Product(id); err == nil {
		return prod.Name
	}
	return id
}

// currencySymbols are the symbols Stripe prints for common currencies;
// others are written with their code.
var currencySymbols = map[string]string{"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥", "cad": "CA$", "aud": "A$", "inr": "₹", "cny": "CN¥", "krw": "₩"}

// formatMoney writes an amount in minor units the way Stripe's line
// descriptions do: "$1,000.00", "¥1,000", "12.50 CHF".
func formatMoney(amount int64, currency string) string {
	exp, _ := billing.CurrencyExponent(currency)
	neg := amount < 0
	if neg {
		amount = -amount
	}
	digits := fmt.Sprint(amount)
	for len(digits) <= exp {
		digits = "0" + digits
	}
	whole, frac := digits[:len(digits)-exp], digits[len(digits)-exp:]
	var b []byte
	for i := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, whole[i])
	}
	s := string(b)
	if exp > 0 {
		s += "." + frac
	}
	if sym, ok := currencySymbols[currency]; ok {
		s = sym + s
	} else {
		s += " " + upper(currency)
	}
	if neg {
		s = "-" + s
	}
	return s
}

// quantityOf is "2 × " for a quantity other than one, as Stripe writes
// proration descriptions, and "" for one.
func quantityOf(q int64) string {
	if q == 1 {
		return ""
	}
	return itoa(q) + " × "
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}

func formatDate(t int64) string { return time.Unix(t, 0).UTC().Format("2 Jan 2006") }

// lineFromItem turns a pending invoice item into an invoice line.
func lineFromItem(ii *billing.InvoiceItem) billing.InvoiceLine {
	return billing.InvoiceLine{
		ID: billing.NewID("il"), Amount: ii.Amount, Currency: ii.Currency, Description: ii.Description,
		Quantity: ii.Quantity, Price: ii.Price, Product: ii.Product, UnitAmount: ii.UnitAmount,
		PeriodStart: ii.PeriodStart, PeriodEnd: ii.PeriodEnd, Proration: ii.Proration,
		Subscription: ii.Subscription, SubscriptionItem: ii.SubscriptionItem, InvoiceItem: ii.ID,
		Discountable: ii.Discountable, Metadata: ii.Metadata,
	}
}

// pendingItemsFor returns the customer's pending items that belong on an
// invoice for sub (items of that subscription and items of none).
func pendingItemsFor(tx billing.Tx, customer, sub string) ([]*billing.InvoiceItem, error) {
	all, err := tx.PendingInvoiceItems(customer)
	if err != nil {
		return nil, err
	}
	var out []*billing.InvoiceItem
	for _, ii := range all {
		if ii.Subscription == "" || ii.Subscription == sub {
			out = append(out, ii)
		}
	}
	return out, nil
}

// claimItems puts pending items on the invoice (lines and their invoice
// field); the items must be stored afterwards with storeClaimed.
func claimItems(in *billing.Invoice, items []*billing.InvoiceItem) {
	for _, ii := range items {
		ii.Invoice = in.ID
		in.Lines = append(in.Lines, lineFromItem(ii))
	}
}

func storeClaimed(tx billing.Tx, items []*billing.InvoiceItem) error {
	for _, ii := range items {
		if err := tx.UpdateInvoiceItem(ii); err != nil {
			return err
		}
	}
	return nil
}

// activeDiscounts loads the discounts in ids that apply at now.
func activeDiscounts(tx billing.Tx, ids []string, now int64) ([]*billing.Discount, []*billing.Coupon, error) {
	var ds []*billing.Discount
	var cs []*billing.Coupon
	for _, id := range ids {
		d, err := tx.Discount(id)
		if err != nil {
			return nil, nil, err
		}
		if d.Start > now || (d.End != nil && now >= *d.End) {
			continue
		}
		c, err := tx.Coupon(d.Coupon)
		if err != nil {
			return nil, nil, err
		}
		ds = append(ds, d)
		cs = append(cs, c)
	}
	return ds, cs, nil
}

// computeTotals applies the invoice's discounts to its lines and sums it up.
// Discounts apply in order, each to what the previous left; a percentage
// applies to each eligible line (credits included), an amount off is spread
// over the eligible positive lines and capped at them.
func computeTotals(tx billing.Tx, in *billing.Invoice, now int64) error {
	ds, cs, err := activeDiscounts(tx, in.Discounts, now)
	if err != nil {
		return err
	}
	in.Subtotal = 0
	remaining := make([]int64, len(in.Lines))
	for i := range in.Lines {
		in.Lines[i].DiscountAmounts = nil
		in.Subtotal += in.Lines[i].Amount
		remaining[i] = in.Lines[i].Amount
	}
	in.TotalDiscountAmounts = nil
	var applied []string
	for k, d := range ds {
		c := cs[k]
		eligible := make([]int64, len(in.Lines))
		for i, l := range in.Lines {
			if l.Discountable && appliesTo(c, l.Product) {
				eligible[i] = remaining[i]
			}
		}
		off := make([]int64, len(in.Lines))
		switch {
		case c.PercentOff != nil:
			for i, a := range eligible {
				off[i] = billing.PercentOf(a, *c.PercentOff)
			}
		case c.AmountOff != nil && c.Currency == in.Currency:
			off = billing.AllocateAmountOff(eligible, *c.AmountOff)
		}
		var total int64
		for i, o := range off {
			if o == 0 {
				continue
			}
			remaining[i] -= o
			total += o
			in.Lines[i].DiscountAmounts = append(in.Lines[i].DiscountAmounts, billing.DiscountAmount{Amount: o, Discount: d.ID})
		}
		in.TotalDiscountAmounts = append(in.TotalDiscountAmounts, billing.DiscountAmount{Amount: total, Discount: d.ID})
		applied = append(applied, d.ID)
	}
	in.Discounts = applied
	in.Total = 0
	for _, r := range remaining {
		in.Total += r
	}
	in.AmountDue = in.Total
	if in.AmountDue < 0 {
		in.AmountDue = 0
	}
	in.AmountRemaining = in.AmountDue - in.AmountPaid
	return nil
}

func appliesTo(c *billing.Coupon, product string) bool {
	if c.AppliesTo == nil || len(c.AppliesTo.Products) == 0 {
		return true
	}
	for _, p := range c.AppliesTo.Products {
		if p == product {
			return true
		}
	}
	return false
}

// setPeriod sets the invoice's period from its subscription lines.
func setPeriod(in *billing.Invoice) {
	for i, l := range in.Lines {
		if l.SubscriptionItem == "" || l.Proration {
			continue
		}
		if i == 0 || l.PeriodStart < in.PeriodStart {
			in.PeriodStart = l.PeriodStart
		}
	}
}

// insertInvoice stores a new draft and records invoice.created.
func insertInvoice(tx billing.Tx, in *billing.Invoice, now int64) error {
	if err := computeTotals(tx, in, now); err != nil {
		return err
	}
	if err := tx.InsertInvoice(in); err != nil {
		return err
	}
	return emit(tx, "invoice.created", "invoice", in, nil)
}

// finalizeInvoice numbers a draft, applies the customer's balance and opens
// it; an invoice with nothing to pay is paid at once.
func finalizeInvoice(tx billing.Tx, in *billing.Invoice, now int64) error {
	if in.Status != billing.InvoiceDraft {
		return billing.Invalid("", "invoice_not_editable", "This invoice is already finalized, you can't re-finalize a non-draft invoice.")
	}
	prev := cloneInvoice(in)
	if err := computeTotals(tx, in, now); err != nil {
		return err
	}
	c, err := tx.Customer(in.Customer)
	if err != nil {
		return err
	}
	cprev := *c
	in.Number = fmt.Sprintf("%s-%04d", c.InvoicePrefix, c.NextInvoiceSequence)
	c.NextInvoiceSequence++
	// The balance: negative is a credit the customer has, positive an
	// amount they owe; both go on the invoice. A credit larger than the
	// invoice stays on the balance; a negative invoice adds to it.
	in.StartingBalance = c.Balance
	due := in.Total + c.Balance
	end := int64(0)
	if due < 0 {
		end, due = due, 0
	}
	in.AmountDue = due
	in.AmountRemaining = due
	in.EndingBalance = &end
	c.Balance = end
	in.CustomerName, in.CustomerEmail, in.CustomerAddress = c.Name, c.Email, c.Address
	if err := tx.UpdateCustomer(c); err != nil {
		return err
	}
	// As on Stripe, only a balance change is a customer.updated; the
	// sequence moves silently.
	if cprev.Balance != c.Balance {
		if err := emit(tx, "customer.updated", "customer", c, &cprev); err != nil {
			return err
		}
	}
	in.Status = billing.InvoiceOpen
	in.StatusTransitions.FinalizedAt = &now
	in.AutomaticallyFinalizesAt = nil
	in.EffectiveAt = &now
	if in.CollectionMethod == "send_invoice" && in.DueDate == nil {
		d := now + 30*86400
		in.DueDate = &d
	}
	if err := endOnceDiscounts(tx, in, now); err != nil {
		return err
	}
	if in.AmountDue == 0 {
		in.Status = billing.InvoicePaid
		in.StatusTransitions.PaidAt = &now
		in.AutoAdvance = false
	}
	if err := tx.UpdateInvoice(in); err != nil {
		return err
	}
	if err := emit(tx, "invoice.finalized", "invoice", in, prev); err != nil {
		return err
	}
	if in.Status == billing.InvoicePaid {
		if err := emit(tx, "invoice.paid", "invoice", in, nil); err != nil {
			return err
		}
		return emit(tx, "invoice.payment_succeeded", "invoice", in, nil)
	}
	return nil
}

// endOnceDiscounts ends the once-only discounts an invoice used.
func endOnceDiscounts(tx billing.Tx, in *billing.Invoice, now int64) error {
	for _, id := range in.Discounts {
		d, err := tx.Discount(id)
		if err != nil {
			return err
		}
		c, err := tx.Coupon(d.Coupon)
		if err != nil {
			return err
		}
		if c.Duration == billing.DurationOnce && d.End == nil {
			end := now + 1
			d.End = &end
			if err := tx.UpdateDiscount(d); err != nil {
				return err
			}
		}
	}
	return nil
}

// cloneInvoice copies an invoice deeply enough that changing the copy's
// fields, lines and discounts leaves the original as it was (for the
// previous state an event records).
func cloneInvoice(in *billing.Invoice) *billing.Invoice {
	c := *in
	c.Lines = make([]billing.InvoiceLine, len(in.Lines))
	for i, l := range in.Lines {
		l.DiscountAmounts = slices.Clone(l.DiscountAmounts)
		c.Lines[i] = l
	}
	c.Discounts = slices.Clone(in.Discounts)
	c.TotalDiscountAmounts = slices.Clone(in.TotalDiscountAmounts)
	c.Metadata = maps.Clone(in.Metadata)
	return &c
}

// cloneSub copies a subscription deeply enough to keep its previous state.
func cloneSub(s *billing.Subscription) *billing.Subscription {
	c := *s
	c.Items = make([]billing.SubscriptionItem, len(s.Items))
	for i, it := range s.Items {
		it.Discounts = slices.Clone(it.Discounts)
		it.Metadata = maps.Clone(it.Metadata)
		c.Items[i] = it
	}
	c.Discounts = slices.Clone(s.Discounts)
	c.Metadata = maps.Clone(s.Metadata)
	if s.PauseCollection != nil {
		pc := *s.PauseCollection
		c.PauseCollection = &pc
	}
	if s.PendingUpdate != nil {
		pu := *s.PendingUpdate
		pu.SubscriptionItems = slices.Clone(pu.SubscriptionItems)
		c.PendingUpdate = &pu
	}
	return &c
}
