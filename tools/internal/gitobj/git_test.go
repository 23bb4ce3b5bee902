package gitobj

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// fakeGPG stands in for gpg: when git asks it to sign (-bsau) it records the
// payload and prints a fixed armored signature; when git asks it to verify
// (--verify FILE -) it records the payload and signature git handed over.
const fakeGPG = `#!/bin/sh
dir=$(dirname "$0")
case " $* " in
*" -bsau "*)
	cat > "$dir/signed-payload"
	cat "$dir/sig.asc"
	printf '\n[GNUPG:] SIG_CREATED D 22 8 00 1700000000 ABCDEF\n' >&2
	exit 0 ;;
*" --verify "*)
	while [ "$1" != "--verify" ]; do shift; done
	cp "$2" "$dir/verified-sig"
	cat > "$dir/verified-payload"
	exit 1 ;;
esac
exit 2
`

// gitEnv is a scratch repository driven by the real git binary.
type gitEnv struct {
	t    *testing.T
	dir  string // repository work tree
	tool string // directory of the fake gpg and its records
}

func newGitEnv(t *testing.T) *gitEnv {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not on PATH")
	}
	root := t.TempDir()
	e := &gitEnv{t: t, dir: filepath.Join(root, "repo"), tool: filepath.Join(root, "tool")}
	for _, d := range []string{e.dir, e.tool} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	e.write(filepath.Join(e.tool, "gpg"), fakeGPG, 0o755)
	e.write(filepath.Join(e.tool, "sig.asc"), pgpArmor, 0o644)
	e.git(nil, "init", "-q", "-b", "main")
	return e
}

func (e *gitEnv) write(path, content string, mode os.FileMode) {
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		e.t.Fatal(err)
	}
}

func (e *gitEnv) read(name string) []byte {
	b, err := os.ReadFile(filepath.Join(e.tool, name))
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

// run runs git with stdin and returns stdout and whether it succeeded.
func (e *gitEnv) run(stdin []byte, args ...string) ([]byte, error) {
	cfg := []string{"-c", "gpg.program=" + filepath.Join(e.tool, "gpg"), "-c", "user.signingkey=ABCDEF",
		"-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"}
	cmd := exec.Command("git", append(cfg, args...)...)
	cmd.Dir = e.dir
	cmd.Env = append(os.Environ(), "HOME="+e.tool, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_AUTHOR_NAME=A U Thor", "GIT_AUTHOR_EMAIL=author@example.com", "GIT_AUTHOR_DATE=1700000000 +0200",
		"GIT_COMMITTER_NAME=C O Mitter", "GIT_COMMITTER_EMAIL=committer@example.com", "GIT_COMMITTER_DATE=1700000100 -0530",
		"LC_ALL=C", "GIT_EDITOR=true", "GIT_MERGE_AUTOEDIT=no")
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, &exec.ExitError{ProcessState: cmd.ProcessState, Stderr: stderr.Bytes()}
	}
	return out, nil
}

// git runs git and fails the test on error.
func (e *gitEnv) git(stdin []byte, args ...string) string {
	e.t.Helper()
	out, err := e.run(stdin, args...)
	if err != nil {
		e.t.Fatalf("git %s: %v: %s", strings.Join(args, " "), err, err.(*exec.ExitError).Stderr)
	}
	return strings.TrimSpace(string(out))
}

// checkAgainstGit parses commit id as git stores it and checks Payload and
// Signature against what git signed (if signed is set) and what git hands
// to gpg for verification.
func (e *gitEnv) checkAgainstGit(id string, signed bool) *Commit {
	e.t.Helper()
	raw, err := e.run(nil, "cat-file", "commit", id)
	if err != nil {
		e.t.Fatal(err)
	}
	c, err := ParseCommit(raw, plumbing.NewHash(id))
	if err != nil {
		e.t.Fatalf("ParseCommit of git's %s: %v\n%s", id, err, raw)
	}
	if signed && !bytes.Equal(c.Payload, e.read("signed-payload")) {
		e.t.Fatalf("Payload differs from what git signed:\nours %q\ngit  %q", c.Payload, e.read("signed-payload"))
	}
	os.Remove(filepath.Join(e.tool, "verified-payload"))
	e.run(nil, "verify-commit", id) // fails: the fake gpg refuses
	if !bytes.Equal(c.Payload, e.read("verified-payload")) {
		e.t.Fatalf("Payload differs from what git verifies:\nours %q\ngit  %q", c.Payload, e.read("verified-payload"))
	}
	if !bytes.Equal(c.Signature, e.read("verified-sig")) {
		e.t.Fatalf("Signature differs from git's:\nours %q\ngit  %q", c.Signature, e.read("verified-sig"))
	}
	return c
}

