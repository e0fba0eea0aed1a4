package billing

import (
	"sort"
	"strings"
	"testing"
	"time"
)

func TestNewIDIsTimeOrderedAndRandom(t *testing.T) {
	seen := map[string]bool{}
	var ids []string
	for i := 0; i < 2000; i++ {
		id := NewID("cus")
		if !strings.HasPrefix(id, "cus_") || len(id) != len("cus_")+24 {
			t.Fatalf("id %q has the wrong shape", id)
		}
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
		ids = append(ids, id)
	}
	// Ids made in later milliseconds sort after earlier ones.
	a := TimePart(time.UnixMilli(1_700_000_000_000))
	b := TimePart(time.UnixMilli(1_700_000_000_001))
	c := TimePart(time.UnixMilli(1_800_000_000_000))
	if !(a < b && b < c) {
		t.Fatalf("time parts out of order: %s %s %s", a, b, c)
	}
	first, last := ids[0][4:11], ids[len(ids)-1][4:11]
	if first > last {
		t.Fatalf("later id has an earlier time part: %s > %s", first, last)
	}
	if !sort.StringsAreSorted([]string{a, b, c}) {
		t.Fatal("not sorted")
	}
}
