package verify

import (
	"container/heap"
	"errors"
	"fmt"
	"slices"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/gittree"
)

// checkMerge accepts a two-parent merge only when both parents are verified and
// its tree is exactly the clean three-way merge of them: a merge that adds,
// drops or alters anything ("evil merge"), or resolves a conflict by hand,
// carries changes no access rule has judged. Parents, the merge base and every
// tree compared are read by the strict readers.
func (v *verifier) checkMerge(j *judgement) {
	for _, p := range j.c.Parents {
		if !v.verified(p) {
			j.add("sig.merge", "", fmt.Sprintf("parent %s is not verified; a merge is accepted only over verified commits", short(p)))
			return
		}
	}
	ours, err := v.commit(j.c.Parents[0])
	if err != nil {
		j.add("sig.merge", "", "cannot read first parent: "+err.Error())
		return
	}
	theirs, err := v.commit(j.c.Parents[1])
	if err != nil {
		j.add("sig.merge", "", "cannot read second parent: "+err.Error())
		return
	}
	bases, err := v.mergeBases(ours.Hash, theirs.Hash)
	if err != nil {
		j.add("sig.merge", "", "cannot find the merge base: "+err.Error())
		return
	}
	if len(bases) != 1 {
		j.add("sig.merge", "", fmt.Sprintf("the parents have %d merge bases; only merges with exactly one are checked, rebase instead", len(bases)))
		return
	}
	base, err := v.commit(bases[0])
	if err != nil {
		j.add("sig.merge", "", "cannot read the merge base: "+err.Error())
		return
	}
	path, why, err := v.cleanMerge(base.Tree, ours.Tree, theirs.Tree, j.c.Tree)
	switch {
	case err != nil:
		j.addTreeError(err)
	case why != "":
		j.add("sig.merge", path, why)
	}
}

// cleanMerge checks merged against the three-way merge of ours and theirs over
// base, path by path. Only paths that differ somewhere need a look: every other
// path is the same in all four trees. A tree that cannot be read or is
// malformed, on any side, is an error: the comparison is all or nothing.
func (v *verifier) cleanMerge(base, ours, theirs, merged plumbing.Hash) (path, why string, err error) {
	paths := map[string]bool{}
	for _, pair := range [][2]plumbing.Hash{{base, ours}, {base, theirs}, {ours, merged}, {theirs, merged}} {
		chs, err := v.trees.Diff(pair[0], pair[1])
		if err != nil {
			return "", "", err
		}
		for _, ch := range chs {
			paths[ch.Path] = true
		}
	}
	sorted := make([]string, 0, len(paths))
	for p := range paths {
		sorted = append(sorted, p)
	}
	slices.Sort(sorted) // report the first problem path deterministically
	for _, p := range sorted {
		var at [4]string
		for i, root := range []plumbing.Hash{base, ours, theirs, merged} {
			if at[i], err = v.entryAt(root, p); err != nil {
				return "", "", err
			}
		}
		b, o, t, m := at[0], at[1], at[2], at[3]
		var want string
		switch {
		case o == t:
			want = o
		case o == b:
			want = t
		case t == b:
			want = o
		default:
			return p, "both sides of the merge changed this path differently; a conflict resolved by hand is not a clean merge, rebase and sign the resolution as its own commit", nil
		}
		if m != want {
			return p, "the merge commit changes this path beyond what merging its parents gives (evil merge); make the change in its own signed commit", nil
		}
	}
	return "", "", nil
}

