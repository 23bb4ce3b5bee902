package gitpack

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/embargo-tool/embargo/tools/internal/plural"
)

// Layout of a version 2 pack index (gitformat-pack(5)): a header, a fan-out
// table of 256 counts, then for N objects their sorted ids, CRCs and 31-bit
// offsets, then 64-bit offsets for packs over 2 GiB, then two checksums.
// Version 1 (still written with pack.indexVersion=1) has no header: the
// fan-out table, then N records of a 32-bit offset and an id, then the two
// checksums.
const (
	idxHeaderLen = 8
	fanoutLen    = 256 * 4
	hashLen      = 20
	trailerLen   = 2 * hashLen
)

var idxMagic = []byte{0xff, 't', 'O', 'c'}

// index is one mapped pack index. Only the pages a lookup touches are read.
type index struct {
	fan     []byte // the fan-out table
	count   int
	ids     []byte // sorted ids, the first at 0, one every idStride bytes
	offsets []byte // 32-bit offsets, the first at 0, one every offStride bytes

	idStride, offStride int
	large               []byte // 8 bytes per offset of 2 GiB or more (version 2)
}

// v1RecordLen is a version 1 index record: a 4-byte offset and an id.
const v1RecordLen = 4 + hashLen

// parseIndex checks that data has the exact size a version 2 index of its
// object count must have, so that every later slice is in bounds. It does
// not read the object ids: that would cost time in proportion to history.
func parseIndex(data []byte) (*index, error) {
	if len(data) < idxHeaderLen+fanoutLen+trailerLen {
		return nil, corrupt("index of %d bytes is too short", len(data))
	}
	if !bytes.Equal(data[:4], idxMagic) {
		return parseIndexV1(data)
	}
	if v := binary.BigEndian.Uint32(data[4:8]); v != 2 {
		return nil, errUnsupported(fmt.Sprintf("pack index version %d", v))
	}
	fanout := data[idxHeaderLen : idxHeaderLen+fanoutLen]
	count := uint64(binary.BigEndian.Uint32(fanout[255*4:]))
	fixed := uint64(idxHeaderLen+fanoutLen+trailerLen) + count*(hashLen+4+4)
	if fixed > uint64(len(data)) || (uint64(len(data))-fixed)%8 != 0 {
		return nil, corrupt("index of %d bytes cannot hold %s", len(data), plural.Of(int(min(count, 1<<32)), "object"))
	}
	n := int(count)
	ids := idxHeaderLen + fanoutLen
	offsets := ids + n*hashLen + n*4 // after the CRCs
	large := offsets + n*4
	return &index{
		fan:       fanout,
		count:     n,
		ids:       data[ids : ids+n*hashLen],
		idStride:  hashLen,
		offsets:   data[offsets:large],
		offStride: 4,
		large:     data[large : len(data)-trailerLen],
	}, nil
}

// parseIndexV1 checks a version 1 index: its size must be exactly what its
// object count gives.
func parseIndexV1(data []byte) (*index, error) {
	fanout := data[:fanoutLen]
	count := uint64(binary.BigEndian.Uint32(fanout[255*4:]))
	if uint64(fanoutLen+trailerLen)+count*v1RecordLen != uint64(len(data)) {
		return nil, corrupt("version 1 index of %d bytes cannot hold %s", len(data), plural.Of(int(min(count, 1<<32)), "object"))
	}
	records := data[fanoutLen : len(data)-trailerLen]
	return &index{
		fan:       fanout,
		count:     int(count),
		ids:       records[4:],
		idStride:  v1RecordLen,
		offsets:   records,
		offStride: v1RecordLen,
	}, nil
}

// fanout returns how many ids start with a byte less than or equal to b.
func (ix *index) fanout(b int) int {
	if b < 0 {
		return 0
	}
	return int(binary.BigEndian.Uint32(ix.fan[b*4:]))
}

// find returns the pack offset of id, or false. A fan-out table that is not
// increasing, or ids out of order, can only make the search miss, never read
// out of bounds: both ends are clamped to the object count.
func (ix *index) find(id [hashLen]byte) (uint64, bool, error) {
	lo, hi := ix.fanout(int(id[0])-1), ix.fanout(int(id[0]))
	if hi > ix.count || lo > hi {
		return 0, false, corrupt("index fan-out table is not increasing")
	}
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		switch c := bytes.Compare(ix.ids[mid*ix.idStride:mid*ix.idStride+hashLen], id[:]); {
		case c == 0:
			off, err := ix.offset(mid)
			return off, err == nil, err
		case c < 0:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return 0, false, nil
}

func (ix *index) offset(i int) (uint64, error) {
	o := binary.BigEndian.Uint32(ix.offsets[i*ix.offStride:])
	if o&0x80000000 == 0 {
		return uint64(o), nil
	}
	j := uint64(o &^ 0x80000000)
	if j >= uint64(len(ix.large)/8) {
		return 0, corrupt("index entry %d points past its 64-bit offset table", i)
	}
	return binary.BigEndian.Uint64(ix.large[j*8:]), nil
}
