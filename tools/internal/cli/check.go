package cli

import (
	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/gittree"
	"github.com/embargo-tool/embargo/tools/internal/report"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
	"github.com/embargo-tool/embargo/tools/internal/validate"
	"github.com/embargo-tool/embargo/tools/internal/verify"
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
	repo, head, now, err := r.open()
	if err != nil {
		return err
	}
	if err := r.defaultBase(repo, "check"); err != nil {
		return err
	}
	// One repository handle for both halves, one after the other: go-git's
	// storage is not safe for concurrent use, and validate already parses on
	// every core while verify checks signatures on every core.
	var records finding.List
	tree, err := source.RevisionOf(repo, head.String())
	if err != nil {
		return err
	}
	st, err := state.Load(tree, &records)
	var sum report.Summary
	switch {
	case gittree.Malformed(err):
		records.Add(malformedTree(err)) // verify below names the commit
	case err != nil:
		return err
	default:
		validate.Check(st, now, &records)
		sum.Validated = validated(st)
	}
	// Clock findings fail the change only where it touches the record; the rest
	// become one summary line (docs/guides/ci-admin.md, "Clock findings").
	var touched map[string]bool
	known := false
	var out finding.List
	if base, err := resolve(repo, "--base", r.base); err == nil {
		touched, known = verify.TouchedPaths(repo, base, head)
		// Sealed records are judged in every commit, not only the head.
		if err := sealedHistory(repo, base, head, now, &out); err != nil {
			return err
		}
	}
	out.AddAll(untouchedClock(records.Sorted(), touched, known))
	var vsum verify.Summary
	sigs, err := verifyRange(repo, r, head, now, &vsum)
	if err != nil {
		return err
	}
	sum.Verified = verified(vsum)
	out.AddAll(sigs)
	return emitSummary(e, r.format, out.Sorted(), &sum)
}
