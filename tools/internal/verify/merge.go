package verify

import (
	"fmt"
	"slices"

	"github.com/go-git/go-git/v5/plumbing"
)

// checkMerge accepts a two-parent merge only when both parents are verified and
// its tree is exactly the clean three-way merge of them: a merge that adds,
// drops or alters anything ("evil merge"), or resolves a conflict by hand,
// carries changes no access rule has judged.
func (v *verifier) checkMerge(j *judgement) {
	for _, p := range j.c.Parents {
		if !v.verified(p) {
			j.add("sig.merge", "", fmt.Sprintf("parent %s is not verified; a merge is accepted only over verified commits", short(p)))
			return
		}
	}
	ours, err := v.repo.CommitObject(j.c.Parents[0])
	if err != nil {
		j.add("sig.merge", "", "cannot read first parent: "+err.Error())
		return
	}
	theirs, err := v.repo.CommitObject(j.c.Parents[1])
	if err != nil {
		j.add("sig.merge", "", "cannot read second parent: "+err.Error())
		return
	}
	bases, err := ours.MergeBase(theirs)
	if err != nil || len(bases) != 1 {
		j.add("sig.merge", "", fmt.Sprintf("the parents have %d merge bases; only merges with exactly one are checked, rebase instead", len(bases)))
		return
	}
	if path, why := v.cleanMerge(bases[0].TreeHash, ours.TreeHash, theirs.TreeHash, j.c.Tree); why != "" {
		j.add("sig.merge", path, why)
	}
}

// cleanMerge checks merged against the three-way merge of ours and theirs over
// base, path by path. Only paths that differ somewhere need a look: every other
// path is the same in all four trees.
func (v *verifier) cleanMerge(base, ours, theirs, merged plumbing.Hash) (string, string) {
	paths := map[string]bool{}
	for _, pair := range [][2]plumbing.Hash{{base, ours}, {base, theirs}, {ours, merged}, {theirs, merged}} {
		chs, err := v.trees.diff(pair[0], pair[1])
		if err != nil {
			return "", "cannot compare trees: " + err.Error()
		}
		for _, ch := range chs {
			paths[ch.path] = true
		}
	}
	sorted := make([]string, 0, len(paths))
	for p := range paths {
		sorted = append(sorted, p)
	}
	slices.Sort(sorted) // report the first problem path deterministically
	for _, p := range sorted {
		b, o, t, m := v.entryAt(base, p), v.entryAt(ours, p), v.entryAt(theirs, p), v.entryAt(merged, p)
		var want string
		switch {
		case o == t:
			want = o
		case o == b:
			want = t
		case t == b:
			want = o
		default:
			return p, "both sides of the merge changed this path differently; a conflict resolved by hand is not a clean merge, rebase and sign the resolution as its own commit"
		}
		if m != want {
			return p, "the merge commit changes this path beyond what merging its parents gives (evil merge); make the change in its own signed commit"
		}
	}
	return "", ""
}

// entryAt identifies the entry at p (mode and object id), or "" when absent.
func (v *verifier) entryAt(root plumbing.Hash, p string) string {
	e, ok := v.trees.lookup(root, p)
	if !ok {
		return ""
	}
	return e.Mode.String() + " " + e.Hash.String()
}
