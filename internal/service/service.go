// Package service holds Portico's use cases, one per operation
// (CreateCustomer, AttachPaymentMethod, ...), shared by the API and the
// portal. Each runs in one store transaction (joining the caller's, when the
// context carries one) and records its events in it.
package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/porticohq/portico/internal/billing"
)

// Service runs the use cases against a store.
type Service struct {
	store billing.Store
	log   *slog.Logger
	// fingerprintKey keys card fingerprints, so the same card number gives
	// the same fingerprint in one Portico installation and a different one
	// elsewhere.
	fingerprintKey []byte
	eventRetention time.Duration
}

// Config configures New.
type Config struct {
	Store          billing.Store
	Logger         *slog.Logger
	FingerprintKey []byte
	// EventRetention is how long events are kept and listed (default:
	// EventRetention, 30 days).
	EventRetention time.Duration
}

// New returns a Service.
func New(cfg Config) *Service {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.EventRetention <= 0 {
		cfg.EventRetention = EventRetention
	}
	return &Service{store: cfg.Store, log: cfg.Logger, fingerprintKey: cfg.FingerprintKey, eventRetention: cfg.EventRetention}
}

// Atomic runs fn in one write transaction; every use case fn calls with the
// context it is given joins it. fn's error rolls everything back.
func (s *Service) Atomic(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.store.Update(ctx, func(tx billing.Tx) error { return fn(tx.Context()) })
}

// Read runs fn on one consistent read-only snapshot.
func (s *Service) Read(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.store.View(ctx, func(tx billing.Tx) error { return fn(tx.Context()) })
}

// update and view are the use cases' way into a transaction.
func (s *Service) update(ctx context.Context, fn func(tx billing.Tx) error) error {
	return s.store.Update(ctx, fn)
}

func (s *Service) view(ctx context.Context, fn func(tx billing.Tx) error) error {
	return s.store.View(ctx, fn)
}

// Field is an optional parameter of an update: Set tells whether it was
// given; a set zero Value clears the field.
type Field[T any] struct {
	Set   bool
	Value T
}

// Set returns a set Field.
func Set[T any](v T) Field[T] { return Field[T]{Set: true, Value: v} }

// apply stores f's value in *dst when f is set.
func apply[T any](dst *T, f Field[T]) {
	if f.Set {
		*dst = f.Value
	}
}

// emit records an event for obj (and, for updates, the object before the
// change) in tx.
func emit(tx billing.Tx, eventType, objectKind string, obj, prev any) error {
	data, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	e := &billing.Event{
		ID: billing.NewID("evt"), Type: eventType, Created: tx.Now().Unix(), Livemode: tx.Livemode(),
		ObjectKind: objectKind, Object: data,
	}
	if info, ok := billing.RequestInfoFrom(tx.Context()); ok {
		e.Request = info
	}
	if prev != nil {
		if e.Previous, err = json.Marshal(prev); err != nil {
			return err
		}
	}
	return tx.InsertEvent(e)
}

// notFound turns the store's ErrNotFound for an id in the URL path into the
// 404 Stripe answers.
func notFound(err error, noun, id string) error {
	if errors.Is(err, billing.ErrNotFound) {
		return billing.NotFound(noun, id)
	}
	return err
}

// noSuchParam turns ErrNotFound for an id given as parameter param into
// Stripe's 400 resource_missing.
func noSuchParam(err error, param, noun, id string) error {
	if errors.Is(err, billing.ErrNotFound) {
		return billing.NoSuchParam(param, noun, id)
	}
	return err
}

// Load returns the domain object of objectType with id, for expansion.
func (s *Service) Load(ctx context.Context, objectType, id string) (any, error) {
	var obj any
	err := s.view(ctx, func(tx billing.Tx) error {
		var err error
		switch objectType {
		case "customer":
			obj, err = tx.Customer(id)
		case "product":
			obj, err = tx.Product(id)
		case "price":
			obj, err = tx.Price(id)
		case "payment_method":
			obj, err = tx.PaymentMethod(id)
		case "coupon":
			obj, err = tx.Coupon(id)
		case "promotion_code":
			obj, err = tx.PromotionCode(id)
		case "tax_id":
			obj, err = tx.TaxID(id)
		case "test_helpers.test_clock":
			obj, err = tx.TestClock(id)
		default:
			if l, ok := loaders[objectType]; ok {
				obj, err = l(tx, id)
			} else {
				err = fmt.Errorf("service: cannot load %s objects", objectType)
			}
		}
		return err
	})
	return obj, err
}

// loaders load object types added by later packages of the service.
var loaders = map[string]func(tx billing.Tx, id string) (any, error){}

// WriteRequest tells the store that a request that will probably write has
// begun, so that it can let waiting writes share a commit with it (see
// sqlstore.DB.WriteRequest); call the returned function when it ends.
func (s *Service) WriteRequest() (end func()) {
	if wr, ok := s.store.(interface{ WriteRequest() func() }); ok {
		return wr.WriteRequest()
	}
	return func() {}
}

// IdempotentResponse returns the stored response for an Idempotency-Key, or
// billing.ErrNotFound.
func (s *Service) IdempotentResponse(ctx context.Context, key string) (*billing.IdempotentResponse, error) {
	var r *billing.IdempotentResponse
	err := s.view(ctx, func(tx billing.Tx) error {
		var err error
		r, err = tx.IdempotentResponse(key)
		return err
	})
	return r, err
}

// SaveIdempotentResponse stores the first response to a request made with
// an Idempotency-Key (in the caller's transaction, when there is one).
func (s *Service) SaveIdempotentResponse(ctx context.Context, r *billing.IdempotentResponse) error {
	return s.update(ctx, func(tx billing.Tx) error {
		r.Created = tx.Now().Unix()
		return tx.SaveIdempotentResponse(r)
	})
}

// SaveNewIdempotentResponse stores the first response to a request made
// with an Idempotency-Key, like SaveIdempotentResponse, unless the key has a
// stored row already: then it returns billing.ErrIdempotencyKeyExists.
func (s *Service) SaveNewIdempotentResponse(ctx context.Context, r *billing.IdempotentResponse) error {
	return s.update(ctx, func(tx billing.Tx) error {
		r.Created = tx.Now().Unix()
		return tx.InsertIdempotentResponse(r)
	})
}

// IdempotencyKeysCheckedAtInsert reports whether a request with an
// Idempotency-Key may run without looking the key up first, and learn
// that the key was used from SaveNewIdempotentResponse instead (see
// sqlstore.DB.ChecksKeysAtInsert). Requests with one key must still run
// one at a time.
func (s *Service) IdempotencyKeysCheckedAtInsert() bool {
	c, ok := s.store.(interface{ ChecksKeysAtInsert() bool })
	return ok && c.ChecksKeysAtInsert()
}

// getByID reads one object by id in a read transaction; a missing one is the
// 404 Stripe answers for an id in the path.
func getByID[T any](s *Service, ctx context.Context, noun, id string, load func(tx billing.Tx, id string) (T, error)) (T, error) {
	var v T
	err := s.view(ctx, func(tx billing.Tx) error {
		var err error
		v, err = load(tx, id)
		return notFound(err, noun, id)
	})
	return v, err
}

// listPage reads one page of objects in a read transaction.
func listPage[T any](s *Service, ctx context.Context, load func(tx billing.Tx) (billing.List[T], error)) (billing.List[T], error) {
	var l billing.List[T]
	err := s.view(ctx, func(tx billing.Tx) error {
		var err error
		l, err = load(tx)
		return err
	})
	return l, err
}
