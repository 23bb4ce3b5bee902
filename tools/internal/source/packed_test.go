package source

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

func runGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir,
		"GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestOpenRepoReadsPackedAndLooseObjects compares every object that
// OpenRepo's storage returns (packed ones through gitpack, loose ones through
// go-git) with what go-git alone returns, and checks go-git's rule that an
// object of another type than asked for is not found.
func TestOpenRepoReadsPackedAndLooseObjects(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not on PATH")
	}
	dir := t.TempDir()
	runGit(t, dir, "init", "-q", "-b", "main")
	for i := 0; i < 20; i++ {
		if err := os.WriteFile(filepath.Join(dir, "f.txt"), []byte(strings.Repeat(fmt.Sprintf("line %d\n", i), i+1)), 0o644); err != nil {
			t.Fatal(err)
		}
		runGit(t, dir, "add", "-A")
		runGit(t, dir, "commit", "-q", "-m", fmt.Sprint(i))
		if i == 14 {
			runGit(t, dir, "repack", "-a", "-d") // the last five commits stay loose
		}
	}
	ours, err := OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := ours.Storer.(*packedStorage); !ok {
		t.Fatalf("OpenRepo storage is %T, want *packedStorage", ours.Storer)
	}
	plain, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	list := runGit(t, dir, "cat-file", "--batch-all-objects", "--batch-check")
	sc := bufio.NewScanner(strings.NewReader(list))
	n, packed := 0, 0
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		h := plumbing.NewHash(f[0])
		got, err := ours.Storer.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			t.Fatalf("%s: %v", h, err)
		}
		want, err := plain.Storer.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			t.Fatal(err)
		}
		if got.Type() != want.Type() || got.Size() != want.Size() || got.Hash() != h || content(t, got) != content(t, want) {
			t.Fatalf("%s: read %s of %d bytes, go-git reads %s of %d", h, got.Type(), got.Size(), want.Type(), want.Size())
		}
		other := plumbing.BlobObject
		if got.Type() == plumbing.BlobObject {
			other = plumbing.TreeObject
		}
		if _, err := ours.Storer.EncodedObject(other, h); !errors.Is(err, plumbing.ErrObjectNotFound) {
			t.Fatalf("%s read as a %s: %v, want ErrObjectNotFound", h, other, err)
		}
		if _, _, err := ours.Storer.(*packedStorage).packs.Read(h); err == nil {
			packed++
		}
		n++
	}
	if n < 60 || packed == 0 || packed == n {
		t.Fatalf("%d objects, %d of them packed: the test must read both kinds", n, packed)
	}
	if _, err := ours.Storer.EncodedObject(plumbing.AnyObject, plumbing.NewHash("0123456789abcdef0123456789abcdef01234567")); !errors.Is(err, plumbing.ErrObjectNotFound) {
		t.Fatalf("missing object: %v", err)
	}
}

func content(t *testing.T, o plumbing.EncodedObject) string {
	r, err := o.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
