package loadgen

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stripe/stripe-go/v85/webhook"
)

// Arrivals is a webhook receiver for delivery benchmarks: it checks every
// delivery's signature, as a merchant's endpoint must, and notes when the
// event of each customer (by the email on the event's object) first
// arrived. All is closed once the events of Want different customers have.
type Arrivals struct {
	// Received counts deliveries that verified, duplicates included; Bad
	// those whose signature did not.
	Received, Bad atomic.Int64

	mu     sync.Mutex
	secret string
	want   int
	at     map[string]time.Time
	all    chan struct{}
}

// NewArrivals returns a receiver expecting want customers' events.
func NewArrivals(want int) *Arrivals {
	return &Arrivals{want: want, at: make(map[string]time.Time, want), all: make(chan struct{})}
}

// SetSecret sets the endpoint's signing secret, known once the endpoint
// pointing here is created.
func (a *Arrivals) SetSecret(secret string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.secret = secret
}

// All is closed when every expected customer's event has arrived.
func (a *Arrivals) All() <-chan struct{} { return a.all }

// ServeHTTP receives one delivery.
func (a *Arrivals) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	now := time.Now()
	a.mu.Lock()
	secret := a.secret
	a.mu.Unlock()
	if err := webhook.ValidatePayload(body, r.Header.Get("Stripe-Signature"), secret); err != nil {
		a.Bad.Add(1)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	var ev struct {
		Data struct {
			Object struct {
				Email string `json:"email"`
			} `json:"object"`
		} `json:"data"`
	}
	json.Unmarshal(body, &ev)
	a.Received.Add(1)
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, dup := a.at[ev.Data.Object.Email]; !dup {
		a.at[ev.Data.Object.Email] = now
		if len(a.at) == a.want {
			close(a.all)
		}
	}
}

// Delays returns, for each customer email sent at the time given, how long
// after that its event first arrived.
func (a *Arrivals) Delays(sent map[string]time.Time) []time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]time.Duration, 0, len(sent))
	for email, t0 := range sent {
		out = append(out, a.at[email].Sub(t0))
	}
	return out
}
