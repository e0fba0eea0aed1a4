package e2e

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/porticohq/portico/internal/app"
	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
	stripe "github.com/stripe/stripe-go/v85"
)

// startLive brings up Portico with a live mode secret key.
func startLive(t *testing.T) *env {
	t.Helper()
	return startWith(t, app.Config{SecretKey: "sk_live_" + strings.Repeat("L", 32)})
}

// startClockRunner runs a ClockRunner for e's service until the test ends.
func (e *env) startClockRunner() *service.ClockRunner {
	r := service.NewClockRunner(e.app.Service, slog.New(slog.NewTextHandler(io.Discard, nil)))
	r.Start()
	e.t.Cleanup(r.Stop)
	return r
}

// setClockHooks replaces service.ClockAdvanceHooks for one test. Call it
// before start, so the hooks are in place before anything could run them and
// are restored only after the app (and any runner) has stopped.
func setClockHooks(t *testing.T, hooks ...service.ClockAdvanceHook) {
	saved := service.ClockAdvanceHooks
	service.ClockAdvanceHooks = hooks
	t.Cleanup(func() { service.ClockAdvanceHooks = saved })
}

// newClock creates a test clock through the SDK.
func (e *env) newClock(frozen int64, name string) *stripe.TestHelpersTestClock {
	e.t.Helper()
	p := &stripe.TestHelpersTestClockCreateParams{FrozenTime: stripe.Int64(frozen)}
	if name != "" {
		p.Name = stripe.String(name)
	}
	c, err := e.sc.V1TestHelpersTestClocks.Create(e.ctx, p)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// waitForClock polls the clock until it is no longer advancing, failing
// the test after a deadline.
func (e *env) waitForClock(id string) *stripe.TestHelpersTestClock {
	e.t.Helper()
	deadline := time.Now().Add(patience)
	for {
		c, err := e.sc.V1TestHelpersTestClocks.Retrieve(e.ctx, id, nil)
		if err != nil {
			e.t.Fatal(err)
		}
		if c.Status != stripe.TestHelpersTestClockStatusAdvancing {
			return c
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("clock %s still advancing after %s: %+v", id, patience, c)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

const jan2024 int64 = 1704067200 // 2024-01-01T00:00:00Z

func TestTestClockLifecycle(t *testing.T) {
	e := start(t)
	c := e.newClock(jan2024, "renewals")
	if !strings.HasPrefix(c.ID, "clock_") || c.Object != "test_helpers.test_clock" || c.FrozenTime != jan2024 ||
		c.Name != "renewals" || c.Status != "ready" || c.Livemode || c.Created == 0 {
		t.Fatalf("created = %+v", c)
	}
	if c.DeletesAfter != c.Created+30*24*3600 {
		t.Fatalf("deletes_after %d, want created %d + 30 days", c.DeletesAfter, c.Created)
	}
	if c.StatusDetails == nil || c.StatusDetails.Advancing != nil {
		t.Fatalf("status_details = %+v", c.StatusDetails)
	}
	got, err := e.sc.V1TestHelpersTestClocks.Retrieve(e.ctx, c.ID, nil)
	if err != nil || got.ID != c.ID || got.FrozenTime != jan2024 || got.Name != "renewals" {
		t.Fatalf("retrieve = %+v, %v", got, err)
	}

	ids := []string{c.ID}
	for i := 1; i < 4; i++ {
		ids = append(ids, e.newClock(jan2024+int64(i), "").ID)
	}
	var seen []string
	for x, err := range e.sc.V1TestHelpersTestClocks.List(e.ctx, &stripe.TestHelpersTestClockListParams{ListParams: stripe.ListParams{Limit: stripe.Int64(3)}}).All(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, x.ID)
	}
	if len(seen) != 4 || seen[0] != ids[3] || seen[3] != ids[0] {
		t.Fatalf("list = %v, want newest first of %v", seen, ids)
	}

	del, err := e.sc.V1TestHelpersTestClocks.Delete(e.ctx, c.ID, nil)
	if err != nil || !del.Deleted || del.ID != c.ID {
		t.Fatalf("delete = %+v, %v", del, err)
	}
	_, err = e.once.V1TestHelpersTestClocks.Retrieve(e.ctx, c.ID, nil)
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
	_, err = e.once.V1TestHelpersTestClocks.Delete(e.ctx, c.ID, nil)
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
	r := e.do("GET", "/v1/test_helpers/test_clocks", "")
	if m := r.JSON(t); len(m["data"].([]any)) != 3 || m["url"] != "/v1/test_helpers/test_clocks" || m["object"] != "list" {
		t.Fatalf("list after delete = %s", r.Body)
	}
}

func TestTestClockShapeHasEveryField(t *testing.T) {
	e := start(t)
	r := e.do("POST", "/v1/test_helpers/test_clocks", fmt.Sprintf("frozen_time=%d", jan2024))
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	m := r.JSON(t)
	for _, k := range []string{"created", "deletes_after", "frozen_time", "id", "livemode", "name", "object", "status", "status_details"} {
		if _, ok := m[k]; !ok {
			t.Errorf("test clock lacks %q", k)
		}
	}
	if m["name"] != nil || m["livemode"] != false || m["status"] != "ready" || m["object"] != "test_helpers.test_clock" {
		t.Errorf("test clock = %s", r.Body)
	}
	if sd, ok := m["status_details"].(map[string]any); !ok || len(sd) != 0 {
		t.Errorf("status_details = %v, want {}", m["status_details"])
	}
	id := m["id"].(string)
	r = e.do("POST", "/v1/test_helpers/test_clocks/"+id+"/advance", fmt.Sprintf("frozen_time=%d", jan2024+3600))
	m = r.JSON(t)
	sd, _ := m["status_details"].(map[string]any)
	adv, _ := sd["advancing"].(map[string]any)
	if r.Status != 200 || m["status"] != "advancing" || adv["target_frozen_time"] != float64(jan2024+3600) || m["frozen_time"] != float64(jan2024) {
		t.Errorf("advancing clock = %d %s", r.Status, r.Body)
	}
	r = e.do("DELETE", "/v1/test_helpers/test_clocks/"+id, "")
	if r.Status != 200 || string(r.Body) != fmt.Sprintf(`{"id":"%s","object":"test_helpers.test_clock","deleted":true}`, id) {
		t.Errorf("delete = %d %s", r.Status, r.Body)
	}
}

func TestTestClockErrors(t *testing.T) {
	e := start(t)
	c := e.newClock(jan2024, "")
	adv := "/v1/test_helpers/test_clocks/" + c.ID + "/advance"
	twoYears := time.Unix(jan2024, 0).UTC().AddDate(2, 0, 0).Unix()
	cases := []struct {
		name, method, path, body string
		status                   int
		code, param              string
	}{
		{"missing frozen_time", "POST", "/v1/test_helpers/test_clocks", "name=x", 400, "parameter_missing", "frozen_time"},
		{"bad frozen_time", "POST", "/v1/test_helpers/test_clocks", "frozen_time=soon", 400, "parameter_invalid_integer", "frozen_time"},
		{"negative frozen_time", "POST", "/v1/test_helpers/test_clocks", "frozen_time=-1", 400, "parameter_invalid_integer", "frozen_time"},
		{"name too long", "POST", "/v1/test_helpers/test_clocks", "frozen_time=1&name=" + strings.Repeat("n", 301), 400, "parameter_invalid_string", "name"},
		{"unknown parameter", "POST", "/v1/test_helpers/test_clocks", "frozen_time=1&status=ready", 400, "parameter_unknown", "status"},
		{"bad expand", "GET", "/v1/test_helpers/test_clocks?expand[]=data.name", "", 400, "parameter_invalid", "expand"},
		{"unknown clock", "GET", "/v1/test_helpers/test_clocks/clock_nope", "", 404, "resource_missing", "id"},
		{"delete unknown clock", "DELETE", "/v1/test_helpers/test_clocks/clock_nope", "", 404, "resource_missing", "id"},
		{"advance unknown clock", "POST", "/v1/test_helpers/test_clocks/clock_nope/advance", "frozen_time=1", 404, "resource_missing", "id"},
		{"advance without frozen_time", "POST", adv, "", 400, "parameter_missing", "frozen_time"},
		{"advance backwards", "POST", adv, fmt.Sprintf("frozen_time=%d", jan2024-1), 400, "", "frozen_time"},
		{"advance to the same time", "POST", adv, fmt.Sprintf("frozen_time=%d", jan2024), 400, "", "frozen_time"},
		{"advance more than two years", "POST", adv, fmt.Sprintf("frozen_time=%d", twoYears+1), 400, "", "frozen_time"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(tc.method, tc.path, tc.body)
			if r.Status != tc.status || r.ErrorField(t, "type") != "invalid_request_error" ||
				r.ErrorField(t, "code") != tc.code || r.ErrorField(t, "param") != tc.param || r.ErrorField(t, "message") == "" {
				t.Fatalf("got %d %s; want %d %q param=%q", r.Status, r.Body, tc.status, tc.code, tc.param)
			}
		})
	}
	// None of the refused advances moved the clock; exactly two years is allowed.
	got, err := e.sc.V1TestHelpersTestClocks.Advance(e.ctx, c.ID, &stripe.TestHelpersTestClockAdvanceParams{FrozenTime: stripe.Int64(twoYears)})
	if err != nil || got.Status != "advancing" || got.FrozenTime != jan2024 || got.StatusDetails.Advancing.TargetFrozenTime != twoYears {
		t.Fatalf("advance by two years = %+v, %v", got, err)
	}
}

func TestTestClockAdvanceCompletes(t *testing.T) {
	e := start(t)
	e.startClockRunner()
	c := e.newClock(jan2024, "")
	target := jan2024 + 35*24*3600
	got, err := e.sc.V1TestHelpersTestClocks.Advance(e.ctx, c.ID, &stripe.TestHelpersTestClockAdvanceParams{FrozenTime: stripe.Int64(target)})
	if err != nil {
		t.Fatal(err)
	}
	// The answer comes before the advance is done, as on Stripe.
	if got.Status != "advancing" || got.FrozenTime != jan2024 || got.StatusDetails == nil ||
		got.StatusDetails.Advancing == nil || got.StatusDetails.Advancing.TargetFrozenTime != target {
		t.Fatalf("advance answer = %+v (details %+v)", got, got.StatusDetails)
	}
	done := e.waitForClock(c.ID)
	if done.Status != "ready" || done.FrozenTime != target || done.StatusDetails.Advancing != nil {
		t.Fatalf("after advancing = %+v (details %+v)", done, done.StatusDetails)
	}
	// And again from there.
	if _, err := e.sc.V1TestHelpersTestClocks.Advance(e.ctx, c.ID, &stripe.TestHelpersTestClockAdvanceParams{FrozenTime: stripe.Int64(target + 60)}); err != nil {
		t.Fatal(err)
	}
	if done = e.waitForClock(c.ID); done.Status != "ready" || done.FrozenTime != target+60 {
		t.Fatalf("second advance = %+v", done)
	}
}

func TestTestClockAdvanceWhileAdvancingIsRefused(t *testing.T) {
	e := start(t)
	c := e.newClock(jan2024, "")
	// Both advances in one transaction, so no runner can finish the first
	// in between.
	var second error
	err := e.app.Service.Atomic(e.ctx, func(ctx context.Context) error {
		if _, err := e.app.Service.AdvanceTestClock(ctx, c.ID, jan2024+60); err != nil {
			return err
		}
		_, second = e.app.Service.AdvanceTestClock(ctx, c.ID, jan2024+120)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	be, ok := billing.AsError(second)
	if !ok || be.Kind != billing.KindInvalid || be.Type != billing.TypeInvalidRequest {
		t.Fatalf("second advance = %v", second)
	}
}

func TestTestClockCustomers(t *testing.T) {
	e := start(t)
	clock := e.newClock(jan2024, "")
	other := e.newCustomer("elsewhere@example.com")
	var ids []string
	for i := 0; i < 3; i++ {
		cu, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{Email: stripe.String(fmt.Sprintf("c%d@example.com", i)), TestClock: stripe.String(clock.ID)})
		if err != nil {
			t.Fatal(err)
		}
		if cu.TestClock == nil || cu.TestClock.ID != clock.ID {
			t.Fatalf("customer's test clock = %+v", cu.TestClock)
		}
		ids = append(ids, cu.ID)
	}
	p := &stripe.CustomerRetrieveParams{}
	p.AddExpand("test_clock")
	cu, err := e.sc.V1Customers.Retrieve(e.ctx, ids[0], p)
	if err != nil || cu.TestClock == nil || cu.TestClock.FrozenTime != jan2024 || cu.TestClock.Status != "ready" {
		t.Fatalf("expanded test clock = %+v, %v", cu.TestClock, err)
	}
	tid := e.newTaxID(ids[0], "eu_vat", "DE123456789")

	if _, err := e.sc.V1TestHelpersTestClocks.Delete(e.ctx, clock.ID, nil); err != nil {
		t.Fatal(err)
	}
	// Every customer on the clock went with it; the others stay.
	for _, id := range ids {
		r := e.do("GET", "/v1/customers/"+id, "")
		if r.Status != 200 || r.JSON(t)["deleted"] != true {
			t.Fatalf("customer %s after its clock was deleted = %s", id, r.Body)
		}
	}
	if c, err := e.sc.V1Customers.Retrieve(e.ctx, other.ID, nil); err != nil || c.Deleted {
		t.Fatalf("customer without a clock = %+v, %v", c, err)
	}
	_, err = e.once.V1TaxIDs.Retrieve(e.ctx, tid.ID, nil)
	wantErr(t, err, 404, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "id")
	_, err = e.once.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{TestClock: stripe.String(clock.ID)})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeResourceMissing, "test_clock")
}

func TestTestClocksAreTestModeOnly(t *testing.T) {
	e := startLive(t)
	_, err := e.once.V1TestHelpersTestClocks.Create(e.ctx, &stripe.TestHelpersTestClockCreateParams{FrozenTime: stripe.Int64(jan2024)})
	wantErr(t, err, 400, stripe.ErrorTypeInvalidRequest, "", "")
	if msg := stripeErr(t, err).Msg; !strings.Contains(msg, "test mode") {
		t.Fatalf("message = %q", msg)
	}
	r := e.do("GET", "/v1/test_helpers/test_clocks", "")
	if r.Status != 200 || len(r.JSON(t)["data"].([]any)) != 0 {
		t.Fatalf("live list = %d %s", r.Status, r.Body)
	}
}

func TestCompleteClockAdvancesRunsHooksOnce(t *testing.T) {
	// The hook records its calls in its own transaction: a transaction
	// that rolls back (and on PostgreSQL is run again after a serialization
	// failure) leaves no call behind, as it leaves no change.
	setClockHooks(t, func(tx billing.Tx, clock *billing.TestClock, from, to int64) (bool, error) {
		prev, err := tx.Setting("hook_calls:" + clock.ID)
		if err != nil && !errors.Is(err, billing.ErrNotFound) {
			return false, err
		}
		return false, tx.SetSetting("hook_calls:"+clock.ID, fmt.Sprintf("%s[%d %d]", prev, from, to))
	})
	e := start(t)
	const n = 12
	var ids []string
	for i := 0; i < n; i++ {
		c := e.newClock(jan2024, "")
		if _, err := e.sc.V1TestHelpersTestClocks.Advance(e.ctx, c.ID, &stripe.TestHelpersTestClockAdvanceParams{FrozenTime: stripe.Int64(jan2024 + int64(i+1)*3600)}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	// Two runs at once: each clock is finished by exactly one of them.
	var wg sync.WaitGroup
	var done [2]int
	var errs [2]error
	startRuns := make(chan struct{})
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-startRuns
			done[i], errs[i] = e.app.Service.CompleteClockAdvances(e.ctx)
		}()
	}
	close(startRuns)
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		t.Fatal(err)
	}
	// (Fewer than n when another runner, such as one the app starts, got
	// there first; a run that did nothing shows as a clock left advancing.)
	if done[0]+done[1] > n {
		t.Fatalf("runs finished %d + %d clocks of %d", done[0], done[1], n)
	}
	for i, id := range ids {
		c := e.waitForClock(id)
		want := jan2024 + int64(i+1)*3600
		if c.Status != "ready" || c.FrozenTime != want {
			t.Fatalf("clock %d = %+v", i, c)
		}
		var got string
		if err := e.app.Store.View(e.ctx, func(tx billing.Tx) error {
			got, _ = tx.Setting("hook_calls:" + id)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if got != fmt.Sprintf("[%d %d]", jan2024, want) {
			t.Fatalf("hooks for clock %d ran %s, want once from %d to %d", i, got, jan2024, want)
		}
	}
	// Nothing is left to do.
	if k, err := e.app.Service.CompleteClockAdvances(e.ctx); k != 0 || err != nil {
		t.Fatalf("third run finished %d clocks (%v)", k, err)
	}
}

func TestTestClockHookFailure(t *testing.T) {
	var mu sync.Mutex
	failing := true
	setClockHooks(t, func(tx billing.Tx, clock *billing.TestClock, from, to int64) (bool, error) {
		mu.Lock()
		defer mu.Unlock()
		if failing {
			return false, errors.New("renewal exploded")
		}
		return false, nil
	})
	e := start(t)
	c := e.newClock(jan2024, "")
	if _, err := e.sc.V1TestHelpersTestClocks.Advance(e.ctx, c.ID, &stripe.TestHelpersTestClockAdvanceParams{FrozenTime: stripe.Int64(jan2024 + 3600)}); err != nil {
		t.Fatal(err)
	}
	// The failure is reported (unless another runner met it first).
	n, err := e.app.Service.CompleteClockAdvances(e.ctx)
	if n != 0 || (err != nil && !strings.Contains(err.Error(), "renewal exploded")) {
		t.Fatalf("run with a failing hook = %d, %v", n, err)
	}
	got := e.waitForClock(c.ID)
	if got.Status != "internal_failure" || got.FrozenTime != jan2024 {
		t.Fatalf("clock after a failed advance = %+v", got)
	}
	// A failed clock can be advanced again.
	mu.Lock()
	failing = false
	mu.Unlock()
	e.startClockRunner()
	if _, err := e.sc.V1TestHelpersTestClocks.Advance(e.ctx, c.ID, &stripe.TestHelpersTestClockAdvanceParams{FrozenTime: stripe.Int64(jan2024 + 7200)}); err != nil {
		t.Fatal(err)
	}
	if got = e.waitForClock(c.ID); got.Status != "ready" || got.FrozenTime != jan2024+7200 {
		t.Fatalf("clock after retry = %+v", got)
	}
}

func TestClockRunnerStopsPromptly(t *testing.T) {
	e := start(t)
	r := service.NewClockRunner(e.app.Service, nil)
	r.Start()
	r.Notify()
	r.Notify() // never blocks, even with a wake-up pending
	stopped := make(chan struct{})
	go func() {
		r.Stop()
		r.Stop() // stopping twice is harmless
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(patience):
		t.Fatal("Stop did not return")
	}
	// Never started: Stop returns at once.
	idle := service.NewClockRunner(e.app.Service, nil)
	idle.Stop()
	idle.Start() // after Stop: does nothing
}
