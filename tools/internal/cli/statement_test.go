package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"
)

// TestStatementTerms: `embargo statement terms` prints exactly the bytes whose
// SHA-256 the acceptance names, so a person can check what they accept.
func TestStatementTerms(t *testing.T) {
	code, terms, stderr := run("statement", "terms", "--repo", repoRoot(t), "--person", "dana-debian")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(terms, `{"group":"distros.example.org","lists":{"distros":{`) || !strings.HasSuffix(terms, "\"version\":\"2026-1\"}\n") {
		t.Errorf("terms:\n%s", terms)
	}
	_, acc, _ := run("statement", "acceptance", "--repo", repoRoot(t), "--person", "dana-debian")
	sum := sha256.Sum256([]byte(terms))
	if want := "\nterms: sha256:" + hex.EncodeToString(sum[:]) + "\n"; !strings.Contains(acc, want) {
		t.Errorf("the acceptance does not name the digest of the terms (%s):\n%s", want, acc)
	}
}

func TestStatementVouch(t *testing.T) {
	code, stdout, stderr := run("statement", "vouch", "--repo", repoRoot(t), "--member", "debian", "--voucher", "mara-openwall")
	want := "embargo vouch statement v2\ngroup: distros.example.org\nmember: debian\nlists: distros linux-distros\npeople: dana-debian eli-debian\nvoucher: mara-openwall\n"
	if code != ExitOK || !strings.HasPrefix(stdout, want) {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestStatementNeedsGroup: without a group in policy.yaml there is no
// statement to sign, and the command says what to add.
func TestStatementNeedsGroup(t *testing.T) {
	dir := exampledata.Copy(t)
	p := filepath.Join(dir, "policy.yaml")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(data), "group: distros.example.org\n", "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"statement", "acceptance", "--repo", dir, "--person", "dana-debian"},
		{"statement", "vouch", "--repo", dir, "--member", "debian", "--voucher", "mara-openwall"},
		{"statement", "terms", "--repo", dir, "--person", "dana-debian"},
	} {
		code, stdout, stderr := run(args...)
		if code != ExitUsage || stdout != "" || !strings.Contains(stderr, "names no group") || !strings.Contains(stderr, "add group:") {
			t.Errorf("%v: exit %d\nstdout: %s\nstderr: %s", args, code, stdout, stderr)
		}
	}
}
