package workflows

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// actionsFiles are every GitHub and Forgejo Actions workflow the project ships.
func actionsFiles(t *testing.T) []string {
	t.Helper()
	root := repoRoot(t)
	var files []string
	for _, pat := range []string{".github/workflows/*.yml", "examples/ci/forgejo/*.yml"} {
		m, err := filepath.Glob(filepath.Join(root, pat))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 4 {
		t.Fatalf("found only %v", files)
	}
	return files
}

// TestNoPullRequestRunsHeadCode: no job a pull request triggers runs code from
// the pull request, in any workflow the project ships (GitHub, Forgejo, GitLab).
func TestNoPullRequestRunsHeadCode(t *testing.T) {
	prWorkflows := 0
	for _, f := range actionsFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		problems, err := Unsafe(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, p := range problems {
			t.Errorf("%s: %s", f, p)
		}
		if strings.Contains(string(data), "pull_request_target:") {
			prWorkflows++
		}
	}
	if prWorkflows != 2 {
		t.Errorf("%d pull_request_target workflows, want GitHub's and Forgejo's", prWorkflows)
	}
	gl := filepath.Join(repoRoot(t), "examples", "ci", "gitlab", "embargo.gitlab-ci.yml")
	data, err := os.ReadFile(gl)
	if err != nil {
		t.Fatal(err)
	}
	problems, err := UnsafeGitLab(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", gl, p)
	}
}

const safeBase = `
on:
  pull_request_target:
permissions:
  contents: read
jobs:
  check:
    runs-on: ubuntu-latest
    env:
      BASE: ${{ github.sha }}
      HEAD: ${{ github.event.pull_request.head.sha }}
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ env.BASE }}
          path: base
          persist-credentials: false
      - run: go build -C base -o /tmp/embargo ./tools/cmd/embargo
      - run: git -C base fetch origin "+$HEAD:refs/embargo/head"
      - run: /tmp/embargo check --repo base --base "$BASE" --head "$HEAD"
`

// TestUnsafeCatches: each way of running the head's code is caught, and the
// safe shape passes. The cases are edits of a safe workflow.
func TestUnsafeCatches(t *testing.T) {
	cases := []struct {
		name, old, new, want string
	}{
		{"safe", "", "", ""},
		{"checkout-head-then-run", "ref: ${{ env.BASE }}", "ref: ${{ github.event.pull_request.head.sha }}", "runs after the head was checked out into base"},
		{"checkout-head-by-env", "ref: ${{ env.BASE }}", "ref: ${{ env.HEAD }}", "runs after the head was checked out"},
		{"checkout-pull-ref", "ref: ${{ env.BASE }}", "ref: refs/pull/${{ github.event.number }}/merge", "runs after the head was checked out"},
		{"pull_request-default-checkout", "  pull_request_target:\n", "  pull_request:\n", ""}, // ref given: base
		{"pull_request-no-ref", "          ref: ${{ env.BASE }}\n", "", ""},                    // pull_request_target without ref: the base
		{"worktree-of-head", "      - run: go build -C base", "      - run: git -C base worktree add /tmp/h \"$HEAD\" && go build -C /tmp/h", "makes a working tree of the head"},
		{"checkout-in-run", "git -C base fetch origin \"+$HEAD:refs/embargo/head\"", "git -C base fetch origin \"+$HEAD:refs/embargo/head\" && git -C base checkout refs/embargo/head", "makes a working tree of the head"},
		{"local-action", "      - run: go build -C base", "      - uses: ./base/.github/actions/build\n      - run: go build -C base", "is loaded from the repository"},
		{"local-reusable", "    runs-on: ubuntu-latest\n", "    uses: ./.github/workflows/build.yml\n", "reusable workflow ./.github/workflows/build.yml"},
		{"secret", "      - run: /tmp/embargo", "      - env:\n          K: ${{ secrets.DEPLOY_KEY }}\n        run: /tmp/embargo", "names a secret"},
		{"write-token", "  contents: read\njobs", "  contents: write\njobs", "contents: write"},
		{"no-permissions", "permissions:\n  contents: read\n", "", "none given"},
		{"job-write", "    runs-on: ubuntu-latest\n", "    runs-on: ubuntu-latest\n    permissions:\n      pull-requests: write\n", "pull-requests: write"},
		{"credentials-kept", "          persist-credentials: false\n", "", "persist-credentials: false"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wf := safeBase
			if tc.old != "" {
				if !strings.Contains(wf, tc.old) {
					t.Fatalf("case does not apply: %q", tc.old)
				}
				wf = strings.Replace(wf, tc.old, tc.new, 1)
			}
			problems, err := Unsafe([]byte(wf))
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(problems, "\n")
			if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
				t.Errorf("problems:\n%s\nwant %q", got, tc.want)
			}
		})
	}
	// The same job on `pull_request` without a ref checks out the merge commit: the head.
	wf := strings.Replace(strings.Replace(safeBase, "  pull_request_target:\n", "  pull_request:\n", 1), "          ref: ${{ env.BASE }}\n", "", 1)
	if problems, _ := Unsafe([]byte(wf)); !strings.Contains(strings.Join(problems, "\n"), "runs after the head was checked out") {
		t.Errorf("pull_request with a default checkout not caught: %v", problems)
	}
	// A workflow no pull request triggers is not judged by these rules.
	if problems, _ := Unsafe([]byte(strings.Replace(safeBase, "  pull_request_target:\n", "  push:\n", 1) + "      - run: make\n")); problems != nil {
		t.Errorf("push workflow judged: %v", problems)
	}
}

