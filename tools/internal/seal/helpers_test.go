package seal

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"
	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

// demoNow is the clock of the bundled example (Makefile DEMO_NOW).
var demoNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// The example's embargoed record and its team: handler dana-debian, response
// team rui-redhat and ines-amazon, coordinators mara-openwall and
// tomas-openwall. greta-suse and eli-debian are members off its team.
const (
	embargoed = "issues/2026/EMB-2026-0004.yaml"
	disclosed = "issues/2026/EMB-2026-0003.yaml"
)

var team0004 = []string{"dana-debian", "ines-amazon", "mara-openwall", "rui-redhat", "tomas-openwall"}

// exampleDir copies the example with every list sealed.
func exampleDir(t testing.TB) string {
	t.Helper()
	dir := exampledata.Copy(t)
	p := filepath.Join(dir, "policy.yaml")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "sealed: true") {
		data = []byte(strings.ReplaceAll(string(data), "    technical_extensions_only:", "    sealed: true\n    technical_extensions_only:"))
		writeFile(t, dir, "policy.yaml", data)
	}
	return dir
}

func load(t testing.TB, dir string) *state.State {
	t.Helper()
	var out finding.List
	st, err := state.Load(source.Dir{Root: dir}, &out)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func readFile(t testing.TB, dir, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func writeFile(t testing.TB, dir, p string, data []byte) {
	t.Helper()
	full := filepath.Join(dir, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// testKey reads the example TEST private key of person.
func testKey(t testing.TB, st *state.State, person string) *pgp.Signer {
	t.Helper()
	ref, ok := st.People[person]
	if !ok {
		t.Fatalf("no person %s", person)
	}
	data, err := os.ReadFile(filepath.Join(exampledata.Root(t), "examples", "testkeys", ref.Person().Keys[0]+".key"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := pgp.ReadSigner(data)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// keyDecrypter decrypts as the holder of a TEST key.
type keyDecrypter struct{ s *pgp.Signer }

func (k keyDecrypter) Decrypt(msg []byte) ([]byte, error) { return k.s.Decrypt(msg, demoNow) }

// sealedExample returns an example folder whose embargoed record is sealed
// (if the example does not ship it sealed already).
func sealedExample(t testing.TB) string {
	t.Helper()
	dir := exampleDir(t)
	data := readFile(t, dir, embargoed)
	if !strings.Contains(string(data), "\nsealed: |") {
		out, _, err := Record(load(t, dir), embargoed, data, demoNow)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, embargoed, out)
	}
	return dir
}

// checkDir runs the seal rules over the folder's state.
func checkDir(t testing.TB, dir string) []finding.Finding {
	t.Helper()
	var out finding.List
	Check(load(t, dir), demoNow, &out)
	return out.Sorted()
}

// plaintextOf returns the private fields of the example record as Split gives them.
func plaintextOf(t testing.TB) []byte {
	t.Helper()
	orig, err := os.ReadFile(filepath.Join(exampledata.Dir(t), filepath.FromSlash(embargoed)))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(orig), "\nsealed: |") {
		st := load(t, exampleDir(t))
		if orig, err = Open(embargoed, orig, keyDecrypter{testKey(t, st, "dana-debian")}); err != nil {
			t.Fatal(err)
		}
	}
	_, private, err := Split(embargoed, orig)
	if err != nil {
		t.Fatal(err)
	}
	return private
}
