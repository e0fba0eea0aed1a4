package sqlstore

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/porticohq/portico/internal/billing"
)

// Every clone copies every field, and shares no pointer, slice or map with
// its original: a caller may change what a read gives it, and the row
// cache hands copies of one decoded object to every reader.
func TestClonesShareNothing(t *testing.T) {
	checkClone(t, cloneCustomer)
	checkClone(t, cloneSubscription)
	checkClone(t, clonePrice)
	checkClone(t, cloneProduct)
	checkClone(t, cloneCoupon)
	checkClone(t, cloneDiscount)
	checkClone(t, clonePortalConfiguration)
	checkClone(t, clonePaymentMethod)
	checkClone(t, cloneInvoiceSummary)
	checkClone(t, clonePtr[billing.PortalVisit])
}

func checkClone[T any](t *testing.T, clone func(*T) *T) {
	t.Helper()
	name := reflect.TypeFor[T]().Name()
	if zero := new(T); !reflect.DeepEqual(clone(zero), zero) {
		t.Errorf("%s: the copy of a zero value differs from it", name)
	}
	orig := new(T)
	fill(t, reflect.ValueOf(orig).Elem(), name, 0)
	cp := clone(orig)
	if !reflect.DeepEqual(cp, orig) {
		t.Errorf("%s: the copy differs from the original:\n%+v\n%+v", name, *cp, *orig)
	}
	noSharing(t, reflect.ValueOf(orig).Elem(), reflect.ValueOf(cp).Elem(), name)
}

// fill sets every field below v to a value other than its zero value, with
// two elements in every slice and map.
func fill(t *testing.T, v reflect.Value, path string, depth int) {
	if depth > 8 {
		t.Fatalf("%s: nested too deeply to fill", path)
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("x" + path)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(7)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(7)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1.5)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(t, p.Elem(), path+"*", depth+1)
		v.Set(p)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(t, s.Index(i), path+"[]", depth+1)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for i := range 2 {
			k := reflect.New(v.Type().Key()).Elem()
			fill(t, k, path+"{key}", depth+1)
			if k.Kind() == reflect.String {
				k.SetString(k.String() + string(rune('a'+i)))
			}
			e := reflect.New(v.Type().Elem()).Elem()
			fill(t, e, path+"{}", depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				t.Errorf("%s.%s: unexported field; the clone test cannot fill it", path, f.Name)
				continue
			}
			fill(t, v.Field(i), path+"."+f.Name, depth+1)
		}
	default:
		t.Errorf("%s: a %s field; the clone test does not know how to fill it", path, v.Kind())
	}
}

// noSharing reports every pointer, slice or map of a that b shares.
func noSharing(t *testing.T, a, b reflect.Value, path string) {
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() {
			return
		}
		if a.Pointer() == b.Pointer() {
			t.Errorf("%s: the copy shares this pointer", path)
		}
		noSharing(t, a.Elem(), b.Elem(), path+"*")
	case reflect.Slice:
		if a.Len() > 0 && a.Pointer() == b.Pointer() {
			t.Errorf("%s: the copy shares this slice", path)
		}
		for i := range min(a.Len(), b.Len()) {
			noSharing(t, a.Index(i), b.Index(i), path+"[]")
		}
	case reflect.Map:
		if a.Len() > 0 && a.Pointer() == b.Pointer() {
			t.Errorf("%s: the copy shares this map", path)
		}
		for _, k := range a.MapKeys() {
			if bv := b.MapIndex(k); bv.IsValid() {
				noSharing(t, a.MapIndex(k), bv, path+"{}")
			}
		}
	case reflect.Struct:
		for i := range a.NumField() {
			noSharing(t, a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name)
		}
	}
}

// A read through the row cache gets its own copy of the shared decoded
// object: changing it changes no later read, and a committed change is
// what later reads see.
func TestSharedDecodedRowsAreCopies(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	if db.cache == nil {
		t.Skip("no row cache on this database")
	}
	cu := &billing.Customer{ID: "cus_shared", Created: 1, Name: "Jenny", Address: &billing.Address{City: "Paris"},
		PreferredLocales: []string{"fr"}, Metadata: billing.Metadata{"k": "v"}}
	if err := db.Update(ctx, func(tx billing.Tx) error { return tx.InsertCustomer(cu) }); err != nil {
		t.Fatal(err)
	}
	read := func() *billing.Customer {
		t.Helper()
		var got *billing.Customer
		if err := db.View(ctx, func(tx billing.Tx) (err error) { got, err = tx.Customer(cu.ID); return err }); err != nil {
			t.Fatal(err)
		}
		return got
	}
	for range 3 { // the first decodes; the others copy the shared object
		got := read()
		if got.Name != "Jenny" || got.Address.City != "Paris" || got.PreferredLocales[0] != "fr" || got.Metadata["k"] != "v" {
			t.Fatalf("read %+v: a change to an earlier read leaked into it", got)
		}
		got.Name, got.Address.City, got.PreferredLocales[0], got.Metadata["k"] = "changed", "changed", "changed", "changed"
	}
	cu.Name = "Jenny Rosen"
	if err := db.Update(ctx, func(tx billing.Tx) error { return tx.UpdateCustomer(cu) }); err != nil {
		t.Fatal(err)
	}
	if got := read(); got.Name != "Jenny Rosen" {
		t.Fatalf("after an update, read %q", got.Name)
	}
}

// Visits are read through the row cache; every change to one, and the
// pruning of idle ones, is what the next read sees.
func TestCachedPortalVisitsFollowChanges(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	update := func(fn func(tx billing.Tx) error) {
		t.Helper()
		if err := db.Update(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	read := func(hash string) (*billing.PortalVisit, error) {
		var v *billing.PortalVisit
		err := db.View(ctx, func(tx billing.Tx) (err error) { v, err = tx.PortalVisit(hash); return err })
		return v, err
	}
	update(func(tx billing.Tx) error {
		return tx.InsertPortalVisit(&billing.PortalVisit{TokenHash: "h1", Session: "bps_1", Customer: "cus_1", Configuration: "bpc_1", Created: 10, LastActive: 10})
	})
	for range 2 {
		if v, err := read("h1"); err != nil || v.LastActive != 10 || v.Customer != "cus_1" || v.TokenHash != "h1" {
			t.Fatalf("read %+v, %v", v, err)
		}
	}
	update(func(tx billing.Tx) error { return tx.TouchPortalVisit("h1", 20) })
	if v, err := read("h1"); err != nil || v.LastActive != 20 {
		t.Fatalf("after a touch: %+v, %v; want last_active 20", v, err)
	}
	update(func(tx billing.Tx) error { return tx.DeletePortalVisit("h1") })
	if v, err := read("h1"); !errors.Is(err, billing.ErrNotFound) {
		t.Fatalf("after the visit ended: %+v, %v; want not found", v, err)
	}
	update(func(tx billing.Tx) error {
		return tx.InsertPortalVisit(&billing.PortalVisit{TokenHash: "h2", Session: "bps_2", Customer: "cus_1", Configuration: "bpc_1", Created: 10, LastActive: 10})
	})
	if _, err := read("h2"); err != nil {
		t.Fatal(err)
	}
	if n, err := db.PrunePortal(15, 0); err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want 1", n, err)
	}
	if v, err := read("h2"); !errors.Is(err, billing.ErrNotFound) {
		t.Fatalf("after pruning: %+v, %v; want not found", v, err)
	}
}
