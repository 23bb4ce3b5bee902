package validate_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"

	"gopkg.in/yaml.v3"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/report"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
	"github.com/embargo-tool/embargo/tools/internal/validate"
)

var (
	update      = flag.Bool("update", false, "rewrite golden files whose finding count did not change")
	updateCount = flag.Bool("update-count", false, "with -update: also rewrite goldens whose finding count changed")
)

// demoNow is the pinned clock of the bundled example (Makefile DEMO_NOW).
var demoNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// repoRoot finds the bundled example group (examples/group).
func repoRoot(t testing.TB) string {
	t.Helper()
	return exampledata.Dir(t)
}

// copyExample copies the bundled example's data into a fresh folder.
func copyExample(t testing.TB) string {
	t.Helper()
	return exampledata.Copy(t)
}

// check loads dir and runs every rule at now.
func check(t testing.TB, dir string, now time.Time) []finding.Finding {
	t.Helper()
	var out finding.List
	st, err := state.Load(source.Dir{Root: dir}, &out)
	if err != nil {
		t.Fatal(err)
	}
	validate.Check(st, now, &out)
	return out.Sorted()
}

func render(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		report.Text(&b, []finding.Finding{f})
	}
	// Keep only the finding lines: the per-call summary lines are noise here.
	var lines []string
	for _, l := range strings.Split(b.String(), "\n") {
		if l != "" && !strings.Contains(l, " in 1 file") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// mutator edits the copied example.
type mutator func(t testing.TB, dir string)

// replace edits a file's text; it fails when old is not there, so a case cannot silently stop testing anything.
func replace(file, old, new string) mutator {
	return func(t testing.TB, dir string) {
		p := filepath.Join(dir, file)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), old) {
			t.Fatalf("%s does not contain %q", file, old)
		}
		if err := os.WriteFile(p, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// set sets the value at a dotted path (a.b.0.c) of a YAML file, adding the key if needed.
func set(file, path, value string) mutator {
	return editYAML(file, path, func(parent *yaml.Node, key string, idx int) {
		var v yaml.Node
		if err := yaml.Unmarshal([]byte(value), &v); err != nil {
			panic(err)
		}
		node := v.Content[0]
		if parent.Kind == yaml.SequenceNode {
			parent.Content[idx] = node
			return
		}
		for i := 0; i+1 < len(parent.Content); i += 2 {
			if parent.Content[i].Value == key {
				parent.Content[i+1] = node
				return
			}
		}
		parent.Content = append(parent.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, node)
	})
}

// del removes the key at a dotted path.
func del(file, path string) mutator {
	return editYAML(file, path, func(parent *yaml.Node, key string, idx int) {
		if parent.Kind == yaml.SequenceNode {
			parent.Content = append(parent.Content[:idx], parent.Content[idx+1:]...)
			return
		}
		for i := 0; i+1 < len(parent.Content); i += 2 {
			if parent.Content[i].Value == key {
				parent.Content = append(parent.Content[:i], parent.Content[i+2:]...)
				return
			}
		}
		panic("no key " + key)
	})
}

func editYAML(file, path string, edit func(parent *yaml.Node, key string, idx int)) mutator {
	return func(t testing.TB, dir string) {
		p := filepath.Join(dir, file)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		parts := strings.Split(path, ".")
		n := doc.Content[0]
		for _, part := range parts[:len(parts)-1] {
			n = childNode(t, n, part)
		}
		last := parts[len(parts)-1]
		idx := -1
		if n.Kind == yaml.SequenceNode {
			idx = atoi(t, last)
		}
		edit(n, last, idx)
		out, err := yaml.Marshal(&doc)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func childNode(t testing.TB, n *yaml.Node, key string) *yaml.Node {
	if n.Kind == yaml.SequenceNode {
		return n.Content[atoi(t, key)]
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	t.Fatalf("no key %q", key)
	return nil
}

func atoi(t testing.TB, s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			t.Fatalf("%q is not an index", s)
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// write creates or overwrites a file.
func write(file, content string) mutator {
	return func(t testing.TB, dir string) {
		p := filepath.Join(dir, file)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// remove deletes a file.
func remove(file string) mutator {
	return func(t testing.TB, dir string) {
		if err := os.Remove(filepath.Join(dir, file)); err != nil {
			t.Fatal(err)
		}
	}
}

// goldenCompare compares got with testdata/golden/name.txt, rewriting it with -update
// unless the number of findings changed (then -update-count is needed too).
func goldenCompare(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name+".txt")
	want, err := os.ReadFile(p)
	if *update {
		if err == nil && strings.Count(string(want), "\n") != strings.Count(got, "\n") && !*updateCount {
			t.Fatalf("%s: finding count changed from %d to %d; rerun with -update -update-count if that is intended\n%s",
				p, strings.Count(string(want), "\n"), strings.Count(got, "\n"), got)
		}
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs:\n--- want\n%s--- got\n%s", p, want, got)
	}
}
