package sqlstore

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
)

// rowCache keeps recently read object rows (their JSON and deleted flag),
// so a retrieve by id skips SQLite. It is only used on SQLite, where this
// process's writer makes every change; a store shared by several processes
// must not have one.
//
// Correctness rests on three rules:
//   - only read-only transactions fill it and read it (the writer's
//     transaction can see uncommitted rows, which may yet roll back);
//   - the writer invalidates every row it changed right after COMMIT,
//     bumping the shard's generation;
//   - a reader fills an entry only if its shard's generation is unchanged
//     since before it read the row, so a row read before a commit can never
//     be put back after that commit invalidated it.
//
// Entries are immutable byte slices. Readers of the objects read most
// often keep the decoded object in the entry too (dec, see getShared) and
// each take a deep copy of it rather than decoding the bytes again.
type rowCache struct {
	seed   maphash.Seed
	shards [rowCacheShards]rowShard
}

const (
	rowCacheShards   = 32
	rowCachePerShard = 2048 // 64k rows in all
)

type rowShard struct {
	mu  sync.Mutex
	gen uint64
	m   map[string]cachedRow
}

type cachedRow struct {
	data    []byte
	deleted bool
	// dec holds the object decoded from data, once a reader has decoded
	// it (see getShared), or the object itself for a row with no data (a
	// portal visit); nil for other rows the cache does not hold.
	dec *atomic.Value
}

func newRowCache() *rowCache {
	c := &rowCache{seed: maphash.MakeSeed()}
	for i := range c.shards {
		c.shards[i].m = make(map[string]cachedRow)
	}
	return c
}

func rowKey(table string, live bool, id string) string {
	if live {
		return table + "\x00L" + id
	}
	return table + "\x00T" + id
}

func (c *rowCache) shard(key string) *rowShard {
	return &c.shards[maphash.String(c.seed, key)%rowCacheShards]
}

// get returns the cached row and the shard generation to pass to put.
func (c *rowCache) get(key string) (cachedRow, bool, uint64) {
	s := c.shard(key)
	s.mu.Lock()
	row, ok := s.m[key]
	gen := s.gen
	s.mu.Unlock()
	return row, ok, gen
}

// put stores a row read from the database, unless a commit invalidated the
// shard since gen was taken.
func (c *rowCache) put(key string, row cachedRow, gen uint64) {
	s := c.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gen != gen {
		return
	}
	if len(s.m) >= rowCachePerShard {
		for k := range s.m { // map order is random: evict an arbitrary row
			delete(s.m, k)
			break
		}
	}
	s.m[key] = row
}

// invalidate drops the rows a commit changed.
func (c *rowCache) invalidate(keys []string) {
	for _, key := range keys {
		s := c.shard(key)
		s.mu.Lock()
		delete(s.m, key)
		s.gen++
		s.mu.Unlock()
	}
}
