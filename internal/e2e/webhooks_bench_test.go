package e2e

import (
	"context"
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
	"github.com/porticohq/portico/internal/loadgen"
	"github.com/porticohq/portico/internal/testenv"
	stripe "github.com/stripe/stripe-go/v85"
)

// The webhook benchmarks measure delivery the way the targets of issue 6
// are stated, everything on this machine (Portico, the receiver, the
// clients): deliveries per second to a healthy local receiver, and the
// delay from an API call to its webhook's arrival. The receiver checks
// every signature and reads the event. See bench/README.md.
//
//	go test ./internal/e2e -run X -bench WebhookDrain -benchtime 20000x
//	go test ./internal/e2e -run X -bench WebhookLatency -benchtime 20000x

// benchReceiver is a verifying webhook receiver on a test server.
type benchReceiver struct {
	*loadgen.Arrivals
	srv *httptest.Server
}

func newBenchReceiver(want int64) *benchReceiver {
	r := &benchReceiver{Arrivals: loadgen.NewArrivals(int(want))}
	r.srv = httptest.NewServer(r.Arrivals)
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
	r.SetSecret(we.Secret)
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
	case <-r.All():
	case <-time.After(5 * time.Minute):
		b.Fatalf("only %d of %d events arrived", r.Received.Load(), b.N)
	}
	if r.Bad.Load() > 0 {
		b.Fatalf("%d deliveries failed verification", r.Bad.Load())
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
	r.SetSecret(we.Secret)
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
	lat := r.Delays(sent)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "deliveries/s")
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
	b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
	sort.Slice(api, func(i, j int) bool { return api[i] < api[j] })
	b.ReportMetric(ms(api[len(api)*99/100]), "api-p99-ms")
}