// TestAgainstRealGit compares payload extraction with git itself: commits
// signed by `git commit -S` and `git merge -S` of a signed tag (with a
// non-UTF-8 encoding header), and objects built with AddSignature and stored
// by `git hash-object`.
func TestAgainstRealGit(t *testing.T) {
	e := newGitEnv(t)
	e.write(filepath.Join(e.dir, "a"), "a\n", 0o644)
	e.git(nil, "add", "a")
	e.git(nil, "commit", "-q", "-S", "-m", "first")
	first := e.git(nil, "rev-parse", "HEAD")
	c := e.checkAgainstGit(first, true)
	if c.SigType != SigOpenPGP || string(c.Signature) != pgpArmor || c.Author.When.Location().String() != "+0200" {
		t.Fatalf("git commit -S parsed as %v %q %v", c.SigType, c.Signature, c.Author.When)
	}

	// A signed merge of a signed tag: tree, parent x2, author, committer,
	// encoding, mergetag, gpgsig — git's own header order.
	e.git(nil, "checkout", "-q", "-b", "side")
	e.write(filepath.Join(e.dir, "b"), "b\n", 0o644)
	e.git(nil, "add", "b")
	e.git(nil, "commit", "-q", "-m", "side")
	e.git(nil, "tag", "-s", "-m", "release", "v1")
	e.git(nil, "checkout", "-q", "main")
	e.write(filepath.Join(e.dir, "c"), "c\n", 0o644)
	e.git(nil, "add", "c")
	e.git(nil, "commit", "-q", "-m", "main")
	e.git(nil, "-c", "i18n.commitEncoding=ISO-8859-1", "merge", "-q", "--no-ff", "-S", "-m", "merge v1", "v1")
	merge := e.git(nil, "rev-parse", "HEAD")
	m := e.checkAgainstGit(merge, true)
	if len(m.Parents) != 2 || len(m.MergeTags) != 1 || m.Encoding != "ISO-8859-1" || m.SigType != SigOpenPGP {
		t.Fatalf("merge parsed as parents=%d mergetags=%d encoding=%q sig=%v\n%s", len(m.Parents), len(m.MergeTags), m.Encoding, m.SigType, m.Raw)
	}

	// Objects written by AddSignature and stored by git: same id, and git
	// extracts the same payload and signature.
	for _, sig := range []string{pgpArmor, sshArmor} {
		unsigned := obj("crafted\n", "tree "+e.git(nil, "rev-parse", "HEAD^{tree}"), "parent "+merge, authorLn, commitLn)
		raw := AddSignature(unsigned, []byte(sig))
		id := e.git(raw, "hash-object", "-t", "commit", "-w", "--stdin")
		if got := plumbing.ComputeHash(plumbing.CommitObject, raw).String(); got != id {
			t.Fatalf("git id %s, ours %s", id, got)
		}
		if sig == pgpArmor {
			if got := e.checkAgainstGit(id, false); !bytes.Equal(got.Payload, unsigned) {
				t.Fatalf("payload %q", got.Payload)
			}
		} else if c, err := ParseCommit(raw, plumbing.NewHash(id)); err != nil || c.SigType != SigSSH {
			t.Fatalf("ssh: %v %v", c, err)
		}
	}

	// ReadCommit through go-git's filesystem storer agrees with git.
	repo, err := git.PlainOpen(e.dir)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := ReadCommit(repo.Storer, plumbing.NewHash(merge))
	if err != nil {
		t.Fatal(err)
	}
	if diff := sameCommit(rc, m); diff != "" {
		t.Fatalf("ReadCommit differs in %s", diff)
	}
	// git stores a duplicate-author object when asked to; we refuse it.
	dup := AddSignature(obj("x\n", "tree "+treeHex, authorLn, "author Eve <eve@example.com> 1700000000 +0000", commitLn), []byte(pgpArmor))
	dupID := e.git(dup, "hash-object", "-t", "commit", "-w", "--literally", "--stdin")
	if _, err := ReadCommit(repo.Storer, plumbing.NewHash(dupID)); !errors.Is(err, ErrDuplicateHeader) {
		t.Fatalf("duplicate author stored by git: %v", err)
	}
	blob := e.git(nil, "rev-parse", "HEAD:a")
	if _, err := ReadCommit(repo.Storer, plumbing.NewHash(blob)); err == nil || !strings.Contains(err.Error(), "blob") {
		t.Fatalf("blob read as commit: %v", err)
	}
}
