package gitobj

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// rawTree writes "<mode> <name>\x00<id>" entries as given: modes as text, so
// zero-padded and unknown modes can be written.
func rawTree(entries ...[2]string) []byte {
	var b bytes.Buffer
	id := plumbing.NewHash(parentB)
	for _, e := range entries {
		b.WriteString(e[0] + " " + e[1] + "\x00")
		b.Write(id[:])
	}
	return b.Bytes()
}

func TestParseTree(t *testing.T) {
	good := []struct {
		name string
		raw  []byte
	}{
		{"empty tree", nil},
		{"every mode git writes", rawTree([2]string{"100644", "a"}, [2]string{"100755", "b"}, [2]string{"120000", "c"}, [2]string{"40000", "d"}, [2]string{"160000", "e"})},
		{"folder sorts as name/", rawTree([2]string{"100644", "a.b"}, [2]string{"40000", "a"}, [2]string{"100644", "a0"})},
		{"file before a longer name", rawTree([2]string{"100644", "a"}, [2]string{"100644", "a.b"})},
		{".github, .gitignore and .gits are not .git", rawTree([2]string{"40000", ".github"}, [2]string{"100644", ".gitignore"}, [2]string{"100644", ".gits"})},
		{"git~2 is not git~1", rawTree([2]string{"100644", "git~2"})},
		{"non-ASCII names", rawTree([2]string{"100644", "caf\u00e9"})},
	}
	for _, g := range good {
		if _, err := ParseTree(g.raw, plumbing.ZeroHash); err != nil {
			t.Errorf("%s: %v", g.name, err)
		}
	}
	bad := []struct {
		name string
		raw  []byte
		text string
	}{
		{"truncated id", rawTree([2]string{"100644", "a"})[:20], "truncated"},
		{"no space after the mode", []byte("100644"), "truncated"},
		{"no name end", []byte("100644 abc"), "truncated"},
		{"empty mode", rawTree([2]string{"", "a"}), "mode"},
		{"zero-padded folder mode", rawTree([2]string{"040000", "a"}), `mode "040000"`},
		{"zero-padded file mode", rawTree([2]string{"0100644", "a"}), `mode "0100644"`},
		{"100664", rawTree([2]string{"100664", "a"}), `mode "100664"`},
		{"non-octal mode", rawTree([2]string{"10064x", "a"}), "mode"},
		{"empty name", rawTree([2]string{"100644", ""}), "empty name"},
		{".", rawTree([2]string{"40000", "."}), "not allowed"},
		{"..", rawTree([2]string{"40000", ".."}), "not allowed"},
		{"slash", rawTree([2]string{"100644", "a/b"}), `holds "/"`},
		{".git", rawTree([2]string{"40000", ".git"}), ".git"},
		{".Git", rawTree([2]string{"40000", ".Git"}), ".git"},
		{".git.", rawTree([2]string{"40000", ".git."}), ".git"},
		{".git . .", rawTree([2]string{"40000", ".git . ."}), ".git"},
		{"git~1", rawTree([2]string{"40000", "git~1"}), ".git"},
		{"GIT~1", rawTree([2]string{"40000", "GIT~1"}), ".git"},
		{".git:stream", rawTree([2]string{"40000", ".git:x"}), ".git"},
		{`.git\x`, rawTree([2]string{"40000", `.git\x`}), ".git"},
		{".git with ZWNJ", rawTree([2]string{"40000", ".g\u200cit"}), ".git"},
		{".git with BOM", rawTree([2]string{"40000", "\ufeff.git"}), ".git"},
		{".GIT with LRM", rawTree([2]string{"40000", ".GI\u200eT"}), ".git"},
		{".git and malformed UTF-8", rawTree([2]string{"40000", ".git\xf5"}), ".git"},
		{"unsorted", rawTree([2]string{"100644", "b"}, [2]string{"100644", "a"}), "order"},
		{"folder after a longer file it sorts before", rawTree([2]string{"100644", "a0"}, [2]string{"40000", "a"}), "order"},
		{"duplicate", rawTree([2]string{"100644", "a"}, [2]string{"100644", "a"}), "listed twice"},
		{"file and folder of one name, apart", rawTree([2]string{"100644", "a"}, [2]string{"100644", "a.b"}, [2]string{"40000", "a"}), "as a file and as a folder"},
		{"file and folder of one name, side by side", rawTree([2]string{"100644", "a"}, [2]string{"40000", "a"}), "listed twice"},
	}
	for _, b := range bad {
		_, err := ParseTree(b.raw, plumbing.ZeroHash)
		if !errors.Is(err, ErrMalformedTree) || !strings.Contains(err.Error(), b.text) {
			t.Errorf("%s: got %v, want ErrMalformedTree with %q", b.name, err, b.text)
		}
	}
	null := append([]byte("100644 a\x00"), make([]byte, 20)...)
	if _, err := ParseTree(null, plumbing.ZeroHash); !errors.Is(err, ErrMalformedTree) {
		t.Errorf("null id: got %v", err)
	}
	raw := rawTree([2]string{"100644", "a"})
	id, _ := hashObject("tree", raw)
	if _, err := ParseTree(raw, id); err != nil {
		t.Errorf("right id: %v", err)
	}
	if _, err := ParseTree(raw, plumbing.NewHash(parentA)); !errors.Is(err, ErrHashMismatch) {
		t.Errorf("wrong id: got %v", err)
	}
	if _, err := ParseTree(make([]byte, MaxTreeSize+1), plumbing.ZeroHash); !errors.Is(err, ErrTooLarge) {
		t.Errorf("too large: got %v", err)
	}
}

