package service

import (
	"testing"

	"github.com/porticohq/portico/internal/billing"
)

func TestNextDue(t *testing.T) {
	p := func(v int64) *int64 { return &v }
	item := []billing.SubscriptionItem{{CurrentPeriodStart: 1000, CurrentPeriodEnd: 1000 + 30*86400}}
	pe := int64(1000 + 30*86400)
	for _, tt := range []struct {
		name   string
		sub    billing.Subscription
		latest *billing.Invoice
		want   int64
	}{
		{"active: upcoming notice first", billing.Subscription{Status: billing.SubActive, Items: item}, nil, pe - NoticeLead},
		{"notice sent: renewal", billing.Subscription{Status: billing.SubActive, Items: item, UpcomingSentFor: pe}, nil, pe},
		{"canceling: no notice", billing.Subscription{Status: billing.SubActive, Items: item, CancelAtPeriodEnd: true, CancelAt: p(pe)}, nil, pe},
		{"cancel_at earlier", billing.Subscription{Status: billing.SubActive, Items: item, UpcomingSentFor: pe, CancelAt: p(5000)}, nil, 5000},
		{"incomplete: expiry only", billing.Subscription{Status: billing.SubIncomplete, Items: item, Created: 1000}, nil, 1000 + incompleteExpiry},
		{"draft to finalize", billing.Subscription{Status: billing.SubActive, Items: item, UpcomingSentFor: pe},
			&billing.Invoice{Status: billing.InvoiceDraft, AutoAdvance: true, AutomaticallyFinalizesAt: p(4600)}, 4600},
		{"retry", billing.Subscription{Status: billing.SubPastDue, Items: item, UpcomingSentFor: pe},
			&billing.Invoice{Status: billing.InvoiceOpen, NextPaymentAttempt: p(9000)}, 9000},
		{"trial notice", billing.Subscription{Status: billing.SubTrialing, Items: item, TrialEnd: p(pe), Created: 1000}, nil, pe - NoticeLead},
		{"paused", billing.Subscription{Status: billing.SubPaused, Items: item}, nil, 0},
		{"canceled", billing.Subscription{Status: billing.SubCanceled, Items: item}, nil, 0},
	} {
		if got := nextDue(&tt.sub, tt.latest); got != tt.want {
			t.Errorf("%s: nextDue = %d, want %d", tt.name, got, tt.want)
		}
	}
}
