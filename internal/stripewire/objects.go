package stripewire

import (
	"encoding/json"
	"fmt"
	"sync"

	"github.com/porticohq/portico/internal/billing"
)

// Events keep their object as domain JSON with its kind ("customer",
// "price", ...). kinds maps each kind to the domain type to decode it into,
// so the object can be rendered in whatever API version a reader asks for.
var (
	kindsMu sync.RWMutex
	kinds   = map[string]func() any{
		"customer":                func() any { return new(billing.Customer) },
		"product":                 func() any { return new(billing.Product) },
		"price":                   func() any { return new(billing.Price) },
		"payment_method":          func() any { return new(billing.PaymentMethod) },
		"coupon":                  func() any { return new(billing.Coupon) },
		"promotion_code":          func() any { return new(billing.PromotionCode) },
		"tax_id":                  func() any { return new(billing.TaxID) },
		"test_helpers.test_clock": func() any { return new(billing.TestClock) },
		"subscription":            func() any { return new(billing.Subscription) },
	}
)

// RegisterKind tells DecodeKind how to decode objects of kind; packages that
// add object types register them at start-up (in an init function).
func RegisterKind(kind string, newObject func() any) {
	kindsMu.Lock()
	defer kindsMu.Unlock()
	kinds[kind] = newObject
}

// DecodeKind decodes the domain JSON of an object of kind.
func DecodeKind(kind string, data []byte) (any, error) {
	kindsMu.RLock()
	newObject := kinds[kind]
	kindsMu.RUnlock()
	if newObject == nil {
		return nil, fmt.Errorf("stripewire: unknown object kind %q", kind)
	}
	v := newObject()
	if err := json.Unmarshal(data, v); err != nil {
		return nil, fmt.Errorf("stripewire: decode %s: %w", kind, err)
	}
	return v, nil
}
