// Package loadgen is a small closed-loop HTTP load generator used to measure
// Portico's throughput and latency over loopback.
//
// It is built to be cheap per request, because it usually shares the
// machine's cores with the server under test: a single keep-alive
// http.Transport sized to the concurrency, requests built by shallow-copying
// a prepared template and sent straight through Transport.RoundTrip (no
// redirects, no cookie jar, no proxy, no compression), bodies read and
// discarded fully, and latencies recorded into preallocated per-worker
// buffers from which exact percentiles are computed at the end.
//
// For safety the generator only ever talks to loopback hosts (127.0.0.0/8,
// ::1, localhost): other URLs are rejected up front, and every dialed
// address is checked again after name resolution.
package loadgen

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Config describes one load run.
type Config struct {
	URL     string            // full URL, e.g. http://127.0.0.1:4242/v1/customers
	Method  string            // GET, POST, DELETE, ...; empty means GET
	Body    string            // form body for POST; each "{n}" is replaced by a per-request counter
	Headers map[string]string // extra request headers, e.g. "Authorization": "Bearer sk_test_..."
	// Concurrency is the number of workers, each with exactly one request
	// in flight at a time (closed loop).
	Concurrency int
	// Duration is how long to record for, after Warmup. When Requests is
	// also set, the run stops at whichever limit is reached first.
	Duration time.Duration
	// Requests, when positive, stops the run after exactly this many
	// recorded requests. 0 means the run is bounded by Duration alone.
	Requests int
	// Warmup is a period at the start of the run whose requests are sent
	// but not recorded.
	Warmup time.Duration
	// IdempotencyKeys sends a unique Idempotency-Key header on each
	// request, as stripe-go does for POSTs.
	IdempotencyKeys bool
	// URLs, when non-empty, is rotated over (one per request) instead of URL.
	URLs []string
}

// Result is a run's outcome. Latencies cover every recorded request,
// successful or not; P50, P90 and P99 are exact nearest-rank percentiles.
type Result struct {
	Requests int `json:"requests"` // recorded requests (warm-up excluded)
	// Errors counts transport errors and non-2xx statuses.
	Errors int `json:"errors"`
	// Statuses counts recorded responses by HTTP status code.
	Statuses map[int]int `json:"statuses"`
	// Elapsed is the length of the measurement window, from the end of the
	// warm-up to the completion of the last recorded request.
	Elapsed time.Duration `json:"elapsed_ns"`
	RPS     float64       `json:"rps"` // Requests / Elapsed
	P50     time.Duration `json:"p50_ns"`
	P90     time.Duration `json:"p90_ns"`
	P99     time.Duration `json:"p99_ns"`
	Max     time.Duration `json:"max_ns"`
	// FirstError is the first transport error seen, if any, to help
	// diagnose runs where Errors exceeds the non-2xx statuses.
	FirstError string `json:"first_error,omitempty"`
}

// String formats r as the report lines printed by portico-load.
func (r Result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "requests:  %d (errors: %d)\n", r.Requests, r.Errors)
	fmt.Fprintf(&b, "elapsed:   %s\n", r.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(&b, "rate:      %.1f req/s\n", r.RPS)
	fmt.Fprintf(&b, "latency:   p50=%s p90=%s p99=%s max=%s\n",
		fmtDur(r.P50), fmtDur(r.P90), fmtDur(r.P99), fmtDur(r.Max))
	codes := make([]int, 0, len(r.Statuses))
	for c := range r.Statuses {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	b.WriteString("statuses: ")
	if len(codes) == 0 {
		b.WriteString(" none")
	}
	for _, c := range codes {
		fmt.Fprintf(&b, " %d=%d", c, r.Statuses[c])
	}
	b.WriteByte('\n')
	if r.FirstError != "" {
		fmt.Fprintf(&b, "error:     %s\n", r.FirstError)
	}
	return b.String()
}

// fmtDur prints a latency with microsecond resolution.
func fmtDur(d time.Duration) string {
	if d >= time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(time.Microsecond).String()
}

// ErrNotLoopback is returned (wrapped) for a URL whose host is not a
// loopback address.
var ErrNotLoopback = errors.New("loadgen: host is not a loopback address")

// CheckLoopbackURL reports an error unless raw is an absolute http or https
// URL whose host is localhost or a loopback IP (127.0.0.0/8, ::1).
func CheckLoopbackURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("loadgen: bad URL %q: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("loadgen: URL %q: scheme must be http or https", raw)
	}
	if u.User != nil {
		return fmt.Errorf("loadgen: URL %q: user info is not supported", raw)
	}
	if !isLoopbackHost(u.Hostname()) {
		return fmt.Errorf("%w: %q", ErrNotLoopback, raw)
	}
	return nil
}

