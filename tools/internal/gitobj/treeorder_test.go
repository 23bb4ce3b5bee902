package gitobj

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// TestCompareTreeOrder holds compareTreeOrder to its definition, comparing
// names with '/' appended to folders, on names built from the bytes around
// '/' in ASCII order.
func TestCompareTreeOrder(t *testing.T) {
	key := func(e TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	sign := func(c int) int {
		switch {
		case c < 0:
			return -1
		case c > 0:
			return 1
		}
		return 0
	}
	r := rand.New(rand.NewSource(1))
	alphabet := "-./0a"
	name := func() string {
		b := make([]byte, r.Intn(4))
		for i := range b {
			b[i] = alphabet[r.Intn(len(alphabet))]
		}
		return string(b)
	}
	mode := func() filemode.FileMode {
		if r.Intn(2) == 0 {
			return filemode.Dir
		}
		return filemode.Regular
	}
	for i := 0; i < 100000; i++ {
		a, b := TreeEntry{Name: name(), Mode: mode()}, TreeEntry{Name: name(), Mode: mode()}
		if got, want := sign(CompareTreeOrder(a, b)), sign(strings.Compare(key(a), key(b))); got != want {
			t.Fatalf("CompareTreeOrder(%q %v, %q %v) = %d, want %d", a.Name, a.Mode, b.Name, b.Mode, got, want)
		}
	}
}
