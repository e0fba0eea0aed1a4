package main

import (
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// startDebugServer serves Go's profiler on PORTICO_DEBUG_ADDR, a separate
// listener that is off unless set; it refuses non-loopback addresses, since
// profiles reveal memory contents.
func startDebugServer(c config) {
	host, _, err := net.SplitHostPort(c.debugAddr)
	if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
		c.log.Error("PORTICO_DEBUG_ADDR must be a loopback address; profiler not started", "addr", c.debugAddr)
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	srv := &http.Server{Addr: c.debugAddr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.ListenAndServe(); err != nil {
			c.log.Error("debug server", "error", err)
		}
	}()
	c.log.Info("profiler listening", "addr", c.debugAddr)
}
