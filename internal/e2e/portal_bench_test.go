package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// BenchmarkCreatePortalSession creates portal sessions with a
// subscription_update_confirm flow, whose validation reads the customer,
// the configuration, the subscription and the coupon, with a unique
// Idempotency-Key each, as stripe-go sends.
func BenchmarkCreatePortalSession(b *testing.B) {
	t := &testing.T{}
	f := newPortalFixture(t)
	e := f.e
	defer e.srv.Close()
	defer e.app.Close()
	body := "customer=" + f.cus.ID + "&configuration=" + f.conf + "&return_url=https%3A%2F%2Fexample.com%2Faccount" +
		"&flow_data[type]=subscription_update_confirm&flow_data[subscription_update_confirm][subscription]=" + f.sub.ID +
		"&flow_data[subscription_update_confirm][items][0][id]=" + f.sub.Items[0].ID +
		"&flow_data[subscription_update_confirm][items][0][price]=" + f.a2.ID +
		"&flow_data[subscription_update_confirm][items][0][quantity]=2" +
		"&flow_data[subscription_update_confirm][discounts][0][coupon]=" + f.coupon.ID +
		"&flow_data[after_completion][type]=redirect&flow_data[after_completion][redirect][return_url]=https%3A%2F%2Fexample.com%2Fdone"
	if r := e.do("POST", "/v1/billing_portal/sessions", body); r.Status != 200 {
		b.Fatalf("setup: %d %s", r.Status, r.Body)
	}
	run := fmt.Sprintf("%d", time.Now().UnixNano())
	benchLoad(b, func(i int64) *http.Request {
		req, _ := http.NewRequest("POST", e.srv.URL+"/v1/billing_portal/sessions", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+e.key)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Idempotency-Key", run+"-"+fmt.Sprint(i))
		return req
	})
}
