package api

import (
	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
	"github.com/porticohq/portico/internal/stripewire"
)

// page reads limit, starting_after and ending_before.
func page(f *stripewire.Form) billing.Page {
	p := billing.Page{Limit: limitParam(f)}
	p.StartingAfter, _ = f.NonEmptyString("starting_after")
	p.EndingBefore, _ = f.NonEmptyString("ending_before")
	if p.StartingAfter != "" && p.EndingBefore != "" {
		f.Fail(billing.Invalid("ending_before", "parameters_exclusive", "You may only specify one of these parameters: starting_after, ending_before."))
	}
	return p
}

// rangeParam reads a range filter: key=N or key[gt|gte|lt|lte]=N.
func rangeParam(f *stripewire.Form, key string) billing.Range {
	var r billing.Range
	if !f.Has(key) {
		return r
	}
	if sub, _ := f.Hash(key); sub != nil {
		for _, op := range []struct {
			name string
			dst  **int64
		}{{"gt", &r.GT}, {"gte", &r.GTE}, {"lt", &r.LT}, {"lte", &r.LTE}} {
			if v, ok := sub.Int(op.name); ok {
				x := v
				*op.dst = &x
			}
		}
		return r
	}
	if v, ok := f.Int(key); ok {
		a, b := v, v
		r.GTE, r.LTE = &a, &b
	}
	return r
}

// optBool reads an optional boolean filter.
func optBool(f *stripewire.Form, key string) *bool {
	if b, ok := f.Bool(key); ok {
		return &b
	}
	return nil
}

// address reads an address hash; sent empty, it clears the address.
func address(f *stripewire.Form, key string) service.Field[*billing.Address] {
	sub, cleared := f.Hash(key)
	if cleared {
		return service.Set[*billing.Address](nil)
	}
	if sub == nil {
		return service.Field[*billing.Address]{}
	}
	a := &billing.Address{}
	a.City, _ = sub.String("city")
	a.Country, _ = sub.String("country")
	a.Line1, _ = sub.String("line1")
	a.Line2, _ = sub.String("line2")
	a.PostalCode, _ = sub.String("postal_code")
	a.State, _ = sub.String("state")
	for _, v := range []struct {
		k string
		s string
		n int
	}{{"city", a.City, 200}, {"country", a.Country, 2}, {"line1", a.Line1, 200}, {"line2", a.Line2, 200}, {"postal_code", a.PostalCode, 20}, {"state", a.State, 200}} {
		sub.MaxLen(v.k, v.s, v.n)
	}
	return service.Set(a)
}

// str reads an optional string into a Field, checking its length.
func str(f *stripewire.Form, key string, max int) service.Field[string] {
	v, ok := f.String(key)
	if !ok {
		return service.Field[string]{}
	}
	f.MaxLen(key, v, max)
	return service.Set(v)
}

// nonEmpty reads an optional string that may not be cleared.
func nonEmpty(f *stripewire.Form, key string, max int) service.Field[string] {
	v, ok := f.NonEmptyString(key)
	if !ok {
		return service.Field[string]{}
	}
	f.MaxLen(key, v, max)
	return service.Set(v)
}

// searchResult converts one page of a service search into the search_result
// object served at url.
func searchResult[T any](url string, res service.SearchPage[T], err error) (any, error) {
	if err != nil {
		return nil, err
	}
	out := stripewire.SearchResult{URL: url, HasMore: res.HasMore, NextPage: res.NextPage, Data: make([]any, 0, len(res.Data))}
	for _, v := range res.Data {
		out.Data = append(out.Data, v)
	}
	return out, nil
}

// limitParam reads limit: 1 to 100, 10 when not sent.
func limitParam(f *stripewire.Form) int {
	l, ok := f.Int("limit")
	if !ok {
		return 10
	}
	if l < 1 || l > 100 {
		f.Fail(billing.Invalid("limit", "parameter_invalid_integer", "Invalid limit: must be between 1 and 100"))
	}
	return int(l)
}

// searchParams reads a search's query, limit and page.
func searchParams(f *stripewire.Form) (query string, limit int, page string) {
	query = f.RequiredString("query")
	limit = limitParam(f)
	page, _ = f.NonEmptyString("page")
	return query, limit, page
}
