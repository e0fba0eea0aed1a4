package sqlstore

import (
	"maps"
	"slices"

	"github.com/porticohq/portico/internal/billing"
)

// Deep copies of the objects whose decoded form the row cache keeps (see
// getShared). Each starts from a copy of the struct and then copies every
// pointer, slice and map in it. TestClonesShareNothing fills every field of
// each type and checks that the copy equals the original and shares no
// memory with it, so a field added later without its copy here fails it.

func cloneCustomer(c *billing.Customer) *billing.Customer {
	cp := *c
	cp.Address = clonePtr(c.Address)
	cp.Shipping = clonePtr(c.Shipping)
	cp.InvoiceSettings.CustomFields = slices.Clone(c.InvoiceSettings.CustomFields)
	cp.PreferredLocales = slices.Clone(c.PreferredLocales)
	cp.Metadata = maps.Clone(c.Metadata)
	return &cp
}

func cloneSubscription(s *billing.Subscription) *billing.Subscription {
	cp := *s
	cp.Items = cloneItems(s.Items)
	cp.CancelAt = clonePtr(s.CancelAt)
	cp.CanceledAt = clonePtr(s.CanceledAt)
	cp.EndedAt = clonePtr(s.EndedAt)
	cp.TrialStart = clonePtr(s.TrialStart)
	cp.TrialEnd = clonePtr(s.TrialEnd)
	cp.DaysUntilDue = clonePtr(s.DaysUntilDue)
	cp.Discounts = slices.Clone(s.Discounts)
	if s.PauseCollection != nil {
		pc := *s.PauseCollection
		pc.ResumesAt = clonePtr(pc.ResumesAt)
		cp.PauseCollection = &pc
	}
	cp.Metadata = maps.Clone(s.Metadata)
	if s.ScheduledChange != nil {
		sc := *s.ScheduledChange
		sc.Items = slices.Clone(sc.Items)
		cp.ScheduledChange = &sc
	}
	cp.Collecting = slices.Clone(s.Collecting)
	if s.PendingUpdate != nil {
		pu := *s.PendingUpdate
		pu.BillingCycleAnchor = clonePtr(pu.BillingCycleAnchor)
		pu.SubscriptionItems = cloneItems(pu.SubscriptionItems)
		pu.TrialEnd = clonePtr(pu.TrialEnd)
		cp.PendingUpdate = &pu
	}
	return &cp
}

func cloneItems(items []billing.SubscriptionItem) []billing.SubscriptionItem {
	items = slices.Clone(items)
	for i := range items {
		items[i].Discounts = slices.Clone(items[i].Discounts)
		items[i].Metadata = maps.Clone(items[i].Metadata)
	}
	return items
}

func clonePrice(p *billing.Price) *billing.Price {
	cp := *p
	cp.UnitAmount = clonePtr(p.UnitAmount)
	if p.Recurring != nil {
		r := *p.Recurring
		r.TrialPeriodDays = clonePtr(r.TrialPeriodDays)
		cp.Recurring = &r
	}
	cp.Tiers = slices.Clone(p.Tiers)
	for i := range cp.Tiers {
		t := &cp.Tiers[i]
		t.UpTo, t.UnitAmount, t.FlatAmount = clonePtr(t.UpTo), clonePtr(t.UnitAmount), clonePtr(t.FlatAmount)
	}
	cp.TransformQuantity = clonePtr(p.TransformQuantity)
	cp.Metadata = maps.Clone(p.Metadata)
	return &cp
}

func cloneProduct(p *billing.Product) *billing.Product {
	cp := *p
	cp.Images = slices.Clone(p.Images)
	cp.MarketingFeatures = slices.Clone(p.MarketingFeatures)
	cp.PackageDimensions = clonePtr(p.PackageDimensions)
	cp.Shippable = clonePtr(p.Shippable)
	cp.Metadata = maps.Clone(p.Metadata)
	return &cp
}

func cloneCoupon(c *billing.Coupon) *billing.Coupon {
	cp := *c
	cp.PercentOff = clonePtr(c.PercentOff)
	cp.AmountOff = clonePtr(c.AmountOff)
	cp.DurationInMonths = clonePtr(c.DurationInMonths)
	cp.MaxRedemptions = clonePtr(c.MaxRedemptions)
	cp.RedeemBy = clonePtr(c.RedeemBy)
	if c.AppliesTo != nil {
		a := *c.AppliesTo
		a.Products = slices.Clone(a.Products)
		cp.AppliesTo = &a
	}
	cp.Metadata = maps.Clone(c.Metadata)
	return &cp
}

func cloneDiscount(d *billing.Discount) *billing.Discount {
	cp := *d
	cp.End = clonePtr(d.End)
	return &cp
}

// clonePtr returns a pointer to a copy of *p, or nil. Only for types
// without pointers, slices or maps of their own.
func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func clonePaymentMethod(pm *billing.PaymentMethod) *billing.PaymentMethod {
	cp := *pm
	cp.BillingDetails.Address = clonePtr(pm.BillingDetails.Address)
	cp.Card.Behavior.AttachDecline = clonePtr(pm.Card.Behavior.AttachDecline)
	cp.Card.Behavior.ChargeDecline = clonePtr(pm.Card.Behavior.ChargeDecline)
	cp.Metadata = maps.Clone(pm.Metadata)
	return &cp
}

func cloneInvoiceSummary(s *billing.InvoiceSummary) *billing.InvoiceSummary {
	cp := *s
	st := &cp.StatusTransitions
	st.FinalizedAt, st.MarkedUncollectibleAt = clonePtr(st.FinalizedAt), clonePtr(st.MarkedUncollectibleAt)
	st.PaidAt, st.VoidedAt = clonePtr(st.PaidAt), clonePtr(st.VoidedAt)
	return &cp
}