func isLoopbackHost(h string) bool {
	if strings.EqualFold(strings.TrimSuffix(h, "."), "localhost") {
		return true
	}
	a, err := netip.ParseAddr(h)
	return err == nil && a.Zone() == "" && a.Unmap().IsLoopback()
}

// dialControl refuses to connect to anything but a loopback address; it
// runs after name resolution, so it also covers "localhost".
func dialControl(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !ap.Addr().Unmap().IsLoopback() {
		return fmt.Errorf("%w: refusing to dial %s", ErrNotLoopback, address)
	}
	return nil
}

// chunkLen is the number of latency samples per preallocated chunk.
const chunkLen = 16384

// runner holds the state shared by all workers of one run.
type runner struct {
	ctx     context.Context // aborts in-flight requests
	done    <-chan struct{}
	tr      *http.Transport
	targets []*http.Request // request templates, one per URL
	base    time.Time       // run start; all times are offsets from it

	warmup   time.Duration // offset of the measurement start
	end      time.Duration // offset of the measurement end; 0 = none
	limit    int64         // max recorded requests; 0 = none
	claimed  atomic.Int64  // measured requests started (count mode)
	seq      atomic.Uint64 // per-request counter, from 1
	parts    []string      // Body split on "{n}"; nil if no body
	constB   []byte        // body bytes when it has no placeholder
	idemBase string        // Idempotency-Key prefix, "" if disabled
}

// worker is one closed-loop client; its fields are only touched by its own
// goroutine until the run ends.
type worker struct {
	cur      []time.Duration   // current latency chunk
	full     [][]time.Duration // filled chunks
	statuses [600]int
	other    map[int]int // statuses outside [0,600)
	errs     int
	lastEnd  time.Duration
	firstErr error
	scratch  []byte
}

// Run performs the load run described by cfg; ctx cancels it. On
// cancellation it returns the partial result together with ctx's error.
func Run(ctx context.Context, cfg Config) (Result, error) {
	r, err := newRunner(cfg)
	if err != nil {
		return Result{}, err
	}
	defer r.tr.CloseIdleConnections()

	// Bound the run even if the server stops answering: in duration mode
	// in-flight requests are aborted (and not recorded) some time after the
	// measurement window closes.
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	if cfg.Duration > 0 {
		grace := max(5*time.Second, cfg.Duration/2)
		var c2 context.CancelFunc
		runCtx, c2 = context.WithTimeout(runCtx, cfg.Warmup+cfg.Duration+grace)
		defer c2()
	}
	r.ctx = runCtx
	r.done = runCtx.Done()
	for i, t := range r.targets {
		r.targets[i] = t.WithContext(runCtx)
	}

	firstCap := chunkLen
	if r.limit > 0 {
		firstCap = int(min(int64(chunkLen), r.limit))
	}
	workers := make([]*worker, cfg.Concurrency)
	var wg sync.WaitGroup
	r.base = time.Now()
	for i := range workers {
		w := &worker{cur: make([]time.Duration, 0, firstCap), scratch: make([]byte, 0, 128)}
		workers[i] = w
		wg.Go(func() { r.work(w) })
	}
	wg.Wait()
	return r.result(workers), ctx.Err()
}

