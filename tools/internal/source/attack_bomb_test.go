package source

import (
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/gitobj"
)

// bombSize is what the bomb inflates to: zeros compress about 1,000 to 1, so
// its loose file is some 64 KB. A real one would say 10 GB.
const bombSize = 64 << 20

// writeLooseBomb writes a loose blob of bombSize zero bytes into the
// repository's objects folder, as receive-pack leaves a small push (fewer
// objects than receive.unpackLimit), and returns its id.
func writeLooseBomb(t *testing.T, objects string) plumbing.Hash {
	t.Helper()
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", bombSize)
	zero := make([]byte, 1<<20)
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	fmt.Fprintf(zw, "blob %d\x00", bombSize)
	for range bombSize / len(zero) {
		h.Write(zero)
		zw.Write(zero)
	}
	zw.Close()
	id := hex.EncodeToString(h.Sum(nil))
	if err := os.MkdirAll(filepath.Join(objects, id[:2]), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(objects, id[:2], id[2:]), z.Bytes(), 0o444); err != nil {
		t.Fatal(err)
	}
	return plumbing.NewHash(id)
}

// A member may commit any bytes as their new key file (the signature check
// reads the record that lists the key, not the key file), and a small push
// is stored as loose objects. Every later state's trust reads every key
// file: a key file that inflates to gigabytes must be refused from its
// header, before it is read into memory, or the hook dies on every push.
func TestAttackLooseObjectBomb(t *testing.T) {
	dir := smallRepo(t)
	id := writeLooseBomb(t, filepath.Join(dir, ".git", "objects"))
	runGit(t, dir, "cat-file", "-t", id.String())
	repo, err := OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = gitobj.ReadBlob(repo.Storer, id, MaxFileSize)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "large") {
		t.Errorf("reading the bomb: %v; want a too-large error", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
		t.Errorf("reading a blob whose header says %d bytes allocated %d MiB before refusing it", bombSize, grew>>20)
	}
}

// The same bomb in a pack: gitpack refuses it from its header, and it must
// not be handed to go-git, which inflates it whole.
func TestAttackPackedObjectBomb(t *testing.T) {
	dir := smallRepo(t)
	id := writeLooseBomb(t, filepath.Join(dir, ".git", "objects"))
	runGit(t, dir, "tag", "bomb", id.String())
	runGit(t, dir, "repack", "-q", "-a", "-d")
	if _, err := os.Stat(filepath.Join(dir, ".git", "objects", id.String()[:2], id.String()[2:])); err == nil {
		t.Fatal("the bomb is still loose")
	}
	repo, err := OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = gitobj.ReadBlob(repo.Storer, id, MaxFileSize)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "large") {
		t.Errorf("reading the bomb: %v; want a too-large error", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
		t.Errorf("reading a packed blob whose header says %d bytes allocated %d MiB before refusing it", bombSize, grew>>20)
	}
}
