package gitpack

import (
	"bytes"
	"encoding/binary"
	"errors"
	"sort"
	"testing"
)

// FuzzApplyDelta: any base and delta either fail or give exactly the size
// the delta declares; nothing panics.
func FuzzApplyDelta(f *testing.F) {
	base := []byte("members:\n  - alice\n")
	f.Add(base, deltaOf(base, []byte("members:\n  - alice\n  - bob\n")))
	f.Add(base, deltaOf(base, nil))
	f.Add([]byte{}, []byte{0, 1, 1, 'x'})
	f.Add(base, []byte{19, 5, 0x80 | 0x01 | 0x10, 3, 5})
	f.Fuzz(func(t *testing.T, base, delta []byte) {
		out, err := applyDelta(base, delta, 1<<20)
		if err != nil {
			return
		}
		_, rest, _ := deltaSize(delta)
		want, _, _ := deltaSize(rest)
		if uint64(len(out)) != want {
			t.Fatalf("result of %d bytes, the delta declares %d", len(out), want)
		}
	})
}

// FuzzReadPack reads two objects from a pack whose bytes after the header
// are the input, listed by an index at offset 12 and at a second offset the
// fuzzer picks. Whatever the bytes, Read fails with one of the package's
// errors or returns content that hashes to the id asked for.
func FuzzReadPack(f *testing.F) {
	blob := []byte("hello\n")
	grown := []byte("hello\nworld\n")
	one := []rawObject{{typ: typeBlob, body: blob}, {typ: typeOfsDelta, baseIdx: 0, id: hashObject(typeBlob, grown), body: deltaOf(blob, grown)}}
	objects := f.TempDir()
	writePack(f, objects, one)
	valid, err := readPackFile(objects)
	if err != nil {
		f.Fatal(err)
	}
	second := bytes.Index(valid[packHeaderLen:], []byte{typeOfsDelta<<4 | byte(len(deltaOf(blob, grown)))})
	f.Add(valid[packHeaderLen:len(valid)-hashLen], uint16(second))
	f.Add([]byte{0x36, 0x01, 0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01}, uint16(0))
	f.Fuzz(func(t *testing.T, body []byte, second uint16) {
		ids := [][hashLen]byte{hashObject(typeBlob, blob), hashObject(typeBlob, grown)}
		offsets := []uint32{packHeaderLen, packHeaderLen + uint32(second)}
		s := &Store{cache: newObjectCache(1 << 20)}
		packData := append(append(packHeader(2), body...), make([]byte, hashLen)...)
		idx, err := parseIndex(indexOf(ids, offsets))
		if err != nil {
			t.Fatal(err)
		}
		p, err := parsePack("fuzz.pack", packData, idx)
		if err != nil {
			t.Fatal(err)
		}
		s.packs = []*pack{p}
		for _, id := range ids {
			typ, data, err := s.Read(id)
			if err != nil {
				if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrTooLarge) {
					t.Fatalf("unexpected error kind: %v", err)
				}
				continue
			}
			if hashObject(byte(typ), data) != id {
				t.Fatalf("returned %s %q that does not hash to %x", typ, data, id)
			}
		}
	})
}

func readPackFile(objects string) ([]byte, error) {
	s, err := Open(objects)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return append([]byte{}, s.packs[0].data...), nil
}

func packHeader(n uint32) []byte {
	h := []byte("PACK\x00\x00\x00\x02\x00\x00\x00\x00")
	binary.BigEndian.PutUint32(h[8:], n)
	return h
}

// indexOf builds a version 2 index listing ids at offsets.
func indexOf(ids [][hashLen]byte, offsets []uint32) []byte {
	order := make([]int, len(ids))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return bytes.Compare(ids[order[a]][:], ids[order[b]][:]) < 0 })
	var idx bytes.Buffer
	idx.Write(idxMagic)
	binary.Write(&idx, binary.BigEndian, uint32(2))
	for b := 0; b < 256; b++ {
		n := 0
		for _, id := range ids {
			if int(id[0]) <= b {
				n++
			}
		}
		binary.Write(&idx, binary.BigEndian, uint32(n))
	}
	for _, i := range order {
		idx.Write(ids[i][:])
	}
	idx.Write(make([]byte, 4*len(ids))) // CRCs: this reader does not read them
	for _, i := range order {
		binary.Write(&idx, binary.BigEndian, offsets[i])
	}
	idx.Write(make([]byte, trailerLen))
	return idx.Bytes()
}
