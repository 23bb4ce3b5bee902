// Package unsealed copies the bundled example with its sealed records in
// plain text, opened with the example's published TEST keys. Tests of what
// reads private fields — the timeline's leak guard, the record rules — are
// about plain records, whichever records the example ships sealed; the
// sealed records themselves are tested by the seal package and the demo.
package unsealed

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"
	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/seal"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

// at is the clock the TEST keys are read at: the example's (Makefile DEMO_NOW).
var at = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// Copy copies the example into a new temporary folder, like exampledata.Copy,
// and opens every sealed record there (see Open).
func Copy(t testing.TB) string {
	t.Helper()
	dir := exampledata.Copy(t)
	Open(t, dir)
	return dir
}

// Open rewrites every sealed issue record in dir in plain text, decrypted
// with the TEST key of one of its recipients (the first coordinator: every
// sealed record is sealed to the coordinators). The policy is left as it is:
// an embargoed record of a sealed list in plain text is then a
// sealed.required finding.
func Open(t testing.TB, dir string) {
	t.Helper()
	var ignored finding.List
	st, err := state.Load(source.Dir{Root: dir}, &ignored)
	if err != nil {
		t.Fatal(err)
	}
	if st.Coordinators == nil || len(st.Coordinators.Coordinators) == 0 {
		t.Fatal("unsealed: the example has no coordinators")
	}
	ref, ok := st.People[st.Coordinators.Coordinators[0]]
	if !ok || len(ref.Person().Keys) == 0 {
		t.Fatal("unsealed: the first coordinator has no key")
	}
	key, err := os.ReadFile(filepath.Join(exampledata.Root(t), "examples", "testkeys", ref.Person().Keys[0]+".key"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := pgp.ReadSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range st.Issues {
		if f.Issue == nil || f.Issue.Sealed == "" {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		plain, err := seal.Open(f.Path, data, decrypter{s})
		if err != nil {
			t.Fatalf("unsealed: %v", err)
		}
		if strings.Contains(string(plain), "\nsealed:") {
			t.Fatalf("unsealed: %s still sealed", f.Path)
		}
		if err := os.WriteFile(p, plain, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type decrypter struct{ s *pgp.Signer }

func (d decrypter) Decrypt(msg []byte) ([]byte, error) { return d.s.Decrypt(msg, at) }
