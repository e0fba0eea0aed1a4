package api

import (
	"context"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
	"github.com/porticohq/portico/internal/stripewire"
)

func (a *API) testClockRoutes() {
	a.handle("POST /v1/test_helpers/test_clocks", "test_helpers.test_clock", a.createTestClock)
	a.handle("GET /v1/test_helpers/test_clocks", "list:test_helpers.test_clock", a.listTestClocks)
	a.handle("GET /v1/test_helpers/test_clocks/{id}", "test_helpers.test_clock", a.getTestClock)
	a.handle("DELETE /v1/test_helpers/test_clocks/{id}", "deleted", a.deleteTestClock)
	a.handle("POST /v1/test_helpers/test_clocks/{id}/advance", "test_helpers.test_clock", a.advanceTestClock)
}

// frozenTime reads the required frozen_time parameter.
func frozenTime(f *stripewire.Form) int64 {
	t, ok := f.Int("frozen_time")
	if !ok && !f.Failed() {
		f.Fail(billing.Missing("frozen_time"))
	}
	return t
}

func (a *API) createTestClock(r *Req) Run {
	t := frozenTime(r.Form)
	name := str(r.Form, "name", service.MaxClockNameLen).Value
	return func(ctx context.Context) (any, error) { return a.svc.CreateTestClock(ctx, t, name) }
}

func (a *API) getTestClock(r *Req) Run {
	id := r.PathValue("id")
	return func(ctx context.Context) (any, error) { return a.svc.TestClock(ctx, id) }
}

func (a *API) listTestClocks(r *Req) Run {
	p := page(r.Form)
	return func(ctx context.Context) (any, error) {
		l, err := a.svc.ListTestClocks(ctx, p)
		return stripewire.ListOf("/v1/test_helpers/test_clocks", l), err
	}
}

func (a *API) deleteTestClock(r *Req) Run {
	id := r.PathValue("id")
	return func(ctx context.Context) (any, error) {
		c, err := a.svc.DeleteTestClock(ctx, id)
		if err != nil {
			return nil, err
		}
		return stripewire.Deleted{ID: c.ID, Object: "test_helpers.test_clock"}, nil
	}
}

func (a *API) advanceTestClock(r *Req) Run {
	id := r.PathValue("id")
	t := frozenTime(r.Form)
	return func(ctx context.Context) (any, error) { return a.svc.AdvanceTestClock(ctx, id, t) }
}
