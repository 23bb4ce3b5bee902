package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"
)

// TestCodeOwnersCLI: write, check, stale, and the flags that make no sense.
func TestCodeOwnersCLI(t *testing.T) {
	dir := exampledata.Copy(t)
	file := filepath.Join(dir, ".github", "CODEOWNERS")

	if code, _, stderr := run("codeowners", "--repo", dir, "--check"); code != ExitFindings || !strings.Contains(stderr, ".github/CODEOWNERS is out of date: line 1") {
		t.Errorf("missing file: exit %d\n%s", code, stderr)
	}
	code, stdout, stderr := run("codeowners", "--repo", dir)
	if code != ExitOK || stdout != ".github/CODEOWNERS\n" || !strings.Contains(stderr, "embargo: warning: mara-openwall has no forge account") {
		t.Fatalf("write: exit %d\n%s%s", code, stdout, stderr)
	}
	written, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(written), "\n/roles/** @tomas-ow\n") {
		t.Fatalf("written file (%v):\n%s", err, written)
	}
	if code, _, stderr := run("codeowners", "--repo", dir, "--check"); code != ExitOK {
		t.Errorf("fresh file: exit %d\n%s", code, stderr)
	}
	if code, stdout, _ := run("codeowners", "--repo", dir, "--out", "-"); code != ExitOK || stdout != string(written) {
		t.Errorf("--out -: exit %d\n%s", code, stdout)
	}
	// Giving the coordinator an account makes the committed file stale, and validate says so.
	p := filepath.Join(dir, "members", "openwall.yaml")
	data, _ := os.ReadFile(p)
	os.WriteFile(p, []byte(strings.Replace(string(data), "    email: mara@openwall.example.org\n", "    email: mara@openwall.example.org\n    forge: mara-l\n", 1)), 0o644)
	if code, _, stderr := run("codeowners", "--repo", dir, "--check"); code != ExitFindings || !strings.Contains(stderr, "is out of date: line 10") {
		t.Errorf("stale: exit %d\n%s", code, stderr)
	}
	_, stdout, _ = run("validate", "--repo", dir, demoNow)
	if !strings.Contains(stdout, ".github/CODEOWNERS:") || !strings.Contains(stdout, "warning: codeowners.stale:") {
		t.Errorf("validate does not warn:\n%s", stdout)
	}
	if code, _, stderr := run("codeowners", "--repo", dir, "--rev", "HEAD"); code != ExitUsage || !strings.Contains(stderr, "cannot write the file into it") {
		t.Errorf("--rev without --check: exit %d\n%s", code, stderr)
	}
}
