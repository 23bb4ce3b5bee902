package verify

import (
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/gitobj"
)

// Commits returns the commits of base..head — reachable from head, not from
// base, every parent followed — parents before children, read by the strict
// commit reader: the same walk Range verifies, for checks that look at every
// commit of a range (sealed records, docs/formats.md). An empty or unrelated
// range is an error here; Range reports it as sig.range.
func Commits(repo *git.Repository, base, head plumbing.Hash) ([]*gitobj.Commit, error) {
	commits, _, err := walkRange(repo.Storer, base, head, func(*gitobj.Commit, plumbing.Hash) {})
	return commits, err
}