func newRunner(cfg Config) (*runner, error) {
	if cfg.Concurrency <= 0 {
		return nil, errors.New("loadgen: Concurrency must be positive")
	}
	if cfg.Requests < 0 || cfg.Duration < 0 || cfg.Warmup < 0 {
		return nil, errors.New("loadgen: Requests, Duration and Warmup must not be negative")
	}
	if cfg.Requests == 0 && cfg.Duration == 0 {
		return nil, errors.New("loadgen: one of Requests or Duration must be set")
	}
	method := strings.ToUpper(strings.TrimSpace(cfg.Method))
	if method == "" {
		method = http.MethodGet
	}
	urls := cfg.URLs
	if len(urls) == 0 {
		if cfg.URL == "" {
			return nil, errors.New("loadgen: no URL")
		}
		urls = []string{cfg.URL}
	}

	hdr := make(http.Header, len(cfg.Headers)+1)
	host := ""
	for k, v := range cfg.Headers {
		k = http.CanonicalHeaderKey(strings.TrimSpace(k))
		if k == "Host" {
			host = v
			continue
		}
		hdr[k] = []string{v}
	}
	if cfg.Body != "" && hdr.Get("Content-Type") == "" {
		hdr.Set("Content-Type", "application/x-www-form-urlencoded")
	}

	r := &runner{
		warmup: cfg.Warmup,
		limit:  int64(cfg.Requests),
	}
	if cfg.Duration > 0 {
		r.end = cfg.Warmup + cfg.Duration
	}
	for _, raw := range urls {
		if err := CheckLoopbackURL(raw); err != nil {
			return nil, err
		}
		req, err := http.NewRequest(method, raw, nil)
		if err != nil {
			return nil, fmt.Errorf("loadgen: %w", err)
		}
		req.Header = hdr // shared and read-only from here on
		if host != "" {
			req.Host = host
		}
		r.targets = append(r.targets, req)
	}
	if cfg.Body != "" {
		r.parts = strings.Split(cfg.Body, "{n}")
		if len(r.parts) == 1 {
			r.constB = []byte(cfg.Body)
		}
	}
	if cfg.IdempotencyKeys {
		var rnd [8]byte
		_, _ = rand.Read(rnd[:])
		r.idemBase = "portico-load-" + hex.EncodeToString(rnd[:]) + "-"
	}

	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second, Control: dialControl}
	r.tr = &http.Transport{
		Proxy:               nil, // never route through a proxy from the environment
		DialContext:         d.DialContext,
		MaxIdleConns:        0, // no global limit
		MaxIdleConnsPerHost: cfg.Concurrency,
		MaxConnsPerHost:     cfg.Concurrency,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 5 * time.Second,
		DisableCompression:  true,
	}
	return r, nil
}

