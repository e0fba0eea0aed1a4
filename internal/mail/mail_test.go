package mail

import (
	"bufio"
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

// fakeSMTP accepts one connection, speaks just enough SMTP and sends the
// DATA it received on the returned channel.
func fakeSMTP(t *testing.T) (string, <-chan string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	out := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		say := func(s string) { c.Write([]byte(s + "\r\n")) }
		say("220 fake ESMTP")
		var data strings.Builder
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			cmd := strings.ToUpper(strings.TrimSpace(line))
			switch {
			case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
				say("250 fake")
			case strings.HasPrefix(cmd, "MAIL"), strings.HasPrefix(cmd, "RCPT"):
				data.WriteString(line)
				say("250 ok")
			case cmd == "DATA":
				say("354 go on")
				for {
					l, err := r.ReadString('\n')
					if err != nil || l == ".\r\n" {
						break
					}
					data.WriteString(l)
				}
				say("250 queued")
			case cmd == "QUIT":
				say("221 bye")
				out <- data.String()
				return
			default:
				say("502 no")
			}
		}
	}()
	return ln.Addr().String(), out
}

func TestSMTPSendsInTheBackground(t *testing.T) {
	addr, got := fakeSMTP(t)
	m, mb, err := New(Config{SMTPURL: "smtp://" + addr, From: "billing@example.com"}, nil)
	if err != nil || mb != nil {
		t.Fatalf("new: %v %v", mb, err)
	}
	if err := m.Send(context.Background(), Message{To: "jenny@example.com\r\nBcc: evil@example.com", Subject: "Your link", Text: "Open:\nhttps://x/p/session/test_abc\n"}); err != nil {
		t.Fatal(err)
	}
	select {
	case data := <-got:
		for _, want := range []string{"MAIL FROM:<billing@example.com>", "RCPT TO:<jenny@example.comBcc: evil@example.com>", "Subject: Your link\r\n", "https://x/p/session/test_abc\r\n"} {
			if !strings.Contains(data, want) {
				t.Errorf("missing %q in\n%s", want, data)
			}
		}
		if strings.Contains(data, "\r\nBcc:") {
			t.Errorf("header injection:\n%s", data)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("no mail delivered")
	}
}

func TestConfigAndMailbox(t *testing.T) {
	for _, bad := range []string{"http://x", "smtp://", "::"} {
		if _, _, err := New(Config{SMTPURL: bad}, nil); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	c := ConfigFromEnv(func(k string) string {
		return map[string]string{"PORTICO_SMTP_URL": "smtps://u:p@mail.example.com", "PORTICO_SMTP_FROM": "a@b.c"}[k]
	})
	if c.SMTPURL != "smtps://u:p@mail.example.com" || c.From != "a@b.c" {
		t.Fatalf("config %+v", c)
	}
	u, tls, err := parseSMTPURL(c.SMTPURL)
	if err != nil || !tls || u.Host != "mail.example.com:465" {
		t.Fatalf("parse: %v %v %v", u, tls, err)
	}
	m, mb, _ := New(Config{}, nil)
	for i := 0; i < mailboxSize+5; i++ {
		m.Send(context.Background(), Message{To: "a@b.c", Subject: "n"})
	}
	if got := len(mb.Messages()); got != mailboxSize {
		t.Fatalf("mailbox keeps %d", got)
	}
}
