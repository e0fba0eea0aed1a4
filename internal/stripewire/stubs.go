package stripewire

import (
	"errors"

	"github.com/porticohq/portico/internal/billing"
)

// Placeholders until each object's shape is written in its own file.
var errNoShape = errors.New("stripewire: shape not written yet")

func (r *Renderer) product(p *billing.Product, e Expand) (any, error) { return nil, errNoShape }
func (r *Renderer) price(p *billing.Price, e Expand) (any, error)     { return nil, errNoShape }
func (r *Renderer) coupon(c *billing.Coupon, e Expand) (any, error)   { return nil, errNoShape }
func (r *Renderer) promotionCode(p *billing.PromotionCode, e Expand) (any, error) {
	return nil, errNoShape
}
func (r *Renderer) taxID(t *billing.TaxID, e Expand) (any, error)         { return nil, errNoShape }
func (r *Renderer) testClock(c *billing.TestClock, e Expand) (any, error) { return nil, errNoShape }
