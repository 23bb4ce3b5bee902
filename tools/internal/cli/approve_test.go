package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/source"
)

// TestApprove: a coordinator's change to roles/ is refused alone; the second
// coordinator runs embargo approve, which makes the approval with the real git
// and gpg, and the range passes.
func TestApprove(t *testing.T) {
	for _, tool := range []string{"git", "gpg"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("EMBARGO_REQUIRE_GPG") == "1" {
				t.Fatalf("%s is not on PATH", tool)
			}
			t.Skipf("%s is not on PATH", tool)
		}
	}
	work := t.TempDir()
	dir := filepath.Join(work, "demo")
	if code, stdout, stderr := run("demo", "--repo", exampledata.Root(t), "--dir", dir, "--now", hookNow, "--out", filepath.Join(work, "public")); code != ExitOK {
		t.Fatalf("demo: %d\n%s%s", code, stdout, stderr)
	}
	// mara-openwall, coordinator, adds dana-debian to the coordinators.
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	main, err := source.Resolve(repo, "main")
	if err != nil {
		t.Fatal(err)
	}
	c := &pushClient{t: t, dir: dir, repo: repo, signers: map[string]*pgp.Signer{}, clock: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)}
	change := c.commit(main, c.signer(maraKey), map[string]string{"roles/coordinators.yaml": "coordinators: [mara-openwall, tomas-openwall, dana-debian]\n"}, "Make dana-debian a coordinator")
	c.mustGit("checkout", "-q", "-b", "roles", change.String())

	code, stdout, _ := run("verify", "--repo", dir, "--base", "main", "--now", hookNow)
	if code != ExitFindings || !strings.Contains(stdout, "sig.threshold") || !strings.Contains(stdout, "may still approve: tomas-openwall") {
		t.Fatalf("one coordinator alone: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = run("approve", "--repo", dir, "--base", "main", "--now", hookNow, "--dry-run")
	if code != ExitOK || !strings.Contains(stdout, "threshold 2, needs 1 more; signed for the final content: mara-openwall; may still approve: tomas-openwall") {
		t.Fatalf("approve --dry-run: exit %d\n%s", code, stdout)
	}

	// tomas-openwall approves with his own gpg.
	home, err := os.MkdirTemp("", "gpg")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(home)
	os.Chmod(home, 0o700)
	t.Setenv("GNUPGHOME", home)
	t.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(home, "gitconfig"))
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	defer exec.Command("gpgconf", "--kill", "gpg-agent").Run()
	const tomasKey = "59E836661B35D313BF2EA12F4813675A72C482A5"
	if out, err := exec.Command("gpg", "--batch", "--quiet", "--import", filepath.Join(exampledata.Root(t), "examples", "testkeys", tomasKey+".key")).CombinedOutput(); err != nil {
		t.Fatalf("gpg import: %v\n%s", err, out)
	}
	for _, kv := range [][2]string{{"user.name", "Tomas"}, {"user.email", "tomas@openwall.example.org"}, {"user.signingkey", tomasKey}} {
		c.mustGit("config", kv[0], kv[1])
	}
	code, stdout, stderr := run("approve", "--repo", dir, "--base", "main", "--now", hookNow)
	if code != ExitOK || !strings.Contains(stdout, "made a signed approval commit") {
		t.Fatalf("approve: exit %d\n%s%s", code, stdout, stderr)
	}
	head := plumbing.NewHash(c.mustGit("rev-parse", "HEAD"))
	if head == change {
		t.Fatal("no approval commit")
	}
	// gpg signed at the wall clock: check there.
	if code, stdout, _ = run("verify", "--repo", dir, "--base", "main"); code != ExitOK {
		t.Fatalf("after the approval: exit %d\n%s", code, stdout)
	}
	if code, stdout, _ = run("verify", "--repo", dir, "--base", "main", "--fast-forward"); code != ExitOK {
		t.Fatalf("as the protected branch: exit %d\n%s", code, stdout)
	}
}
