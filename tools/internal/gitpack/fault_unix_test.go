//go:build unix

package gitpack

import (
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPackTruncatedWhileMapped shrinks a pack after it is mapped, as a
// concurrent repack or a full disk could. Touching the lost pages raises
// SIGBUS; Read must turn that into an error, not crash the process.
func TestPackTruncatedWhileMapped(t *testing.T) {
	big := make([]byte, 256<<10)
	rand.New(rand.NewSource(1)).Read(big) // incompressible: spans many pages
	objects := t.TempDir()
	ids := writePack(t, objects, []rawObject{{typ: typeBlob, body: big}})
	s := openStore(t, objects)
	if err := os.Truncate(filepath.Join(objects, "pack", "pack-test.pack"), 4096); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.Read(ids[0])
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "changed while it was read") {
		t.Fatalf("got %v, want ErrCorrupt saying the pack changed", err)
	}
}