const safeGitLab = `
variables:
  GIT_DEPTH: "0"
check:
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
  script:
    - git worktree add --detach /tmp/base "$BASE"
    - go build -C /tmp/base -o /tmp/embargo ./tools/cmd/embargo
    - /tmp/embargo check --repo . --base "$BASE" --head "$CI_COMMIT_SHA" --format gitlab > report.json
`

func TestUnsafeGitLabCatches(t *testing.T) {
	cases := []struct {
		name, old, new, want string
	}{
		{"safe", "", "", ""},
		{"build-in-head", "go build -C /tmp/base", "go build", "builds or runs Go code in the job's folder"},
		{"build-dot", "go build -C /tmp/base", "go build -C .", "builds or runs Go code"},
		{"go-run", "    - /tmp/embargo", "    - go run ./tools/cmd/embargo check\n    - /tmp/embargo", "builds or runs Go code"},
		{"make", "    - /tmp/embargo", "    - make demo\n    - /tmp/embargo", "runs something from the job's folder"},
		{"script-file", "    - /tmp/embargo", "    - ./ci.sh\n    - /tmp/embargo", "runs something"},
		{"sh-file", "    - /tmp/embargo", "    - bash tools/run.sh\n    - /tmp/embargo", "runs something"},
		{"worktree-head", `"$BASE"`, `"$CI_COMMIT_SHA"`, "makes a working tree of the head"},
		{"before-script", "check:\n", "default:\n  before_script:\n    - make setup\ncheck:\n", "runs something"},
		{"include-local", "variables:\n", "include:\n  - local: ci/more.yml\nvariables:\n", "include: loads configuration from the repository"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ci := safeGitLab
			if tc.old != "" {
				if !strings.Contains(ci, tc.old) {
					t.Fatalf("case does not apply: %q", tc.old)
				}
				ci = strings.Replace(ci, tc.old, tc.new, 1)
			}
			problems, err := UnsafeGitLab([]byte(ci))
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(problems, "\n")
			if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
				t.Errorf("problems:\n%s\nwant %q", got, tc.want)
			}
		})
	}
}

// TestTemplates pins what each forge's template must do: a full clone, the
// base, the checker built from it, the report a forge shows.
func TestTemplates(t *testing.T) {
	root := repoRoot(t)
	gl, _ := os.ReadFile(filepath.Join(root, "examples", "ci", "gitlab", "embargo.gitlab-ci.yml"))
	for _, want := range []string{`GIT_DEPTH: "0"`, "CI_MERGE_REQUEST_DIFF_BASE_SHA", "go build -C /tmp/embargo-base", "--format gitlab > gl-code-quality-report.json", "codequality: gl-code-quality-report.json", "What it cannot:"} {
		if !strings.Contains(string(gl), want) {
			t.Errorf("GitLab template lacks %q", want)
		}
	}
	fj, _ := os.ReadFile(filepath.Join(root, "examples", "ci", "forgejo", "check.yml"))
	for _, want := range []string{"pull_request_target:", "go build -C base", "persist-credentials: false", "What it cannot:"} {
		if !strings.Contains(string(fj), want) {
			t.Errorf("Forgejo template lacks %q", want)
		}
	}
}

// TestCacheKeyCoversTheBuild: the checker cache is keyed by the tree ids of
// tools/, schema/, go.mod and go.sum, so every file the checker is built from
// must live there; a package elsewhere would let two different checkers share
// one cache entry.
func TestCacheKeyCoversTheBuild(t *testing.T) {
	root := repoRoot(t)
	cmd := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.Dir}}{{range .EmbedFiles}} {{.}}{{end}}{{end}}", "./tools/cmd/embargo")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		dir := strings.Fields(line)[0]
		rel, err := filepath.Rel(root, dir)
		if err != nil || strings.HasPrefix(rel, "..") {
			continue // a module dependency: pinned by go.sum
		}
		rel = filepath.ToSlash(rel)
		if !strings.HasPrefix(rel, "tools/") && rel != "schema" {
			t.Errorf("the checker is built from %s, which the cache key does not cover", rel)
		}
	}
	for _, f := range []string{".github/workflows/pull-request.yml", ".github/workflows/main.yml", ".github/workflows/remind.yml"} {
		data, _ := os.ReadFile(filepath.Join(root, f))
		if !strings.Contains(string(data), `:tools" "$`) || !strings.Contains(string(data), `:schema" "$`) || !strings.Contains(string(data), `:go.mod" "$`) || !strings.Contains(string(data), `:go.sum")`) {
			t.Errorf("%s: the cache key is not the tree ids of tools/, schema/, go.mod and go.sum", f)
		}
	}
}
