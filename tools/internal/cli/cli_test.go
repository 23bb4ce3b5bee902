package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"
)

const demoNow = "--now=2026-11-20T12:00:00Z"

func repoRoot(t *testing.T) string {
	t.Helper()
	return exampledata.Dir(t)
}

func run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestUsageErrors: every unusable invocation exits 2 with an error and a hint on stderr, nothing on stdout.
func TestUsageErrors(t *testing.T) {
	root := repoRoot(t)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no-command", nil, "Usage:"},
		{"unknown-command", []string{"valdate"}, `did you mean "validate"`},
		{"bad-flag", []string{"validate", "--frmat", "json"}, "flag provided but not defined"},
		{"bad-format", []string{"validate", "--repo", root, "--format", "xml"}, `unknown --format "xml"`},
		{"bad-now", []string{"validate", "--repo", root, "--now", "2026-11-20"}, "not an RFC 3339 time"},
		{"missing-repo", []string{"validate", "--repo", filepath.Join(root, "no-such-dir")}, "cannot read repository"},
		{"bad-rev", []string{"validate", "--repo", root, "--rev", "no-such-rev"}, `revision "no-such-rev": reference not found`},
		{"stray-argument", []string{"validate", "extra"}, `unexpected argument "extra"`},
		{"tree-rev", []string{"verify", "--repo", root, "--base", "HEAD", "--head", "HEAD^{tree}"}, "unsupported revision syntax"},
		{"typo-base", []string{"verify", "--repo", root, "--base", "origin/mian"}, `--base: revision "origin/mian": reference not found`},
		{"path-rev", []string{"validate", "--repo", root, "--rev", "HEAD:policy.yaml"}, "unsupported revision syntax"},
		{"verify-no-base", []string{"verify", "--repo", root}, "verify needs --base or --all"},
		{"verify-all-and-base", []string{"verify", "--all", "--base", "main"}, "exclude each other"},
		{"verify-all-no-trust", []string{"verify", "--all"}, "--all needs --trust"},
		{"verify-bad-trust", []string{"verify", "--all", "--trust", "ABC"}, "not a full fingerprint"},
		{"verify-trust-without-all", []string{"verify", "--base", "main", "--trust", "E3FF104586BC655B5C275DD20BAA8B33A8912437"}, "--trust needs --all"},
		{"statement-no-kind", []string{"statement"}, "needs a kind"},
		{"statement-unknown-person", []string{"statement", "acceptance", "--repo", root, "--person", "nobody"}, `person "nobody" is not in the repository`},
		{"check-not-git", []string{"check", "--repo", t.TempDir(), "--base", "main"}, "open git repository"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(tc.args...)
			if code != ExitUsage {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, ExitUsage, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, stderr)
			}
			if tc.name != "no-command" && stdout != "" {
				t.Errorf("stdout should be empty, got:\n%s", stdout)
			}
		})
	}
}

func TestValidateExample(t *testing.T) {
	root := repoRoot(t)
	code, stdout, stderr := run("validate", "--repo", root, demoNow)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.HasSuffix(stdout, "0 errors, 5 warnings in 4 files\n") {
		t.Errorf("unexpected summary:\n%s", stdout)
	}

	code, stdout, _ = run("validate", "--repo", root, demoNow, "--format", "json")
	var doc struct {
		Findings []map[string]any `json:"findings"`
	}
	if code != ExitOK || json.Unmarshal([]byte(stdout), &doc) != nil || len(doc.Findings) != 5 {
		t.Fatalf("json output: exit %d, %d findings\n%s", code, len(doc.Findings), stdout)
	}
	for _, key := range []string{"rule", "severity", "file", "line", "column", "message"} {
		if _, ok := doc.Findings[0][key]; !ok {
			t.Errorf("json finding lacks %q: %v", key, doc.Findings[0])
		}
	}

	code, stdout, _ = run("validate", "--repo", root, demoNow, "--format", "github")
	if code != ExitOK || !strings.HasPrefix(stdout, "::warning file=issues/2025/EMB-2025-0004.yaml,line=29,col=15,title=embargo.preferred::") {
		t.Errorf("github output: exit %d\n%s", code, stdout)
	}
}

// TestValidateErrorsExitOne: error findings exit 1, on the working tree.
func TestValidateErrorsExitOne(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "policy.yaml"), []byte("version: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := run("validate", "--repo", dir, demoNow)
	if code != ExitFindings || !strings.Contains(stdout, "policy.yaml:1:1: error: yaml.syntax: did not find expected node content") {
		t.Errorf("exit %d\n%s", code, stdout)
	}
}

func TestRulesListsEveryRule(t *testing.T) {
	code, stdout, _ := run("rules")
	if code != ExitOK {
		t.Fatal(code)
	}
	for _, id := range []string{"yaml.syntax", "embargo.max", "member.acceptance", "sig.unauthorized", "access.rule"} {
		if !strings.Contains(stdout, id) {
			t.Errorf("rules output lacks %s", id)
		}
	}
}

