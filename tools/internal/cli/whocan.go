package cli

import (
	"fmt"
	"path"
	"strings"

	"github.com/embargo-tool/embargo/tools/internal/rules"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/verify"
)

func init() {
	commands["who-can"] = runWhoCan
	helps["who-can"] = help{
		usage: "embargo who-can PATH [--rev REV] [--repo DIR]",
		about: `Says who may sign a change to PATH at a revision (default HEAD; in CI the base branch), and
by which access rule of that revision's policy.yaml: each matching rule, each of its
principals and the people it lets change the path there (an issue's handler and response
team, a member's own people, a key's owner, the coordinators). It asks the same rules a
commit is judged by, so the answer is the check's.`,
		example: "embargo who-can issues/2026/EMB-2026-0004.yaml --rev main",
	}
	commands["explain"] = runExplain
	helps["explain"] = help{
		usage: "embargo explain RULE",
		about: `Prints one rule: its ID, its usual severity, what it checks, the public policy or document it
comes from, and how to fix its findings. 'embargo rules' lists every rule.`,
		example: "embargo explain embargo.max",
	}
}

func runWhoCan(e *env, args []string) error {
	fs := newFlags(e, "who-can")
	repo := fs.String("repo", ".", "the policy repository")
	rev := fs.String("rev", "HEAD", "the revision whose policy, roles and members decide")
	var p string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		p, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return parse(fs, e, args) // the same message and help as every verb
	}
	if p == "" && fs.NArg() == 1 {
		p = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return usagef("name one path: embargo who-can PATH [--rev REV]", "unexpected argument %q", fs.Arg(0))
	}
	if p == "" {
		return usagef("name a path of the repository, e.g. embargo who-can policy.yaml", "who-can needs a PATH")
	}
	clean := path.Clean(strings.TrimPrefix(p, "./"))
	if strings.HasPrefix(clean, "../") || clean == ".." || path.IsAbs(clean) || clean == "." {
		return usagef("give the path relative to the top of the repository, e.g. members/debian.yaml", "%q is not a path inside the repository", p)
	}
	repository, err := openRepo(*repo)
	if err != nil {
		return err
	}
	src, err := source.RevisionOf(repository, *rev)
	if err != nil {
		return usagef("give a branch, tag or commit id that exists in the repository", "--rev: %v", err)
	}
	trust, err := verify.TrustOf(src)
	if err != nil {
		return err
	}
	acc, err := verify.WhoCan(repository, src, trust, clean)
	if err != nil {
		return usagef("name a file, not a folder", "%v", err)
	}
	what := "a new file"
	if acc.Exists {
		what = "exists"
	}
	fmt.Fprintf(e.stdout, "%s at %s (%s):\n", acc.Path, src.Desc, what)
	if acc.Refused != "" {
		fmt.Fprintf(e.stdout, "  nobody: %s\n", acc.Refused)
		return nil
	}
	for _, g := range acc.Grants {
		rule := "always"
		if g.Rule >= 0 {
			rule = fmt.Sprintf("access rule %d, %s", g.Rule+1, g.Pattern)
		}
		switch people := strings.Join(g.People, ", "); {
		case people != "" && g.Note != "":
			fmt.Fprintf(e.stdout, "  %s (%s): %s — %s\n", g.Principal, rule, people, g.Note)
		case people != "":
			fmt.Fprintf(e.stdout, "  %s (%s): %s\n", g.Principal, rule, people)
		case g.Note != "":
			fmt.Fprintf(e.stdout, "  %s (%s): %s\n", g.Principal, rule, g.Note)
		default:
			fmt.Fprintf(e.stdout, "  %s (%s): nobody at this revision\n", g.Principal, rule)
		}
	}
	for _, th := range acc.Thresholds {
		fmt.Fprintf(e.stdout, "  and a change lands only when %d of %s sign for the result (access rule %d, %s, threshold %d; embargo approve)\n",
			th.N, listPeople(th.People), th.Rule+1, th.Pattern, th.N)
	}
	return nil
}

func runExplain(e *env, args []string) error {
	if len(args) == 0 {
		return usagef("name a rule, e.g. embargo explain embargo.max; 'embargo rules' lists them", "explain needs a RULE")
	}
	id, rest := args[0], args[1:]
	if len(rest) > 0 {
		return usagef("name one rule", "unexpected argument %q", rest[0])
	}
	r, ok := rules.Lookup(id)
	if !ok {
		hint := "'embargo rules' lists every rule"
		if s := suggestRule(id); s != "" {
			hint = fmt.Sprintf("did you mean %q? %s", s, hint)
		}
		return usagef(hint, "unknown rule %q", id)
	}
	fmt.Fprintf(e.stdout, "%s (%s)\n\n%s\n\nSource: %s\n", r.ID, r.Severity, r.Doc, r.Source)
	if fix := rules.Fix[r.ID]; fix != "" {
		fmt.Fprintf(e.stdout, "\nHow to fix: %s\n", fix)
	} else {
		fmt.Fprintf(e.stdout, "\nHow to fix: see the source above; the finding's message says what would be right.\n")
	}
	return nil
}

// suggestRule returns the rule id nearest to id, or "".
func suggestRule(id string) string {
	best, dist := "", 4
	for _, r := range rules.All {
		if d := levenshtein(r.ID, id); d < dist || (strings.HasPrefix(r.ID, id) && best == "") {
			best, dist = r.ID, min(d, dist)
		}
	}
	return best
}
