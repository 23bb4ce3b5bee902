package gitpack

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/embargo-tool/embargo/tools/internal/plural"
)

// Object types as a pack stores them (gitformat-pack(5)).
const (
	typeCommit   = 1
	typeTree     = 2
	typeBlob     = 3
	typeTag      = 4
	typeOfsDelta = 6
	typeRefDelta = 7
)

const packHeaderLen = 12

// entry is the header of one object in a pack.
type entry struct {
	typ     byte
	size    uint64 // inflated size: the object's, or for a delta the delta's
	data    uint64 // offset of the zlib stream
	baseOff uint64 // typeOfsDelta: offset of the base in the same pack
	baseID  [hashLen]byte
}

// pack is one mapped pack file and its index.
type pack struct {
	name string
	idx  *index
	data []byte // the whole pack, mapped
	end  uint64 // where the trailing checksum starts: no object data past it
}

func parsePack(name string, data []byte, idx *index) (*pack, error) {
	if len(data) < packHeaderLen+hashLen || string(data[:4]) != "PACK" {
		return nil, corrupt("%s is not a pack file", name)
	}
	if v := binary.BigEndian.Uint32(data[4:8]); v != 2 && v != 3 {
		return nil, errUnsupported(fmt.Sprintf("pack version %d", v))
	}
	if n := binary.BigEndian.Uint32(data[8:12]); uint64(n) != uint64(idx.count) {
		return nil, corrupt("%s holds %s but its index lists %d", name, plural.Of(int(n), "object"), idx.count)
	}
	return &pack{name: name, idx: idx, data: data, end: uint64(len(data) - hashLen)}, nil
}

// entryAt parses the object header at off.
func (p *pack) entryAt(off uint64) (entry, error) {
	if off < packHeaderLen || off >= p.end {
		return entry{}, corrupt("%s: object offset %d is outside the pack", p.name, off)
	}
	b := p.data[off:p.end]
	i := 0
	c := b[i]
	i++
	e := entry{typ: (c >> 4) & 7, size: uint64(c & 0x0f)}
	for shift := uint(4); c&0x80 != 0; shift += 7 {
		if i >= len(b) || shift > 57 {
			return entry{}, corrupt("%s: bad object size at offset %d", p.name, off)
		}
		c = b[i]
		i++
		e.size |= uint64(c&0x7f) << shift
	}
	switch e.typ {
	case typeCommit, typeTree, typeBlob, typeTag:
	case typeOfsDelta:
		// The base is at off minus a distance in git's "offset encoding",
		// which adds one per continuation byte so no value has two forms.
		if i >= len(b) {
			return entry{}, corrupt("%s: truncated delta at offset %d", p.name, off)
		}
		c = b[i]
		i++
		dist := uint64(c & 0x7f)
		for c&0x80 != 0 {
			if i >= len(b) || dist >= 1<<56 {
				return entry{}, corrupt("%s: bad delta base distance at offset %d", p.name, off)
			}
			c = b[i]
			i++
			dist = (dist+1)<<7 | uint64(c&0x7f)
		}
		if dist == 0 || dist > off-packHeaderLen {
			return entry{}, corrupt("%s: delta at offset %d points outside the pack", p.name, off)
		}
		e.baseOff = off - dist
	case typeRefDelta:
		if i+hashLen > len(b) {
			return entry{}, corrupt("%s: truncated delta at offset %d", p.name, off)
		}
		copy(e.baseID[:], b[i:])
		i += hashLen
	default:
		return entry{}, corrupt("%s: unknown object type %d at offset %d", p.name, e.typ, off)
	}
	e.data = off + uint64(i)
	return e, nil
}

var zlibReaders sync.Pool // of io.ReadCloser that also implement zlib.Resetter

// inflate returns exactly e.size bytes from the zlib stream of e, refusing a
// stream that holds more or less, or fails its checksum, and refusing before
// it allocates anything when e.size is over limit.
func (p *pack) inflate(e entry, limit uint64) ([]byte, error) {
	if e.size > limit {
		return nil, ErrTooLarge
	}
	src := bytes.NewReader(p.data[e.data:p.end])
	var zr io.ReadCloser
	var err error
	if pooled, ok := zlibReaders.Get().(io.ReadCloser); ok {
		zr = pooled
		err = zr.(zlib.Resetter).Reset(src, nil)
	} else {
		zr, err = zlib.NewReader(src)
	}
	if err != nil {
		return nil, corrupt("%s: object data at offset %d: %v", p.name, e.data, err)
	}
	defer zlibReaders.Put(zr)
	out := make([]byte, e.size)
	if _, err := io.ReadFull(zr, out); err != nil {
		return nil, corrupt("%s: object data at offset %d is shorter than its header says: %v", p.name, e.data, err)
	}
	// One more read must end the stream: it checks the Adler-32 sum and
	// refuses data past the declared size.
	var extra [1]byte
	if n, err := zr.Read(extra[:]); n != 0 || !errors.Is(err, io.EOF) {
		if n != 0 {
			err = errors.New("more data than its header says")
		}
		return nil, corrupt("%s: object data at offset %d: %v", p.name, e.data, err)
	}
	return out, nil
}
