package source

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// smallRepo makes a repository of three commits on main with a file under
// members/ and returns its folder.
func smallRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not on PATH")
	}
	dir := t.TempDir()
	runGit(t, dir, "init", "-q", "-b", "main")
	if err := os.MkdirAll(filepath.Join(dir, "members"), 0o755); err != nil {
		t.Fatal(err)
	}
	for i, text := range []string{"one\n", "two\n", "three\n"} {
		if err := os.WriteFile(filepath.Join(dir, "members", "x.yaml"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		runGit(t, dir, "add", "-A")
		runGit(t, dir, "commit", "-q", "-m", string(rune('a'+i)))
	}
	return dir
}

// Row 8 of the hardening issue: storage git reads must not read as a
// missing reference.
func TestStorageLayouts(t *testing.T) {
	cases := []struct {
		name    string
		prepare func(t *testing.T, dir string) string // returns the --repo folder
	}{
		{"pack index version 1", func(t *testing.T, dir string) string {
			runGit(t, dir, "-c", "pack.indexVersion=1", "repack", "-a", "-d", "-f")
			idx, _ := filepath.Glob(filepath.Join(dir, ".git", "objects", "pack", "*.idx"))
			data, err := os.ReadFile(idx[0])
			if err != nil || string(data[:4]) == "\xfftOc" {
				t.Fatalf("git wrote no version 1 index (%v)", err)
			}
			return dir
		}},
		{"bare repository", func(t *testing.T, dir string) string {
			bare := filepath.Join(t.TempDir(), "server.git")
			runGit(t, dir, "clone", "-q", "--bare", dir, bare)
			return bare
		}},
		{"bare repository, packed", func(t *testing.T, dir string) string {
			bare := filepath.Join(t.TempDir(), "server.git")
			runGit(t, dir, "clone", "-q", "--bare", dir, bare)
			runGit(t, bare, "repack", "-a", "-d")
			return bare
		}},
		{"a subfolder of the working tree", func(t *testing.T, dir string) string { return filepath.Join(dir, "members") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := smallRepo(t)
			repoDir := c.prepare(t, dir)
			tree, err := AtRevision(repoDir, "main")
			if err != nil {
				t.Fatal(err)
			}
			data, err := tree.Read("members/x.yaml")
			if err != nil || string(data) != "three\n" {
				t.Fatalf("read %q, %v", data, err)
			}
			parent, err := AtRevision(repoDir, "main~2")
			if err != nil {
				t.Fatal(err)
			}
			if data, _ := parent.Read("members/x.yaml"); string(data) != "one\n" {
				t.Fatalf("main~2 reads %q", data)
			}
		})
	}
}

func TestUnsupportedFormatsSaySo(t *testing.T) {
	for _, ext := range [][2]string{{"extensions.objectFormat", "sha256"}, {"extensions.refStorage", "reftable"}, {"extensions.somethingNew", "true"}} {
		t.Run(ext[0], func(t *testing.T) {
			dir := smallRepo(t)
			runGit(t, dir, "config", "core.repositoryformatversion", "1")
			runGit(t, dir, "config", ext[0], ext[1])
			_, err := AtRevision(dir, "main")
			if !errors.Is(err, ErrUnsupportedRepo) || !strings.Contains(err.Error(), ext[1]) {
				t.Fatalf("got %v, want ErrUnsupportedRepo naming %s", err, ext[1])
			}
		})
	}
}

func TestResolve(t *testing.T) {
	dir := smallRepo(t)
	runGit(t, dir, "tag", "light", "main~1")
	runGit(t, dir, "tag", "-a", "-m", "annotated", "annotated", "main~1")
	runGit(t, dir, "checkout", "-q", "-b", "side", "main~2")
	runGit(t, dir, "commit", "-q", "--allow-empty", "-m", "side")
	runGit(t, dir, "checkout", "-q", "main")
	runGit(t, dir, "merge", "-q", "--no-ff", "-m", "merge", "side")
	repo, err := OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	revParse := func(rev string) plumbing.Hash {
		return plumbing.NewHash(strings.TrimSpace(runGit(t, dir, "rev-parse", rev+"^{commit}")))
	}
	short := revParse("main")
	for _, rev := range []string{"main", "HEAD", "refs/heads/main", "heads/main", "light", "annotated", "tags/annotated", "main~1", "main^", "main^2", "main^2~1", "main~2^", "side", short.String(), short.String()[:10]} {
		got, err := Resolve(repo, rev)
		if err != nil {
			t.Errorf("Resolve(%q): %v", rev, err)
			continue
		}
		if want := revParse(rev); got != want {
			t.Errorf("Resolve(%q) = %s, git says %s", rev, got, want)
		}
	}
	for _, rev := range []string{"main^{tree}", "main:members/x.yaml", "main:", "main@{1}", "@", "-main", "main^{}", "main..side", "", "no-such-branch"} {
		if got, err := Resolve(repo, rev); err == nil {
			t.Errorf("Resolve(%q) = %s, want an error", rev, got)
		}
	}
	if _, err := Resolve(repo, "main^{tree}"); !errors.Is(err, ErrBadRevision) {
		t.Errorf("Resolve(main^{tree}): %v, want ErrBadRevision", err)
	}
	if _, err := Resolve(repo, "no-such-branch"); !errors.Is(err, plumbing.ErrReferenceNotFound) {
		t.Errorf("Resolve(no-such-branch): %v, want ErrReferenceNotFound", err)
	}
	tree := strings.TrimSpace(runGit(t, dir, "rev-parse", "main^{tree}"))
	if _, err := Resolve(repo, tree); err == nil {
		t.Errorf("Resolve(<a tree id>) succeeded; only commits are revisions here")
	}
}
