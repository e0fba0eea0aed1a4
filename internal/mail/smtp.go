package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/smtp"
	"net/url"
	"strings"
	"sync"
	"time"
)

// smtpQueue bounds the messages waiting for the SMTP server; when it is
// full, Send fails rather than blocking the page that sends.
const smtpQueue = 256

// smtpMailer sends through an SMTP server from one background goroutine,
// so Send returns at once.
type smtpMailer struct {
	u           *url.URL
	implicitTLS bool
	from        string
	log         *slog.Logger
	queue       chan Message
	once        sync.Once
	closeOnce   sync.Once
}

func newSMTP(cfg Config, log *slog.Logger) (*smtpMailer, error) {
	u, implicit, err := parseSMTPURL(cfg.SMTPURL)
	if err != nil {
		return nil, err
	}
	from := cfg.From
	if from == "" {
		from = "portico@" + u.Hostname()
	}
	return &smtpMailer{u: u, implicitTLS: implicit, from: headerSafe(from), log: log, queue: make(chan Message, smtpQueue)}, nil
}

// Send queues m for the background sender.
func (s *smtpMailer) Send(_ context.Context, m Message) error {
	s.once.Do(func() { go s.loop() })
	select {
	case s.queue <- m:
		return nil
	default:
		return errors.New("mail: SMTP queue full")
	}
}

// Close stops the sender after the queued messages.
func (s *smtpMailer) Close() error {
	s.closeOnce.Do(func() { close(s.queue) })
	return nil
}

func (s *smtpMailer) loop() {
	for m := range s.queue {
		if err := s.deliver(m); err != nil {
			s.log.Error("sending email", "to_domain", domainOf(m.To), "error", err)
		}
	}
}

func domainOf(addr string) string {
	_, d, _ := strings.Cut(addr, "@")
	return d
}

// deliver sends one message, with a deadline on the whole exchange.
func (s *smtpMailer) deliver(m Message) error {
	host := s.u.Hostname()
	d := net.Dialer{Timeout: 15 * time.Second}
	var conn net.Conn
	var err error
	if s.implicitTLS {
		conn, err = tls.DialWithDialer(&d, "tcp", s.u.Host, &tls.Config{ServerName: host})
	} else {
		conn, err = d.Dial("tcp", s.u.Host)
	}
	if err != nil {
		return err
	}
	conn.SetDeadline(time.Now().Add(time.Minute))
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if !s.implicitTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(&tls.Config{ServerName: host}); err != nil {
				return err
			}
		}
	}
	if s.u.User != nil {
		pass, _ := s.u.User.Password()
		if err := c.Auth(smtp.PlainAuth("", s.u.User.Username(), pass, host)); err != nil {
			return err
		}
	}
	to := headerSafe(m.To)
	if err := c.Mail(s.from); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	body := strings.ReplaceAll(strings.ReplaceAll(m.Text, "\r\n", "\n"), "\n", "\r\n")
	fmt.Fprintf(w, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s\r\n",
		s.from, to, headerSafe(m.Subject), time.Now().Format(time.RFC1123Z), body)
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}
