package metrics

import (
	"bufio"
	"context"
	"io"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// ContentType is the media type of the text exposition format.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// Write writes every family in the text exposition format, families sorted
// by name and series by label values, so that the output is stable.
// Function-backed families are collected now, with ctx.
func (r *Registry) Write(ctx context.Context, w io.Writer) error {
	r.mu.Lock()
	fams := make([]*family, 0, len(r.families))
	for _, f := range r.families {
		fams = append(fams, f)
	}
	r.mu.Unlock()
	sort.Slice(fams, func(i, j int) bool { return fams[i].name < fams[j].name })
	bw := bufio.NewWriter(w)
	for _, f := range fams {
		f.write(ctx, bw)
	}
	return bw.Flush()
}

// Handler serves the registry to Prometheus.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", ContentType)
		w.Header().Set("Cache-Control", "no-store")
		r.Write(req.Context(), w)
	})
}

// sample is one line's worth of a series, before formatting.
type sample struct {
	key    string
	values []string
	value  float64
}

func (f *family) write(ctx context.Context, w *bufio.Writer) {
	var samples []sample
	var hists []sample // histograms with observations; value unused
	if f.collect != nil {
		f.collect(ctx, func(v float64, values ...string) {
			if len(values) != len(f.labels) {
				panic("metrics: " + f.name + ": wrong number of label values emitted")
			}
			samples = append(samples, sample{key: strings.Join(values, labelSep), values: values, value: v})
		})
	}
	f.series.Range(func(k, s any) bool {
		key := k.(string)
		values := splitKey(key, len(f.labels))
		switch s := s.(type) {
		case *Counter:
			samples = append(samples, sample{key, values, float64(s.Value())})
		case *Gauge:
			samples = append(samples, sample{key, values, s.Value()})
		case *Histogram:
			if s.Count() > 0 {
				hists = append(hists, sample{key: key, values: values})
			}
		}
		return true
	})
	w.WriteString("# HELP " + f.name + " " + escapeHelp(f.help) + "\n")
	w.WriteString("# TYPE " + f.name + " " + string(f.kind) + "\n")
	sort.Slice(samples, func(i, j int) bool { return slices.Compare(samples[i].values, samples[j].values) < 0 })
	for _, s := range samples {
		writeSample(w, f.name, f.labels, s.values, "", "", s.value)
	}
	sort.Slice(hists, func(i, j int) bool { return slices.Compare(hists[i].values, hists[j].values) < 0 })
	for _, s := range hists {
		h, _ := f.series.Load(s.key)
		writeHistogram(w, f, s.values, h.(*Histogram))
	}
}

// writeHistogram writes a histogram's cumulative buckets, sum and count.
// The count is the +Inf bucket, read once, so the two always agree.
func writeHistogram(w *bufio.Writer, f *family, values []string, h *Histogram) {
	var cum uint64
	for i := range h.counts {
		cum += h.counts[i].Load()
		le := "+Inf"
		if i < len(h.upper) {
			le = formatFloat(h.upper[i])
		}
		writeSample(w, f.name+"_bucket", f.labels, values, "le", le, float64(cum))
	}
	writeSample(w, f.name+"_sum", f.labels, values, "", "", math.Float64frombits(h.sum.Load()))
	writeSample(w, f.name+"_count", f.labels, values, "", "", float64(cum))
}

// writeSample writes `name{l1="v1",...,extra="x"} value`.
func writeSample(w *bufio.Writer, name string, labels, values []string, extraLabel, extraValue string, v float64) {
	w.WriteString(name)
	if len(labels) > 0 || extraLabel != "" {
		w.WriteByte('{')
		for i, l := range labels {
			if i > 0 {
				w.WriteByte(',')
			}
			w.WriteString(l + `="` + escapeLabel(values[i]) + `"`)
		}
		if extraLabel != "" {
			if len(labels) > 0 {
				w.WriteByte(',')
			}
			w.WriteString(extraLabel + `="` + escapeLabel(extraValue) + `"`)
		}
		w.WriteByte('}')
	}
	w.WriteByte(' ')
	w.WriteString(formatFloat(v))
	w.WriteByte('\n')
}

func splitKey(key string, n int) []string {
	if n == 0 {
		return nil
	}
	return strings.SplitN(key, labelSep, n)
}

// formatFloat writes a value as the format wants it: integers without an
// exponent where exact, and +Inf, -Inf, NaN spelled out.
func formatFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

var helpEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
var labelEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)

func escapeHelp(s string) string  { return helpEscaper.Replace(s) }
func escapeLabel(s string) string { return labelEscaper.Replace(s) }
