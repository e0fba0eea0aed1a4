package service

import (
	"context"
	"encoding/base64"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/searchquery"
)

// SearchPage is one page of search results.
type SearchPage[T any] struct {
	Data     []T
	HasMore  bool
	NextPage string
}

// customerSearchSchema lists the fields /v1/customers/search supports.
var customerSearchSchema = searchquery.Schema{
	"email":    searchquery.KindString,
	"name":     searchquery.KindString,
	"phone":    searchquery.KindString,
	"created":  searchquery.KindNumber,
	"metadata": searchquery.KindMetadata,
}

// parseSearch parses a query and a page cursor.
func parseSearch(query string, schema searchquery.Schema, page string) (*searchquery.Query, string, error) {
	if query == "" {
		return nil, "", billing.Missing("query")
	}
	q, err := searchquery.Parse(query, schema)
	if err != nil {
		return nil, "", billing.Invalid("query", "parameter_invalid", "%s", err.Error())
	}
	after := ""
	if page != "" {
		b, err := base64.RawURLEncoding.DecodeString(page)
		if err != nil {
			return nil, "", billing.Invalid("page", "parameter_invalid", "Invalid page: use the next_page value of a previous search.")
		}
		after = string(b)
	}
	return q, after, nil
}

// collect gathers one page of matches from a newest-first scan, starting
// after the object with id after.
func collect[T any](scan func(fn func(T) bool) error, id func(T) string, match func(T) bool, after string, limit int) (SearchPage[T], error) {
	var out SearchPage[T]
	skipping := after != ""
	err := scan(func(v T) bool {
		if skipping {
			if id(v) == after {
				skipping = false
			}
			return true
		}
		if !match(v) {
			return true
		}
		if len(out.Data) == limit {
			out.HasMore = true
			return false
		}
		out.Data = append(out.Data, v)
		return true
	})
	if out.HasMore && len(out.Data) > 0 {
		out.NextPage = base64.RawURLEncoding.EncodeToString([]byte(id(out.Data[len(out.Data)-1])))
	}
	return out, err
}

// search runs query (against schema) over the objects scan yields, newest
// first, and returns one page of matches.
func search[T any](s *Service, ctx context.Context, query string, schema searchquery.Schema, limit int, page string,
	scan func(tx billing.Tx) func(fn func(T) bool) error, id func(T) string, record func(T) searchquery.Record) (SearchPage[T], error) {
	var out SearchPage[T]
	q, after, err := parseSearch(query, schema, page)
	if err != nil {
		return out, err
	}
	err = s.view(ctx, func(tx billing.Tx) error {
		var err error
		out, err = collect(scan(tx), id, func(v T) bool { return q.Match(record(v)) }, after, limit)
		return err
	})
	return out, err
}

// SearchCustomers runs a search query over customers. Unlike Stripe's,
// results are current at once (no indexing delay).
func (s *Service) SearchCustomers(ctx context.Context, query string, limit int, page string) (SearchPage[*billing.Customer], error) {
	return search(s, ctx, query, customerSearchSchema, limit, page,
		func(tx billing.Tx) func(func(*billing.Customer) bool) error { return tx.ScanCustomers },
		func(c *billing.Customer) string { return c.ID },
		func(c *billing.Customer) searchquery.Record { return customerRecord{c} })
}
