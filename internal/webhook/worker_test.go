package webhook

import (
	"net/netip"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85/webhook"
)

func TestSignIsWhatStripeGoVerifies(t *testing.T) {
	body := []byte(`{"id":"evt_1","object":"event","api_version":"2026-03-25.dahlia"}`)
	now := time.Now()
	header := Sign("whsec_test", now, body)
	if err := webhook.ValidatePayload(body, header, "whsec_test"); err != nil {
		t.Fatalf("stripe-go rejects %q: %v", header, err)
	}
	if err := webhook.ValidatePayload(body, header, "whsec_other"); err == nil {
		t.Fatal("another secret verifies the signature")
	}
	want := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: "whsec_test", Timestamp: now}).Header
	if header != want {
		t.Fatalf("header = %s, want %s", header, want)
	}
}

func TestBackoffGrowsWithJitterAndScale(t *testing.T) {
	w := New(Config{})
	for n, base := range map[int]time.Duration{1: time.Minute, 2: 3 * time.Minute, 3: 9 * time.Minute, 6: 243 * time.Minute, 7: 12 * time.Hour, 30: 12 * time.Hour} {
		for i := 0; i < 50; i++ {
			d := w.backoff(n)
			if d < base*8/10 || d > base*12/10 {
				t.Fatalf("backoff(%d) = %s, want %s ± 20 %%", n, d, base)
			}
		}
	}
	fast := New(Config{RetryScale: 0.001})
	if d := fast.backoff(1); d < 48*time.Millisecond || d > 72*time.Millisecond {
		t.Fatalf("compressed backoff(1) = %s", d)
	}
	// Over three days: about a dozen attempts.
	var total time.Duration
	n := 0
	for total < 72*time.Hour {
		n++
		total += w.backoff(n)
	}
	if n < 8 || n > 14 {
		t.Fatalf("%d attempts in three days", n)
	}
}

func TestPublicAddr(t *testing.T) {
	for addr, public := range map[string]bool{
		"93.184.216.34": true, "2606:2800:220:1::1": true, "8.8.8.8": true,
		"127.0.0.1": false, "::1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false,
		"169.254.169.254": false, "fe80::1": false, "fc00::1": false, "0.0.0.0": false, "::": false,
		"100.64.0.1": false, "::ffff:127.0.0.1": false, "224.0.0.1": false, "64:ff9b::a00:1": false,
	} {
		if got := PublicAddr(netip.MustParseAddr(addr)); got != public {
			t.Errorf("PublicAddr(%s) = %v, want %v", addr, got, public)
		}
	}
	if err := refusePrivate("tcp4", "127.0.0.1:80", nil); err == nil {
		t.Error("loopback dial allowed")
	}
	if err := refusePrivate("tcp4", "93.184.216.34:443", nil); err != nil {
		t.Errorf("public dial refused: %v", err)
	}
}
