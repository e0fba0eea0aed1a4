package sqlstore

import (
	"database/sql"
	"errors"

	"github.com/porticohq/portico/internal/billing"
)

var (
	productsTable = &docTable{name: "products", noun: "product", cols: []string{"active"}}
	pricesTable   = &docTable{name: "prices", noun: "price", cols: []string{"product", "active", "currency", "type", "lookup_key"}, unique: true}
)

// Product returns the product with id.
func (t *tx) Product(id string) (*billing.Product, error) {
	return getShared(t, productsTable, id, false, cloneProduct)
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
	return listFiltered(t, productsTable, cs, p, func(pr *billing.Product) bool {
		if f.Shippable != nil && (pr.Shippable == nil || *pr.Shippable != *f.Shippable) {
			return false
		}
		return f.URL == "" || pr.URL == f.URL
	})
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
	return getShared(t, pricesTable, id, false, clonePrice)
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
	return listFiltered(t, pricesTable, cs, p, func(pr *billing.Price) bool {
		return pr.Recurring != nil && pr.Recurring.Interval == f.Interval
	})
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

// listFiltered returns one page of the objects matching conds (in SQL) and
// keep (in Go), newest first, for filters on fields kept only in the JSON.
// Like listDocs, it takes as cursor any object of the table, whether or not
// the filters match it.
func listFiltered[T any](t *tx, tbl *docTable, conds []cond, p billing.Page, keep func(*T) bool) (billing.List[*T], error) {
	var out billing.List[*T]
	limit := p.Limit
	if limit <= 0 {
		limit = 10
	}
	cursor, param, op := p.StartingAfter, "starting_after", "<"
	if p.EndingBefore != "" {
		cursor, param, op = p.EndingBefore, "ending_before", ">"
	}
	if cursor != "" {
		var seq int64
		err := t.q.QueryRowContext(t.ctx, "SELECT seq FROM "+tbl.name+" WHERE id = ? AND livemode = ?", cursor, boolInt(t.livemode)).Scan(&seq)
		if errors.Is(err, sql.ErrNoRows) {
			return out, billing.NoSuchParam(param, tbl.noun, cursor)
		}
		if err != nil {
			return out, err
		}
		conds = append(conds[:len(conds):len(conds)], cond{"seq " + op + " ?", []any{seq}})
	}
	var all []*T
	err := scanDocs(t, tbl, conds, func(v *T) bool {
		if keep(v) {
			all = append(all, v)
		}
		// Going forward, one more than a page tells whether there is more.
		return p.EndingBefore != "" || len(all) <= limit
	})
	if err != nil {
		return out, err
	}
	if len(all) > limit {
		out.HasMore = true
		if p.EndingBefore != "" {
			// The page just before the cursor: the oldest of the newer ones.
			all = all[len(all)-limit:]
		} else {
			all = all[:limit]
		}
	}
	out.Data = all
	return out, nil
}
