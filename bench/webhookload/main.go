// Command webhookload measures webhook delivery against a running Portico:
// it starts a receiver that verifies every signature, creates a webhook
// endpoint for it, sends customer creates at a steady rate (or as fast as
// its clients go), and reports the deliveries per second and the delay from
// each API call's start to its customer.created event's arrival. See
// bench/webhooks.sh.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/porticohq/portico/internal/loadgen"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:4299", "Portico's base URL")
	key := flag.String("key", os.Getenv("PORTICO_KEY"), "secret key")
	n := flag.Int("n", 20000, "API calls (one event each)")
	rate := flag.Int("rate", 2000, "calls per second (0: as fast as the clients go)")
	clients := flag.Int("c", 32, "concurrent clients")
	flag.Parse()

	rc := loadgen.NewArrivals(*n)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go http.Serve(ln, rc)
	body := call(*base, *key, "/v1/webhook_endpoints", url.Values{"url": {"http://" + ln.Addr().String() + "/hook"}, "enabled_events[]": {"customer.created"}})
	var we struct{ ID, Secret string }
	json.Unmarshal(body, &we)
	rc.SetSecret(we.Secret)
	run := fmt.Sprint(time.Now().UnixNano())

	sent := make([]time.Time, *n)
	took := make([]time.Duration, *n)
	var next atomic.Int64
	begin := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < *clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= *n {
					return
				}
				if *rate > 0 {
					if d := time.Until(begin.Add(time.Duration(i) * time.Second / time.Duration(*rate))); d > 0 {
						time.Sleep(d)
					}
				}
				sent[i] = time.Now()
				call(*base, *key, "/v1/customers", url.Values{"email": {fmt.Sprintf("%s-%d@example.com", run, i)}})
				took[i] = time.Since(sent[i])
			}
		}()
	}
	wg.Wait()
	select {
	case <-rc.All():
	case <-time.After(2 * time.Minute):
		log.Fatalf("only %d of %d events arrived", rc.Received.Load(), *n)
	}
	elapsed := time.Since(begin)
	if rc.Bad.Load() > 0 {
		log.Fatalf("%d deliveries failed verification", rc.Bad.Load())
	}
	sentAt := make(map[string]time.Time, *n)
	for i, t0 := range sent {
		sentAt[fmt.Sprintf("%s-%d@example.com", run, i)] = t0
	}
	lat := rc.Delays(sentAt)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	q := func(l []time.Duration, p float64) string {
		return fmt.Sprintf("%.1f ms", float64(l[int(float64(len(l)-1)*p)].Microseconds())/1000)
	}
	fmt.Printf("%d events delivered in %.2f s: %.0f deliveries/s (%d duplicates)\n", *n, elapsed.Seconds(), float64(*n)/elapsed.Seconds(), rc.Received.Load()-int64(*n))
	fmt.Printf("API call to webhook arrival: p50 %s, p99 %s, max %s\n", q(lat, 0.5), q(lat, 0.99), q(lat, 1))
	fmt.Printf("API call alone: p50 %s, p99 %s\n", q(took, 0.5), q(took, 0.99))
	call(*base, *key, "/v1/webhook_endpoints/"+we.ID, nil, "DELETE")
}

var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

// call makes one API request (POST unless a method is given) and returns
// the body, exiting on failure.
func call(base, key, path string, form url.Values, method ...string) []byte {
	m := "POST"
	if len(method) > 0 {
		m = method[0]
	}
	req, _ := http.NewRequest(m, base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := client.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		log.Fatalf("%s %s: %d %s", m, path, res.StatusCode, b)
	}
	return b
}
