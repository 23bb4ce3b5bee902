package workflows

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"

	"github.com/rhysd/actionlint"
	"gopkg.in/yaml.v3"

	"github.com/embargo-tool/embargo/tools/internal/demo"
)

func repoRoot(t *testing.T) string {
	t.Helper()
	return exampledata.Root(t)
}

// TestActionlint lints every workflow.
func TestActionlint(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(repoRoot(t), ".github", "workflows", "*.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no workflows found: %v", err)
	}
	var out bytes.Buffer
	l, err := actionlint.NewLinter(&out, &actionlint.LinterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.LintFiles(files, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		t.Errorf("%s", e.Error())
	}
}

type workflow struct {
	Jobs map[string]struct {
		Steps []struct {
			ID  string            `yaml:"id"`
			Env map[string]string `yaml:"env"`
			Run string            `yaml:"run"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// TestPullRequestCheckStep runs the check step's own script, as the workflow
// writes it, against a fixture pull request: the demo's refused pull request
// must give annotations, a text report, a job summary and a failing exit.
func TestPullRequestCheckStep(t *testing.T) {
	if _, err := exec.LookPath("jq"); err != nil {
		if os.Getenv("EMBARGO_REQUIRE_GPG") == "1" { // set by .ci/run, which also installs jq
			t.Fatal("jq is required in CI")
		}
		t.Skip("jq not installed: the job summary step needs it (apt-get install jq)")
	}
	root := repoRoot(t)
	data, err := os.ReadFile(filepath.Join(root, ".github", "workflows", "pull-request.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf workflow
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatal(err)
	}
	var script string
	for _, s := range wf.Jobs["check"].Steps {
		if s.ID == "check" {
			script = s.Run
		}
	}
	if script == "" {
		t.Fatal("no step with id check in job check")
	}

	tmp := t.TempDir()
	bin := filepath.Join(tmp, "embargo")
	build := exec.Command("go", "build", "-o", bin, "./tools/cmd/embargo")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	repo := filepath.Join(tmp, "repo")
	res, err := demo.Build(root, repo, now)
	if err != nil {
		t.Fatal(err)
	}
	summary := filepath.Join(tmp, "summary.md")
	run := func(head string) (int, string) {
		cmd := exec.Command("bash", "-eo", "pipefail", "-c", script)
		cmd.Dir = tmp
		cmd.Env = append(os.Environ(),
			"EMBARGO="+bin, "REPO=repo", "BASE="+res.Main.String(), "HEAD="+head,
			"REPORT="+filepath.Join(tmp, "report"), "GITHUB_STEP_SUMMARY="+summary)
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, string(out)
	}
	// The clock: the demo's commits are dated relative to its pinned now, so
	// this check runs at the wall clock and the example's embargo may be overdue;
	// assert only on the signature findings, which do not depend on the clock.
	code, out := run(res.PRs[1].Head.String())
	if code == 0 {
		t.Fatalf("refused pull request passed the step:\n%s", out)
	}
	for _, want := range []string{
		"::error file=roles/coordinators.yaml,line=1,col=1,title=sig.unauthorized::",
		"::error file=issues/2026/EMB-2026-0004.yaml,line=1,col=1,title=sig.unauthorized::",
		"roles/coordinators.yaml:1:1: error: sig.unauthorized:",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("step output lacks %q:\n%s", want, out)
		}
	}
	sum, _ := os.ReadFile(summary)
	if !strings.Contains(string(sum), "| error | `sig.unauthorized` | roles/coordinators.yaml:1 |") {
		t.Errorf("job summary lacks the findings table:\n%s", sum)
	}
}
