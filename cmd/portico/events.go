package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
	"github.com/porticohq/portico/internal/sqlstore"
)

const eventsUsage = `Usage:
  portico events [--db URL] [--live] [--limit N] [--type TYPE]
      list recent events, newest first, with their pending webhooks
  portico deliveries [--db URL] [--live] EVENT_ID
      show an event's deliveries and every attempt (status, time, response)
  portico deliveries --resend [--endpoint WE_ID] [--db URL] [--live] EVENT_ID
      deliver the event again now (to every endpoint it went to, or to one);
      a running server picks it up within a second

--db defaults to PORTICO_DB or sqlite:portico.db; --live reads live-mode
events (the default is the mode of the server's key).
`

// cliFlags are the flags the event commands share.
type cliFlags struct {
	db   string
	live bool
}

func newCLIFlags(name string, getenv func(string) string, stderr io.Writer) (*flag.FlagSet, *cliFlags) {
	c := &cliFlags{}
	fs := flag.NewFlagSet("portico "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, eventsUsage) }
	fs.StringVar(&c.db, "db", envOr(getenv, "PORTICO_DB", "sqlite:portico.db"), "database URL")
	fs.BoolVar(&c.live, "live", strings.HasPrefix(getenv("PORTICO_SECRET_KEY"), "sk_live_"), "live-mode events")
	return fs, c
}

// parseInterspersed parses flags before and after the positional
// arguments (portico deliveries evt_123 --resend).
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, errUsage
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// openService opens the database for the event commands; it does not
// migrate (the server does) and refuses a database that needs it.
func openService(ctx context.Context, c *cliFlags, getenv func(string) string, stderr io.Writer) (*service.Service, context.Context, func(), error) {
	log := newLogger(func(k string) string {
		if k == "PORTICO_LOG_LEVEL" && getenv(k) == "" {
			return "error"
		}
		return getenv(k)
	}, stderr)
	db, err := sqlstore.Open(ctx, c.db, sqlstore.Options{Logger: log})
	if err != nil {
		return nil, nil, nil, err
	}
	if pending, err := db.Pending(ctx); err != nil || len(pending) > 0 {
		db.Close()
		if err == nil {
			err = fmt.Errorf("the database %s needs migrations %v: run `portico migrate` first", c.db, pending)
		}
		return nil, nil, nil, err
	}
	live := c.live
	if !live {
		// The server's key decides the mode when no flag does.
		db.View(ctx, func(tx billing.Tx) error {
			mode, _ := tx.Setting("secret_key_mode")
			live = mode == "live"
			return nil
		})
	}
	svc := service.New(service.Config{Store: db, Logger: log})
	return svc, billing.WithLivemode(ctx, live), func() { db.Close() }, nil
}

// runEvents is `portico events`: the recent events, newest first.
func runEvents(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, c := newCLIFlags("events", getenv, stderr)
	limit := fs.Int("limit", 20, "how many events (1-100)")
	typ := fs.String("type", "", "only events of this type (* is a wildcard)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *limit < 1 || *limit > 100 {
		fs.Usage()
		return errUsage
	}
	svc, ctx, closeDB, err := openService(ctx, c, getenv, stderr)
	if err != nil {
		return err
	}
	defer closeDB()
	l, err := svc.ListEvents(ctx, billing.EventFilter{Type: *typ}, billing.Page{Limit: *limit})
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EVENT\tCREATED\tTYPE\tPENDING\tREQUEST")
	for _, e := range l.Data {
		req := e.Request.ID
		if req == "" {
			req = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", e.ID, time.Unix(e.Created, 0).UTC().Format(time.RFC3339), e.Type, e.PendingWebhooks, req)
	}
	return tw.Flush()
}

// runDeliveries is `portico deliveries`: an event's delivery attempts, or
// (with --resend) a new delivery.
func runDeliveries(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, c := newCLIFlags("deliveries", getenv, stderr)
	resend := fs.Bool("resend", false, "deliver the event again now")
	endpoint := fs.String("endpoint", "", "with --resend: only to this endpoint (we_...)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || (*endpoint != "" && !*resend) {
		fs.Usage()
		return errUsage
	}
	eventID := pos[0]
	svc, ctx, closeDB, err := openService(ctx, c, getenv, stderr)
	if err != nil {
		return err
	}
	defer closeDB()
	if *resend {
		sent, err := svc.ResendEvent(ctx, eventID, *endpoint)
		if err != nil {
			return clientMessage(err)
		}
		if len(sent) == 0 {
			fmt.Fprintf(stdout, "%s has no deliveries to enabled endpoints; name one with --endpoint we_...\n", eventID)
			return nil
		}
		fmt.Fprintf(stdout, "%s will be delivered again to %s\n", eventID, strings.Join(sent, ", "))
		return nil
	}
	ev, reports, err := svc.EventDeliveries(ctx, eventID)
	if err != nil {
		return clientMessage(err)
	}
	fmt.Fprintf(stdout, "%s %s created %s, %d pending\n", ev.ID, ev.Type, time.Unix(ev.Created, 0).UTC().Format(time.RFC3339), ev.PendingWebhooks)
	if len(reports) == 0 {
		fmt.Fprintln(stdout, "no webhook endpoint subscribed to it")
	}
	for _, r := range reports {
		url := "(endpoint deleted)"
		if r.Endpoint != nil {
			url = r.Endpoint.URL
		}
		d := r.Delivery
		fmt.Fprintf(stdout, "\n%s %s\n  %s after %d attempt(s)", d.Endpoint, url, d.State, d.Attempts)
		if d.State == billing.DeliveryPending {
			fmt.Fprintf(stdout, ", next %s", time.UnixMilli(d.NextAttempt).UTC().Format(time.RFC3339))
		}
		fmt.Fprintln(stdout)
		for _, a := range r.Attempts {
			status := fmt.Sprint(a.Status)
			if a.Status == 0 {
				status = "---"
			}
			detail := a.Error
			if detail == "" {
				detail = strings.Join(strings.Fields(a.Response), " ")
				if len(detail) > 120 {
					detail = detail[:120] + "..."
				}
			}
			fmt.Fprintf(stdout, "  %s  %s  %5d ms  %s\n", time.UnixMilli(a.Attempted).UTC().Format("2006-01-02 15:04:05.000"), status, a.DurationMS, detail)
		}
	}
	return nil
}

// clientMessage turns a Stripe-shaped error into its message.
func clientMessage(err error) error {
	if e, ok := billing.AsError(err); ok {
		return errors.New(e.Message)
	}
	return err
}
