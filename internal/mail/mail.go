// Package mail sends Portico's email (the portal's sign-in links): through
// an SMTP server when PORTICO_SMTP_URL is set, otherwise into a dev mailbox
// kept in memory and shown on a page, so sign-in works on a laptop without
// any mail setup.
package mail

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Message is one email.
type Message struct {
	To      string
	Subject string
	Text    string
	Sent    time.Time
}

// Mailer sends email. Send must not block on the network: callers answer
// web requests, and how long sending takes must not tell anything (such as
// whether an address belongs to a customer).
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// Config configures New.
type Config struct {
	// SMTPURL is smtp://user:password@host:port (STARTTLS when the server
	// offers it) or smtps://user:password@host:port (TLS from the start);
	// empty for the dev mailbox.
	SMTPURL string
	// From is the sender address (default portico@<host of the public URL>).
	From string
}

// ConfigFromEnv reads PORTICO_SMTP_URL and PORTICO_SMTP_FROM.
func ConfigFromEnv(getenv func(string) string) Config {
	return Config{SMTPURL: getenv("PORTICO_SMTP_URL"), From: getenv("PORTICO_SMTP_FROM")}
}

// New returns the mailer cfg asks for. The Mailbox is non-nil when mail
// goes to the dev mailbox.
func New(cfg Config, log *slog.Logger) (Mailer, *Mailbox, error) {
	if log == nil {
		log = slog.Default()
	}
	if cfg.SMTPURL == "" {
		mb := &Mailbox{}
		return mb, mb, nil
	}
	s, err := newSMTP(cfg, log)
	return s, nil, err
}

// mailboxSize is how many messages the dev mailbox keeps.
const mailboxSize = 100

// Mailbox is the dev mailbox: it keeps the last messages in memory.
type Mailbox struct {
	mu   sync.Mutex
	msgs []Message
}

// Send keeps m.
func (mb *Mailbox) Send(_ context.Context, m Message) error {
	if m.Sent.IsZero() {
		m.Sent = time.Now()
	}
	mb.mu.Lock()
	defer mb.mu.Unlock()
	mb.msgs = append(mb.msgs, m)
	if len(mb.msgs) > mailboxSize {
		mb.msgs = mb.msgs[len(mb.msgs)-mailboxSize:]
	}
	return nil
}

// Messages returns the kept messages, newest first.
func (mb *Mailbox) Messages() []Message {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	out := make([]Message, len(mb.msgs))
	for i, m := range mb.msgs {
		out[len(out)-1-i] = m
	}
	return out
}

var mailboxPage = template.Must(template.New("mailbox").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Portico dev mailbox</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}article{border:1px solid #ccc;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}pre{white-space:pre-wrap}</style></head>
<body><h1>Dev mailbox</h1>
<p>Email Portico sent, newest first (set PORTICO_SMTP_URL to send real email instead).</p>
{{range .}}<article><p><strong>To:</strong> {{.To}}<br><strong>Subject:</strong> {{.Subject}}<br><small>{{.Sent.UTC.Format "2006-01-02 15:04:05 UTC"}}</small></p><pre>{{.Text}}</pre></article>
{{else}}<p>No messages yet.</p>{{end}}
</body></html>`))

// ServeHTTP shows the mailbox.
func (mb *Mailbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	mailboxPage.Execute(w, mb.Messages())
}

// parseSMTPURL splits an SMTP URL into its parts.
func parseSMTPURL(raw string) (u *url.URL, implicitTLS bool, err error) {
	u, err = url.Parse(raw)
	if err != nil {
		return nil, false, fmt.Errorf("PORTICO_SMTP_URL: %w", err)
	}
	switch u.Scheme {
	case "smtp":
	case "smtps":
		implicitTLS = true
	default:
		return nil, false, errors.New("PORTICO_SMTP_URL must start with smtp:// or smtps://")
	}
	if u.Hostname() == "" {
		return nil, false, errors.New("PORTICO_SMTP_URL has no host")
	}
	if u.Port() == "" {
		port := "587"
		if implicitTLS {
			port = "465"
		}
		u.Host = u.Hostname() + ":" + port
	}
	return u, implicitTLS, nil
}

// headerSafe drops line breaks, so a value cannot add mail headers.
func headerSafe(s string) string { return strings.NewReplacer("\r", "", "\n", "").Replace(s) }
