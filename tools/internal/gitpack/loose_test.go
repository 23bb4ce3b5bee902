package gitpack

import (
	"bytes"
	"compress/zlib"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadLoose reads the loose objects real git writes and refuses damaged ones.
func TestReadLoose(t *testing.T) {
	dir := buildHistory(t, 3)
	objects := filepath.Join(dir, ".git", "objects")
	want := catAll(t, dir)
	n := 0
	for id, w := range want {
		typ, data, err := ReadLoose(objects, id)
		if errors.Is(err, ErrNotFound) {
			continue // packed by the helper
		}
		if err != nil {
			t.Fatalf("%x: %v", id, err)
		}
		if typ.String() != w.typ || !bytes.Equal(data, w.data) {
			t.Fatalf("%x: read %s, git reads %s", id, typ, w.typ)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no loose object read")
	}
	blob := []byte("hello\n")
	id := hashObject(typeBlob, blob)
	write := func(t *testing.T, content []byte) string {
		dir := t.TempDir()
		name := filepath.Join(dir, hex.EncodeToString(id[:1]), hex.EncodeToString(id[1:]))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		w := zlib.NewWriter(&b)
		w.Write(content)
		w.Close()
		if err := os.WriteFile(name, b.Bytes(), 0o444); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	if typ, data, err := ReadLoose(write(t, []byte("blob 6\x00hello\n")), id); err != nil || typ.String() != "blob" || string(data) != "hello\n" {
		t.Fatalf("good object: %v %q %v", typ, data, err)
	}
	for name, content := range map[string]string{
		"other content":   "blob 6\x00HELLO\n",
		"size too small":  "blob 5\x00hello\n",
		"size too large":  "blob 7\x00hello\n",
		"padded size":     "blob 06\x00hello\n",
		"unknown type":    "blub 6\x00hello\n",
		"delta type":      "ofs-delta 6\x00hello\n",
		"no header end":   "blob 6 hello",
		"header too long": strings.Repeat("b", 64),
	} {
		if _, _, err := ReadLoose(write(t, []byte(content)), id); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: got %v, want ErrCorrupt", name, err)
		}
	}
	if _, _, err := ReadLoose(t.TempDir(), id); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing: got %v", err)
	}
}
