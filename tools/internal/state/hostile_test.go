package state_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/gittree"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

// load runs state.Load on src with a time bound and returns the findings.
func load(t *testing.T, src source.Source) []finding.Finding {
	t.Helper()
	done := make(chan []finding.Finding, 1)
	go func() {
		var out finding.List
		if _, err := state.Load(src, &out); err != nil {
			t.Error(err)
		}
		done <- out.Sorted()
	}()
	select {
	case fs := <-done:
		return fs
	case <-time.After(20 * time.Second):
		t.Fatal("state.Load did not finish within 20 s")
		return nil
	}
}

func expect(t *testing.T, fs []finding.Finding, file, rule, text string) {
	t.Helper()
	for _, f := range fs {
		if f.File == file && f.Rule == rule && strings.Contains(f.Message, text) {
			return
		}
	}
	t.Errorf("no %s finding on %s containing %q; got %+v", rule, file, text, fs)
}

// TestHostileFiles: each hostile file gets its clear error, nothing panics or hangs,
// and memory stays bounded.
func TestHostileFiles(t *testing.T) {
	const issue = "issues/2026/EMB-2026-0001.yaml"
	valid := "id: EMB-2026-0001\nlist: linux-distros\nstatus: draft\ntitle: t\nseverity: low\ntlp: TLP:AMBER\nhandler: x\ndates:\n  reported: 2026-11-01T00:00:00Z\n"
	cases := []struct {
		name, content, rule, text string
	}{
		{"billion-laughs", "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n", "yaml.syntax", "anchors"},
		{"deep-nesting", strings.Repeat("[", 5000) + strings.Repeat("]", 5000), "yaml.syntax", ""},
		{"deep-mapping", strings.Repeat("a:\n ", 200) + "b\n", "yaml.syntax", ""},
		{"binary", "\x7fELF\x02\x01\x01\x00\x00\x00", "yaml.syntax", "NUL byte"},
		{"invalid-utf8", "title: caf\xe9\n", "yaml.syntax", "not valid UTF-8"},
		{"bom", "\ufeff" + valid, "yaml.syntax", "byte order mark"},
		{"tabs", "id: x\n\tlist: y\n", "yaml.syntax", "tab"},
		{"nul", "id: a\x00b\n", "yaml.syntax", "NUL byte"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, issue, tc.content)
			expect(t, load(t, source.Dir{Root: dir}), issue, tc.rule, tc.text)
		})
	}

	t.Run("crlf-is-fine", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, issue, strings.ReplaceAll(valid, "\n", "\r\n"))
		for _, f := range load(t, source.Dir{Root: dir}) {
			if f.File == issue {
				t.Errorf("CRLF line endings refused: %+v", f)
			}
		}
	})

	t.Run("100MB-file", func(t *testing.T) {
		dir := t.TempDir()
		p := filepath.Join(dir, issue)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(100 << 20); err != nil { // sparse: no 100 MB written to disk
			t.Fatal(err)
		}
		f.Close()
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		expect(t, load(t, source.Dir{Root: dir}), issue, "yaml.syntax", "too large")
		runtime.ReadMemStats(&after)
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 20<<20 {
			t.Errorf("reading a refused 100 MB file allocated %d MiB", grew>>20)
		}
	})

	t.Run("symlink", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, "roles/coordinators.yaml", "coordinators: [x]\n")
		if err := os.MkdirAll(filepath.Join(dir, "members"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("../roles/coordinators.yaml", filepath.Join(dir, "members", "evil.yaml")); err != nil {
			t.Fatal(err)
		}
		expect(t, load(t, source.Dir{Root: dir}), "members/evil.yaml", "file.type", "symlink")
	})
}

// TestHostileTrees: the same refusals when files come from git objects (--rev).
func TestHostileTrees(t *testing.T) {
	repo, err := git.Init(memory.NewStorage(), nil)
	if err != nil {
		t.Fatal(err)
	}
	s := repo.Storer
	blob := func(content string) plumbing.Hash {
		obj := s.NewEncodedObject()
		obj.SetType(plumbing.BlobObject)
		w, _ := obj.Writer()
		w.Write([]byte(content))
		w.Close()
		h, err := s.SetEncodedObject(obj)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	tree := func(entries ...object.TreeEntry) plumbing.Hash {
		obj := s.NewEncodedObject()
		if err := (&object.Tree{Entries: entries}).Encode(obj); err != nil {
			t.Fatal(err)
		}
		h, err := s.SetEncodedObject(obj)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	members := tree( // entries in git's order
		object.TreeEntry{Name: "evil.yaml", Mode: filemode.Symlink, Hash: blob("../roles/coordinators.yaml")},
		// A blob id that names a tree: the object is not what the entry says.
		object.TreeEntry{Name: "liar.yaml", Mode: filemode.Regular, Hash: tree(object.TreeEntry{Name: "x", Mode: filemode.Regular, Hash: blob("x")})},
		object.TreeEntry{Name: "sub.yaml", Mode: filemode.Submodule, Hash: plumbing.NewHash("1111111111111111111111111111111111111111")},
	)
	root := tree(object.TreeEntry{Name: "members", Mode: filemode.Dir, Hash: members})
	fs := load(t, &source.Tree{Trees: gittree.New(repo.Storer), Root: root, Desc: "test tree"})
	expect(t, fs, "members/evil.yaml", "file.type", "symlink")
	expect(t, fs, "members/sub.yaml", "file.type", "submodule")
	expect(t, fs, "members/liar.yaml", "yaml.syntax", "cannot read file")
}

func write(t *testing.T, dir, rel, content string) {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
