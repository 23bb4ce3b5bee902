package verify

import (
	"sync"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// treeCache keeps decoded trees: consecutive commits share almost all of them,
// so a long range reads each folder once instead of once per commit.
type treeCache struct {
	repo *git.Repository
	mu   sync.Mutex
	m    map[plumbing.Hash]*object.Tree
}

const treeCacheSize = 8192

func newTreeCache(repo *git.Repository) *treeCache {
	return &treeCache{repo: repo, m: map[plumbing.Hash]*object.Tree{}}
}

func (tc *treeCache) tree(h plumbing.Hash) (*object.Tree, error) {
	tc.mu.Lock()
	t, ok := tc.m[h]
	tc.mu.Unlock()
	if ok {
		return t, nil
	}
	t, err := tc.repo.TreeObject(h)
	if err != nil {
		return nil, err
	}
	tc.mu.Lock()
	if len(tc.m) >= treeCacheSize {
		clear(tc.m) // simple and bounded; the working set refills quickly
	}
	tc.m[h] = t
	tc.mu.Unlock()
	return t, nil
}

// diff lists the file paths that differ between two trees (from may be zero for
// "nothing"), descending only into folders whose ids differ.
func (tc *treeCache) diff(from, to plumbing.Hash) ([]change, error) {
	var out []change
	err := tc.diffInto(&out, "", from, to)
	return out, err
}

func (tc *treeCache) entries(h plumbing.Hash) ([]object.TreeEntry, error) {
	if h.IsZero() {
		return nil, nil
	}
	t, err := tc.tree(h)
	if err != nil {
		return nil, err
	}
	return t.Entries, nil
}

func (tc *treeCache) diffInto(out *[]change, prefix string, from, to plumbing.Hash) error {
	if from == to {
		return nil
	}
	a, err := tc.entries(from)
	if err != nil {
		return err
	}
	b, err := tc.entries(to)
	if err != nil {
		return err
	}
	byName := map[string]*object.TreeEntry{}
	for i := range a {
		byName[a[i].Name] = &a[i]
	}
	seen := map[string]bool{}
	for i := range b {
		e := &b[i]
		seen[e.Name] = true
		if err := tc.entryDiff(out, prefix+e.Name, byName[e.Name], e); err != nil {
			return err
		}
	}
	for i := range a {
		if !seen[a[i].Name] {
			if err := tc.entryDiff(out, prefix+a[i].Name, &a[i], nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// entryDiff compares one name on both sides; folders recurse, anything else is a file change.
func (tc *treeCache) entryDiff(out *[]change, p string, from, to *object.TreeEntry) error {
	if from != nil && to != nil && from.Hash == to.Hash && from.Mode == to.Mode {
		return nil
	}
	isDir := func(e *object.TreeEntry) bool { return e != nil && e.Mode == filemode.Dir }
	var fromDir, toDir plumbing.Hash
	if isDir(from) {
		fromDir = from.Hash
	}
	if isDir(to) {
		toDir = to.Hash
	}
	if !fromDir.IsZero() || !toDir.IsZero() {
		if err := tc.diffInto(out, p+"/", fromDir, toDir); err != nil {
			return err
		}
	}
	ch := change{path: p}
	if from != nil && !isDir(from) {
		ch.from = from
	}
	if to != nil && !isDir(to) {
		ch.to = to
	}
	if ch.from != nil || ch.to != nil {
		*out = append(*out, ch)
	}
	return nil
}
