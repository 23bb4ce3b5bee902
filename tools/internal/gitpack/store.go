package gitpack

import (
	"crypto/sha1"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

const (
	// MaxObjectSize is the largest object Read returns; past it, ErrTooLarge.
	MaxObjectSize = 16 << 20
	// maxDeltaDepth bounds a delta chain. git itself refuses to write chains
	// deeper than 4095 (pack.depth); a deeper one, or a cycle of ref-deltas,
	// is corrupt.
	maxDeltaDepth = 4096
	cacheBytes    = 32 << 20
)

// Store reads objects from every pack of one repository. It is safe for
// concurrent use.
type Store struct {
	packs  []*pack
	cache  *objectCache
	closer []func() error
}

// Open maps every pack in objectsDir/pack that has an index beside it. A
// repository without packs gives an empty Store: every Read is ErrNotFound.
func Open(objectsDir string) (*Store, error) {
	idxs, err := filepath.Glob(filepath.Join(objectsDir, "pack", "pack-*.idx"))
	if err != nil {
		return nil, err
	}
	sort.Strings(idxs) // deterministic search order
	s := &Store{cache: newObjectCache(cacheBytes)}
	// Objects are read into the heap, never returned as slices of a mapping,
	// so a Store nobody can reach any more may be unmapped.
	runtime.SetFinalizer(s, (*Store).Close)
	for _, idxPath := range idxs {
		packPath := strings.TrimSuffix(idxPath, ".idx") + ".pack"
		if _, err := os.Stat(packPath); errors.Is(err, os.ErrNotExist) {
			continue // an index being written next to its pack, or left over
		}
		if err := s.add(idxPath, packPath); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

func (s *Store) add(idxPath, packPath string) error {
	idxData, err := s.mapPath(idxPath)
	if err != nil {
		return err
	}
	idx, err := parseIndex(idxData)
	if err != nil {
		return fmt.Errorf("%s: %w", idxPath, err)
	}
	packData, err := s.mapPath(packPath)
	if err != nil {
		return err
	}
	p, err := parsePack(filepath.Base(packPath), packData, idx)
	if err != nil {
		return fmt.Errorf("%s: %w", packPath, err)
	}
	s.packs = append(s.packs, p)
	return nil
}

// mapPath maps a file; the descriptor is closed at once, the mapping stays.
func (s *Store) mapPath(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	data, unmap, err := mapFile(f, fi.Size())
	if err != nil {
		return nil, err
	}
	s.closer = append(s.closer, unmap)
	return data, nil
}

// Close unmaps the packs. No Read may run during or after it.
func (s *Store) Close() error {
	var first error
	for _, c := range s.closer {
		if err := c(); err != nil && first == nil {
			first = err
		}
	}
	s.closer, s.packs = nil, nil
	return first
}

// Read returns the type and content of object id. The content is shared:
// callers must not modify it.
func (s *Store) Read(id [hashLen]byte) (typ plumbing.ObjectType, data []byte, err error) {
	// A mapped file that shrinks under us raises SIGBUS on access; turn that
	// into an error instead of a crash.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if fault, ok := r.(interface{ Addr() uintptr }); ok {
				err = corrupt("a pack file changed while it was read (fault at %#x)", fault.Addr())
				return
			}
			panic(r)
		}
	}()
	if id == ([hashLen]byte{}) {
		return plumbing.InvalidObject, nil, ErrNotFound // git's null id names no object
	}
	for i, p := range s.packs {
		off, ok, err := p.idx.find(id)
		if err != nil {
			return plumbing.InvalidObject, nil, fmt.Errorf("%s: %w", p.name, err)
		}
		if !ok {
			continue
		}
		o, err := s.resolve(i, off, 0)
		if err != nil {
			return plumbing.InvalidObject, nil, fmt.Errorf("object %x: %w", id, err)
		}
		if o.verified != id {
			if got := hashObject(o.typ, o.data); got != id {
				return plumbing.InvalidObject, nil, corrupt("object %x in %s hashes to %x", id, p.name, got)
			}
			o.verified = id
			s.cache.put(o)
		}
		return plumbing.ObjectType(o.typ), o.data, nil // a pack numbers types as go-git does
	}
	return plumbing.InvalidObject, nil, ErrNotFound
}

func hashObject(typ byte, data []byte) [hashLen]byte {
	h := sha1.New()
	h.Write([]byte(plumbing.ObjectType(typ).String() + " " + strconv.Itoa(len(data)) + "\x00"))
	h.Write(data)
	var out [hashLen]byte
	h.Sum(out[:0])
	return out
}

// resolve returns the object at off in pack i, applying its chain of deltas
// from the nearest cached or whole base. depth counts the chains of
// ref-deltas that led here, so that a cycle through several packs ends.
func (s *Store) resolve(i int, off uint64, depth int) (cached, error) {
	type step struct {
		key cacheKey
		e   entry
	}
	var chain []step
	key := cacheKey{i, off}
	var base cached
	for {
		if c, ok := s.cache.get(key); ok {
			base = c
			break
		}
		if depth+len(chain) > maxDeltaDepth {
			return cached{}, corrupt("delta chain deeper than %d", maxDeltaDepth)
		}
		p := s.packs[key.pack]
		e, err := p.entryAt(key.off)
		if err != nil {
			return cached{}, err
		}
		if e.typ == typeOfsDelta || e.typ == typeRefDelta {
			chain = append(chain, step{key, e})
			if e.typ == typeOfsDelta {
				key.off = e.baseOff
				continue
			}
			bi, boff, err := s.locate(e.baseID)
			if err != nil {
				return cached{}, err
			}
			if bi == key.pack {
				key.off = boff
				continue
			}
			// A base in another pack: resolve it there, hashed like any object.
			if base, err = s.resolve(bi, boff, depth+len(chain)); err != nil {
				return cached{}, err
			}
			break
		}
		data, err := p.inflate(e, MaxObjectSize)
		if err != nil {
			return cached{}, err
		}
		base = cached{key: key, typ: e.typ, data: data}
		s.cache.put(base)
		break
	}
	for j := len(chain) - 1; j >= 0; j-- {
		st := chain[j]
		p := s.packs[st.key.pack]
		delta, err := p.inflate(st.e, 2*MaxObjectSize) // a delta may be larger than its result
		if err != nil {
			return cached{}, err
		}
		data, err := applyDelta(base.data, delta, MaxObjectSize)
		if err != nil {
			if errors.Is(err, ErrTooLarge) {
				return cached{}, err
			}
			return cached{}, corrupt("%s: delta at offset %d does not apply", p.name, st.key.off)
		}
		base = cached{key: st.key, typ: base.typ, data: data}
		s.cache.put(base)
	}
	return base, nil
}

// locate finds which pack holds id, for a ref-delta's base.
func (s *Store) locate(id [hashLen]byte) (int, uint64, error) {
	for i, p := range s.packs {
		off, ok, err := p.idx.find(id)
		if err != nil {
			return 0, 0, err
		}
		if ok {
			return i, off, nil
		}
	}
	return 0, 0, corrupt("delta base %x is in no pack", id)
}
