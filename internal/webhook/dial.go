package webhook

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// newClient returns the HTTP client for deliveries: no proxy from the
// environment (a request goes where its URL says, with no credentials but
// the signature), no redirects followed (Stripe does not follow them
// either: a 3xx is a failure), and, with BlockPrivate, a dialer that
// refuses addresses that are not public. The check runs on the address
// actually dialed, after name resolution, so a name that resolves to a
// private address is refused too.
func newClient(cfg Config) *http.Client {
	rt := cfg.Transport
	if rt == nil {
		d := &net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second}
		if cfg.BlockPrivate {
			d.Control = refusePrivate
		}
		rt = &http.Transport{
			Proxy:                 nil,
			DialContext:           d.DialContext,
			MaxIdleConns:          1024,
			MaxIdleConnsPerHost:   2 * cfg.PerEndpoint,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   cfg.Timeout,
			ResponseHeaderTimeout: cfg.Timeout,
			ForceAttemptHTTP2:     true,
		}
	}
	return &http.Client{
		Transport:     rt,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// blockedError is the attempt error for a refused address.
type blockedError struct{ addr netip.Addr }

func (e *blockedError) Error() string {
	return fmt.Sprintf("refused to connect to %s: not a public address (PORTICO_WEBHOOK_BLOCK_PRIVATE=1)", e.addr)
}

// refusePrivate is a net.Dialer Control function that refuses addresses
// that are not public.
func refusePrivate(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("refused to connect to %s: unparsable address", address)
	}
	if !PublicAddr(ap.Addr()) {
		return &blockedError{ap.Addr()}
	}
	return nil
}

var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"), // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64 can reach private IPv4
}

// PublicAddr reports whether a is a public unicast address: not loopback,
// private, link-local, multicast, unspecified or otherwise reserved.
func PublicAddr(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}
