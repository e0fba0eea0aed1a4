package metrics

import (
	"context"
	rtmetrics "runtime/metrics"
	"time"
)

// RegisterRuntime adds the Go runtime's basics: goroutines, heap in use,
// completed GC cycles, GOMAXPROCS and the process start time. They are read
// with runtime/metrics at scrape time, which does not stop the world.
func RegisterRuntime(r *Registry) {
	start := float64(time.Now().Unix())
	read := func(name string) func(ctx context.Context, emit Emit) {
		return func(ctx context.Context, emit Emit) {
			s := []rtmetrics.Sample{{Name: name}}
			rtmetrics.Read(s)
			switch s[0].Value.Kind() {
			case rtmetrics.KindUint64:
				emit(float64(s[0].Value.Uint64()))
			case rtmetrics.KindFloat64:
				emit(s[0].Value.Float64())
			}
		}
	}
	r.Func(KindGauge, "go_goroutines", "Number of goroutines that currently exist.", nil, read("/sched/goroutines:goroutines"))
	r.Func(KindGauge, "go_heap_objects_bytes", "Bytes of heap memory occupied by live and not yet swept objects.", nil, read("/memory/classes/heap/objects:bytes"))
	r.Func(KindGauge, "go_memory_total_bytes", "All memory mapped by the Go runtime.", nil, read("/memory/classes/total:bytes"))
	r.Func(KindCounter, "go_gc_cycles_total", "Completed GC cycles.", nil, read("/gc/cycles/total:gc-cycles"))
	r.Func(KindGauge, "go_gomaxprocs", "The current GOMAXPROCS setting.", nil, read("/sched/gomaxprocs:threads"))
	r.Func(KindGauge, "process_start_time_seconds", "Start time of the process since the Unix epoch, in seconds.", nil,
		func(ctx context.Context, emit Emit) { emit(start) })
}
