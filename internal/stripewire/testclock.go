package stripewire

import (
	"errors"

	"github.com/porticohq/portico/internal/billing"
)

// testClock renders a TestClock (placeholder until its shape is written).
func (r *Renderer) testClock(o *billing.TestClock, e Expand) (any, error) {
	return nil, errors.New("stripewire: TestClock shape not written yet")
}
