package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/demo"
	"github.com/embargo-tool/embargo/tools/internal/exampledata"
	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/gitsign"
	"github.com/embargo-tool/embargo/tools/internal/rules"
	"github.com/embargo-tool/embargo/tools/internal/verify"
)

var demoClock = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// demoRepo builds the demo repository: main, and the pull requests of demo.Build.
func demoRepo(t *testing.T) *demo.Result {
	t.Helper()
	res, err := demo.Build(exampledata.Root(t), filepath.Join(t.TempDir(), "demo"), demoClock)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func at(t time.Time) string { return "--now=" + t.Format(time.RFC3339) }

type jsonFindings struct {
	Findings []finding.Finding `json:"findings"`
}

func decodeFindings(t *testing.T, stdout string) []finding.Finding {
	t.Helper()
	var doc jsonFindings
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	return doc.Findings
}

// TestCheckClockFindings: a week after the demo's clock EMB-2026-0004 is
// overdue. A pull request that touches only the disclosed EMB-2026-0003 passes,
// with one summary warning; one that touches EMB-2026-0004 fails on it; the
// timeline publishes at that clock.
func TestCheckClockFindings(t *testing.T) {
	res := demoRepo(t)
	late := demoClock.Add(demo.Later)
	check := func(branch string, now time.Time) (int, []finding.Finding, string) {
		code, stdout, stderr := run("check", "--repo", res.Dir, "--base", "main", "--head", branch, at(now), "--format", "json")
		if code == ExitUsage {
			t.Fatalf("check %s: exit 2\n%s", branch, stderr)
		}
		return code, decodeFindings(t, stdout), stdout
	}

	// Sanity: at the demo's own clock nothing is late and no summary is made.
	if code, fs, out := check("pr/disclosed-informed", demoClock); code != ExitOK || hasRule(fs, rules.ClockUntouched) {
		t.Errorf("at the demo clock: exit %d\n%s", code, out)
	}

	code, fs, out := check("pr/disclosed-informed", late)
	if code != ExitOK {
		t.Fatalf("unrelated pull request refused at %s (exit %d):\n%s", late, code, out)
	}
	var summaries []finding.Finding
	for _, f := range fs {
		if f.Rule == "embargo.overdue" {
			t.Errorf("the overdue record's own finding is repeated: %+v", f)
		}
		if f.Rule == rules.ClockUntouched {
			summaries = append(summaries, f)
		}
	}
	if len(summaries) != 1 || summaries[0].Severity != finding.Warning ||
		!strings.Contains(summaries[0].Message, "1 clock finding on 1 record this change does not touch (embargo.overdue: issues/2026/EMB-2026-0004.yaml)") {
		t.Errorf("want one clock.untouched warning naming EMB-2026-0004, got %+v", summaries)
	}

	code, fs, out = check("pr/update-informed", late)
	if code != ExitFindings || !hasRuleAt(fs, "embargo.overdue", "issues/2026/EMB-2026-0004.yaml", finding.Error) || hasRule(fs, rules.ClockUntouched) {
		t.Errorf("pull request touching the overdue record: exit %d\n%s", code, out)
	}

	// The text format gives the summary one line.
	_, stdout, _ := run("check", "--repo", res.Dir, "--base", "main", "--head", "pr/disclosed-informed", at(late))
	if n := strings.Count(stdout, "embargo.overdue"); n != 1 || !strings.HasPrefix(stdout, "repository: warning: clock.untouched: ") {
		t.Errorf("the overdue record is named %d times, want once in one summary line:\n%s", n, stdout)
	}

	outDir := filepath.Join(t.TempDir(), "public")
	code, stdout, stderr := run("timeline", "--repo", res.Dir, "--rev", "main", at(late), "--out", outDir)
	if code != ExitOK || !strings.HasPrefix(stdout, "wrote ") {
		t.Fatalf("timeline at %s: exit %d\n%s%s", late, code, stdout, stderr)
	}
	if !strings.Contains(stderr, "embargo: warning: publishing despite 1 clock finding on 1 record the timeline does not publish (embargo.overdue: issues/2026/EMB-2026-0004.yaml)") {
		t.Errorf("timeline does not say what it published despite:\n%s", stderr)
	}
	if _, err := os.Stat(filepath.Join(outDir, "timeline.json")); err != nil {
		t.Error(err)
	}
}

// TestTimelineStillRefuses: clock findings on a record the timeline publishes,
// and any integrity error, still stop publication.
func TestTimelineStillRefuses(t *testing.T) {
	cases := []struct {
		name, file, old, new, now, want string
	}{
		// EMB-2026-0003 is published; without its posting it is late at any clock past the grace.
		{"clock-on-published", "issues/2026/EMB-2026-0003.yaml", "public_posting: https://lists.example.org/oss-security/2026/06/12/1\n", "", "2026-11-20T12:00:00Z", "disclosure.posting"},
		// An integrity error on an unpublished record: the embargoed record's dates in the wrong order.
		{"integrity-on-unpublished", "issues/2026/EMB-2026-0004.yaml", "  notified: 2026-11-16T10:00:00Z", "  notified: 2026-11-26T10:00:00Z", "2026-11-27T12:00:00Z", "dates.order"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := exampledata.Copy(t)
			p := filepath.Join(dir, tc.file)
			data, err := os.ReadFile(p)
			if err != nil || !strings.Contains(string(data), tc.old) {
				t.Fatalf("%s lacks %q (%v)", tc.file, tc.old, err)
			}
			if err := os.WriteFile(p, []byte(strings.Replace(string(data), tc.old, tc.new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			outDir := filepath.Join(t.TempDir(), "public")
			code, stdout, stderr := run("timeline", "--repo", dir, "--now", tc.now, "--out", outDir)
			if code != ExitFindings || !strings.Contains(stdout, tc.want) || !strings.Contains(stderr, "not publishing") {
				t.Errorf("exit %d, want 1 with %s\n%s%s", code, tc.want, stdout, stderr)
			}
			if _, err := os.Stat(outDir); err == nil {
				t.Errorf("%s was written", outDir)
			}
		})
	}
}

// TestClockOnlyFinding pins which findings count as clock-only, on the real
// example: in 2040 a key has expired, and its holder's acceptance and the vouch
// it signed fail only because of that.
func TestClockOnlyFinding(t *testing.T) {
	_, stdout, _ := run("validate", "--repo", repoRoot(t), "--now", "2040-12-15T00:00:00Z", "--format", "json")
	got := map[string]bool{}
	for _, f := range decodeFindings(t, stdout) {
		if f.Severity == finding.Error {
			got[f.Rule+" "+f.File] = rules.ClockOnlyFinding(f)
		}
	}
	want := map[string]bool{
		"embargo.overdue issues/2026/EMB-2026-0004.yaml":                       true,
		"key.expiry members/keys/710AF39271C2B6A5854BDFD6FAD68260AAF89966.asc": true,
		"member.acceptance members/ubuntu.yaml":                                true,
		"member.vouch members/alpine.yaml":                                     true,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: clock-only %v, want %v (all: %v)", k, got[k], v, got)
		}
	}
	// Not the clock's doing: a missing acceptance, an expiry at signing time.
	for _, f := range []finding.Finding{
		{Rule: "member.acceptance", Message: `person "x" has no acceptance`},
		{Rule: "member.acceptance", Message: "does not verify: key expired: key X expired at T, so it was expired at signing time (T)"},
		{Rule: "embargo.max", Message: "embargo of 21d exceeds the list's maximum"},
	} {
		if rules.ClockOnlyFinding(f) {
			t.Errorf("%+v counted as clock-only", f)
		}
	}
}

// TestUntouchedClock: the summary names at most a few files, keeps findings on
// touched files and non-clock findings, and keeps everything when the change's
// files are unknown.
func TestUntouchedClock(t *testing.T) {
	var fs []finding.Finding
	for i := range 7 {
		fs = append(fs, finding.Finding{Rule: "embargo.overdue", Severity: finding.Error, File: "issues/2026/EMB-2026-000" + string(rune('1'+i)) + ".yaml"})
	}
	fs = append(fs,
		finding.Finding{Rule: "key.expiry", Severity: finding.Warning, File: "members/keys/A.asc"},
		finding.Finding{Rule: "embargo.max", Severity: finding.Error, File: "issues/2026/EMB-2026-0009.yaml"},
	)
	touched := map[string]bool{"issues/2026/EMB-2026-0001.yaml": true}
	got := untouchedClock(fs, touched, true)
	var rulesOf []string
	for _, f := range got {
		rulesOf = append(rulesOf, f.Rule+" "+f.File)
	}
	sort.Strings(rulesOf)
	want := []string{"clock.untouched ", "embargo.max issues/2026/EMB-2026-0009.yaml", "embargo.overdue issues/2026/EMB-2026-0001.yaml"}
	if strings.Join(rulesOf, "|") != strings.Join(want, "|") {
		t.Fatalf("kept %v, want %v", rulesOf, want)
	}
	msg := got[len(got)-1].Message
	for _, w := range []string{"7 clock findings on 7 records this change does not touch", "embargo.overdue: issues/2026/EMB-2026-0002.yaml, ", "EMB-2026-0006.yaml and 1 more; key.expiry: 1 more)"} {
		if !strings.Contains(msg, w) {
			t.Errorf("summary lacks %q:\n%s", w, msg)
		}
	}
	if got := untouchedClock(fs, nil, false); len(got) != len(fs) {
		t.Errorf("unknown change: kept %d of %d", len(got), len(fs))
	}
}

// TestTouchedPaths: the files of a change are those it changed since it left
// its base — not those the base changed since — through merges of the base.
func TestTouchedPaths(t *testing.T) {
	repo, err := git.PlainInit(t.TempDir(), false)
	if err != nil {
		t.Fatal(err)
	}
	clock := demoClock
	commit := func(files map[string][]byte, parents ...plumbing.Hash) plumbing.Hash {
		t.Helper()
		tree, err := gitsign.WriteTree(repo.Storer, files)
		if err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(time.Minute)
		h, err := gitsign.Write(repo.Storer, gitsign.Commit{Tree: tree, Parents: parents, Name: "t", Email: "t@example.org", When: clock, Message: "m\n"})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	with := func(files map[string][]byte, p, content string) map[string][]byte {
		out := map[string][]byte{}
		for k, v := range files {
			out[k] = v
		}
		if content == "" {
			delete(out, p)
		} else {
			out[p] = []byte(content)
		}
		return out
	}
	f0 := map[string][]byte{"issues/2026/a.yaml": []byte("a"), "issues/2026/b.yaml": []byte("b"), "policy.yaml": []byte("p")}
	root := commit(f0)
	f1 := with(f0, "issues/2026/b.yaml", "b2") // the base moves on
	base := commit(f1, root)
	f2 := with(f0, "members/x.yaml", "x") // the change, from root
	pr := commit(f2, root)
	f3 := with(with(f2, "issues/2026/b.yaml", "b2"), "issues/2026/a.yaml", "") // merges the base, deletes a
	merged := commit(f3, pr, base)
	unrelated := commit(map[string][]byte{"z": []byte("z")})

	cases := []struct {
		name       string
		base, head plumbing.Hash
		want       []string
		ok         bool
	}{
		{"branch", base, pr, []string{"members/x.yaml"}, true},
		{"after-merging-base", base, merged, []string{"issues/2026/a.yaml", "members/x.yaml"}, true},
		{"same", base, base, nil, true},
		{"unrelated", base, unrelated, nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			paths, ok := verify.TouchedPaths(repo, tc.base, tc.head)
			var got []string
			for p := range paths {
				got = append(got, p)
			}
			sort.Strings(got)
			if ok != tc.ok || strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("got %v ok=%v, want %v ok=%v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func hasRule(fs []finding.Finding, rule string) bool {
	for _, f := range fs {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

func hasRuleAt(fs []finding.Finding, rule, file string, sev finding.Severity) bool {
	for _, f := range fs {
		if f.Rule == rule && f.File == file && f.Severity == sev {
			return true
		}
	}
	return false
}
