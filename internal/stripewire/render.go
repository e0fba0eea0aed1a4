package stripewire

import (
	"context"
	"errors"
	"fmt"

	"github.com/porticohq/portico/internal/billing"
)

// Loader fetches the domain object of a type by id, for expansion.
type Loader interface {
	Load(ctx context.Context, objectType, id string) (any, error)
}

// Renderer turns domain objects into Stripe's JSON shapes for one API
// version, expanding references as asked.
type Renderer struct {
	Ctx     context.Context
	Version Version
	Loader  Loader
	// PublicURL is the base of the links Portico hands out (hosted pages).
	PublicURL string
}

// ListResult is one page of a list, to be rendered as Stripe's list object.
type ListResult struct {
	URL     string
	Data    []any
	HasMore bool
}

// SearchResult is one page of a search, rendered as a search_result.
type SearchResult struct {
	URL        string
	Data       []any
	HasMore    bool
	NextPage   string
	TotalCount *int64
}

// Deleted is a deleted object, rendered as {id, object, deleted: true}.
type Deleted struct {
	ID     string
	Object string
}

// ListOf converts a page of domain objects for rendering.
func ListOf[T any](url string, l billing.List[T]) ListResult {
	data := make([]any, len(l.Data))
	for i, v := range l.Data {
		data[i] = v
	}
	return ListResult{URL: url, Data: data, HasMore: l.HasMore}
}

type listJSON struct {
	Object  string `json:"object"`
	Data    []any  `json:"data"`
	HasMore bool   `json:"has_more"`
	URL     string `json:"url"`
}

type searchJSON struct {
	Object     string  `json:"object"`
	Data       []any   `json:"data"`
	HasMore    bool    `json:"has_more"`
	NextPage   *string `json:"next_page"`
	URL        string  `json:"url"`
	TotalCount *int64  `json:"total_count,omitempty"`
}

type deletedJSON struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Deleted bool   `json:"deleted"`
}

// Render returns the JSON-ready value for obj.
func (r *Renderer) Render(obj any, e Expand) (any, error) {
	switch o := obj.(type) {
	case ListResult:
		data, err := r.items(o.Data, e)
		if err != nil {
			return nil, err
		}
		return listJSON{Object: "list", Data: data, HasMore: o.HasMore, URL: o.URL}, nil
	case SearchResult:
		data, err := r.items(o.Data, e)
		if err != nil {
			return nil, err
		}
		var next *string
		if o.NextPage != "" {
			next = &o.NextPage
		}
		return searchJSON{Object: "search_result", Data: data, HasMore: o.HasMore, NextPage: next, URL: o.URL, TotalCount: o.TotalCount}, nil
	case Deleted:
		return deletedJSON{ID: o.ID, Object: o.Object, Deleted: true}, nil
	case *billing.Customer:
		if o.Deleted {
			return deletedJSON{ID: o.ID, Object: "customer", Deleted: true}, nil
		}
		return r.customer(o, e)
	case *billing.Product:
		return r.product(o, e)
	case *billing.Price:
		return r.price(o, e)
	case *billing.PaymentMethod:
		return r.paymentMethod(o, e)
	case *billing.Coupon:
		return r.coupon(o, e)
	case *billing.PromotionCode:
		return r.promotionCode(o, e)
	case *billing.TaxID:
		return r.taxID(o, e)
	case *billing.TestClock:
		return r.testClock(o, e)
	}
	for _, ext := range extensions {
		if v, ok, err := ext(r, obj, e); ok {
			return v, err
		}
	}
	return nil, fmt.Errorf("stripewire: no renderer for %T", obj)
}

// items renders the data of a list or search result; their expansions are
// under data. in e.
func (r *Renderer) items(objs []any, e Expand) ([]any, error) {
	sub, _ := e.Sub("data")
	data := make([]any, len(objs))
	for i, v := range objs {
		w, err := r.Render(v, sub)
		if err != nil {
			return nil, err
		}
		data[i] = w
	}
	return data, nil
}

// Extension renders objects of types this file does not know; ok is false
// for objects it does not handle either.
type Extension func(r *Renderer, obj any, e Expand) (v any, ok bool, err error)

var extensions []Extension

// RegisterRenderer adds an Extension; call it at start-up only.
func RegisterRenderer(ext Extension) { extensions = append(extensions, ext) }

// Ref returns the reference to the object of objectType with id, expanded
// when path is in e.
func (r *Renderer) Ref(objectType, id string, e Expand, path string) (Ref, error) {
	if id == "" {
		return Ref{}, nil
	}
	sub, ok := e.Sub(path)
	if !ok {
		return Ref{ID: id}, nil
	}
	if objectType == "" || r.Loader == nil {
		return Ref{}, nil
	}
	obj, err := r.Loader.Load(r.Ctx, objectType, id)
	if errors.Is(err, billing.ErrNotFound) {
		return Ref{Obj: deletedJSON{ID: id, Object: objectType, Deleted: true}}, nil
	}
	if err != nil {
		return Ref{}, err
	}
	w, err := r.Render(obj, sub)
	if err != nil {
		return Ref{}, err
	}
	return Ref{Obj: w}, nil
}

// ns returns nil for an empty string: Stripe's null for unset fields.
func ns(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// metadata returns m, or an empty map: Stripe sends {} for no metadata.
func metadata(m billing.Metadata) billing.Metadata {
	if m == nil {
		return billing.Metadata{}
	}
	return m
}

// strs returns s, or an empty array.
func strs(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
