package stripewire

import (
	"hash/fnv"
	"strings"
	"testing"
)

// FuzzParseForm runs arbitrary bodies (up to the API's MaxBodyBytes) through
// Pairs, Assemble and NewForm, then reads the whole tree with accessors
// chosen from the body's hash, as handlers with wrong expectations would.
// Nothing may panic, the tree must stay within the decoding caps, and Err
// must give the same answer however often it is asked.
func FuzzParseForm(f *testing.F) {
	seeds := []string{
		// Realistic Stripe bodies, as stripe-go sends them.
		"business_profile%5Bheadline%5D=Hi&features%5Bcustomer_update%5D%5Benabled%5D=true" +
			"&features%5Bcustomer_update%5D%5Ballowed_updates%5D%5B0%5D=email" +
			"&features%5Bcustomer_update%5D%5Ballowed_updates%5D%5B1%5D=address" +
			"&features%5Bsubscription_update%5D%5Benabled%5D=true" +
			"&features%5Bsubscription_update%5D%5Bdefault_allowed_updates%5D%5B0%5D=price" +
			"&features%5Bsubscription_update%5D%5Bproducts%5D%5B0%5D%5Bproduct%5D=prod_1" +
			"&features%5Bsubscription_update%5D%5Bproducts%5D%5B0%5D%5Bprices%5D%5B0%5D=price_1" +
			"&features%5Bsubscription_update%5D%5Bproducts%5D%5B0%5D%5Bprices%5D%5B1%5D=price_2" +
			"&features%5Bsubscription_update%5D%5Bproducts%5D%5B1%5D%5Bproduct%5D=prod_2" +
			"&features%5Bsubscription_update%5D%5Bproducts%5D%5B1%5D%5Bprices%5D%5B0%5D=price_3" +
			"&features%5Bsubscription_update%5D%5Bproducts%5D%5B1%5D%5Badjustable_quantity%5D%5Benabled%5D=true" +
			"&default_return_url=https%3A%2F%2Fexample.com%2Faccount&metadata%5Bteam%5D=billing",
		"customer=cus_123&items%5B0%5D%5Bprice%5D=price_1&items%5B0%5D%5Bquantity%5D=2" +
			"&items%5B1%5D%5Bprice%5D=price_2&metadata%5Border_id%5D=6735&expand%5B0%5D=latest_invoice.payment_intent" +
			"&payment_behavior=default_incomplete&trial_period_days=14",
		"email=jenny%40example.com&name=Jenny+Rosen&invoice_settings%5Bdefault_payment_method%5D=pm_card_visa" +
			"&payment_method=pm_card_visa&address%5Bcity%5D=Springfield&preferred_locales%5B0%5D=fr&expand[]=test_clock",
		"type=card&card%5Bnumber%5D=4242424242424242&card%5Bexp_month%5D=12&card%5Bexp_year%5D=2034&card%5Bcvc%5D=123" +
			"&billing_details%5Baddress%5D%5Bpostal_code%5D=94102",
		"metadata=&description=&shipping=&items[]=&expand[]=customer&expand[]=invoice",
		"metadata[1]=x&metadata[note]=y&metadata[2024]=z",
		"created[gte]=1680000000&created[lt]=1690000000&limit=3&starting_after=cus_1",
		// Nasty ones.
		"a[", "[]=1", "a]]=1", "a[0][0][0][0][0][0][0][0][0]=1", "a[999999999]=1", "%", "a=%", "%zz=1",
		"a[]=1&a[0]=2", "a[0]=1&a[]=2", "a=1&a[b]=2", "a[b]=1&a=2", "a=&a[b]=1&a=", "=&=&=",
		"a[b]c=1", "a[b[c]]=1", "a[][][][][][][][]=1", "0=1&1=2", "a[01]=1&a[1]=2",
		"a[0][b]=1&a[255][b]=2&a[256][b]=3", "items[5][prise]=x",
		strings.Repeat("a[]=1&", MaxArrayLen+1),
		strings.Repeat("k=v&", MaxPairs+1),
		strings.Repeat("metadata[k]="+strings.Repeat("v", 600)+"&", 20),
		"a" + strings.Repeat("%5B", 300) + "=1",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if len(body) > MaxBodyBytes {
			return // the API refuses these before decoding
		}
		pairs, err := Pairs(body)
		if err != nil {
			if pairs != nil {
				t.Fatal("Pairs returned pairs with an error")
			}
			return
		}
		if len(pairs) > MaxPairs {
			t.Fatalf("%d pairs", len(pairs))
		}
		for _, p := range pairs {
			if len(p.Key) > MaxKeyBytes {
				t.Fatalf("key of %d bytes", len(p.Key))
			}
		}
		root, err := Assemble(pairs)
		if err != nil {
			if err.Code == "" || err.Message == "" {
				t.Fatalf("incomplete error %+v", err)
			}
			return
		}
		if root.Kind != Hash {
			t.Fatal("root is not a hash")
		}
		checkTree(t, root, 0, new(int))

		h := fnv.New64a()
		h.Write([]byte(body))
		form := NewForm(root)
		readAll(form, root, h.Sum64())
		first := form.Err()
		for i := 0; i < 3; i++ {
			if again := form.Err(); again != first && (again == nil || first == nil || *again != *first) {
				t.Fatalf("Err() changed from %v to %v", first, again)
			}
		}
		if first != nil && (first.Code == "" || first.Message == "") {
			t.Fatalf("incomplete error %+v", first)
		}
		// With everything read through Raw, only a recorded error remains.
		form2 := NewForm(mustAssemble(t, pairs))
		for _, k := range form2.node.Keys {
			form2.Raw(k)
		}
		if err := form2.Err(); err != nil {
			t.Fatalf("Raw of every key leaves %v", err)
		}
	})
}

