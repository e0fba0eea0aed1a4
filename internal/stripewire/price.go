package stripewire

import (
	"errors"

	"github.com/porticohq/portico/internal/billing"
)

// price renders a Price (placeholder until its shape is written).
func (r *Renderer) price(o *billing.Price, e Expand) (any, error) {
	return nil, errors.New("stripewire: Price shape not written yet")
}
