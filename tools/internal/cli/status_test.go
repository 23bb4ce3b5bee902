package cli

import (
	"encoding/json"
	"strings"
	"testing"
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
