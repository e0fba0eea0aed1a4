package hosted

import (
	"net/http/httptest"
	"net/url"
	"testing"
)

// The 3-D Secure page sends the browser back only to a portal path.
func TestReturnPath(t *testing.T) {
	for in, want := range map[string]string{
		"/p/invoices/in_1/paid":           "/p/invoices/in_1/paid",
		"/p/":                             "/p/",
		"":                                "",
		"https://evil.test/p/":            "",
		"//evil.test/p/":                  "",
		"/p//evil.test":                   "",
		"/p/\\evil.test":                  "",
		"/billing/invoices/in_1":          "",
		"/p/x\r\nLocation: evil":          "",
		"p/relative":                      "",
		"/p/" + string(make([]byte, 300)): "",
	} {
		r := httptest.NewRequest("GET", "/billing/3ds/pi_1?return="+url.QueryEscape(in), nil)
		if got := returnPath(r); got != want {
			t.Errorf("returnPath(%q) = %q, want %q", in, got, want)
		}
	}
}
