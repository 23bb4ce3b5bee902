package status_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/rules"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
	"github.com/embargo-tool/embargo/tools/internal/status"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func repoRoot(t testing.TB) string {
	t.Helper()
	return exampledata.Dir(t)
}

func load(t testing.TB, dir string) *state.State {
	t.Helper()
	var out finding.List
	st, err := state.Load(source.Dir{Root: dir}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if errs, _ := finding.Count(out.Sorted()); errs > 0 {
		t.Fatalf("the repository does not load cleanly: %v", out.Sorted())
	}
	return st
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it); got:\n%s", path, got)
	}
}

func render(t *testing.T, r *status.Report, format string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := status.Write(&b, format, r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestExampleGolden runs status over the bundled example at several clocks: the
// demo clock, the day the embargoed issue is due, after its grace ran out, and
// when nia-ubuntu's key nears its 2030-01-01 expiry.
func TestExampleGolden(t *testing.T) {
	st := load(t, repoRoot(t))
	cases := []struct {
		name    string
		now     string
		overdue bool
		kinds   []status.Kind
	}{
		{"demo", "2026-11-20T12:00:00Z", false, []status.Kind{status.BackupVacant}},
		{"due", "2026-11-23T00:00:00Z", false, []status.Kind{status.DisclosureDue, status.BackupVacant}},
		{"overdue", "2026-11-25T00:00:00Z", true, []status.Kind{status.EmbargoOverdue, status.BackupVacant}},
		{"key-expiry", "2029-12-15T00:00:00Z", true, []status.Kind{status.EmbargoOverdue, status.KeyExpiry, status.BackupVacant}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			now, _ := time.Parse(time.RFC3339, tc.now)
			r := status.Compute(st, now, status.DefaultWithin)
			if r.Overdue() != tc.overdue {
				t.Errorf("Overdue() = %v, want %v", r.Overdue(), tc.overdue)
			}
			var kinds []status.Kind
			for _, k := range status.Kinds {
				if len(r.Of(k)) > 0 {
					kinds = append(kinds, k)
				}
			}
			if strings.Join(kindStrings(kinds), ",") != strings.Join(kindStrings(tc.kinds), ",") {
				t.Errorf("kinds %v, want %v", kinds, tc.kinds)
			}
			for _, f := range status.Formats {
				ext := map[string]string{"text": "txt", "json": "json", "markdown": "md"}[f]
				golden(t, tc.name+"."+ext+".golden", render(t, r, f))
			}
		})
	}
}

func kindStrings(ks []status.Kind) []string {
	var s []string
	for _, k := range ks {
		s = append(s, string(k))
	}
	return s
}

// TestNoPrivateFields: nothing of an embargoed record but ids, lists and dates
// may appear, at any clock and in any format.
func TestNoPrivateFields(t *testing.T) {
	st := load(t, repoRoot(t))
	var private []string
	for _, isf := range st.Issues {
		is := isf.Issue
		if is.Status != "embargoed" {
			continue
		}
		private = append(private, is.Title, is.Summary, is.Reporter.Name, is.Reporter.Email, is.Notes, is.Public.Title)
		for _, a := range is.Affected {
			private = append(private, a.Product)
		}
		private = append(private, is.CVEs...)
	}
	if len(private) == 0 {
		t.Fatal("the example has no embargoed issue")
	}
	// Who handles an embargoed issue is private too; people are named only in
	// items about people (keys, acceptances), never in items about issues.
	var team []string
	for _, isf := range st.Issues {
		if isf.Issue.Status == "embargoed" {
			team = append(append(team, isf.Issue.Handler), isf.Issue.ResponseTeam...)
		}
	}
	for _, now := range []string{"2026-11-23T00:00:00Z", "2026-11-25T00:00:00Z"} {
		at, _ := time.Parse(time.RFC3339, now)
		r := status.Compute(st, at, 30*24*time.Hour)
		issueItems := 0
		for _, it := range r.Items {
			if it.Kind != status.DisclosureDue && it.Kind != status.EmbargoOverdue {
				continue
			}
			issueItems++
			for _, p := range team {
				if strings.Contains(it.Message, p) {
					t.Errorf("%s item at %s names %s of the issue's team: %s", it.Kind, now, p, it.Message)
				}
			}
		}
		if issueItems == 0 {
			t.Errorf("no item about the embargoed issue at %s", now)
		}
		for _, f := range status.Formats {
			out := string(render(t, r, f))
			for _, p := range private {
				if p = strings.TrimSpace(p); p != "" && strings.Contains(out, p) {
					t.Errorf("%s output at %s contains the private value %q", f, now, p)
				}
			}
		}
	}
}

// TestDeadlines covers the kinds the example never triggers, on a mutated copy:
// a disclosed issue without its public posting, an exploit not yet public, a
// person without acceptance and one whose acceptance does not verify.
func TestDeadlines(t *testing.T) {
	dir := copyExample(t)
	edit(t, dir, "issues/2026/EMB-2026-0003.yaml", func(s string) string {
		s = strings.Replace(s, "public_posting: https://lists.example.org/oss-security/2026/06/12/1\n", "", 1)
		s = strings.Replace(s, "  published: 2026-06-12T14:00:00Z\n  posting: https://lists.example.org/oss-security/2026/06/12/1\n", "", 1)
		return s
	})
	edit(t, dir, "members/debian.yaml", func(s string) string {
		i := strings.Index(s, "    acceptance: |")
		j := strings.Index(s, "  - id: eli-debian")
		return s[:i] + s[j:] // dana-debian loses her acceptance
	})
	edit(t, dir, "policy.yaml", func(s string) string {
		return strings.Replace(s, `version: "2026-1"`, `version: "2026-2"`, 1) // every acceptance now names an old version
	})
	st := load(t, dir)

	// Two days after disclosure: the posting is a day late, the exploit due in five days.
	now := time.Date(2026, 6, 14, 14, 0, 0, 0, time.UTC)
	r := status.Compute(st, now, 7*24*time.Hour)
	golden(t, "deadlines.txt.golden", render(t, r, "text"))
	posting, exploit := r.Of(status.PostingMissing), r.Of(status.ExploitDue)
	if len(posting) != 1 || !posting[0].Overdue || posting[0].ID != "EMB-2026-0003" {
		t.Errorf("posting-missing: %+v", posting)
	}
	if len(exploit) != 1 || exploit[0].Overdue || !exploit[0].When.Equal(time.Date(2026, 6, 19, 14, 0, 0, 0, time.UTC)) {
		t.Errorf("exploit-due: %+v", exploit)
	}
	acc := r.Of(status.AcceptanceMissing)
	if len(acc) < 2 || acc[0].Kind != status.AcceptanceMissing {
		t.Fatalf("acceptance-missing: %+v", acc)
	}
	var missing, invalid int
	for _, it := range acc {
		switch {
		case it.Person == "dana-debian" && strings.Contains(it.Message, "has no signed acceptance"):
			missing++
		case strings.Contains(it.Message, "does not verify"):
			invalid++
		}
	}
	if missing != 1 || invalid == 0 {
		t.Errorf("want dana-debian missing and the others not verifying: %+v", acc)
	}
	// With a window too short for the exploit deadline, only the overdue posting stays.
	r = status.Compute(st, now, time.Hour)
	if len(r.Of(status.ExploitDue)) != 0 || len(r.Of(status.PostingMissing)) != 1 {
		t.Errorf("1h window: %+v", r.Items)
	}
	// A week later both are overdue.
	r = status.Compute(st, now.Add(7*24*time.Hour), time.Hour)
	if ex := r.Of(status.ExploitDue); len(ex) != 1 || !ex[0].Overdue {
		t.Errorf("a week later: %+v", ex)
	}
}

func TestJSONShape(t *testing.T) {
	st := load(t, repoRoot(t))
	r := status.Compute(st, time.Date(2029, 12, 15, 0, 0, 0, 0, time.UTC), status.DefaultWithin)
	var doc struct {
		Now     string           `json:"now"`
		Within  string           `json:"within"`
		Overdue bool             `json:"overdue"`
		Items   []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(render(t, r, "json"), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Now != "2029-12-15T00:00:00Z" || doc.Within != "72h" || !doc.Overdue || len(doc.Items) == 0 {
		t.Fatalf("%+v", doc)
	}
	for _, key := range []string{"kind", "id", "file", "line", "when", "overdue", "message"} {
		if _, ok := doc.Items[0][key]; !ok {
			t.Errorf("item lacks %q: %v", key, doc.Items[0])
		}
	}
}

func copyExample(t testing.TB) string {
	t.Helper()
	return exampledata.Copy(t)
}

func edit(t testing.TB, dir, rel string, f func(string) string) {
	t.Helper()
	p := filepath.Join(dir, rel)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(f(string(data))), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDue: the reminder keeps what is overdue or due within the window, and
// names the people concerned with their forge accounts where they have one.
func TestDue(t *testing.T) {
	st := load(t, repoRoot(t))
	cases := []struct {
		now   string
		kinds []status.Kind
	}{
		{"2026-11-20T12:00:00Z", nil},                                                    // only vacant backups: no deadline
		{"2026-11-23T00:00:00Z", []status.Kind{status.DisclosureDue}},                    // due within 72h
		{"2026-11-25T00:00:00Z", []status.Kind{status.EmbargoOverdue}},                   // overdue
		{"2029-12-15T00:00:00Z", []status.Kind{status.EmbargoOverdue}},                   // the key expires in 17 days: not within 72h
		{"2029-12-30T00:00:00Z", []status.Kind{status.EmbargoOverdue, status.KeyExpiry}}, // now it does
	}
	for _, tc := range cases {
		now, _ := time.Parse(time.RFC3339, tc.now)
		r := status.Compute(st, now, status.DefaultWithin).Due()
		var kinds []status.Kind
		for _, it := range r.Items {
			if !slices.Contains(kinds, it.Kind) {
				kinds = append(kinds, it.Kind)
			}
		}
		if strings.Join(kindStrings(kinds), ",") != strings.Join(kindStrings(tc.kinds), ",") {
			t.Errorf("%s: kinds %v, want %v", tc.now, kinds, tc.kinds)
		}
	}
	now, _ := time.Parse(time.RFC3339, "2026-11-25T00:00:00Z")
	r := status.Compute(st, now, status.DefaultWithin).Due()
	want := []status.Person{{ID: "dana-debian"}, {ID: "rui-redhat", Forge: "rui-rh-sec"}, {ID: "ines-amazon"}}
	if len(r.Items) != 1 || !slices.Equal(r.Items[0].People, want) {
		t.Errorf("people of the overdue embargo: %+v, want %+v", r.Items, want)
	}
	md := string(render(t, r, "markdown"))
	if !strings.Contains(md, "| `dana-debian` @rui-rh-sec `ines-amazon` |") {
		t.Errorf("markdown does not mention the people concerned:\n%s", md)
	}
}

// TestItemsCarryRegisteredRules: every kind names a registered rule, and
// every item carries its kind's rule.
func TestItemsCarryRegisteredRules(t *testing.T) {
	for _, k := range status.Kinds {
		if !rules.Registered(k.Rule()) {
			t.Errorf("kind %s: rule %q is not registered", k, k.Rule())
		}
	}
	st := load(t, repoRoot(t))
	n := 0
	for _, now := range []string{"2026-11-23T00:00:00Z", "2026-11-25T00:00:00Z", "2029-12-15T00:00:00Z"} {
		at, _ := time.Parse(time.RFC3339, now)
		for _, it := range status.Compute(st, at, status.DefaultWithin).Items {
			n++
			if it.Rule != it.Kind.Rule() {
				t.Errorf("%s item %s carries rule %q", it.Kind, it.ID, it.Rule)
			}
		}
	}
	if n == 0 {
		t.Fatal("no items")
	}
}
