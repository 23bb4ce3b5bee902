// Package exampledata finds the bundled example group — policy.yaml, roles/,
// members/ and issues/ under examples/group — and copies it, for the tests and
// benchmarks that check real data instead of invented snippets.
//
// The example lives under examples/, never at the top of the repository: the
// top is where a group's own records go (`embargo init`), and no test or demo
// may depend on them, so a group's fork keeps passing its own CI
// (docs/guides/upgrade.md).
package exampledata

import (
	"os"
	"path/filepath"
	"testing"
)

// Parts are the top-level names that make up the example data.
var Parts = []string{"policy.yaml", "roles", "members", "issues"}

// Folder is where the example group lives, relative to the module root.
const Folder = "examples/group"

// Dir returns the folder of the example group's records (policy.yaml at its top).
func Dir(t testing.TB) string {
	t.Helper()
	return filepath.Join(Root(t), filepath.FromSlash(Folder))
}

// Root returns the module root (where go.mod is), searching up from the
// working directory; a test runs in its package folder below it.
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("example: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Copy copies the example data into a new temporary folder and returns it.
func Copy(t testing.TB) string {
	t.Helper()
	root, dst := Dir(t), t.TempDir()
	for _, top := range Parts {
		err := filepath.Walk(filepath.Join(root, top), func(p string, fi os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			if fi.IsDir() {
				return os.MkdirAll(filepath.Join(dst, rel), 0o755)
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return dst
}
