package stripewire

import (
	"errors"

	"github.com/porticohq/portico/internal/billing"
)

// taxID renders a TaxID (placeholder until its shape is written).
func (r *Renderer) taxID(o *billing.TaxID, e Expand) (any, error) {
	return nil, errors.New("stripewire: TaxID shape not written yet")
}
