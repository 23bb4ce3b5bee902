package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"
)

func TestStatusCLI(t *testing.T) {
	root := repoRoot(t)
	code, stdout, stderr := run("status", "--repo", root, demoNow)
	if code != ExitOK || !strings.HasSuffix(stdout, "2 items, 0 overdue, at 2026-11-20T12:00:00Z looking 72h ahead (keys: 30d)\n") {
		t.Errorf("demo clock: exit %d\n%s%s", code, stdout, stderr)
	}
	// With a 3-day window the 2026-11-23T14:00Z disclosure is still 74h away; with 4 days it is due.
	if _, stdout, _ := run("status", "--repo", root, demoNow, "--within", "3d"); strings.Contains(stdout, "disclosure-due") {
		t.Errorf("3d window:\n%s", stdout)
	}
	if code, stdout, _ := run("status", "--repo", root, demoNow, "--within", "96h"); code != ExitOK || !strings.Contains(stdout, "disclosure-due: embargo.overdue: EMB-2026-0004 (linux-distros) is due for disclosure at 2026-11-23T14:00:00Z, in 3d 2h") {
		t.Errorf("96h window: exit %d\n%s", code, stdout)
	}
	// Overdue: exit 1, in every format.
	code, stdout, _ = run("status", "--repo", root, "--now", "2026-11-25T00:00:00Z", "--format", "markdown")
	if code != ExitFindings || !strings.HasPrefix(stdout, "## Embargo status\n") || !strings.Contains(stdout, "### Overdue embargoes (1)") {
		t.Errorf("markdown: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = run("status", "--repo", root, "--now", "2029-12-15T00:00:00Z", "--format", "json")
	var doc struct {
		Overdue bool `json:"overdue"`
		Items   []struct {
			Kind string `json:"kind"`
			ID   string `json:"id"`
		} `json:"items"`
	}
	if code != ExitFindings || json.Unmarshal([]byte(stdout), &doc) != nil || !doc.Overdue || len(doc.Items) != 6 || doc.Items[3].Kind != "key-expiry" {
		t.Errorf("json: exit %d %+v\n%s", code, doc, stdout)
	}
	for name, args := range map[string][]string{
		"bad-within":   {"status", "--within", "soon"},
		"neg-within":   {"status", "--within", "-3h"},
		"ical-records": {"status", "--repo", root, "--ical", filepath.Join(root, "issues", "x.ics")},
		"ical-folder":  {"status", "--repo", root, "--ical", t.TempDir()},
		"bad-format":   {"status", "--format", "github"},
		"missing-repo": {"status", "--repo", root + "/nope"},
	} {
		if code, stdout, stderr := run(args...); code != ExitUsage || stdout != "" || !strings.Contains(stderr, "embargo: hint: ") {
			t.Errorf("%s: exit %d %q\n%s", name, code, stdout, stderr)
		}
	}
}

func TestMoreReportFormats(t *testing.T) {
	root := repoRoot(t)
	code, stdout, _ := run("validate", "--repo", root, demoNow, "--format", "sarif")
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []map[string]any `json:"results"`
		} `json:"runs"`
	}
	if code != ExitOK || json.Unmarshal([]byte(stdout), &sarif) != nil || sarif.Version != "2.1.0" || len(sarif.Runs) != 1 || len(sarif.Runs[0].Results) != 5 {
		t.Errorf("sarif: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = run("validate", "--repo", root, demoNow, "--format", "gitlab")
	var gl []map[string]any
	if code != ExitOK || json.Unmarshal([]byte(stdout), &gl) != nil || len(gl) != 5 || gl[0]["severity"] != "minor" {
		t.Errorf("gitlab: exit %d\n%s", code, stdout)
	}
}

// TestStatusNotify: --notify keeps what needs a person now, with their mentions.
func TestStatusNotify(t *testing.T) {
	root := repoRoot(t)
	code, stdout, _ := run("status", "--repo", root, demoNow, "--notify", "--format", "json")
	var doc struct {
		Items []struct {
			Kind   string `json:"kind"`
			People []struct {
				ID    string `json:"id"`
				Forge string `json:"forge"`
			} `json:"people"`
		} `json:"items"`
	}
	if code != ExitOK || json.Unmarshal([]byte(stdout), &doc) != nil || len(doc.Items) != 0 {
		t.Errorf("demo clock: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = run("status", "--repo", root, "--now", "2026-11-25T00:00:00Z", "--notify", "--format", "markdown")
	if code != ExitFindings || !strings.Contains(stdout, "### Overdue embargoes (1)") || strings.Contains(stdout, "Vacant task backups") ||
		!strings.Contains(stdout, "@rui-rh-sec") {
		t.Errorf("overdue: exit %d\n%s", code, stdout)
	}
}

// TestStatusICal: status lists the active embargo and --ical writes the
// calendar of disclosure dates, which the library reads back; the report on
// stdout is the same with or without it, also with --notify.
func TestStatusICal(t *testing.T) {
	root := repoRoot(t)
	file := filepath.Join(t.TempDir(), "team", "disclosures.ics")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	_, plain, _ := run("status", "--repo", root, demoNow)
	code, stdout, stderr := run("status", "--repo", root, demoNow, "--ical", file)
	if code != ExitOK || stdout != plain || stderr != "" {
		t.Errorf("exit %d, stdout differs: %v\n%s%s", code, stdout != plain, stdout, stderr)
	}
	want := "issues/2026/EMB-2026-0004.yaml:14: embargo: EMB-2026-0004 (linux-distros), handler dana-debian, disclosure at 2026-11-23T14:00:00Z, 3 days left\n"
	if !strings.Contains(stdout, want) {
		t.Errorf("status does not list the active embargo:\n%s", stdout)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := ics.ParseCalendar(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	evs := cal.Events()
	ids := map[string]bool{}
	for _, ev := range evs {
		ids[ev.Id()] = true
	}
	if len(evs) != 3 || !ids["EMB-2026-0004@distros.example.org"] || !ids["EMB-2026-0006@distros.example.org"] || !ids["EMB-2026-0007@distros.example.org"] {
		t.Fatalf("events %v:\n%s", len(evs), data)
	}
	// The reminder's text leaves the list out; the calendar stays whole.
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	_, stdout, _ = run("status", "--repo", root, demoNow, "--notify", "--ical", file)
	again, err := os.ReadFile(file)
	if err != nil || string(again) != string(data) || strings.Contains(stdout, ": embargo: ") {
		t.Errorf("--notify: calendar %v (same: %v); stdout:\n%s", err, string(again) == string(data), stdout)
	}
}
