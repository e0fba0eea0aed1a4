package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/porticohq/portico/internal/logbuf"
)

// config is the program's configuration from flags and environment.
type config struct {
	addr      string
	db        string
	publicURL string
	secretKey string
	debugAddr string
	retention time.Duration
	dev       bool
	log       *slog.Logger
	// logOut buffers the log of dev and serve; nil for other commands.
	logOut *logbuf.Writer
}

func parseConfig(cmd string, args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("portico "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	fs.StringVar(&c.addr, "addr", envOr(getenv, "PORTICO_ADDR", "127.0.0.1:4242"), "listen address")
	fs.StringVar(&c.db, "db", envOr(getenv, "PORTICO_DB", "sqlite:portico.db"), "database URL")
	fs.StringVar(&c.publicURL, "public-url", getenv("PORTICO_PUBLIC_URL"), "base URL of links Portico hands out")
	if err := fs.Parse(args); err != nil {
		return c, errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "portico: unexpected arguments %q\n", fs.Args())
		return c, errUsage
	}
	c.secretKey = getenv("PORTICO_SECRET_KEY")
	c.debugAddr = getenv("PORTICO_DEBUG_ADDR")
	if v := getenv("PORTICO_EVENT_RETENTION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			fmt.Fprintf(stderr, "portico: PORTICO_EVENT_RETENTION=%q is not a positive duration (e.g. 720h)\n", v)
			return c, errUsage
		}
		c.retention = d
	}
	c.log = newLogger(getenv, stderr)
	return c, nil
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func newLogger(getenv func(string) string, w io.Writer) *slog.Logger {
	var level slog.Level
	switch strings.ToLower(getenv("PORTICO_LOG_LEVEL")) {
	case "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	opts := &slog.HandlerOptions{Level: level}
	if strings.ToLower(getenv("PORTICO_LOG_FORMAT")) == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
