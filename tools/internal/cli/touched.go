package cli

import (
	"container/heap"
	"fmt"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// maxTouchedWalk bounds the commits read to find where head left base. A pull
// request meets its base within a few commits; a walk this long means the two
// are barely related, and then every record counts as touched (strict).
const maxTouchedWalk = 200_000

// touchedPaths returns the files a change from base to head adds, modifies or
// deletes: the difference between head and the point where it left base (the
// merge bases, as `git merge-base` finds them), which is what the forge shows
// as the pull request's files. Files changed on base since then are not the
// change's. It decides only which clock findings fail a check, never who may
// sign what (verify decides that from its own strict reading of the trees); on
// any doubt — no common history, an unreadable object — it returns ok false and
// the caller treats every record as touched.
func touchedPaths(repo *git.Repository, base, head plumbing.Hash) (paths map[string]bool, ok bool) {
	bases, err := mergeBases(repo, base, head)
	if err != nil || len(bases) == 0 {
		return nil, false
	}
	headTree, err := treeOf(repo, head)
	if err != nil {
		return nil, false
	}
	paths = map[string]bool{}
	for _, b := range bases {
		t, err := treeOf(repo, b)
		if err != nil {
			return nil, false
		}
		if err := diffTrees(repo, "", t, headTree, paths); err != nil {
			return nil, false
		}
	}
	return paths, true
}

func treeOf(repo *git.Repository, c plumbing.Hash) (plumbing.Hash, error) {
	co, err := repo.CommitObject(c)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return co.TreeHash, nil
}

// diffTrees adds to out every file path below prefix that differs between the
// trees a and b (either may be zero: absent). Equal subtrees are skipped by id,
// so the cost is that of the change, not of the repository.
func diffTrees(repo *git.Repository, prefix string, a, b plumbing.Hash, out map[string]bool) error {
	if a == b {
		return nil
	}
	ea, err := entries(repo, a)
	if err != nil {
		return err
	}
	eb, err := entries(repo, b)
	if err != nil {
		return err
	}
	names := map[string]bool{}
	for n := range ea {
		names[n] = true
	}
	for n := range eb {
		names[n] = true
	}
	for n := range names {
		x, inA := ea[n]
		y, inB := eb[n]
		if inA && inB && x.Hash == y.Hash && x.Mode == y.Mode {
			continue
		}
		p := prefix + n
		var subA, subB plumbing.Hash
		if inA && x.Mode == filemode.Dir {
			subA = x.Hash
		} else if inA {
			out[p] = true
		}
		if inB && y.Mode == filemode.Dir {
			subB = y.Hash
		} else if inB {
			out[p] = true
		}
		if !subA.IsZero() || !subB.IsZero() {
			if err := diffTrees(repo, p+"/", subA, subB, out); err != nil {
				return err
			}
		}
	}
	return nil
}

func entries(repo *git.Repository, t plumbing.Hash) (map[string]object.TreeEntry, error) {
	out := map[string]object.TreeEntry{}
	if t.IsZero() {
		return out, nil
	}
	tree, err := repo.TreeObject(t)
	if err != nil {
		return nil, err
	}
	for _, e := range tree.Entries {
		if _, dup := out[e.Name]; dup {
			return nil, fmt.Errorf("tree %s lists %q twice", t, e.Name)
		}
		out[e.Name] = e
	}
	return out, nil
}

// Flags of the merge-base walk, as in git's paint_down_to_common.
const (
	fromBase = 1 << iota
	fromHead
	stale
)

type walkItem struct {
	id      plumbing.Hash
	when    int64
	parents []plumbing.Hash
}

type walkQueue []walkItem

func (q walkQueue) Len() int { return len(q) }
func (q walkQueue) Less(i, j int) bool {
	if q[i].when != q[j].when {
		return q[i].when > q[j].when // newest first
	}
	return q[i].id.String() < q[j].id.String()
}
func (q walkQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *walkQueue) Push(x any)   { *q = append(*q, x.(walkItem)) }
func (q *walkQueue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}

// mergeBases finds the common ancestors of base and head that no other common
// ancestor is newer than, walking newest first from both and stopping once
// every commit still queued is known to lie below a common ancestor. The walk
// reads commits near the two tips only, so it costs the same on any history.
func mergeBases(repo *git.Repository, base, head plumbing.Hash) ([]plumbing.Hash, error) {
	flags := map[plumbing.Hash]int{}
	q := &walkQueue{}
	push := func(id plumbing.Hash, f int) error {
		c, err := repo.CommitObject(id)
		if err != nil {
			return err
		}
		flags[id] |= f
		heap.Push(q, walkItem{id: id, when: c.Committer.When.Unix(), parents: c.ParentHashes})
		return nil
	}
	if base == head {
		return []plumbing.Hash{base}, nil
	}
	if err := push(base, fromBase); err != nil {
		return nil, err
	}
	if err := push(head, fromHead); err != nil {
		return nil, err
	}
	var result []plumbing.Hash
	seen := map[plumbing.Hash]bool{}
	for steps := 0; q.Len() > 0; steps++ {
		if steps > maxTouchedWalk {
			return nil, fmt.Errorf("no common ancestor within %d commits", maxTouchedWalk)
		}
		if allStale(*q, flags) {
			break
		}
		it := heap.Pop(q).(walkItem)
		f := flags[it.id] & (fromBase | fromHead | stale)
		if f == fromBase|fromHead {
			if !seen[it.id] {
				seen[it.id] = true
				result = append(result, it.id)
			}
			f |= stale
			flags[it.id] |= stale
		}
		for _, p := range it.parents {
			if flags[p]&f == f {
				continue
			}
			if err := push(p, f); err != nil {
				return nil, err
			}
		}
	}
	return result, nil
}

func allStale(q walkQueue, flags map[plumbing.Hash]int) bool {
	for _, it := range q {
		if flags[it.id]&stale == 0 {
			return false
		}
	}
	return true
}
