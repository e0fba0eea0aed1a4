package e2e

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The benchmarks measure Portico over loopback HTTP the way the load targets
// are stated: 32 concurrent clients with keep-alive connections, durable
// commits (synchronous=FULL). Besides ns/op they report req/s and the p99
// latency. For the figures quoted in the README use cmd/portico-load against
// `portico serve` as well, which keeps the load generator out of the
// server's process.

const benchClients = 32

// benchLoad runs b.N requests from benchClients goroutines and reports
// throughput and p99 latency.
func benchLoad(b *testing.B, newReq func(i int64) *http.Request) {
	tr := &http.Transport{MaxIdleConnsPerHost: benchClients, MaxConnsPerHost: benchClients}
	client := &http.Client{Transport: tr}
	defer tr.CloseIdleConnections()
	var next atomic.Int64
	lat := make([][]time.Duration, benchClients)
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for w := 0; w < benchClients; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				t0 := time.Now()
				res, err := client.Do(newReq(i))
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					b.Errorf("status %d", res.StatusCode)
					return
				}
				lat[w] = append(lat[w], time.Since(t0))
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	if len(all) == 0 {
		return
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
}

func BenchmarkCreateCustomer(b *testing.B) {
	e := start(&testing.T{})
	defer e.srv.Close()
	defer e.app.Close()
	run := fmt.Sprintf("%d", time.Now().UnixNano())
	benchLoad(b, func(i int64) *http.Request {
		req, _ := http.NewRequest("POST", e.srv.URL+"/v1/customers",
			strings.NewReader(fmt.Sprintf("email=c%d@example.com&name=Customer+%d&metadata[n]=%d", i, i, i)))
		req.Header.Set("Authorization", "Bearer "+e.key)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Idempotency-Key", run+"-"+fmt.Sprint(i))
		return req
	})
}

func BenchmarkRetrieveCustomer(b *testing.B) {
	e := start(&testing.T{})
	defer e.srv.Close()
	defer e.app.Close()
	var ids []string
	for i := 0; i < 100; i++ {
		r := e.do("POST", "/v1/customers", fmt.Sprintf("email=c%d@example.com&name=Customer+%d", i, i))
		ids = append(ids, r.JSON(e.t)["id"].(string))
	}
	benchLoad(b, func(i int64) *http.Request {
		req, _ := http.NewRequest("GET", e.srv.URL+"/v1/customers/"+ids[i%int64(len(ids))], nil)
		req.Header.Set("Authorization", "Bearer "+e.key)
		return req
	})
}
