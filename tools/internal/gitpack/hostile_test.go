package gitpack

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

func sizeOf(n uint64) *uint64 { return &n }

// TestHostilePacks builds packs git would never write and checks that each
// is refused with ErrCorrupt (or ErrTooLarge) naming the problem, and that
// nothing panics, hangs or allocates what a header merely claims.
func TestHostilePacks(t *testing.T) {
	blob := []byte("members:\n  - alice\n")
	grown := append(append([]byte{}, blob...), "  - mallory\n"...)
	cases := []struct {
		name string
		objs []rawObject
		read int // which object to read
		want error
		msg  string
	}{
		{"content is not what the index id says", []rawObject{{typ: typeBlob, body: blob, id: hashObject(typeBlob, grown)}}, 0, ErrCorrupt, "hashes to"},
		{"header claims more bytes than the stream holds", []rawObject{{typ: typeBlob, body: blob, size: sizeOf(uint64(len(blob) + 1))}}, 0, ErrCorrupt, "shorter than its header says"},
		{"stream holds more bytes than the header claims", []rawObject{{typ: typeBlob, body: blob, size: sizeOf(uint64(len(blob) - 1))}}, 0, ErrCorrupt, "more data than its header says"},
		{"header claims a huge object", []rawObject{{typ: typeBlob, body: blob, size: sizeOf(1 << 40)}}, 0, ErrTooLarge, ""},
		{"zlib stream is not zlib", []rawObject{{typ: typeBlob, body: blob, stream: []byte("not zlib at all")}}, 0, ErrCorrupt, "object data"},
		{"zlib checksum is wrong", []rawObject{{typ: typeBlob, body: blob, stream: badChecksum(deflate(blob))}}, 0, ErrCorrupt, "checksum"},
		{"unknown object type 5", []rawObject{{typ: 5, body: blob, id: hashObject(typeBlob, blob)}}, 0, ErrCorrupt, "unknown object type"},
		{"delta copies past its base", []rawObject{
			{typ: typeBlob, body: blob},
			{typ: typeOfsDelta, baseIdx: 0, id: hashObject(typeBlob, grown), body: append(append(varint(uint64(len(blob))), varint(40)...), 0x80|0x01|0x10, 10, 40)},
		}, 1, ErrCorrupt, "does not apply"},
		{"delta base size is wrong", []rawObject{
			{typ: typeBlob, body: blob},
			{typ: typeOfsDelta, baseIdx: 0, id: hashObject(typeBlob, grown), body: deltaOf(grown, grown)},
		}, 1, ErrCorrupt, "does not apply"},
		{"delta result is over the size limit", []rawObject{
			{typ: typeBlob, body: blob},
			{typ: typeOfsDelta, baseIdx: 0, id: hashObject(typeBlob, grown), body: append(varint(uint64(len(blob))), varint(MaxObjectSize+1)...)},
		}, 1, ErrTooLarge, ""},
		{"ref-delta that is its own base", []rawObject{
			{typ: typeRefDelta, baseID: hashObject(typeBlob, grown), id: hashObject(typeBlob, grown), body: deltaOf(blob, grown)},
		}, 0, ErrCorrupt, "delta chain deeper than"},
		{"ref-deltas in a cycle", []rawObject{
			{typ: typeRefDelta, baseID: hashObject(typeBlob, grown), id: hashObject(typeBlob, blob), body: deltaOf(grown, blob)},
			{typ: typeRefDelta, baseID: hashObject(typeBlob, blob), id: hashObject(typeBlob, grown), body: deltaOf(blob, grown)},
		}, 0, ErrCorrupt, "delta chain deeper than"},
		{"ref-delta base in no pack", []rawObject{
			{typ: typeRefDelta, baseID: [hashLen]byte{9}, id: hashObject(typeBlob, grown), body: deltaOf(blob, grown)},
		}, 0, ErrCorrupt, "is in no pack"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			objects := t.TempDir()
			ids := writePack(t, objects, c.objs)
			_, _, err := openStore(t, objects).Read(ids[c.read])
			if !errors.Is(err, c.want) || !strings.Contains(fmt.Sprint(err), c.msg) {
				t.Fatalf("got %v, want %v with %q", err, c.want, c.msg)
			}
		})
	}
}

func badChecksum(stream []byte) []byte {
	out := append([]byte{}, stream...)
	out[len(out)-1] ^= 0xff
	return out
}

