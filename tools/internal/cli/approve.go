package cli

import (
	"fmt"
	"os/exec"
	"strings"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/plural"
	"github.com/embargo-tool/embargo/tools/internal/verify"
)

func init() { commands["approve"] = runApprove }

// runApprove shows what base..head changes under access rules with a
// threshold (the two-person rule) and who has signed for it, then makes the
// approval: an empty commit signed by the user's own git and gpg
// (`git commit -S --allow-empty`), which approves the content of those
// paths as it stands. The tool never touches a private key.
func runApprove(e *env, args []string) error {
	fs := newFlags(e, "approve")
	var r rangeFlags
	r.register(fs)
	dryRun := fs.Bool("dry-run", false, "show what the range changes under threshold rules, and commit nothing")
	if err := parse(fs, e, args); err != nil {
		return err
	}
	if r.head != "HEAD" {
		return usagef("check out the branch to approve; approve commits on top of HEAD", "approve works on HEAD only, not --head %s", r.head)
	}
	repo, head, now, err := r.open()
	if err != nil {
		return err
	}
	if err := r.defaultBase(repo, "approve"); err != nil {
		return err
	}
	base, err := resolve(repo, "--base", r.base)
	if err != nil {
		return err
	}
	findings, approvals, err := verify.RangeApprovals(repo, base, head, verify.Options{Now: now})
	if err != nil {
		return err
	}
	if len(approvals) == 0 {
		fmt.Fprintf(e.stdout, "%s..HEAD changes no path under a threshold rule: nothing to approve\n", r.base)
		return nil
	}
	var paths []string
	for _, a := range approvals {
		state := "met"
		if !a.Met() {
			state = fmt.Sprintf("needs %d more", a.Threshold-len(a.Signed))
		}
		fmt.Fprintf(e.stdout, "%s (access rule %d): threshold %d, %s; signed for the final content: %s", strings.Join(a.Paths, ", "), a.Rule+1, a.Threshold, state, listPeople(a.Signed))
		if len(a.MayApprove) > 0 && !a.Met() {
			fmt.Fprintf(e.stdout, "; may still approve: %s", strings.Join(a.MayApprove, ", "))
		}
		fmt.Fprintln(e.stdout)
		paths = append(paths, a.Paths...)
	}
	if errs := countErrors(findings, "sig.threshold"); errs > 0 {
		fmt.Fprintf(e.stderr, "embargo: warning: the range has %s; run embargo check before approving\n", plural.Of(errs, "other error finding"))
	}
	if *dryRun {
		return nil
	}
	msg := fmt.Sprintf("Approve %s\n\nI sign for the content of these paths as this commit holds it\n(embargo approve, base %s).\n", strings.Join(paths, ", "), base.String()[:12])
	cmd := exec.Command("git", "-C", r.repo, "commit", "--quiet", "-S", "--allow-empty", "-m", msg)
	cmd.Stdout, cmd.Stderr = e.stderr, e.stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("git commit -S failed (%v); is commit signing set up? see docs/signatures.md#signing-your-commits", err)
	}
	fmt.Fprintln(e.stdout, "made a signed approval commit on HEAD; push it to the pull request")
	return nil
}

func listPeople(ids []string) string {
	if len(ids) == 0 {
		return "nobody"
	}
	return strings.Join(ids, ", ")
}

// countErrors counts the error findings of fs, but those of rule skip.
func countErrors(fs []finding.Finding, skip string) int {
	n := 0
	for _, f := range fs {
		if f.Severity == finding.Error && f.Rule != skip {
			n++
		}
	}
	return n
}
