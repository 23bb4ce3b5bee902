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
	// validate reads the head through its own repository handle, so the two
	// halves run side by side; the report is sorted, so the order never shows.
	var out finding.List
	validated := make(chan error, 1)
	go func() {
		_, err := validateAt(r.repo, head.String(), now, &out)
		validated <- err
	}()
	sigs, verr := verifyRange(repo, r, head, now)
	if err := <-validated; err != nil {
		return err
	}
	if verr != nil {
		return verr
	}
	out.AddAll(sigs)
	return emit(e, r.format, out.Sorted())
}
