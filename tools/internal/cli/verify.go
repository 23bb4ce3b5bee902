package cli

import (
	"errors"
	"flag"
	"regexp"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/report"
	"github.com/embargo-tool/embargo/tools/internal/rules"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/verify"
)

var fingerprintRe = regexp.MustCompile(`^([0-9A-F]{40}|[0-9A-F]{64})$`)

// rangeFlags are the flags verify and check share.
type rangeFlags struct {
	repo, base, head, now, format string
	fastForward                   bool
}

func (r *rangeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&r.repo, "repo", ".", "the policy repository")
	fs.StringVar(&r.base, "base", "", "the state the change is judged against (the target branch)")
	fs.StringVar(&r.head, "head", "HEAD", "the tip of the change")
	fs.StringVar(&r.now, "now", "", "the time to check at (RFC 3339); default: now")
	fs.StringVar(&r.format, "format", "text", "output format: text, json, github, sarif or gitlab")
	fs.BoolVar(&r.fastForward, "fast-forward", false, "require head to descend from base (a push to the main branch)")
}

// open validates the shared flags, opens the repository and resolves --head,
// in that order, so a bad flag is refused before any I/O.
func (r *rangeFlags) open() (*git.Repository, plumbing.Hash, time.Time, error) {
	if err := checkFormat(r.format, report.Formats); err != nil {
		return nil, plumbing.ZeroHash, time.Time{}, err
	}
	now, err := parseNow(r.now)
	if err != nil {
		return nil, plumbing.ZeroHash, time.Time{}, err
	}
	repo, err := openRepo(r.repo)
	if err != nil {
		return nil, plumbing.ZeroHash, time.Time{}, err
	}
	head, err := resolve(repo, "--head", r.head)
	if err != nil {
		return nil, plumbing.ZeroHash, time.Time{}, err
	}
	return repo, head, now, nil
}

// defaultBase sets --base, when it was not given, to the first of
// defaultBases that exists.
func (r *rangeFlags) defaultBase(repo *git.Repository, verb string) error {
	if r.base != "" {
		return nil
	}
	for _, b := range defaultBases {
		if _, err := resolve(repo, "--base", b); err == nil {
			r.base = b
			return nil
		}
	}
	return usagef("name the target branch: --base origin/main", "%s needs --base: none of %v exists", verb, defaultBases)
}

func runVerify(e *env, args []string) error {
	fs := newFlags(e, "verify")
	var r rangeFlags
	r.register(fs)
	all := fs.Bool("all", false, "audit all history reachable from head, each commit against its parent's state")
	trust := fs.String("trust", "", "with --all: comma-separated fingerprints trusted to sign the root commit")
	if err := parse(fs, e, args); err != nil {
		return err
	}
	// Every bad combination is refused here, before any I/O.
	switch {
	case *all && r.base != "":
		return usagef("use either --base REV (a change) or --all --trust FPR (full audit)", "--all and --base exclude each other")
	case !*all && r.base == "":
		return usagef("give the target branch, e.g. --base origin/main, or audit everything with --all --trust FPR", "verify needs --base or --all")
	case *all && *trust == "":
		return usagef("name the fingerprints that signed the root commit: --trust FPR[,FPR]", "--all needs --trust")
	case !*all && *trust != "":
		return usagef("--trust anchors the root commit of a full audit; add --all", "--trust needs --all")
	}
	anchors, err := parseTrust(*trust)
	if err != nil {
		return err
	}
	repo, head, now, err := r.open()
	if err != nil {
		return err
	}
	var fsOut []finding.Finding
	var sum verify.Summary
	if *all {
		fsOut, err = verify.Audit(repo, head, anchors, verify.Options{Now: now, Summary: &sum})
	} else {
		fsOut, err = verifyRange(repo, r, head, now, &sum)
	}
	if err != nil {
		return err
	}
	return emitSummary(e, r.format, fsOut, &report.Summary{Verified: verified(sum)})
}

// verifyRange verifies base..head; sum receives what it judged.
func verifyRange(repo *git.Repository, r rangeFlags, head plumbing.Hash, now time.Time, sum *verify.Summary) ([]finding.Finding, error) {
	base, err := source.Resolve(repo, r.base)
	switch {
	case errors.Is(err, plumbing.ErrReferenceNotFound) || errors.Is(err, source.ErrBadRevision):
		// A name that names nothing is a mistake in the command (exit 2).
		return nil, usagef("give a branch, tag or commit id that exists in the repository", "--base: %v", err)
	case err != nil:
		// A base object that cannot be read is a finding, not a pass:
		// shallow clones land here.
		return []finding.Finding{{Rule: rules.SigRange, Severity: finding.Error,
			Message: "--base: " + err.Error() + "; fetch the full history (actions/checkout with fetch-depth: 0)"}}, nil
	}
	reopen := func() (*git.Repository, error) { return source.OpenRepo(r.repo) }
	return verify.Range(repo, base, head, verify.Options{Now: now, FastForward: r.fastForward, Reopen: reopen, Summary: sum})
}

// verified is the report's summary of a verification run.
func verified(sum verify.Summary) *report.Verified {
	return &report.Verified{Commits: sum.Commits, Signers: append([]string{}, sum.Signers...)}
}

func parseTrust(s string) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	var out []string
	for _, f := range strings.Split(s, ",") {
		f = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(f), " ", ""))
		if !fingerprintRe.MatchString(f) {
			return nil, usagef("give full fingerprints (40 or 64 hex digits), e.g. from gpg --fingerprint", "--trust: %q is not a full fingerprint", f)
		}
		out = append(out, f)
	}
	return out, nil
}

func openRepo(dir string) (*git.Repository, error) {
	if err := checkRepo(dir); err != nil {
		return nil, err
	}
	repo, err := source.OpenRepo(dir)
	if err != nil {
		return nil, usagef("run it inside a git clone of the policy repository", "%v", err)
	}
	return repo, nil
}

func resolve(repo *git.Repository, flagName, rev string) (plumbing.Hash, error) {
	h, err := source.Resolve(repo, rev)
	if err != nil {
		return plumbing.ZeroHash, usagef("give a branch, tag or commit id that exists in the repository", "%s: %v", flagName, err)
	}
	return h, nil
}