// TestDeltaChains reads a chain as deep as git may write, and refuses one
// deeper than the bound.
func TestDeltaChains(t *testing.T) {
	for _, depth := range []int{1, 50, maxDeltaDepth - 1, maxDeltaDepth + 10} {
		t.Run(fmt.Sprint(depth), func(t *testing.T) {
			objs := []rawObject{{typ: typeBlob, body: []byte("v0\n")}}
			prev := objs[0].body
			for i := 1; i <= depth; i++ {
				next := []byte(fmt.Sprintf("%sv%d\n", prev[:min(len(prev), 64)], i))
				objs = append(objs, rawObject{typ: typeOfsDelta, baseIdx: i - 1, id: hashObject(typeBlob, next), body: deltaOf(prev, next)})
				prev = next
			}
			objects := t.TempDir()
			ids := writePack(t, objects, objs)
			typ, data, err := openStore(t, objects).Read(ids[depth])
			if depth > maxDeltaDepth {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("chain of %d: %v, want ErrCorrupt", depth, err)
				}
				return
			}
			if err != nil || typ != plumbing.BlobObject || string(data) != string(prev) {
				t.Fatalf("chain of %d: %s %q %v", depth, typ, data, err)
			}
		})
	}
}

// TestHostileIndexes damages a valid index and pack and checks that opening
// or reading refuses them.
func TestHostileIndexes(t *testing.T) {
	blob := []byte("hello\n")
	cases := []struct {
		name   string
		damage func(idx, pack []byte) ([]byte, []byte)
		want   error
	}{
		{"index too short", func(idx, pack []byte) ([]byte, []byte) { return idx[:100], pack }, ErrCorrupt},
		{"version 2 index without its header (read as version 1)", func(idx, pack []byte) ([]byte, []byte) { return idx[8:], pack }, ErrCorrupt},
		{"index of version 3", func(idx, pack []byte) ([]byte, []byte) { idx[7] = 3; return idx, pack }, ErrUnsupported},
		{"index claims more objects than it holds", func(idx, pack []byte) ([]byte, []byte) {
			for b := 0; b < 256; b++ {
				idx[8+4*b+3] = 0xff
			}
			return idx, pack
		}, ErrCorrupt},
		{"pack is not a pack", func(idx, pack []byte) ([]byte, []byte) { copy(pack, "KCAP"); return idx, pack }, ErrCorrupt},
		{"pack of version 4", func(idx, pack []byte) ([]byte, []byte) { pack[7] = 4; return idx, pack }, ErrUnsupported},
		{"pack and index disagree on the count", func(idx, pack []byte) ([]byte, []byte) { pack[11] = 2; return idx, pack }, ErrCorrupt},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			objects := t.TempDir()
			writePack(t, objects, []rawObject{{typ: typeBlob, body: blob}})
			idxPath := filepath.Join(objects, "pack", "pack-test.idx")
			packPath := filepath.Join(objects, "pack", "pack-test.pack")
			idx, pack := readFile(t, idxPath), readFile(t, packPath)
			idx, pack = c.damage(idx, pack)
			writeFile(t, idxPath, idx)
			writeFile(t, packPath, pack)
			s, err := Open(objects)
			if err == nil {
				defer s.Close()
				_, _, err = s.Read(hashObject(typeBlob, blob))
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

// TestOffsetsOutsideThePack points index entries and ofs-deltas outside the
// pack file.
func TestOffsetsOutsideThePack(t *testing.T) {
	blob := []byte("hello\n")
	objects := t.TempDir()
	ids := writePack(t, objects, []rawObject{{typ: typeBlob, body: blob}})
	idxPath := filepath.Join(objects, "pack", "pack-test.idx")
	idx := readFile(t, idxPath)
	for _, off := range []uint32{0, 11, 1 << 30, 0x80000005} { // the last: a 64-bit entry that is not there
		at := len(idx) - trailerLen - 4
		idx[at], idx[at+1], idx[at+2], idx[at+3] = byte(off>>24), byte(off>>16), byte(off>>8), byte(off)
		writeFile(t, idxPath, idx)
		s := openStore(t, objects)
		if _, _, err := s.Read(ids[0]); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("offset %#x: %v, want ErrCorrupt", off, err)
		}
	}
}

func readFile(t *testing.T, p string) []byte {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t *testing.T, p string, b []byte) {
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
