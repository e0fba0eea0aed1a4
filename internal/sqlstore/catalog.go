package sqlstore

import "github.com/porticohq/portico/internal/billing"

var (
	productsTable = &docTable{name: "products", noun: "product", cols: []string{"active"}}
	pricesTable   = &docTable{name: "prices", noun: "price", cols: []string{"product", "active", "currency", "type", "lookup_key"}}
)

// Product returns the product with id.
func (t *tx) Product(id string) (*billing.Product, error) {
	return getDoc[billing.Product](t, productsTable, id, false)
}

// InsertProduct adds p.
func (t *tx) InsertProduct(p *billing.Product) error {
	return t.insert(productsTable, p.ID, p.Created, p, boolInt(p.Active))
}

// UpdateProduct stores p.
func (t *tx) UpdateProduct(p *billing.Product) error {
	return t.update(productsTable, p.ID, p, boolInt(p.Active))
}

// DeleteProduct deletes the product with id.
func (t *tx) DeleteProduct(id string) error { return t.markDeleted(productsTable, id) }

// ListProducts lists products.
func (t *tx) ListProducts(f billing.ProductFilter, p billing.Page) (billing.List[*billing.Product], error) {
	var cs []cond
	if f.Active != nil {
		cs = append(cs, eq("active", boolInt(*f.Active)))
	}
	if f.IDs != nil {
		cs = append(cs, inList("id", f.IDs))
	}
	cs = append(cs, rangeConds("created", f.Created)...)
	if f.Shippable == nil && f.URL == "" {
		return listDocs[billing.Product](t, productsTable, cs, p)
	}
	// Shippable and url are rare filters kept only in the JSON: filter in Go.
	var all []*billing.Product
	err := scanDocs(t, productsTable, cs, func(pr *billing.Product) bool {
		if f.Shippable != nil && (pr.Shippable == nil || *pr.Shippable != *f.Shippable) {
			return true
		}
		if f.URL != "" && pr.URL != f.URL {
			return true
		}
		all = append(all, pr)
		return true
	})
	if err != nil {
		return billing.List[*billing.Product]{}, err
	}
	return pageOf(all, p, func(pr *billing.Product) string { return pr.ID }, "product")
}

// ScanProducts calls fn for every product, newest first.
func (t *tx) ScanProducts(fn func(*billing.Product) bool) error {
	return scanDocs(t, productsTable, nil, fn)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Price returns the price with id.
func (t *tx) Price(id string) (*billing.Price, error) {
	return getDoc[billing.Price](t, pricesTable, id, false)
}

// PriceByLookupKey returns the price with the lookup key.
func (t *tx) PriceByLookupKey(key string) (*billing.Price, error) {
	return getDocWhere[billing.Price](t, pricesTable, eq("lookup_key", key))
}

// InsertPrice adds p; billing.ErrConflict when its lookup key is taken.
func (t *tx) InsertPrice(p *billing.Price) error {
	return t.insert(pricesTable, p.ID, p.Created, p, p.Product, boolInt(p.Active), p.Currency, p.Type, nullable(p.LookupKey))
}

// UpdatePrice stores p; billing.ErrConflict when its lookup key is taken.
func (t *tx) UpdatePrice(p *billing.Price) error {
	return t.update(pricesTable, p.ID, p, p.Product, boolInt(p.Active), p.Currency, p.Type, nullable(p.LookupKey))
}

// ListPrices lists prices.
func (t *tx) ListPrices(f billing.PriceFilter, p billing.Page) (billing.List[*billing.Price], error) {
	var cs []cond
	if f.Active != nil {
		cs = append(cs, eq("active", boolInt(*f.Active)))
	}
	if f.Currency != "" {
		cs = append(cs, eq("currency", f.Currency))
	}
	if f.Product != "" {
		cs = append(cs, eq("product", f.Product))
	}
	if f.Type != "" {
		cs = append(cs, eq("type", f.Type))
	}
	if f.LookupKeys != nil {
		cs = append(cs, inList("lookup_key", f.LookupKeys))
	}
	cs = append(cs, rangeConds("created", f.Created)...)
	if f.Interval == "" {
		return listDocs[billing.Price](t, pricesTable, cs, p)
	}
	var all []*billing.Price
	err := scanDocs(t, pricesTable, cs, func(pr *billing.Price) bool {
		if pr.Recurring != nil && pr.Recurring.Interval == f.Interval {
			all = append(all, pr)
		}
		return true
	})
	if err != nil {
		return billing.List[*billing.Price]{}, err
	}
	return pageOf(all, p, func(pr *billing.Price) string { return pr.ID }, "price")
}

// ScanPrices calls fn for every price, newest first.
func (t *tx) ScanPrices(fn func(*billing.Price) bool) error {
	return scanDocs(t, pricesTable, nil, fn)
}

// ProductHasPrices reports whether any price belongs to the product.
func (t *tx) ProductHasPrices(productID string) (bool, error) {
	var n int
	err := t.q.QueryRowContext(t.ctx, "SELECT count(*) FROM prices WHERE product = ? AND livemode = ? AND deleted = 0", productID, boolInt(t.livemode)).Scan(&n)
	return n > 0, err
}

// pageOf cuts one page out of all (newest first) for filters applied in Go.
func pageOf[T any](all []T, p billing.Page, id func(T) string, noun string) (billing.List[T], error) {
	var out billing.List[T]
	limit := p.Limit
	if limit <= 0 {
		limit = 10
	}
	start, end := 0, len(all)
	if p.StartingAfter != "" {
		start = -1
		for i, v := range all {
			if id(v) == p.StartingAfter {
				start = i + 1
			}
		}
		if start < 0 {
			return out, billing.NoSuchParam("starting_after", noun, p.StartingAfter)
		}
	}
	if p.EndingBefore != "" {
		end = -1
		for i, v := range all {
			if id(v) == p.EndingBefore {
				end = i
			}
		}
		if end < 0 {
			return out, billing.NoSuchParam("ending_before", noun, p.EndingBefore)
		}
		if end-limit > start {
			start = end - limit
			out.HasMore = true
		}
	}
	if end-start > limit {
		end = start + limit
		out.HasMore = true
	}
	out.Data = all[start:end]
	return out, nil
}