func TestStatementAcceptance(t *testing.T) {
	code, stdout, _ := run("statement", "acceptance", "--repo", repoRoot(t), "--person", "dana-debian")
	want := "embargo acceptance statement v2\ngroup: distros.example.org\nperson: dana-debian\nmember: debian\nkey: F34780682F10345BC720C9114288E35D0F0140B0\nlists: distros linux-distros\npolicy: 2026-1\nterms: sha256:"
	if code != ExitOK || !strings.HasPrefix(stdout, want) {
		t.Errorf("exit %d\n%s", code, stdout)
	}
}

// TestDemo runs the README's main job end to end: a signed repository, pull
// requests accepted and refused for the right reasons, a late record that
// blocks only the change that touches it.
func TestDemo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	public := filepath.Join(t.TempDir(), "public")
	code, stdout, stderr := run("demo", "--repo", exampledata.Root(t), "--dir", dir, demoNow, "--out", public)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"-> accepted, as expected",
		"-> refused, as expected",
		"error: sig.unauthorized: commit",
		"greta-suse may not change this path; allowed: coordinators\n",
		"error: embargo.max:",
		"repository: warning: clock.untouched: 1 clock finding on 1 record this change does not touch (embargo.overdue: issues/2026/EMB-2026-0004.yaml)",
		"error: embargo.overdue: the embargo ended 3d 22h ago",
		"wrote 14 files to",
		"== embargo verify --base main --head landed/two-pull-requests --fast-forward\nverified 4 commits by dana-debian, mara-openwall; 0 errors, 0 warnings\n",
		"sig.unknown-key",
		"issues/2026/EMB-2026-0008.yaml:4:1: error: sealed.required: commit ",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, stdout)
		}
	}
	// The sealed record: its handler reads it with gpg, a member off its team cannot.
	if _, err := exec.LookPath("gpg"); err == nil || os.Getenv("EMBARGO_REQUIRE_GPG") == "1" {
		for _, want := range []string{"title: Use-after-free in the ferrule", "-> decrypted, as expected", "gpg: decryption failed: No secret key", "-> cannot read it, as expected"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("demo output lacks %q:\n%s", want, stdout)
			}
		}
	}
	// The embargoed issue of the example appears nowhere in the published files.
	entries, _ := os.ReadDir(public)
	if len(entries) == 0 {
		t.Fatal("demo published nothing")
	}
	filepath.Walk(public, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			data, _ := os.ReadFile(p)
			for _, secret := range []string{"EMB-2026-0004", "CVE-2026-91234", "ferrule", "Priya"} {
				if strings.Contains(string(data), secret) {
					t.Errorf("%s contains %q of the embargoed issue", p, secret)
				}
			}
		}
		return nil
	})
	// The demo repository is a real git repository: git itself reads it.
	if git, err := exec.LookPath("git"); err == nil {
		out, err := exec.Command(git, "-C", dir, "log", "--format=%H %s", "--all").CombinedOutput()
		if err != nil || strings.Count(string(out), "\n") != 12 {
			t.Errorf("git log: %v\n%s", err, out)
		}
		if out, err := exec.Command(git, "-C", dir, "fsck", "--strict").CombinedOutput(); err != nil {
			t.Errorf("git fsck --strict: %v\n%s", err, out)
		}
	}
}

func TestTimelineCommand(t *testing.T) {
	root := repoRoot(t)
	out := filepath.Join(t.TempDir(), "public")
	code, stdout, stderr := run("timeline", "--repo", root, demoNow, "--out", out)
	if code != ExitOK || !strings.HasPrefix(stdout, "wrote 14 files to") {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	// A second run into the same folder refuses rather than mixing old and new files.
	code, _, stderr = run("timeline", "--repo", root, demoNow, "--out", out)
	if code != ExitUsage || !strings.Contains(stderr, "not empty") {
		t.Errorf("second run: exit %d\n%s", code, stderr)
	}
	code, _, stderr = run("timeline", "--repo", root)
	if code != ExitUsage || !strings.Contains(stderr, "timeline needs --out") {
		t.Errorf("no --out: exit %d\n%s", code, stderr)
	}
}

// TestTimelineRefusesBrokenRecords: records with errors are not published.
func TestTimelineRefusesBrokenRecords(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "policy.yaml"), []byte("version: [\n"), 0o644)
	code, _, stderr := run("timeline", "--repo", dir, demoNow, "--out", filepath.Join(dir, "out"))
	if code != ExitFindings || !strings.Contains(stderr, "not publishing") {
		t.Errorf("exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
		t.Error("output folder written despite errors")
	}
}