func TestTreeFindAndCaseTwin(t *testing.T) {
	var entries [][2]string
	for i := range 100 {
		entries = append(entries, [2]string{"100644", fmt.Sprintf("f%03d", i)})
	}
	entries = append(entries, [2]string{"100644", "g"})
	big, err := ParseTree(rawTree(entries...), plumbing.ZeroHash)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := big.Find("f050"); !ok {
		t.Error("Find(f050) in a large tree: not found")
	}
	if _, ok := big.Find("f100"); ok {
		t.Error("Find(f100): found")
	}
	twins, err := ParseTree(rawTree([2]string{"100644", "Members"}, [2]string{"100644", "README"}, [2]string{"100644", "members"}, [2]string{"100644", "readme"}), plumbing.ZeroHash)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"members": "Members", "Members": "members", "README": "readme", "x": ""} {
		if got := twins.CaseTwin(name); got != want {
			t.Errorf("CaseTwin(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestParseTreeReadsWhatGitWrites: every tree git itself writes for a
// repository with awkward names parses.
func TestParseTreeReadsWhatGitWrites(t *testing.T) {
	dir := t.TempDir()
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@x", "GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@x")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	run("init", "-q")
	for _, p := range []string{"a.b", "a-c/x", "a/y", "a0", ".github/w.yml", "issues/2026/EMB-2026-0001.yaml", "sp ace", "caf\u00e9"} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("a", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	run("add", "-A")
	run("commit", "-qm", "x")
	trees := []string{strings.TrimSpace(run("rev-parse", "HEAD^{tree}"))}
	for _, line := range strings.Split(run("ls-tree", "-r", "-t", "HEAD"), "\n") {
		if f := strings.Fields(line); len(f) >= 3 && f[1] == "tree" {
			trees = append(trees, f[2])
		}
	}
	if len(trees) < 5 {
		t.Fatalf("git wrote %d trees, want at least 5", len(trees))
	}
	for _, id := range trees {
		raw := []byte(run("cat-file", "tree", id))
		if _, err := ParseTree(raw, plumbing.NewHash(id)); err != nil {
			t.Errorf("tree %s written by git: %v", id, err)
		}
	}
}

// fsckRepo is one repository per fuzzing process, holding an empty blob and
// an empty tree for the entries of fuzzed trees to point at.
var fsckRepo struct {
	once            sync.Once
	dir             string
	blob, emptyTree plumbing.Hash
	err             error
}

func gitIn(dir string, stdin []byte, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// FuzzParseTree is the differential check of the tree reader against git:
// whenever ParseTree accepts bytes, `git fsck --strict` accepts the same
// tree (with its entries pointed at objects that exist, so only the tree
// itself is judged).
func FuzzParseTree(f *testing.F) {
	if _, err := exec.LookPath("git"); err != nil {
		f.Skip("git not installed")
	}
	f.Add(rawTree([2]string{"100644", "a"}, [2]string{"40000", "b"}))
	f.Add(rawTree([2]string{"100644", "a.b"}, [2]string{"40000", "a"}, [2]string{"100644", "a0"}))
	f.Add(rawTree([2]string{"40000", ".git"}))
	f.Add(rawTree([2]string{"40000", ".g\u200cit"}))
	f.Add(rawTree([2]string{"040000", "x"}))
	f.Add(rawTree([2]string{"100644", "a"}, [2]string{"100644", "a.b"}, [2]string{"40000", "a"}))
	f.Add(rawTree([2]string{"100644", ".gitmodules"}, [2]string{"120000", ".gitignore"}, [2]string{"160000", "sub"}))
	base := f.TempDir()
	f.Fuzz(func(t *testing.T, raw []byte) {
		tree, err := ParseTree(raw, plumbing.ZeroHash)
		if err != nil {
			return
		}
		r := &fsckRepo
		r.once.Do(func() {
			r.dir = filepath.Join(base, "repo")
			if _, r.err = gitIn(base, nil, "init", "-q", "--bare", r.dir); r.err != nil {
				return
			}
			var out string
			if out, r.err = gitIn(r.dir, nil, "hash-object", "-w", "-t", "blob", "--stdin"); r.err == nil {
				r.blob = plumbing.NewHash(out)
				out, r.err = gitIn(r.dir, nil, "mktree")
				r.emptyTree = plumbing.NewHash(out)
			}
		})
		if r.err != nil {
			t.Fatal(r.err)
		}
		entries := make([]TreeEntry, len(tree.Entries))
		for i, e := range tree.Entries {
			entries[i] = e
			switch e.Mode {
			case filemode.Dir:
				entries[i].Hash = r.emptyTree
			case filemode.Submodule:
			default:
				entries[i].Hash = r.blob
			}
		}
		fixed := EncodeTree(entries)
		id, err := gitIn(r.dir, fixed, "hash-object", "-w", "-t", "tree", "--literally", "--stdin")
		if err != nil {
			t.Fatalf("hash-object: %v: %s", err, id)
		}
		defer os.Remove(filepath.Join(r.dir, "objects", id[:2], id[2:]))
		if out, err := gitIn(r.dir, nil, "fsck", "--strict", "--no-dangling"); err != nil {
			t.Fatalf("ParseTree accepts a tree git fsck --strict rejects:\n%q\n%s", fixed, out)
		}
	})
}
