package cli

import (
	"time"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/gittree"
	"github.com/embargo-tool/embargo/tools/internal/report"
	"github.com/embargo-tool/embargo/tools/internal/schemas"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
	"github.com/embargo-tool/embargo/tools/internal/validate"
)

func runValidate(e *env, args []string) error {
	fs := newFlags(e, "validate")
	repo := fs.String("repo", ".", "the policy repository")
	rev := fs.String("rev", "", "read the files from this git revision instead of the working tree")
	nowFlag := fs.String("now", "", "the time to check at (RFC 3339); default: now")
	format := fs.String("format", "text", "output format: text, json, github, sarif or gitlab")
	if err := parse(fs, e, args); err != nil {
		return err
	}
	if err := checkFormat(*format, report.Formats); err != nil {
		return err
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		return err
	}
	if err := checkRepo(*repo); err != nil {
		return err
	}
	var out finding.List
	st, err := validateAt(*repo, *rev, now, &out)
	if err != nil {
		return err
	}
	return emitSummary(e, *format, out.Sorted(), &report.Summary{Validated: validated(st)})
}

// validated counts what state.Load read, for the report's summary; nil when
// nothing could be read (a malformed tree).
func validated(st *state.State) *report.Validated {
	if st == nil {
		return nil
	}
	r := st.Read
	v := &report.Validated{Policy: r[schemas.Policy], Roles: r[schemas.Coordinators] + r[schemas.Tasks] + r[schemas.Ambassadors],
		Members: r[schemas.Member], Keys: r[state.KeyKind], Issues: r[schemas.Issue]}
	v.Files = v.Policy + v.Roles + v.Members + v.Keys + v.Issues
	return v
}

// validateAt loads the state at rev (the working tree when rev is empty) and runs every rule.
func validateAt(repo, rev string, now time.Time, out *finding.List) (*state.State, error) {
	var src source.Source = source.Dir{Root: repo}
	if rev != "" {
		t, err := source.AtRevision(repo, rev)
		if err != nil {
			return nil, usagef("give a branch, tag or commit id that exists in the repository", "%v", err)
		}
		src = t
	}
	st, err := state.Load(src, out)
	if gittree.Malformed(err) {
		// A tree git rejects holds no state to check: one finding says why.
		out.Add(malformedTree(err))
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	validate.Check(st, now, out)
	return st, nil
}

// malformedTree is the finding for a revision whose files cannot be listed
// because a tree is one git itself rejects.
func malformedTree(err error) finding.Finding {
	return finding.Finding{Rule: "sig.noncanonical", Severity: finding.Error,
		Message: err.Error() + "; git fsck --strict rejects this tree, so nothing in it is read; rebuild the commit with git"}
}

// emit renders findings and turns error findings into exit code 1.
func emit(e *env, format string, fs []finding.Finding) error {
	return emitSummary(e, format, fs, nil)
}

// emitSummary is emit with what the run did (see report.Summary).
func emitSummary(e *env, format string, fs []finding.Finding, s *report.Summary) error {
	if err := report.WriteSummary(e.stdout, format, fs, s); err != nil {
		return err
	}
	if errs, _ := finding.Count(fs); errs > 0 {
		return errFindings
	}
	return nil
}
