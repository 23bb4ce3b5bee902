package gitpack

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// rawObject is one object for writePack to lay out by hand, so that tests can
// build packs that git would never write.
type rawObject struct {
	typ     byte
	body    []byte        // the content, or for a delta the delta
	id      [hashLen]byte // zero: the hash of typ and body
	baseIdx int           // typeOfsDelta: index of the base in the same pack
	baseID  [hashLen]byte // typeRefDelta
	size    *uint64       // header size, if not len(body)
	stream  []byte        // the zlib stream, if not body compressed
}

// writePack writes objs as pack-test.{pack,idx} under objectsDir/pack and
// returns each object's id as the index lists it.
func writePack(t testing.TB, objectsDir string, objs []rawObject) [][hashLen]byte {
	t.Helper()
	var pack bytes.Buffer
	pack.WriteString("PACK")
	binary.Write(&pack, binary.BigEndian, uint32(2))
	binary.Write(&pack, binary.BigEndian, uint32(len(objs)))
	offsets := make([]uint32, len(objs))
	ids := make([][hashLen]byte, len(objs))
	for i, o := range objs {
		offsets[i] = uint32(pack.Len())
		ids[i] = o.id
		if ids[i] == ([hashLen]byte{}) {
			ids[i] = hashObject(o.typ, o.body)
		}
		size := uint64(len(o.body))
		if o.size != nil {
			size = *o.size
		}
		c := o.typ<<4 | byte(size&0x0f)
		size >>= 4
		for size > 0 {
			pack.WriteByte(c | 0x80)
			c = byte(size & 0x7f)
			size >>= 7
		}
		pack.WriteByte(c)
		switch o.typ {
		case typeOfsDelta:
			pack.Write(ofsEncode(uint64(offsets[i] - offsets[o.baseIdx])))
		case typeRefDelta:
			pack.Write(o.baseID[:])
		}
		if o.stream != nil {
			pack.Write(o.stream)
		} else {
			pack.Write(deflate(o.body))
		}
	}
	pack.Write(make([]byte, hashLen)) // checksum: this reader does not read it

	idx := indexOf(ids, offsets)
	dir := filepath.Join(objectsDir, "pack")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"pack-test.pack": pack.Bytes(), "pack-test.idx": idx} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// ofsEncode is git's offset encoding of a delta's distance to its base.
func ofsEncode(dist uint64) []byte {
	out := []byte{byte(dist & 0x7f)}
	for dist >>= 7; dist > 0; dist >>= 7 {
		dist--
		out = append([]byte{0x80 | byte(dist&0x7f)}, out...)
	}
	return out
}

// deflateWriter is reused: a new zlib writer costs more than a small object.
var deflateWriter = zlib.NewWriter(nil)

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	deflateWriter.Reset(&buf)
	deflateWriter.Write(b)
	deflateWriter.Close()
	return buf.Bytes()
}

// deltaOf builds a delta that turns base into target: it copies the longest
// common prefix and inserts the rest.
func deltaOf(base, target []byte) []byte {
	d := append(varint(uint64(len(base))), varint(uint64(len(target)))...)
	n := 0
	for n < len(base) && n < len(target) && base[n] == target[n] && n < 0xffff {
		n++
	}
	if n > 0 {
		d = append(d, 0x80|0x01|0x02|0x10|0x20, 0, 0, byte(n), byte(n>>8))
	}
	for rest := target[n:]; len(rest) > 0; {
		k := min(len(rest), 127)
		d = append(d, byte(k))
		d = append(d, rest[:k]...)
		rest = rest[k:]
	}
	return d
}

func varint(v uint64) []byte {
	var out []byte
	for v >= 0x80 {
		out = append(out, byte(v)|0x80)
		v >>= 7
	}
	return append(out, byte(v))
}

func openStore(t testing.TB, objectsDir string) *Store {
	t.Helper()
	s, err := Open(objectsDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// git runs the real git binary in dir and returns its output.
func git(t testing.TB, dir string, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir,
		"GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func needGit(t testing.TB) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not on PATH")
	}
}
