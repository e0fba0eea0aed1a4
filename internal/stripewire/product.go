package stripewire

import (
	"errors"

	"github.com/porticohq/portico/internal/billing"
)

// product renders a Product (placeholder until its shape is written).
func (r *Renderer) product(o *billing.Product, e Expand) (any, error) {
	return nil, errors.New("stripewire: Product shape not written yet")
}