// entryAt identifies the entry at p (mode and object id), or "" when absent.
func (v *verifier) entryAt(root plumbing.Hash, p string) (string, error) {
	e, err := v.trees.Lookup(root, p)
	if errors.Is(err, gittree.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return e.Mode.String() + " " + e.Hash.String(), nil
}

// Flags of the merge-base walk (git's paint_down_to_common).
const (
	fromOurs uint8 = 1 << iota
	fromTheirs
	stale
	candidate
)

// mergeBases returns the best common ancestors of a and b, as `git merge-base
// --all` does, walking commits read by the strict reader: each side's
// ancestry is painted, newest commit first; a commit reached from both is a
// candidate and its ancestry stale; the walk ends when only stale commits are
// queued. A commit painted again with new colours is queued again, so forged
// commit times cost work but never a wrong answer. Candidates that are
// ancestors of other candidates are dropped.
func (v *verifier) mergeBases(a, b plumbing.Hash) ([]plumbing.Hash, error) {
	if a == b {
		return []plumbing.Hash{a}, nil
	}
	flags := map[plumbing.Hash]uint8{}
	var q commitQueue
	push := func(h plumbing.Hash, f uint8) error {
		c, err := v.commit(h)
		if err != nil {
			return err
		}
		flags[h] |= f
		heap.Push(&q, queued{h, c.Committer.When.Unix()})
		return nil
	}
	if err := push(a, fromOurs); err != nil {
		return nil, err
	}
	if err := push(b, fromTheirs); err != nil {
		return nil, err
	}
	var found []plumbing.Hash
	for steps := 0; q.hasNonStale(flags); steps++ {
		if steps > 4*MaxCommits {
			return nil, fmt.Errorf("more than %d steps to find the merge base", 4*MaxCommits)
		}
		h := heap.Pop(&q).(queued).h
		f := flags[h] & (fromOurs | fromTheirs | stale)
		if f == fromOurs|fromTheirs {
			if flags[h]&candidate == 0 {
				flags[h] |= candidate
				found = append(found, h)
			}
			f |= stale
		}
		c, err := v.commit(h)
		if err != nil {
			return nil, err
		}
		for _, p := range c.Parents {
			if flags[p]&f == f {
				continue
			}
			if err := push(p, f); err != nil {
				return nil, err
			}
		}
	}
	var bases []plumbing.Hash
	for _, h := range found {
		if flags[h]&stale == 0 {
			bases = append(bases, h)
		}
	}
	if len(bases) < 2 {
		return bases, nil
	}
	return v.dropAncestors(bases)
}

// dropAncestors removes every candidate that is an ancestor of another. It is
// rare (criss-cross merges) and walks the candidates' whole ancestry.
func (v *verifier) dropAncestors(cands []plumbing.Hash) ([]plumbing.Hash, error) {
	var out []plumbing.Hash
	for i, c := range cands {
		others := slices.Delete(slices.Clone(cands), i, i+1)
		below, err := v.reaches(others, c)
		if err != nil {
			return nil, err
		}
		if !below {
			out = append(out, c)
		}
	}
	return out, nil
}

// reaches reports whether target is an ancestor of any of from.
func (v *verifier) reaches(from []plumbing.Hash, target plumbing.Hash) (bool, error) {
	seen := map[plumbing.Hash]bool{}
	stack := slices.Clone(from)
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		c, err := v.commit(h)
		if err != nil {
			return false, err
		}
		for _, p := range c.Parents {
			if p == target {
				return true, nil
			}
			if !seen[p] {
				if seen[p] = true; len(seen) > MaxCommits {
					return false, fmt.Errorf("more than %d commits below the merge base candidates", MaxCommits)
				}
				stack = append(stack, p)
			}
		}
	}
	return false, nil
}

// queued is one commit in the merge-base walk.
type queued struct {
	h    plumbing.Hash
	when int64
}

// commitQueue is a max-heap on commit time (newest first).
type commitQueue []queued

func (q commitQueue) Len() int           { return len(q) }
func (q commitQueue) Less(i, j int) bool { return q[i].when > q[j].when }
func (q commitQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *commitQueue) Push(x any)        { *q = append(*q, x.(queued)) }
func (q *commitQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

func (q commitQueue) hasNonStale(flags map[plumbing.Hash]uint8) bool {
	for _, x := range q {
		if flags[x.h]&stale == 0 {
			return true
		}
	}
	return false
}
