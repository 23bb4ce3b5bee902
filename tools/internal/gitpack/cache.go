package gitpack

import (
	"container/list"
	"sync"
)

// cacheKey names an object by where it is: a delta base reached through an
// offset has no known id until it is hashed, and it need not be.
type cacheKey struct {
	pack int
	off  uint64
}

type cached struct {
	key  cacheKey
	typ  byte
	data []byte // shared read-only with every caller
	// verified is the id the content was hashed against, zero if none. It is
	// not implied by key: a hostile index may list two ids at one offset.
	verified [hashLen]byte
}

// objectCache keeps recently resolved objects, bounded in bytes, so that
// walking a chain of deltas (git makes chains of up to 50 trees) does not
// rebuild each base again for every object that builds on it.
type objectCache struct {
	mu    sync.Mutex
	max   int
	bytes int
	order *list.List // front is the most recently used *cached
	items map[cacheKey]*list.Element
}

func newObjectCache(maxBytes int) *objectCache {
	return &objectCache{max: maxBytes, order: list.New(), items: map[cacheKey]*list.Element{}}
}

func (c *objectCache) get(k cacheKey) (cached, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		return cached{}, false
	}
	c.order.MoveToFront(el)
	return *el.Value.(*cached), true
}

func (c *objectCache) put(v cached) {
	if len(v.data) > c.max/4 {
		return // one huge object would evict everything else
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[v.key]; ok {
		if v.verified != ([hashLen]byte{}) {
			el.Value.(*cached).verified = v.verified
		}
		c.order.MoveToFront(el)
		return
	}
	c.items[v.key] = c.order.PushFront(&v)
	c.bytes += len(v.data)
	for c.bytes > c.max {
		last := c.order.Back()
		old := last.Value.(*cached)
		c.order.Remove(last)
		delete(c.items, old.key)
		c.bytes -= len(old.data)
	}
}
