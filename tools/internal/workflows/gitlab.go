package workflows

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// GitLab checks out the merge request's head into the job's folder, always:
// there is no base-only checkout to choose. A gate there is safe only if no
// script runs anything from that folder — the checker is built elsewhere, from
// the base — and nothing of the pipeline is loaded from the repository.

var (
	// goCommand builds or runs Go code; goElsewhere does so with -C naming an
	// absolute or variable folder (go build -C DIR works in DIR, not in the
	// job's folder).
	goCommand   = regexp.MustCompile(`\bgo\s+(build|run|test|generate|install|vet|tool)\b`)
	goElsewhere = regexp.MustCompile(`\bgo\s+\w+\s+-C\s+("?)(/|\$)`)
	// runsFromWorktree runs a program or script that the head provides.
	runsFromWorktree = regexp.MustCompile(`(^|[;&|(]\s*)(\./|make\b|npm\b|yarn\b|pnpm\b|pip\s+install\b|(sh|bash|source|\.)\s+[^-\s])`)
	gitlabHead       = regexp.MustCompile(`CI_COMMIT_SHA|CI_COMMIT_REF|CI_MERGE_REQUEST_SOURCE|\$\{?HEAD\b|FETCH_HEAD`)
)

var gitlabReserved = map[string]bool{
	"stages": true, "variables": true, "default": true, "include": true, "workflow": true,
	"image": true, "services": true, "cache": true, "before_script": true, "after_script": true,
}

type gitlabJob struct {
	BeforeScript yaml.Node `yaml:"before_script"`
	Script       yaml.Node `yaml:"script"`
	AfterScript  yaml.Node `yaml:"after_script"`
}

// UnsafeGitLab returns why a GitLab CI file lets a merge request run its own
// code, or nil when it does not.
func UnsafeGitLab(data []byte) ([]string, error) {
	var doc map[string]yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if inc, ok := doc["include"]; ok && includesLocal(inc) {
		add("include: loads configuration from the repository, which a merge request changes")
	}
	names := make([]string, 0, len(doc))
	for n := range doc {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		if gitlabReserved[name] && name != "before_script" && name != "after_script" && name != "default" {
			continue
		}
		node := doc[name]
		var lines []string
		switch name {
		case "before_script", "after_script":
			lines = scriptLines(node)
		default:
			var j gitlabJob
			if err := node.Decode(&j); err != nil {
				continue
			}
			lines = append(append(scriptLines(j.BeforeScript), scriptLines(j.Script)...), scriptLines(j.AfterScript)...)
		}
		for _, l := range lines {
			switch {
			case goCommand.MatchString(l) && !goElsewhere.MatchString(l):
				add("%s: %q builds or runs Go code in the job's folder, which holds the merge request's head; build with go -C <base worktree>", name, l)
			case runsFromWorktree.MatchString(l):
				add("%s: %q runs something from the job's folder, which holds the merge request's head", name, l)
			case treeFromRef.MatchString(l) && gitlabHead.MatchString(l):
				add("%s: %q makes a working tree of the head", name, l)
			}
		}
	}
	return problems, nil
}

// scriptLines returns the lines of a script given as a string or a list.
func scriptLines(n yaml.Node) []string {
	var out []string
	switch n.Kind {
	case yaml.ScalarNode:
		out = append(out, strings.Split(n.Value, "\n")...)
	case yaml.SequenceNode:
		for _, c := range n.Content {
			out = append(out, scriptLines(*c)...)
		}
	}
	var trimmed []string
	for _, l := range out {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			trimmed = append(trimmed, l)
		}
	}
	return trimmed
}

func includesLocal(n yaml.Node) bool {
	switch n.Kind {
	case yaml.ScalarNode:
		return !strings.Contains(n.Value, "://")
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if includesLocal(*c) {
				return true
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "local" {
				return true
			}
		}
	}
	return false
}
