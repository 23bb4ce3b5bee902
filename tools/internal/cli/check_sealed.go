package cli

import (
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/gittree"
	"github.com/embargo-tool/embargo/tools/internal/seal"
	"github.com/embargo-tool/embargo/tools/internal/verify"
)

// sealedHistory runs the sealed rules on every commit of base..head
// (seal.History). A range that cannot be walked is verify's sig.range
// finding, reported by the signature half of check; commits that cannot be
// read are one sealed.required finding besides.
func sealedHistory(repo *git.Repository, base, head plumbing.Hash, now time.Time, out *finding.List) error {
	commits, err := verify.Commits(repo, base, head)
	if err != nil {
		return nil
	}
	fs, err := seal.History(gittree.New(repo.Storer), base, commits, head, now)
	if err != nil {
		// Fail closed: what cannot be read cannot be shown to hold no plain text.
		out.Add(finding.Finding{Rule: seal.RuleRequired, Severity: finding.Error,
			Message: "the commits of the range cannot be read to check their sealed records (" + err.Error() + "); fetch the full history and run the check again"})
		return nil
	}
	out.AddAll(fs)
	return nil
}
