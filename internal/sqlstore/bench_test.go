package sqlstore

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/porticohq/portico/internal/billing"
)

// benchWriter runs b.N jobs from 32 goroutines through the group-commit
// writer; ns/op is the writer's cost per job, commits included.
func benchWriter(b *testing.B, job func(tx billing.Tx, i int) error) {
	db := openTest(b)
	var wg sync.WaitGroup
	next := make(chan int)
	b.ResetTimer()
	for w := 0; w < 32; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := db.Update(context.Background(), func(tx billing.Tx) error { return job(tx, i) }); err != nil {
					b.Error(err)
				}
			}
		}()
	}
	for i := 0; i < b.N; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

func BenchmarkWriterEmptyJob(b *testing.B) {
	benchWriter(b, func(tx billing.Tx, i int) error { return nil })
}

func BenchmarkWriterInsertCustomer(b *testing.B) {
	benchWriter(b, func(tx billing.Tx, i int) error {
		return tx.InsertCustomer(&billing.Customer{ID: fmt.Sprintf("cus_%d", i), Created: 1, Email: fmt.Sprintf("c%d@example.com", i),
			InvoicePrefix: "ABCDEFGH", TaxExempt: "none", Metadata: billing.Metadata{"n": "1"}})
	})
}

func BenchmarkWriterCustomerEventIdempotency(b *testing.B) {
	benchWriter(b, func(tx billing.Tx, i int) error {
		c := &billing.Customer{ID: fmt.Sprintf("cus_%d", i), Created: 1, Email: fmt.Sprintf("c%d@example.com", i),
			InvoicePrefix: "ABCDEFGH", TaxExempt: "none", Metadata: billing.Metadata{"n": "1"}}
		if err := tx.InsertCustomer(c); err != nil {
			return err
		}
		if err := tx.InsertEvent(&billing.Event{ID: fmt.Sprintf("evt_%d", i), Type: "customer.created", Created: 1, ObjectKind: "customer", Object: []byte(`{"id":"x"}`)}); err != nil {
			return err
		}
		return tx.SaveIdempotentResponse(&billing.IdempotentResponse{Key: fmt.Sprintf("k%d", i), Method: "POST", Path: "/v1/customers", Fingerprint: "f", Status: 200, Body: make([]byte, 900), Created: 1})
	})
}
