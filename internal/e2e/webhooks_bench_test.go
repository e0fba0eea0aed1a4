package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/porticohq/portico/internal/app"
	"github.com/porticohq/portico/internal/testenv"
	stripe "github.com/stripe/stripe-go/v85"
	"github.com/stripe/stripe-go/v85/webhook"
)

// The webhook benchmarks measure delivery the way the targets of issue 6
// are stated, everything on this machine (Portico, the receiver, the
// clients): deliveries per second to a healthy local receiver, and the
// delay from an API call to its webhook's arrival. The receiver checks
// every signature and reads the event. See bench/README.md.
//
//	go test ./internal/e2e -run X -bench WebhookDrain -benchtime 20000x
//	go test ./internal/e2e -run X -bench WebhookLatency -benchtime 20000x

// benchReceiver verifies and timestamps deliveries.
type benchReceiver struct {
	srv     *httptest.Server
	secret  string
	arrived atomic.Int64
	bad     atomic.Int64
	mu      sync.Mutex
	at      map[string]time.Time // customer email → arrival
	all     chan struct{}        // closed when want events arrived
	want    int64
}

func newBenchReceiver(want int64) *benchReceiver {
	r := &benchReceiver{at: make(map[string]time.Time, want), all: make(chan struct{}), want: want}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		now := time.Now()
		if err := webhook.ValidatePayload(body, req.Header.Get("Stripe-Signature"), r.secret); err != nil {
			r.bad.Add(1)
			w.WriteHeader(400)
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
		r.mu.Lock()
		if _, dup := r.at[ev.Data.Object.Email]; !dup {
			r.at[ev.Data.Object.Email] = now
			if int64(len(r.at)) == r.want {
				close(r.all)
			}
		}
		r.mu.Unlock()
		r.arrived.Add(1)
	}))
	r.srv.Config.SetKeepAlivesEnabled(true)
	return r
}

// benchEnv starts Portico with an endpoint for the receiver.
func benchEnv(b *testing.B, r *benchReceiver) *env {
	e := start(&testing.T{})
	b.Cleanup(func() { e.srv.Close(); e.app.Close(); r.srv.Close() })
	we, err := e.sc.V1WebhookEndpoints.Create(e.ctx, &stripe.WebhookEndpointCreateParams{
		URL: stripe.String(r.srv.URL), EnabledEvents: stripe.StringSlice([]string{"customer.created"}),
	})
	if err != nil {
		b.Fatal(err)
	}
	r.secret = we.Secret
	return e
}

// createCustomers sends n creates from 32 clients, at most rate per second
// (0: as fast as they go), and returns when each was sent and how long the
// API took to answer each.
func createCustomers(b *testing.B, e *env, n int, rate int, prefix string) (map[string]time.Time, []time.Duration) {
	tr := &http.Transport{MaxIdleConnsPerHost: benchClients, MaxConnsPerHost: benchClients}
	client := &http.Client{Transport: tr}
	defer tr.CloseIdleConnections()
	sent := make([]time.Time, n)
	took := make([]time.Duration, n)
	var next atomic.Int64
	begin := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < benchClients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if rate > 0 {
					if d := time.Until(begin.Add(time.Duration(i) * time.Second / time.Duration(rate))); d > 0 {
						time.Sleep(d)
					}
				}
				req, _ := http.NewRequest("POST", e.srv.URL+"/v1/customers",
					strings.NewReader(url.Values{"email": {fmt.Sprintf("%s%d@example.com", prefix, i)}}.Encode()))
				req.Header.Set("Authorization", "Bearer "+e.key)
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				sent[i] = time.Now()
				res, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				took[i] = time.Since(sent[i])
				if res.StatusCode != 200 {
					b.Errorf("status %d", res.StatusCode)
					return
				}
			}
		}()
	}
	wg.Wait()
	out := make(map[string]time.Time, n)
	for i, t := range sent {
		out[fmt.Sprintf("%s%d@example.com", prefix, i)] = t
	}
	return out, took
}

func waitAll(b *testing.B, r *benchReceiver) {
	select {
	case <-r.all:
	case <-time.After(5 * time.Minute):
		b.Fatalf("only %d of %d events arrived", r.arrived.Load(), r.want)
	}
	if r.bad.Load() > 0 {
		b.Fatalf("%d deliveries failed verification", r.bad.Load())
	}
}

// BenchmarkWebhookDrain measures delivery alone: b.N events are queued in
// the outbox before the delivery worker starts, then the time from its
// start until the last arrives is measured.
func BenchmarkWebhookDrain(b *testing.B) {
	r := newBenchReceiver(int64(b.N))
	a, err := app.Open(context.Background(), app.Config{
		DB: testenv.DB(b), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		b.Fatal(err)
	}
	e := &env{t: &testing.T{}, app: a, srv: httptest.NewServer(a.Handler()), key: a.SecretKey, ctx: context.Background()}
	e.sc = e.client(2)
	b.Cleanup(func() { e.srv.Close(); a.Close(); r.srv.Close() })
	we, err := e.sc.V1WebhookEndpoints.Create(e.ctx, &stripe.WebhookEndpointCreateParams{
		URL: stripe.String(r.srv.URL), EnabledEvents: stripe.StringSlice([]string{"customer.created"}),
	})
	if err != nil {
		b.Fatal(err)
	}
	r.secret = we.Secret
	createCustomers(b, e, b.N, 0, "d")
	b.ResetTimer()
	begin := time.Now()
	a.Start()
	waitAll(b, r)
	elapsed := time.Since(begin)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "deliveries/s")
}

// BenchmarkWebhookLatency sends b.N creates at a steady 1,000 per second
// and reports the delay from each call's start to its event's arrival,
// and the deliveries per second sustained meanwhile.
func BenchmarkWebhookLatency(b *testing.B) {
	benchLatency(b, 1000)
}

// BenchmarkWebhookLatency2000 is BenchmarkWebhookLatency at 2,000 calls
// (and deliveries) per second.
func BenchmarkWebhookLatency2000(b *testing.B) {
	benchLatency(b, 2000)
}

// BenchmarkWebhookSaturated is BenchmarkWebhookLatency with the clients
// sending as fast as they can: API calls and deliveries compete for the
// cores.
func BenchmarkWebhookSaturated(b *testing.B) {
	benchLatency(b, 0)
}

func benchLatency(b *testing.B, rate int) {
	r := newBenchReceiver(int64(b.N))
	e := benchEnv(b, r)
	b.ResetTimer()
	begin := time.Now()
	sent, api := createCustomers(b, e, b.N, rate, "l")
	waitAll(b, r)
	elapsed := time.Since(begin)
	b.StopTimer()
	r.mu.Lock()
	lat := make([]time.Duration, 0, len(sent))
	for email, t0 := range sent {
		lat = append(lat, r.at[email].Sub(t0))
	}
	r.mu.Unlock()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "deliveries/s")
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
	b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
	sort.Slice(api, func(i, j int) bool { return api[i] < api[j] })
	b.ReportMetric(ms(api[len(api)*99/100]), "api-p99-ms")
}
