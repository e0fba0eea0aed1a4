package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/porticohq/portico/internal/app"
	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
	"github.com/porticohq/portico/internal/testenv"
)

// TestEventsAndDeliveriesCommands runs `portico events` and `portico
// deliveries` in-process on a database with an event for an endpoint that
// was never reached (no worker runs).
func TestEventsAndDeliveriesCommands(t *testing.T) {
	db := testenv.DB(t)
	ctx := context.Background()
	a, err := app.Open(ctx, app.Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	we, err := a.Service.CreateWebhookEndpoint(ctx, service.WebhookEndpointParams{
		URL: service.Set("https://example.com/hook"), EnabledEvents: service.Set([]string{"customer.created"}),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Service.CreateCustomer(ctx, service.CustomerParams{Email: service.Set("cli@example.com")}); err != nil {
		t.Fatal(err)
	}
	l, err := a.Service.ListEvents(ctx, billing.EventFilter{Type: "customer.created"}, billing.Page{Limit: 1})
	if err != nil || len(l.Data) != 1 {
		t.Fatalf("events: %v %v", l, err)
	}
	evID := l.Data[0].ID
	a.Close()

	getenv := func(k string) string {
		if k == "PORTICO_DB" {
			return db
		}
		return ""
	}
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"events"}, getenv, &out, &errOut); err != nil {
		t.Fatalf("portico events: %v %s", err, errOut.String())
	}
	if !strings.Contains(out.String(), evID) || !strings.Contains(out.String(), "customer.created") {
		t.Fatalf("portico events:\n%s", out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"deliveries", evID}, getenv, &out, &errOut); err != nil {
		t.Fatalf("portico deliveries: %v", err)
	}
	if !strings.Contains(out.String(), we.ID) || !strings.Contains(out.String(), "pending after 0 attempt(s)") {
		t.Fatalf("portico deliveries:\n%s", out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"deliveries", "--resend", "--endpoint", we.ID, evID}, getenv, &out, &errOut); err != nil ||
		!strings.Contains(out.String(), "delivered again to "+we.ID) {
		t.Fatalf("portico deliveries --resend: %v\n%s", err, out.String())
	}
	if err := run(ctx, []string{"deliveries", "evt_nope"}, getenv, &out, &errOut); err == nil || !strings.Contains(err.Error(), "No such event") {
		t.Fatalf("unknown event: %v", err)
	}
	if err := run(ctx, []string{"deliveries"}, getenv, &out, &errOut); err != errUsage {
		t.Fatalf("no event id: %v", err)
	}
}