func mustAssemble(t *testing.T, pairs []Pair) *Node {
	root, err := Assemble(pairs)
	if err != nil {
		t.Fatalf("Assemble is not deterministic: %v", err)
	}
	return root
}

// checkTree asserts the caps that bound a tree's memory: depth, array
// length, and (through count) the number of nodes.
func checkTree(t *testing.T, n *Node, depth int, count *int) {
	*count++
	if *count > MaxPairs*(MaxDepth+1)+1 {
		t.Fatalf("more than %d nodes", MaxPairs*(MaxDepth+1)+1)
	}
	if depth > MaxDepth {
		t.Fatalf("depth %d", depth)
	}
	switch n.Kind {
	case Hash:
		if len(n.Keys) != len(n.Hash) {
			t.Fatalf("%d keys, %d entries", len(n.Keys), len(n.Hash))
		}
		for _, k := range n.Keys {
			checkTree(t, n.Hash[k], depth+1, count)
		}
	case Array:
		if len(n.Items) > MaxArrayLen {
			t.Fatalf("array of %d", len(n.Items))
		}
		if n.index != nil && len(n.index) != len(n.Items) {
			t.Fatalf("%d indexes for %d items", len(n.index), len(n.Items))
		}
		for _, it := range n.Items {
			checkTree(t, it, depth+1, count)
		}
	}
}

// readAll reads every key of f's node with an accessor picked from seed,
// descending into whatever the accessors return.
func readAll(f *Form, n *Node, seed uint64) {
	if n == nil || n.Kind != Hash {
		return
	}
	for i, k := range n.Keys {
		s := seed ^ uint64(i+1)*0x9E3779B97F4A7C15
		s ^= s >> 29
		child := n.Hash[k]
		switch s % 14 {
		case 0:
			f.String(k)
		case 1:
			f.NonEmptyString(k)
		case 2:
			f.Int(k)
		case 3:
			f.Bool(k)
		case 4:
			f.Float(k)
		case 5:
			f.Enum(k, "a", "b", "true")
		case 6:
			f.RequiredString(k)
			f.RequiredBool(k + "x")
		case 7:
			if sub, _ := f.Hash(k); sub != nil {
				sub.Has("a")
				sub.Empty()
				readAll(sub, sub.node, s>>7)
			}
		case 8:
			items, _ := f.HashList(k)
			for j, it := range items {
				if it != nil {
					readAll(it, it.node, s>>7+uint64(j))
				}
			}
		case 9:
			f.StringList(k)
		case 10:
			f.Metadata(k)
		case 11:
			f.Raw(k)
		case 12:
			v, _ := f.String(k)
			f.MaxLen(k, v, 3)
		case 13:
			// Left unread: Err reports it as unknown.
			_ = child
		}
		if s%5 == 0 {
			f.Unknown()
			f.Name(k)
		}
	}
}
