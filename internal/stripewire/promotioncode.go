package stripewire

import (
	"errors"

	"github.com/porticohq/portico/internal/billing"
)

// promotionCode renders a PromotionCode (placeholder until its shape is written).
func (r *Renderer) promotionCode(o *billing.PromotionCode, e Expand) (any, error) {
	return nil, errors.New("stripewire: PromotionCode shape not written yet")
}
