package e2e

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sync"
	"testing"

	"github.com/porticohq/portico/internal/app"
	"github.com/porticohq/portico/internal/testenv"
)

// TestPostgresIdempotencyAcrossInstances sends the same request with the
// same Idempotency-Key to two Portico instances on one PostgreSQL database
// at once, many times. Each time exactly one customer is created, and each
// instance answers with it (the second from the stored response) or with
// a 409 while the first is still in flight, never with a second customer.
func TestPostgresIdempotencyAcrossInstances(t *testing.T) {
	dsn := testenv.PostgresSchema(t, testenv.PostgresURL(t))
	envs := []*env{
		startWith(t, app.Config{DB: dsn, SecretKey: portalTestKey}),
		startWith(t, app.Config{DB: dsn, SecretKey: portalTestKey}),
	}
	const rounds = 30
	replayed := 0
	for round := range rounds {
		email := fmt.Sprintf("idem%d@example.com", round)
		body := "email=" + url.QueryEscape(email)
		var answers [2]response
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, e := range envs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				answers[i] = e.do("POST", "/v1/customers", body, fmt.Sprintf("Idempotency-Key: key-%d", round))
			}()
		}
		close(start)
		wg.Wait()
		ids := map[string]bool{}
		for _, a := range answers {
			switch a.Status {
			case 200:
				var c struct{ ID string }
				json.Unmarshal(a.Body, &c)
				ids[c.ID] = true
				if a.Header.Get("Idempotent-Replayed") == "true" {
					replayed++
				}
			case 409:
				var e struct{ Error struct{ Type string } }
				json.Unmarshal(a.Body, &e)
				if e.Error.Type != "idempotency_error" {
					t.Fatalf("round %d: 409 %s", round, a.Body)
				}
			default:
				t.Fatalf("round %d: %d %s", round, a.Status, a.Body)
			}
		}
		if len(ids) != 1 {
			t.Fatalf("round %d: answers name customers %v, want exactly one: %s / %s", round, ids, answers[0].Body, answers[1].Body)
		}
		list := envs[round%2].do("GET", "/v1/customers?email="+url.QueryEscape(email), "")
		var l struct{ Data []struct{ ID string } }
		json.Unmarshal(list.Body, &l)
		if len(l.Data) != 1 {
			t.Fatalf("round %d: %d customers with %s, want 1: %s", round, len(l.Data), email, list.Body)
		}
	}
	t.Logf("%d rounds, %d answers replayed from the other instance's stored response", rounds, replayed)
}
