package source

import (
	"os"
	"path/filepath"
	"testing"
)

// A repository may keep its history in another object folder that
// objects/info/alternates names: `git clone --shared` or `--reference`
// (CI runners with a reference clone), and GitLab's object pools for forks,
// whose path is relative. git reads them; the tool found no object there, so
// on such a server the hook refused every push and a CI check reported a
// shallow clone.
func TestAttackAlternates(t *testing.T) {
	dir := smallRepo(t)
	runGit(t, dir, "repack", "-q", "-a", "-d")
	head := runGit(t, dir, "rev-parse", "main")
	for _, c := range []struct{ name, line string }{
		{"absolute", filepath.Join(dir, ".git", "objects")},
		{"relative to the objects folder", "../../" + filepath.Base(dir) + "/.git/objects"},
	} {
		t.Run(c.name, func(t *testing.T) {
			bare := filepath.Join(filepath.Dir(dir), "server-"+filepath.Base(t.Name())+".git")
			runGit(t, dir, "init", "-q", "--bare", bare)
			if err := os.WriteFile(filepath.Join(bare, "objects", "info", "alternates"), []byte(c.line+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			runGit(t, bare, "update-ref", "refs/heads/main", head[:40])
			runGit(t, bare, "cat-file", "-e", "main^{tree}") // git reads it
			tree, err := AtRevision(bare, "main")
			if err != nil {
				t.Fatal(err)
			}
			if data, err := tree.Read("members/x.yaml"); err != nil || string(data) != "three\n" {
				t.Fatalf("read %q, %v", data, err)
			}
		})
	}
}
