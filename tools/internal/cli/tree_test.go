package cli

import (
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func gitIn(t *testing.T, dir, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir,
		"GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// A revision whose tree git rejects is one finding (exit 1), in validate and
// timeline alike: nothing in it is read, and nothing is published.
func TestMalformedTreeRevision(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not on PATH")
	}
	dir := t.TempDir()
	gitIn(t, dir, "", "init", "-q", "-b", "main")
	blob := gitIn(t, dir, "id: x\n", "hash-object", "-w", "--stdin")
	raw := ""
	for range 2 { // members/ lists x.yaml twice
		raw += "100644 x.yaml\x00" + hexBytes(t, blob)
	}
	members := gitIn(t, dir, raw, "hash-object", "-w", "-t", "tree", "--literally", "--stdin")
	root := gitIn(t, dir, "40000 members\x00"+hexBytes(t, members), "hash-object", "-w", "-t", "tree", "--literally", "--stdin")
	commit := gitIn(t, dir, "", "commit-tree", "-m", "bad", root)
	gitIn(t, dir, "", "update-ref", "refs/heads/bad", commit)

	code, stdout, stderr := run("validate", "--repo", dir, "--rev", "bad")
	if code != ExitFindings || !strings.Contains(stdout, "sig.noncanonical") || !strings.Contains(stdout, "name listed twice") {
		t.Fatalf("validate: exit %d\n%s%s", code, stdout, stderr)
	}
	out := filepath.Join(t.TempDir(), "public")
	code, stdout, stderr = run("timeline", "--repo", dir, "--rev", "bad", "--out", out)
	if code != ExitFindings || !strings.Contains(stdout, "sig.noncanonical") {
		t.Fatalf("timeline: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("timeline wrote output from a malformed tree")
	}
}

// hexBytes turns a hex object id into its raw bytes.
func hexBytes(t *testing.T, id string) string {
	t.Helper()
	b, err := hex.DecodeString(id)
	if err != nil || len(b) != 20 {
		t.Fatalf("bad id %q", id)
	}
	return string(b)
}
