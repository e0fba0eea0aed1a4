// Package metrics keeps Prometheus metrics and writes them in Prometheus's
// text exposition format (version 0.0.4), with the standard library only.
//
// Recording is lock-free: a series is a handful of atomics, and callers on a
// hot path resolve their series once (Vec.With at start-up, or cached per
// route) and then only add to it. Locks are taken when a family is
// registered, when a series is first created, and at scrape time.
//
// Metrics whose values live elsewhere (a worker's counters, a queue read
// from the database, the Go runtime) are registered as functions that the
// registry calls at every scrape.
package metrics

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Kind is a metric family's type, as written on its # TYPE line.
type Kind string

// The metric kinds.
const (
	KindCounter   Kind = "counter"
	KindGauge     Kind = "gauge"
	KindHistogram Kind = "histogram"
)

// Registry holds metric families. The zero value is not usable; call
// NewRegistry.
type Registry struct {
	mu       sync.Mutex
	families map[string]*family
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{families: map[string]*family{}}
}

// family is one metric name with its series.
type family struct {
	name    string
	help    string
	kind    Kind
	labels  []string
	buckets []float64 // histograms: upper bounds, ascending, without +Inf

	series sync.Map // label values joined by labelSep → *Counter | *Gauge | *Histogram
	// collect, when set, produces the family's samples at scrape time.
	collect func(ctx context.Context, emit Emit)
}

// Emit records one sample of a function-backed family: its value and its
// label values, in the order of the family's label names.
type Emit func(value float64, labelValues ...string)

// labelSep joins label values into a series key; it cannot occur in UTF-8
// text.
const labelSep = "\xff"

var nameRE = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
var labelRE = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// register adds a family; a bad or repeated name is a programming error and
// panics, at start-up.
func (r *Registry) register(f *family) *family {
	if !nameRE.MatchString(f.name) {
		panic("metrics: invalid metric name " + f.name)
	}
	for _, l := range f.labels {
		if !labelRE.MatchString(l) || strings.HasPrefix(l, "__") || (f.kind == KindHistogram && l == "le") {
			panic("metrics: invalid label name " + l + " on " + f.name)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.families[f.name]; dup {
		panic("metrics: metric registered twice: " + f.name)
	}
	r.families[f.name] = f
	return f
}

// Counter registers a counter family with the given label names.
func (r *Registry) Counter(name, help string, labels ...string) *CounterVec {
	return &CounterVec{r.register(&family{name: name, help: help, kind: KindCounter, labels: labels})}
}

// Gauge registers a gauge family with the given label names.
func (r *Registry) Gauge(name, help string, labels ...string) *GaugeVec {
	return &GaugeVec{r.register(&family{name: name, help: help, kind: KindGauge, labels: labels})}
}

// Histogram registers a histogram family with the given bucket upper
// bounds (ascending; +Inf is implied) and label names.
func (r *Registry) Histogram(name, help string, buckets []float64, labels ...string) *HistogramVec {
	if !sort.Float64sAreSorted(buckets) || len(buckets) == 0 || math.IsInf(buckets[len(buckets)-1], 1) {
		panic("metrics: histogram buckets must be ascending, finite and not empty: " + name)
	}
	b := append([]float64(nil), buckets...)
	return &HistogramVec{r.register(&family{name: name, help: help, kind: KindHistogram, labels: labels, buckets: b})}
}

// Func registers a counter or gauge family whose samples collect produces
// at every scrape. collect must be safe for concurrent use and should be
// quick; ctx ends when the scrape is abandoned.
func (r *Registry) Func(kind Kind, name, help string, labels []string, collect func(ctx context.Context, emit Emit)) {
	if kind == KindHistogram {
		panic("metrics: function-backed histograms are not supported: " + name)
	}
	r.register(&family{name: name, help: help, kind: kind, labels: labels, collect: collect})
}

// get returns the series for label values, creating it with mk.
func (f *family) get(values []string, mk func() any) any {
	if len(values) != len(f.labels) {
		panic(fmt.Sprintf("metrics: %s takes %d label values, got %d", f.name, len(f.labels), len(values)))
	}
	key := strings.Join(values, labelSep)
	if s, ok := f.series.Load(key); ok {
		return s
	}
	s, _ := f.series.LoadOrStore(key, mk())
	return s
}

// CounterVec is a counter family; With picks one series.
type CounterVec struct{ f *family }

// With returns the counter for the label values (in the order the labels
// were registered), creating it at zero on first use. Resolve it once
// where the label values are known in advance.
func (v *CounterVec) With(values ...string) *Counter {
	return v.f.get(values, func() any { return new(Counter) }).(*Counter)
}

// Counter is a monotonically increasing count.
type Counter struct{ n atomic.Uint64 }

// Inc adds one.
func (c *Counter) Inc() { c.n.Add(1) }

// Add adds n.
func (c *Counter) Add(n uint64) { c.n.Add(n) }

// Value returns the count.
func (c *Counter) Value() uint64 { return c.n.Load() }

// GaugeVec is a gauge family; With picks one series.
type GaugeVec struct{ f *family }

// With returns the gauge for the label values, creating it at zero on first
// use.
func (v *GaugeVec) With(values ...string) *Gauge {
	return v.f.get(values, func() any { return new(Gauge) }).(*Gauge)
}

// Gauge is a value that goes up and down.
type Gauge struct{ bits atomic.Uint64 }

// Set sets the value.
func (g *Gauge) Set(v float64) { g.bits.Store(math.Float64bits(v)) }

// Add adds d (which may be negative).
func (g *Gauge) Add(d float64) { addFloat(&g.bits, d) }

// Value returns the value.
func (g *Gauge) Value() float64 { return math.Float64frombits(g.bits.Load()) }

// addFloat adds d to the float64 stored in bits.
func addFloat(bits *atomic.Uint64, d float64) {
	for {
		old := bits.Load()
		if bits.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+d)) {
			return
		}
	}
}

// HistogramVec is a histogram family; With picks one series.
type HistogramVec struct{ f *family }

// With returns the histogram for the label values, creating it empty on
// first use. Histograms never observed are left out of the exposition.
func (v *HistogramVec) With(values ...string) *Histogram {
	return v.f.get(values, func() any {
		return &Histogram{upper: v.f.buckets, counts: make([]atomic.Uint64, len(v.f.buckets)+1)}
	}).(*Histogram)
}

// Histogram counts observations in buckets and keeps their sum.
type Histogram struct {
	upper  []float64       // shared with the family
	counts []atomic.Uint64 // per bucket, not cumulative; the last is +Inf
	sum    atomic.Uint64   // float64 bits
}

// Observe records one value.
func (h *Histogram) Observe(v float64) {
	i := 0
	for i < len(h.upper) && v > h.upper[i] {
		i++
	}
	h.counts[i].Add(1)
	addFloat(&h.sum, v)
}

// ObserveDuration records d in seconds.
func (h *Histogram) ObserveDuration(d time.Duration) { h.Observe(d.Seconds()) }

// Count returns how many values were observed.
func (h *Histogram) Count() uint64 {
	var n uint64
	for i := range h.counts {
		n += h.counts[i].Load()
	}
	return n
}

// DefaultLatencyBuckets suit request latencies from a fraction of a
// millisecond to ten seconds, in seconds.
var DefaultLatencyBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}
