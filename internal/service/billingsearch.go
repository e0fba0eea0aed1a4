package service

import (
	"context"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/searchquery"
)

// The fields /v1/subscriptions/search and /v1/invoices/search support, as
// Stripe's.
var (
	subscriptionSearchSchema = searchquery.Schema{
		"status": searchquery.KindString, "created": searchquery.KindNumber, "metadata": searchquery.KindMetadata,
	}
	invoiceSearchSchema = searchquery.Schema{
		"created": searchquery.KindNumber, "currency": searchquery.KindString, "customer": searchquery.KindString,
		"metadata": searchquery.KindMetadata, "number": searchquery.KindString, "status": searchquery.KindString,
		"subscription": searchquery.KindString, "total": searchquery.KindNumber,
	}
)

// SearchSubscriptions runs a search query over subscriptions.
func (s *Service) SearchSubscriptions(ctx context.Context, query string, limit int, page string) (SearchPage[*billing.Subscription], error) {
	return search(s, ctx, query, subscriptionSearchSchema, limit, page,
		func(tx billing.Tx) func(func(*billing.Subscription) bool) error { return tx.ScanSubscriptions },
		func(v *billing.Subscription) string { return v.ID },
		func(v *billing.Subscription) searchquery.Record { return subscriptionRecord{v} })
}

// SearchInvoices runs a search query over invoices.
func (s *Service) SearchInvoices(ctx context.Context, query string, limit int, page string) (SearchPage[*billing.Invoice], error) {
	return search(s, ctx, query, invoiceSearchSchema, limit, page,
		func(tx billing.Tx) func(func(*billing.Invoice) bool) error { return tx.ScanInvoices },
		func(v *billing.Invoice) string { return v.ID },
		func(v *billing.Invoice) searchquery.Record { return invoiceRecord{v} })
}

type subscriptionRecord struct{ s *billing.Subscription }

// Field returns a subscription field's value for the search language.
func (r subscriptionRecord) Field(name, key string) (string, bool) {
	switch name {
	case "status":
		return r.s.Status, true
	case "created":
		return itoa(r.s.Created), true
	case "metadata":
		v, ok := r.s.Metadata[key]
		return v, ok
	}
	return "", false
}

type invoiceRecord struct{ in *billing.Invoice }

// Field returns an invoice field's value for the search language.
func (r invoiceRecord) Field(name, key string) (string, bool) {
	in := r.in
	switch name {
	case "created":
		return itoa(in.Created), true
	case "currency":
		return in.Currency, true
	case "customer":
		return in.Customer, true
	case "number":
		return in.Number, in.Number != ""
	case "status":
		return in.Status, true
	case "subscription":
		return in.Subscription, in.Subscription != ""
	case "total":
		return itoa(in.Total), true
	case "metadata":
		v, ok := in.Metadata[key]
		return v, ok
	}
	return "", false
}
