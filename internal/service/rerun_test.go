package service

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/testenv"
)

// newRerunService returns a Service whose every transaction runs twice, the
// first run rolled back, as on PostgreSQL after a serialization failure.
func newRerunService(t *testing.T) (*Service, context.Context) {
	t.Helper()
	db := openDiscountTestStore(t, time.Unix(1_800_000_000, 0))
	s := New(Config{Store: testenv.Rerun(db), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), FingerprintKey: []byte("k")})
	return s, billing.WithLivemode(context.Background(), false)
}

// openInvoice returns an open invoice of 1000 usd for a new customer with
// no payment method.
func openInvoice(t *testing.T, s *Service, ctx context.Context) *billing.Invoice {
	t.Helper()
	c, err := s.CreateCustomer(ctx, CustomerParams{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateInvoiceItem(ctx, InvoiceItemParams{Customer: c.ID, Amount: Set[int64](1000), Currency: "usd"}); err != nil {
		t.Fatal(err)
	}
	in, err := s.CreateInvoice(ctx, InvoiceParams{Customer: c.ID, PendingItems: "include"})
	if err != nil {
		t.Fatal(err)
	}
	if in, err = s.FinalizeInvoice(ctx, in.ID); err != nil {
		t.Fatal(err)
	}
	return in
}

// A test card (pm_card_visa) becomes a new payment method in the
// transaction; a rerun must make it anew, not look up the one the rolled
// back run made.
func TestRerunCreateCustomerWithTestCardAsDefault(t *testing.T) {
	s, ctx := newRerunService(t)
	c, err := s.CreateCustomer(ctx, CustomerParams{PaymentMethod: "pm_card_visa", DefaultPM: Set("pm_card_visa")})
	if err != nil {
		t.Fatal(err)
	}
	if pm := c.InvoiceSettings.DefaultPaymentMethod; pm == "" || pm == "pm_card_visa" {
		t.Fatalf("default payment method = %q, want the attached card's id", pm)
	}
}

func TestRerunPayInvoiceWithTestCard(t *testing.T) {
	s, ctx := newRerunService(t)
	in := openInvoice(t, s, ctx)
	in, err := s.PayInvoice(ctx, in.ID, "pm_card_visa", false)
	if err != nil {
		t.Fatal(err)
	}
	if in.Status != billing.InvoicePaid {
		t.Fatalf("invoice status = %s, want paid", in.Status)
	}
}

func TestRerunConfirmPaymentIntentWithTestCard(t *testing.T) {
	s, ctx := newRerunService(t)
	in := openInvoice(t, s, ctx)
	// This card attaches, and its charges fail.
	if _, err := s.PayInvoice(ctx, in.ID, "pm_card_chargeCustomerFail", false); err == nil {
		t.Fatal("a declined card paid the invoice")
	}
	in, err := s.Invoice(ctx, in.ID)
	if err != nil || in.PaymentIntent == "" {
		t.Fatalf("invoice after a decline: %+v, %v", in, err)
	}
	pi, err := s.ConfirmPaymentIntent(ctx, in.PaymentIntent, "pm_card_visa")
	if err != nil {
		t.Fatal(err)
	}
	if pi.Status != billing.PISucceeded {
		t.Fatalf("payment intent status = %s, want succeeded", pi.Status)
	}
}

func TestRerunResendEventListsEachEndpointOnce(t *testing.T) {
	s, ctx := newRerunService(t)
	for range 2 {
		if _, err := s.CreateWebhookEndpoint(ctx, WebhookEndpointParams{URL: Set("https://example.com/hook"), EnabledEvents: Set([]string{"*"})}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CreateCustomer(ctx, CustomerParams{}); err != nil {
		t.Fatal(err)
	}
	evs, err := s.ListEvents(ctx, billing.EventFilter{}, billing.Page{Limit: 10})
	if err != nil || len(evs.Data) == 0 {
		t.Fatalf("events: %v, %v", evs.Data, err)
	}
	sent, err := s.ResendEvent(ctx, evs.Data[0].ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != 2 || sent[0] == sent[1] {
		t.Fatalf("resent to %v, want the two endpoints once each", sent)
	}
	if slices.Contains(sent, "") {
		t.Fatalf("resent to %v", sent)
	}
}

// A login request whose retried transaction no longer finds the customer
// (their address changed meanwhile) yields no link: not the one the
// rolled-back run made, which would be emailed and not open.
func TestRerunPortalLoginForgetsRolledBackLink(t *testing.T) {
	db := openDiscountTestStore(t, time.Unix(1_800_000_000, 0))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := billing.WithLivemode(context.Background(), false)
	plain := New(Config{Store: db, Logger: log})
	conf, err := plain.CreatePortalConfiguration(ctx, PortalConfigurationParams{LoginPage: Set(true)})
	if err != nil {
		t.Fatal(err)
	}
	c, err := plain.CreateCustomer(ctx, CustomerParams{Email: Set("jenny@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	moved := false
	s := New(Config{Store: testenv.RerunAfter(db, func() {
		if !moved {
			moved = true
			if _, err := plain.UpdateCustomer(ctx, c.ID, CustomerParams{Email: Set("jenny@example.org")}); err != nil {
				t.Error(err)
			}
		}
	}), Logger: log})
	link, err := s.RequestPortalLogin(ctx, PortalLoginRequest{LoginPage: conf.LoginPage.ID, Email: "jenny@example.com",
		ClientIP: "192.0.2.1", PerAddress: 10, PerIP: 10, Window: time.Hour, LinkLifetime: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if !moved {
		t.Fatal("the request made no transaction")
	}
	if link.Token != "" || link.Customer != nil {
		t.Fatalf("got a link (token %q) made by the rolled-back run", link.Token)
	}
}
