package cli

import (
	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/report"
)

// defaultBases are tried, in order, when check is given no --base.
var defaultBases = []string{"origin/HEAD", "origin/main", "main"}

// runCheck is what CI runs: validate the head's files (from git objects) and
// verify the signatures of base..head, with one report and one exit code.
func runCheck(e *env, args []string) error {
	fs := newFlags(e, "check")
	var r rangeFlags
	r.register(fs)
	if err := parse(fs, e, args); err != nil {
		return err
	}
	if err := checkFormat(r.format, report.Formats); err != nil {
		return err
	}
	now, err := parseNow(r.now)
	if err != nil {
		return err
	}
	repo, err := openRepo(r.repo)
	if err != nil {
		return err
	}
	head, err := resolve(repo, "--head", r.head)
	if err != nil {
		return err
	}
	if r.base == "" {
		for _, b := range defaultBases {
			if _, err := resolve(repo, "--base", b); err == nil {
				r.base = b
				break
			}
		}
		if r.base == "" {
			return usagef("name the target branch: --base origin/main", "check needs --base: none of %v exists", defaultBases)
		}
	}
	var out finding.List
	if _, err := validateAt(r.repo, head.String(), now, &out); err != nil {
		return err
	}
	sigs, err := verifyRange(repo, r, head, now)
	if err != nil {
		return err
	}
	out.AddAll(sigs)
	return emit(e, r.format, out.Sorted())
}
