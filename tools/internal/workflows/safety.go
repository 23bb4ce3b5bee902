package workflows

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// The rules below keep a pull request from switching off the gate that judges
// it (docs/guides/ci-admin.md). A job triggered by a pull request may read the
// pull request's head as data, never run it: no step runs in a working tree of
// the head, nothing is built from it, no action or reusable workflow is loaded
// from the repository (which, depending on the event, may be the head), no
// secret is reachable and the token is read-only.

// prEvents are the events whose runs are started by, and about, a pull request.
var prEvents = map[string]bool{
	"pull_request": true, "pull_request_target": true, "pull_request_review": true,
	"pull_request_review_comment": true, "merge_group": true, "issue_comment": true, "workflow_run": true,
}

// headCheckoutEvents check out the head when actions/checkout is given no ref:
// pull_request checks out its merge commit, merge_group the group's commit.
var headCheckoutEvents = map[string]bool{"pull_request": true, "merge_group": true, "workflow_run": true}

// headRef matches an expression or a variable that names the pull request's
// head (or its merge commit): what a checkout must not be given.
var headRef = regexp.MustCompile(`head[._]sha|head[._]ref|head\.repo|merge_commit_sha|refs/pull/|head_commit|\$\{?HEAD\b|refs/embargo/head|FETCH_HEAD`)

// treeFromRef matches git commands that make a working tree (or files) out of
// a revision; with a head revision on the same line they check the head out.
var treeFromRef = regexp.MustCompile(`\bgit\b[^\n]*\b(checkout|switch|worktree\s+add|archive|read-tree|restore|reset\s+--hard|stash\s+apply|merge|cherry-pick|rebase|pull)(\s|$)`)

type step struct {
	Name             string            `yaml:"name"`
	Uses             string            `yaml:"uses"`
	Run              string            `yaml:"run"`
	With             map[string]string `yaml:"with"`
	WorkingDirectory string            `yaml:"working-directory"`
}

type job struct {
	Uses        string            `yaml:"uses"`
	Permissions yaml.Node         `yaml:"permissions"`
	Env         map[string]string `yaml:"env"`
	Steps       []step            `yaml:"steps"`
}

type workflowFile struct {
	On          yaml.Node         `yaml:"on"`
	Permissions yaml.Node         `yaml:"permissions"`
	Env         map[string]string `yaml:"env"`
	Jobs        map[string]job    `yaml:"jobs"`
}

// events returns the events of a workflow's `on:` (a name, a list or a map).
func events(n yaml.Node) []string {
	var out []string
	switch n.Kind {
	case yaml.ScalarNode:
		out = append(out, n.Value)
	case yaml.SequenceNode:
		for _, c := range n.Content {
			out = append(out, c.Value)
		}
	case yaml.MappingNode:
		for i := 0; i < len(n.Content); i += 2 {
			out = append(out, n.Content[i].Value)
		}
	}
	return out
}

// Unsafe returns why a workflow (GitHub or Forgejo Actions syntax) lets a
// pull request run its own code, or nil when it does not. Workflows no pull
// request triggers are not its business.
func Unsafe(data []byte) ([]string, error) {
	var wf workflowFile
	if err := yaml.Unmarshal(data, &wf); err != nil {
		return nil, err
	}
	var pr, headDefault []string
	for _, ev := range events(wf.On) {
		if prEvents[ev] {
			pr = append(pr, ev)
			if headCheckoutEvents[ev] {
				headDefault = append(headDefault, ev)
			}
		}
	}
	if len(pr) == 0 {
		return nil, nil
	}
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	if p := writePermission(wf.Permissions, true); p != "" {
		add("workflow permissions: %s; a pull-request workflow gets a read-only token", p)
	}
	if strings.Contains(string(data), "secrets.") {
		add("the workflow names a secret; a pull request's run must reach none")
	}
	names := make([]string, 0, len(wf.Jobs))
	for n := range wf.Jobs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		j := wf.Jobs[name]
		if j.Uses != "" && isLocal(j.Uses) {
			add("job %s: reusable workflow %s is loaded from the repository", name, j.Uses)
		}
		if p := writePermission(j.Permissions, false); p != "" {
			add("job %s permissions: %s; a pull-request job gets a read-only token", name, p)
		}
		env := map[string]string{}
		for k, v := range wf.Env {
			env[k] = v
		}
		for k, v := range j.Env {
			env[k] = v
		}
		headTrees := []string{} // paths of head working trees; "." is the workspace
		for i, s := range j.Steps {
			where := fmt.Sprintf("job %s, step %d (%s)", name, i+1, stepName(s))
			if s.Uses != "" && isLocal(s.Uses) {
				add("%s: action %s is loaded from the repository", where, s.Uses)
			}
			if isCheckout(s.Uses) {
				if s.With["persist-credentials"] != "false" {
					add("%s: checkout keeps the token in .git/config; set persist-credentials: false", where)
				}
				ref := expand(s.With["ref"], env)
				if headRef.MatchString(ref) || (ref == "" && len(headDefault) > 0) {
					path := s.With["path"]
					if path == "" {
						path = "."
					}
					headTrees = append(headTrees, path)
				}
				continue
			}
			if s.Run == "" {
				continue
			}
			script := expand(s.Run, env)
			if len(headTrees) > 0 {
				add("%s: runs after the head was checked out into %s; a step that runs there runs the pull request's code", where, strings.Join(headTrees, ", "))
			}
			for _, l := range strings.Split(script, "\n") {
				if treeFromRef.MatchString(l) && headRef.MatchString(l) {
					add("%s: makes a working tree of the head: %q", where, strings.TrimSpace(l))
				}
			}
		}
	}
	return problems, nil
}

// expand replaces ${{ env.NAME }} by the expression NAME stands for, so that a
// ref given through the environment is judged by what it is.
func expand(s string, env map[string]string) string {
	for k, v := range env {
		s = strings.ReplaceAll(s, "${{ env."+k+" }}", v)
		s = strings.ReplaceAll(s, "$"+k, "$"+k+" ("+v+")")
	}
	return s
}

func isLocal(uses string) bool {
	return strings.HasPrefix(uses, "./") || strings.HasPrefix(uses, ".\\")
}

func isCheckout(uses string) bool {
	u := strings.ToLower(uses)
	return strings.HasPrefix(u, "actions/checkout@") || strings.Contains(u, "/actions/checkout@")
}

func stepName(s step) string {
	switch {
	case s.Name != "":
		return s.Name
	case s.Uses != "":
		return s.Uses
	}
	return "run"
}

// writePermission returns a write grant in a permissions block, or "". An
// absent workflow-level block is a problem too: the default token may write.
func writePermission(n yaml.Node, required bool) string {
	switch n.Kind {
	case 0:
		if required {
			return "none given (the default token may write)"
		}
		return ""
	case yaml.ScalarNode:
		if n.Value == "read-all" || n.Value == "" {
			return ""
		}
		return n.Value
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if v := n.Content[i+1].Value; v != "read" && v != "none" {
				return n.Content[i].Value + ": " + v
			}
		}
	}
	return ""
}
