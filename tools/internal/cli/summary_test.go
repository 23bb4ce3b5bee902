package cli

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"
)

// countFiles counts the files of the layout under root by glob, apart from
// the loader, so the summary's counts are checked against the files on disk.
func countFiles(t *testing.T, root string) (policy, roles, members, keys, issues int) {
	t.Helper()
	n := func(pattern string) int {
		m, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		return len(m)
	}
	return n("policy.yaml"), n("roles/*.yaml"), n("members/*.yaml"), n("members/keys/*.asc"), n("issues/*/*.yaml")
}

// TestValidateSummary: validate says what it read, in text and in JSON, and
// the counts are those of the files on disk.
func TestValidateSummary(t *testing.T) {
	root := repoRoot(t)
	policy, roles, members, keys, issues := countFiles(t, root)
	total := policy + roles + members + keys + issues
	want := fmt.Sprintf("validated %d files (policy.yaml, %d role files, %d members, %d keys, %d issues); 0 errors, 5 warnings in 4 files\n", total, roles, members, keys, issues)
	code, stdout, stderr := run("validate", "--repo", root, demoNow)
	if code != ExitOK || !strings.HasSuffix(stdout, want) {
		t.Errorf("exit %d, want the closing line %q:\n%s%s", code, want, stdout, stderr)
	}
	code, stdout, _ = run("validate", "--repo", root, demoNow, "--format", "json")
	var got struct {
		Findings []json.RawMessage `json:"findings"`
		Summary  struct {
			Validated map[string]int `json:"validated"`
			Verified  any            `json:"verified"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil || code != ExitOK {
		t.Fatalf("exit %d, %v:\n%s", code, err, stdout)
	}
	wantJSON := map[string]int{"files": total, "policy": policy, "roles": roles, "members": members, "keys": keys, "issues": issues}
	if fmt.Sprint(got.Summary.Validated) != fmt.Sprint(wantJSON) || got.Summary.Verified != nil || len(got.Findings) != 5 {
		t.Errorf("summary %v (verified %v), want %v and no verified part; %d findings", got.Summary.Validated, got.Summary.Verified, wantJSON, len(got.Findings))
	}
}

// TestRangeSummary: verify and check say how many commits they judged (as
// many as git counts in the range) and whose signatures they accepted; a
// failing run says "checked", not "verified".
func TestRangeSummary(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	if code, stdout, stderr := run("demo", "--repo", exampledata.Root(t), "--dir", dir, demoNow, "--out", filepath.Join(t.TempDir(), "public")); code != ExitOK {
		t.Fatalf("demo: exit %d\n%s%s", code, stdout, stderr)
	}
	count := func(rng string) int {
		out, err := exec.Command("git", "-C", dir, "rev-list", "--count", rng).Output()
		if err != nil {
			t.Fatal(err)
		}
		var n int
		fmt.Sscan(string(out), &n)
		return n
	}
	plural := func(n int) string {
		if n == 1 {
			return "1 commit"
		}
		return fmt.Sprintf("%d commits", n)
	}
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		// pr/update-informed is dana-debian's change; the approved coordinator
		// change is mara-openwall's with tomas-openwall's approval on top.
		{"verify", []string{"verify", "--base", "main", "--head", "pr/update-informed"}, ExitOK,
			"verified " + plural(count("main..pr/update-informed")) + " by dana-debian; 0 errors, 0 warnings\n"},
		{"check", []string{"check", "--base", "main", "--head", "pr/new-coordinator-approved"}, ExitOK,
			"); verified " + plural(count("main..pr/new-coordinator-approved")) + " by mara-openwall, tomas-openwall; 0 errors, 5 warnings in 4 files\n"},
		{"check-refused", []string{"check", "--base", "main", "--head", "pr/new-coordinator"}, ExitFindings,
			"); checked " + plural(count("main..pr/new-coordinator")) + ", accepted the signatures of mara-openwall; 1 error, 5 warnings in 4 files and 1 commit\n"},
		{"verify-refused", []string{"verify", "--base", "main", "--head", "landed/two-pull-requests"}, ExitFindings,
			"checked " + plural(count("main..landed/two-pull-requests")) + ", accepted the signatures of mara-openwall; 2 errors, 0 warnings in 2 commits\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(append(tc.args, "--repo", dir, demoNow)...)
			if code != tc.code || !strings.HasSuffix(stdout, tc.want) {
				t.Errorf("exit %d (want %d), want the closing line to end in %q:\n%s%s", code, tc.code, tc.want, stdout, stderr)
			}
		})
	}
	code, stdout, _ := run("verify", "--repo", dir, "--base", "main", "--head", "pr/new-coordinator-approved", demoNow, "--format", "json")
	var got struct {
		Summary struct {
			Validated any `json:"validated"`
			Verified  struct {
				Commits int      `json:"commits"`
				Signers []string `json:"signers"`
			} `json:"verified"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil || code != ExitOK {
		t.Fatalf("exit %d, %v:\n%s", code, err, stdout)
	}
	if v := got.Summary.Verified; v.Commits != count("main..pr/new-coordinator-approved") || strings.Join(v.Signers, ",") != "mara-openwall,tomas-openwall" || got.Summary.Validated != nil {
		t.Errorf("JSON summary %+v", got.Summary)
	}
}
