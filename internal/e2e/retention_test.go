package e2e

import (
	"sync"
	"testing"
	"time"

	"github.com/porticohq/portico/internal/app"
	stripe "github.com/stripe/stripe-go/v85"
)

// movableClock is a clock a test moves by hand.
type movableClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *movableClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *movableClock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestEventRetentionSetting(t *testing.T) {
	clock := &movableClock{now: time.Now()}
	e := startWith(t, app.Config{EventRetention: time.Hour, Clock: clock})
	if _, err := e.sc.V1Customers.Create(e.ctx, &stripe.CustomerCreateParams{Email: stripe.String("kept@example.com")}); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		n := 0
		for _, err := range e.sc.V1Events.List(e.ctx, &stripe.EventListParams{Type: stripe.String("customer.created")}).All(e.ctx) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		return n
	}
	if n := count(); n != 1 {
		t.Fatalf("%d customer.created events, want 1", n)
	}
	clock.add(2 * time.Hour)
	if n := count(); n != 0 {
		t.Fatalf("%d events listed after the one-hour retention, want 0", n)
	}
}
