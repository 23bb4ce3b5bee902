package verify

import (
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// TouchedPaths returns the files a change from base to head adds, modifies or
// deletes: the difference between head and where it left base (its merge
// bases, as `git merge-base --all` finds them), which is what a forge shows
// as the pull request's files; files changed on base since are not the
// change's. Commits and trees are read by the same strict readers as the
// signature check. On any doubt — no common history, an unreadable or
// malformed object — ok is false, and the caller must treat every file as
// touched.
func TouchedPaths(repo *git.Repository, base, head plumbing.Hash) (paths map[string]bool, ok bool) {
	v := newVerifier(repo, time.Time{})
	bases, err := v.mergeBases(base, head)
	if err != nil || len(bases) == 0 {
		return nil, false
	}
	headTree, err := v.treeOf(head)
	if err != nil {
		return nil, false
	}
	paths = map[string]bool{}
	for _, b := range bases {
		t, err := v.treeOf(b)
		if err != nil {
			return nil, false
		}
		chs, err := v.trees.Diff(t, headTree)
		if err != nil {
			return nil, false
		}
		for _, ch := range chs {
			paths[ch.Path] = true
		}
	}
	return paths, true
}
