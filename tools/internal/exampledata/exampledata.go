// Package exampledata finds the bundled example data set — the repository's own
// policy.yaml, roles/, members/ and issues/ — and copies it, for the tests and
// benchmarks that check real data instead of invented snippets.
package exampledata

import (
	"os"
	"path/filepath"
	"testing"
)

// Parts are the top-level names that make up the example data.
var Parts = []string{"policy.yaml", "roles", "members", "issues"}

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
	root, dst := Root(t), t.TempDir()
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