// work is one worker's closed loop.
func (r *runner) work(w *worker) {
	for {
		t0 := time.Since(r.base)
		measured := t0 >= r.warmup
		if measured {
			if r.end > 0 && t0 >= r.end {
				return
			}
			if r.limit > 0 && r.claimed.Add(1) > r.limit {
				return
			}
		}
		select {
		case <-r.done:
			return
		default:
		}

		seq := r.seq.Add(1)
		req := r.newRequest(w, seq)
		status := 0
		resp, err := r.tr.RoundTrip(req)
		if err == nil {
			status = resp.StatusCode
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		t1 := time.Since(r.base)
		if err != nil && r.ctx.Err() != nil {
			return // aborted by cancellation or the hard deadline: not recorded
		}
		if !measured {
			continue
		}

		if len(w.cur) == cap(w.cur) {
			w.full = append(w.full, w.cur)
			w.cur = make([]time.Duration, 0, chunkLen)
		}
		w.cur = append(w.cur, t1-t0)
		w.lastEnd = t1
		if status != 0 {
			if status > 0 && status < len(w.statuses) {
				w.statuses[status]++
			} else {
				if w.other == nil {
					w.other = make(map[int]int)
				}
				w.other[status]++
			}
		}
		if err != nil || status < 200 || status > 299 {
			w.errs++
			if err != nil && w.firstErr == nil {
				w.firstErr = err
			}
		}
	}
}

// newRequest builds the request numbered seq by shallow-copying a template;
// only the body and, with idempotency keys, the header map are per request.
func (r *runner) newRequest(w *worker, seq uint64) *http.Request {
	t := r.targets[0]
	if n := uint64(len(r.targets)); n > 1 {
		t = r.targets[(seq-1)%n]
	}
	req := new(http.Request)
	*req = *t
	if r.parts != nil {
		var b []byte
		if r.constB != nil {
			b = r.constB
		} else {
			w.scratch = strconv.AppendUint(w.scratch[:0], seq, 10)
			num := w.scratch
			size := len(num) * (len(r.parts) - 1)
			for _, p := range r.parts {
				size += len(p)
			}
			b = make([]byte, 0, size)
			for i, p := range r.parts {
				if i > 0 {
					b = append(b, num...)
				}
				b = append(b, p...)
			}
		}
		req.Body = &bodyReader{b: b}
		req.ContentLength = int64(len(b))
	}
	if r.idemBase != "" {
		h := make(http.Header, len(t.Header)+1)
		for k, v := range t.Header {
			h[k] = v
		}
		w.scratch = append(w.scratch[:0], r.idemBase...)
		w.scratch = strconv.AppendUint(w.scratch, seq, 10)
		h["Idempotency-Key"] = []string{string(w.scratch)}
		req.Header = h
	}
	return req
}

// bodyReader is a minimal io.ReadCloser over a byte slice.
type bodyReader struct {
	b []byte
	i int
}

func (b *bodyReader) Read(p []byte) (int, error) {
	if b.i >= len(b.b) {
		return 0, io.EOF
	}
	n := copy(p, b.b[b.i:])
	b.i += n
	return n, nil
}

func (b *bodyReader) Close() error { return nil }

// result merges the workers' records.
func (r *runner) result(workers []*worker) Result {
	res := Result{Statuses: make(map[int]int)}
	total := 0
	var last time.Duration
	for _, w := range workers {
		for _, c := range w.full {
			total += len(c)
		}
		total += len(w.cur)
		res.Errors += w.errs
		last = max(last, w.lastEnd)
		for code, n := range w.statuses {
			if n > 0 {
				res.Statuses[code] += n
			}
		}
		for code, n := range w.other {
			res.Statuses[code] += n
		}
		if res.FirstError == "" && w.firstErr != nil {
			res.FirstError = w.firstErr.Error()
		}
	}
	lat := make([]time.Duration, 0, total)
	for _, w := range workers {
		for _, c := range w.full {
			lat = append(lat, c...)
		}
		lat = append(lat, w.cur...)
	}
	slices.Sort(lat)
	res.Requests = len(lat)
	if len(lat) > 0 {
		res.Elapsed = last - r.warmup
		if res.Elapsed > 0 {
			res.RPS = float64(res.Requests) / res.Elapsed.Seconds()
		}
		res.P50 = Percentile(lat, 50)
		res.P90 = Percentile(lat, 90)
		res.P99 = Percentile(lat, 99)
		res.Max = lat[len(lat)-1]
	}
	return res
}

// Percentile returns the nearest-rank p-th percentile (0 < p <= 100) of the
// ascending-sorted samples, or 0 if there are none.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	// Nearest rank: the smallest value with at least p% of samples <= it.
	rank := int(math.Ceil(p * float64(n) / 100))
	rank = min(max(rank, 1), n)
	return sorted[rank-1]
}
