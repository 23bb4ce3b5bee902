package timeline_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"
	"github.com/embargo-tool/embargo/tools/internal/exampledata/unsealed"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden")

// The pinned clocks: the demo's (EMB-2026-0004 still embargoed) and one after its
// disclosure on 2026-11-23.
var (
	demoNow  = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	laterNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
)

const embargoedFile = "issues/2026/EMB-2026-0004.yaml"

// repoRoot finds the bundled example group (examples/group).
func repoRoot(t testing.TB) string {
	t.Helper()
	return exampledata.Dir(t)
}

// copyExample copies the bundled example's data into a fresh folder, with
// its sealed record opened: these tests are about what the timeline does with
// plain records (sealed ones: sealed_test.go).
func copyExample(t testing.TB) string {
	t.Helper()
	return unsealed.Copy(t)
}

// replaceIn edits a copied file; it fails when old is not there, so a case cannot
// silently stop testing anything.
func replaceIn(t testing.TB, dir, file, old, new string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(file))
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("%s does not contain %q", file, old)
	}
	if err := os.WriteFile(p, bytes.Replace(data, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
}

// discloseEmbargoed turns EMB-2026-0004 of a copied example into a disclosed issue,
// as its handler would on 2026-11-23.
func discloseEmbargoed(t testing.TB, dir string) {
	t.Helper()
	replaceIn(t, dir, embargoedFile, "status: embargoed", "status: disclosed")
	replaceIn(t, dir, embargoedFile, "tlp: TLP:AMBER+STRICT", "tlp: TLP:CLEAR")
	replaceIn(t, dir, embargoedFile, "  disclosure: 2026-11-23T14:00:00Z\n",
		"  disclosure: 2026-11-23T14:00:00Z\n  disclosed: 2026-11-23T14:05:00Z\npublic_posting: https://lists.example.org/oss-security/2026/11/23/2\n")
}

// load reads the state of dir; the example must load without findings.
func load(t testing.TB, dir string) *state.State {
	t.Helper()
	var out finding.List
	st, err := state.Load(source.Dir{Root: dir}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if fs := out.Sorted(); len(fs) > 0 {
		t.Fatalf("loading %s: %v", dir, fs)
	}
	return st
}

// readTree returns every file below dir by slash path.
func readTree(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func keys(m map[string][]byte) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// firstDiff describes where two texts first differ, for readable failures.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n  got:  %q\n  want: %q", i+1, gl, wl)
		}
	}
	return "no difference"
}
