package workflows

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
			ID   string            `yaml:"id"`
			Name string            `yaml:"name"`
			Env  map[string]string `yaml:"env"`
			Run  string            `yaml:"run"`
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

// TestPullRequestSteps runs the gate's own step scripts, as the workflow writes
// them, on a clone of the demo repository that holds only main: the cache key
// is read from the base, and the head arrives as objects without a working
// tree, ready for the check.
func TestPullRequestSteps(t *testing.T) {
	root := repoRoot(t)
	data, err := os.ReadFile(filepath.Join(root, ".github", "workflows", "pull-request.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf workflow
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatal(err)
	}
	scripts := map[string]string{}
	for _, s := range wf.Jobs["check"].Steps {
		scripts[s.Name] = s.Run
	}
	keyScript, fetchScript := scripts["Cache key from the base's checker source"], scripts["Fetch the head as git objects only"]
	if keyScript == "" || fetchScript == "" {
		t.Fatalf("steps not found: %v", scripts)
	}
	tmp := t.TempDir()
	res, err := demo.Build(root, filepath.Join(tmp, "origin"), time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	head := res.PRs[0].Head.String()
	gitRun := func(dir string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	// GitHub serves any commit reachable from a pull request's ref; a local
	// origin does so once allowed to.
	gitRun(res.Dir, "config", "uploadpack.allowReachableSHA1InWant", "true")
	gitRun(tmp, "clone", "--quiet", "--no-local", "--single-branch", "--branch", "main", "file://"+res.Dir, "base")

	run := func(script string, env ...string) string {
		t.Helper()
		cmd := exec.Command("bash", "-eo", "pipefail", "-c", script)
		cmd.Dir = tmp
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("step failed: %v\n%s", err, out)
		}
		return string(out)
	}
	if err := exec.Command("git", "-C", filepath.Join(tmp, "base"), "cat-file", "-e", head).Run(); err == nil {
		t.Fatal("the clone holds the head already; the fetch step would prove nothing")
	}
	run(fetchScript, "HEAD="+head, "TOKEN=not-a-token", "GITHUB_SERVER_URL=https://github.com")
	if err := exec.Command("git", "-C", filepath.Join(tmp, "base"), "cat-file", "-e", head+"^{commit}").Run(); err != nil {
		t.Errorf("the head did not arrive: %v", err)
	}
	out, _ := exec.Command("git", "-C", filepath.Join(tmp, "base"), "status", "--porcelain").CombinedOutput()
	if len(out) != 0 {
		t.Errorf("the working tree changed:\n%s", out)
	}
	if b, _ := exec.Command("git", "-C", filepath.Join(tmp, "base"), "rev-parse", "HEAD").Output(); strings.TrimSpace(string(b)) != res.Main.String() {
		t.Errorf("the checkout moved to %s", b)
	}

	// The key step, on this repository (which has the checker's source).
	outFile := filepath.Join(tmp, "output")
	keyOn := strings.ReplaceAll(keyScript, "git -C base", "git -C "+root)
	run(keyOn, "BASE=HEAD", "RUNNER_OS=Linux", "RUNNER_ARCH=X64", "GITHUB_OUTPUT="+outFile)
	got, _ := os.ReadFile(outFile)
	if !regexp.MustCompile(`^key=embargo-checker-v1-Linux-X64-[0-9a-f]{40}\n$`).Match(got) {
		t.Errorf("cache key output: %q", got)
	}
}
