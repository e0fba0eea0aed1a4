package stripewire

import (
	"errors"

	"github.com/porticohq/portico/internal/billing"
)

// coupon renders a Coupon (placeholder until its shape is written).
func (r *Renderer) coupon(o *billing.Coupon, e Expand) (any, error) {
	return nil, errors.New("stripewire: Coupon shape not written yet")
}
