package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// sample is a small fixed finding list: a file error, a warning, a signature
// finding on a file and one about a whole commit.
var sample = []finding.Finding{
	{Rule: "embargo.max", Severity: finding.Error, File: "issues/2026/EMB-2026-0004.yaml", Line: 23, Column: 15,
		Message: "embargo of 21d 4h exceeds the list's maximum of 14d counted from dates.notified"},
	{Rule: "role.task", Severity: finding.Warning, File: "roles/tasks.yaml", Line: 3, Column: 5,
		Message: "task T1 has a vacant backup; ask a member to volunteer as backup"},
	{Rule: "sig.unauthorized", Severity: finding.Error, File: "roles/coordinators.yaml", Line: 1, Column: 1,
		Commit: "41c3419cf9a0aa5b1f2f1c1b8d4e3f2a1b0c9d8e", Fingerprint: "34B7BBC4B6B1CD29CDC7FAD29CD0BC2C5BB0E317",
		Message: "greta-suse may not change this path; allowed: coordinators"},
	{Rule: "sig.missing", Severity: finding.Error, Commit: "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
		Message: "commit has no signature; sign it with git commit -S"},
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
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (go test -update rewrites it); got:\n%s", path, got)
	}
}

// sampleRules stands in for the registry, so the golden file does not change
// whenever a rule is added or reworded.
var sampleRules = []rules.Rule{
	{ID: "embargo.max", Severity: finding.Error, Doc: "disclosure − notified exceeds the list's max_embargo", Source: "Openwall distros policy"},
	{ID: "role.task", Severity: finding.Error, Doc: "a task without a primary (error); a vacant backup (warning)", Source: "Openwall contributing-back tasks"},
	{ID: "sig.missing", Severity: finding.Error, Doc: "a commit without a signature", Source: "docs/signatures.md#what-is-checked"},
	{ID: "sig.unauthorized", Severity: finding.Error, Doc: "the signer may not change this path", Source: "docs/signatures.md#where-trust-comes-from"},
}

func TestGoldenFormats(t *testing.T) {
	var b bytes.Buffer
	if err := sarif(&b, sample, sampleRules); err != nil {
		t.Fatal(err)
	}
	golden(t, "sarif.golden", b.Bytes())
	b.Reset()
	if err := Write(&b, "gitlab", sample); err != nil {
		t.Fatal(err)
	}
	golden(t, "gitlab.golden", b.Bytes())
}

// TestSARIFShape checks the fields SARIF 2.1.0 consumers (GitHub code scanning) require.
func TestSARIFShape(t *testing.T) {
	var b bytes.Buffer
	if err := SARIF(&b, sample); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Schema  string `json:"$schema"`
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID               string `json:"id"`
						ShortDescription struct {
							Text string `json:"text"`
						} `json:"shortDescription"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex *int   `json:"ruleIndex"`
				Level     string `json:"level"`
				Message   struct {
					Text string `json:"text"`
				} `json:"message"`
				Locations []struct {
					LogicalLocations []struct {
						Name, FullyQualifiedName, Kind string
					} `json:"logicalLocations"`
					PhysicalLocation *struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine   int `json:"startLine"`
							StartColumn int `json:"startColumn"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				Properties map[string]string `json:"properties"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatalf("SARIF output is not JSON: %v", err)
	}
	if log.Version != "2.1.0" || log.Schema == "" || len(log.Runs) != 1 {
		t.Fatalf("version %q, $schema %q, %d runs", log.Version, log.Schema, len(log.Runs))
	}
	run := log.Runs[0]
	if run.Tool.Driver.Name != "embargo" || len(run.Tool.Driver.Rules) != len(rules.All) {
		t.Errorf("driver %q with %d rules, want embargo with %d", run.Tool.Driver.Name, len(run.Tool.Driver.Rules), len(rules.All))
	}
	for _, r := range run.Tool.Driver.Rules {
		if r.ID == "" || r.ShortDescription.Text == "" {
			t.Errorf("rule without id or description: %+v", r)
		}
	}
	if len(run.Results) != len(sample) {
		t.Fatalf("%d results, want %d", len(run.Results), len(sample))
	}
	for i, r := range run.Results {
		f := sample[i]
		if r.RuleID != f.Rule || r.Level != string(f.Severity) || r.Message.Text == "" {
			t.Errorf("result %d: %+v", i, r)
		}
		if r.RuleIndex == nil || run.Tool.Driver.Rules[*r.RuleIndex].ID != f.Rule {
			t.Errorf("result %d: ruleIndex does not point at rule %s", i, f.Rule)
		}
		if f.File == "" {
			// A whole commit: no file, a logical location naming the commit.
			if len(r.Locations) != 1 || r.Locations[0].PhysicalLocation != nil || len(r.Locations[0].LogicalLocations) != 1 ||
				r.Locations[0].LogicalLocations[0].FullyQualifiedName != f.Commit || r.Locations[0].LogicalLocations[0].Kind != "commit" || r.Properties["commit"] != f.Commit {
				t.Errorf("commit-level result %d: locations %+v, properties %v", i, r.Locations, r.Properties)
			}
			continue
		}
		if len(r.Locations) != 1 {
			t.Fatalf("result %d: %d locations", i, len(r.Locations))
		}
		pl := r.Locations[0].PhysicalLocation
		if pl == nil {
			t.Fatalf("result %d: no physical location", i)
		}
		if pl.ArtifactLocation.URI != f.File || pl.Region.StartLine != f.Line || pl.Region.StartColumn != f.Column {
			t.Errorf("result %d: location %+v, want %s:%d:%d", i, pl, f.File, f.Line, f.Column)
		}
	}
	// No findings is still a valid log with an empty results array.
	b.Reset()
	if err := SARIF(&b, nil); err != nil || !bytes.Contains(b.Bytes(), []byte(`"results": []`)) {
		t.Errorf("empty SARIF: %v\n%s", err, b.String())
	}
}

func TestGitLabFingerprintStable(t *testing.T) {
	a, b := gitlabFingerprint(sample[0]), gitlabFingerprint(sample[0])
	moved := sample[0]
	moved.Line++
	if a != b || a == gitlabFingerprint(moved) || a == gitlabFingerprint(sample[1]) {
		t.Errorf("fingerprints: %s %s %s", a, b, gitlabFingerprint(moved))
	}
	var out bytes.Buffer
	if err := GitLab(&out, nil); err != nil || out.String() != "[]\n" {
		t.Errorf("empty report: %v %q", err, out.String())
	}
}

// TestSARIFUnregisteredRule: a finding whose rule the registry does not know
// is still a result, with a descriptor of its own that says so.
func TestSARIFUnregisteredRule(t *testing.T) {
	fs := append([]finding.Finding{{Rule: "sealed.required", Severity: finding.Error, File: "issues/2026/EMB-2026-0004.yaml", Line: 1, Column: 1, Message: "m"}}, sample...)
	var b bytes.Buffer
	if err := sarif(&b, fs, sampleRules); err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if len(run.Results) != len(fs) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(fs))
	}
	for i, r := range run.Results {
		if r.RuleIndex == nil || run.Tool.Driver.Rules[*r.RuleIndex].ID != fs[i].Rule {
			t.Errorf("result %d (%s): ruleIndex %v", i, fs[i].Rule, r.RuleIndex)
		}
	}
	last := run.Tool.Driver.Rules[len(run.Tool.Driver.Rules)-1]
	if len(run.Tool.Driver.Rules) != len(sampleRules)+1 || last.ID != "sealed.required" || last.Properties["source"] != "unregistered" {
		t.Errorf("descriptors: %+v", run.Tool.Driver.Rules)
	}
}
