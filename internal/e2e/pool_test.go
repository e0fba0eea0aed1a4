package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/porticohq/portico/internal/app"
	"github.com/porticohq/portico/internal/testenv"
)

// A write request reads only through its own transaction: expansions,
// the idempotency look-up and storing the response all run inside it. On
// PostgreSQL reads outside the transaction would need a second connection
// from the pool the transaction holds one of; with a pool of one they
// would wait for ever, so this test runs with a pool of one connection
// (on SQLite, where the writer has its own connection, it runs as is).
func TestWriteRequestsNeedOneConnection(t *testing.T) {
	dsn := testenv.DB(t)
	if strings.HasPrefix(dsn, "postgres") {
		dsn += "&pool_max_conns=1"
	}
	e := startWith(t, app.Config{DB: dsn})
	client := &http.Client{Timeout: 20 * time.Second}
	post := func(path, body, key string) map[string]any {
		t.Helper()
		req, err := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+e.key)
		req.Header.Set("Idempotency-Key", key)
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("POST %s: %v (a read outside the transaction waiting for a connection?)", path, err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		var m map[string]any
		if res.StatusCode != http.StatusOK || json.Unmarshal(b, &m) != nil {
			t.Fatalf("POST %s: %d %s", path, res.StatusCode, b)
		}
		return m
	}
	c := post("/v1/customers", "payment_method=pm_card_visa&invoice_settings[default_payment_method]=pm_card_visa"+
		"&expand[]=invoice_settings.default_payment_method", "pool-1")
	pm, _ := c["invoice_settings"].(map[string]any)["default_payment_method"].(map[string]any)
	if pm["object"] != "payment_method" {
		t.Fatalf("default_payment_method not expanded: %v", c["invoice_settings"])
	}
	id := c["id"].(string)
	post("/v1/invoiceitems", "customer="+id+"&amount=1000&currency=usd&expand[]=customer", "pool-2")
	in := post("/v1/invoices", "customer="+id+"&pending_invoice_items_behavior=include&expand[]=customer", "pool-3")
	paid := post("/v1/invoices/"+in["id"].(string)+"/pay", "expand[]=payment_intent&expand[]=customer", "pool-4")
	if paid["status"] != "paid" {
		t.Fatalf("invoice status = %v", paid["status"])
	}
	// A replay reads the stored response inside a write transaction too.
	if again := post("/v1/invoices/"+in["id"].(string)+"/pay", "expand[]=payment_intent&expand[]=customer", "pool-4"); again["id"] != paid["id"] {
		t.Fatalf("replay answered %v", again["id"])
	}
}
