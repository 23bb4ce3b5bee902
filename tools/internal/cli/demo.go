package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/embargo-tool/embargo/tools/internal/demo"
)

// runDemo is the README's main job: it builds a signed clone of the bundled
// example, checks it, checks its pull requests (some at a later clock) and says
// whether each outcome was the expected one.
func runDemo(e *env, args []string) error {
	fs := newFlags(e, "demo")
	repo := fs.String("repo", ".", "the embargo repository holding the example data and its test keys")
	dir := fs.String("dir", "", "where to build the demo repository (default: a new temporary folder)")
	nowFlag := fs.String("now", "", "the demo's clock (RFC 3339); the Makefile pins it")
	out := fs.String("out", "", "where to write the public timeline of the demo repository (default: DIR/public)")
	if err := parse(fs, e, args); err != nil {
		return err
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		return err
	}
	if err := checkRepo(*repo); err != nil {
		return err
	}
	if *dir == "" {
		if *dir, err = os.MkdirTemp("", "embargo-demo-"); err != nil {
			return err
		}
	} else if entries, err := os.ReadDir(*dir); err == nil && len(entries) > 0 {
		return usagef("give a new or empty folder, or leave --dir out", "--dir %s is not empty; the demo never writes into existing data", *dir)
	}
	res, err := demo.Build(*repo, *dir, now)
	if err != nil {
		return err
	}
	nowArg := "--now=" + now.Format("2006-01-02T15:04:05Z07:00")
	fmt.Fprintf(e.stdout, "Demo repository with a signed history: %s\n", res.Dir)
	fmt.Fprintf(e.stdout, "(signed with the example's TEST keys from examples/testkeys; never trust them)\n\n")

	fmt.Fprintf(e.stdout, "== embargo validate --rev main\n")
	failed := false
	if err := runValidate(e, []string{"--repo", res.Dir, "--rev", "main", nowArg}); err != nil {
		if !errors.Is(err, errFindings) {
			return err
		}
		failed = true
		fmt.Fprintf(e.stdout, "unexpected: the example has errors\n")
	}
	if err := demoSealed(e, *repo, res.Dir, &failed); err != nil {
		return err
	}
	for _, pr := range res.PRs {
		wantPass := pr.Accept
		prNow := "--now=" + pr.Now.Format("2006-01-02T15:04:05Z07:00")
		fmt.Fprintf(e.stdout, "\n== pull request %s: %s\n", pr.Branch, pr.Title)
		if prNow == nowArg {
			fmt.Fprintf(e.stdout, "== embargo check --base main --head %s\n", pr.Branch)
		} else {
			fmt.Fprintf(e.stdout, "== embargo check --base main --head %s %s\n", pr.Branch, prNow)
		}
		err := runCheck(e, []string{"--repo", res.Dir, "--base", "main", "--head", pr.Branch, prNow})
		switch {
		case err != nil && !errors.Is(err, errFindings):
			return err
		case (err == nil) == wantPass:
			fmt.Fprintf(e.stdout, "-> %s, as expected\n", map[bool]string{true: "accepted", false: "refused"}[wantPass])
		default:
			failed = true
			fmt.Fprintf(e.stdout, "-> UNEXPECTED outcome for %s\n", pr.Branch)
		}
	}
	// The protected branch is judged landing by landing: a key added by one
	// merged pull request may sign the next; as one pull request it may not.
	for _, step := range []struct {
		title string
		args  []string
		pass  bool
	}{
		{"main after two merged pull requests: a key added, then used (each landing judged by the state before it)",
			[]string{"--fast-forward"}, true},
		{"the same commits as one pull request against main (the key is not trusted yet)", nil, false},
	} {
		fmt.Fprintf(e.stdout, "\n== %s\n== %s\n", step.title, strings.Join(append([]string{"embargo verify --base main --head", demo.LandedBranch}, step.args...), " "))
		err := runVerify(e, append([]string{"--repo", res.Dir, "--base", "main", "--head", demo.LandedBranch, nowArg}, step.args...))
		switch {
		case err != nil && !errors.Is(err, errFindings):
			return err
		case (err == nil) == step.pass:
			fmt.Fprintf(e.stdout, "-> %s, as expected\n", map[bool]string{true: "accepted", false: "refused"}[step.pass])
		default:
			failed = true
			fmt.Fprintf(e.stdout, "-> UNEXPECTED outcome for %s\n", demo.LandedBranch)
		}
	}

	if *out == "" {
		*out = filepath.Join(res.Dir, "public")
	}
	fmt.Fprintf(e.stdout, "\n== embargo timeline --rev main --out %s\n", *out)
	if err := runTimeline(e, []string{"--repo", res.Dir, "--rev", "main", nowArg, "--out", *out}); err != nil {
		if !errors.Is(err, errFindings) {
			return err
		}
		failed = true
	}
	fmt.Fprintf(e.stdout, "\nExplore it: cd %s && git log --all; open %s/index.html\n", filepath.Clean(res.Dir), *out)
	if failed {
		return errFindings
	}
	return nil
}
