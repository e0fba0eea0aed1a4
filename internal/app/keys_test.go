package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/sqlstore"
	"github.com/porticohq/portico/internal/storetest"
	"github.com/porticohq/portico/internal/testenv"
)

// Two instances start on an empty shared database: this one's transaction
// makes a key, conflicts with the other's, which commits its key first,
// and runs again. The second run finds the other's key, so this instance
// must not announce the key of its rolled-back run as new.
func TestSetUpKeysRetriedAfterAnotherInstanceMadeTheKey(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, sqlstore.Options{})
	other := sha256.Sum256([]byte("sk_test_madebytheotherinstance0000"))
	store := testenv.RerunAfter(db, func() {
		err := db.Update(ctx, func(tx billing.Tx) error {
			if err := tx.SetSetting(settingKeyHash, hex.EncodeToString(other[:])); err != nil {
				return err
			}
			return tx.SetSetting(settingKeyMode, "test")
		})
		if err != nil {
			t.Error(err)
		}
	})
	a := &App{Store: db}
	var sum [32]byte
	err := store.Update(ctx, func(tx billing.Tx) error {
		var err error
		sum, _, err = a.setUpKeys(tx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum != other || a.NewSecretKey || a.SecretKey != "" {
		t.Fatalf("key hash is the other instance's: %v; NewSecretKey = %v, SecretKey = %q; want neither set", sum == other, a.NewSecretKey, a.SecretKey)
	}
}
