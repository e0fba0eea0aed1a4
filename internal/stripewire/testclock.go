package stripewire

import "github.com/porticohq/portico/internal/billing"

type testClockAdvancingJSON struct {
	TargetFrozenTime int64 `json:"target_frozen_time"`
}

// testClockStatusDetailsJSON is {} unless the clock is advancing.
type testClockStatusDetailsJSON struct {
	Advancing *testClockAdvancingJSON `json:"advancing,omitempty"`
}

type testClockJSON struct {
	ID            string                     `json:"id"`
	Object        string                     `json:"object"`
	Created       int64                      `json:"created"`
	DeletesAfter  int64                      `json:"deletes_after"`
	FrozenTime    int64                      `json:"frozen_time"`
	Livemode      bool                       `json:"livemode"`
	Name          *string                    `json:"name"`
	Status        string                     `json:"status"`
	StatusDetails testClockStatusDetailsJSON `json:"status_details"`
}

// testClock renders a test clock.
func (r *Renderer) testClock(c *billing.TestClock, e Expand) (any, error) {
	out := testClockJSON{
		ID: c.ID, Object: "test_helpers.test_clock", Created: c.Created, DeletesAfter: c.DeletesAfter,
		FrozenTime: c.FrozenTime, Livemode: c.Livemode, Name: ns(c.Name), Status: c.Status,
	}
	if c.Status == billing.ClockAdvancing {
		out.StatusDetails.Advancing = &testClockAdvancingJSON{TargetFrozenTime: c.AdvancingTo}
	}
	return out, nil
}
