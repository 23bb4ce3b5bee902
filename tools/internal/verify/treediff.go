package verify

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// entry is one entry of a git tree object.
type entry struct {
	Name string
	Mode filemode.FileMode
	Hash plumbing.Hash
}

// rawTree is a tree object parsed by hand: one allocation for all names, and
// the checks git's fsck makes on names and order, so a hand-made tree cannot
// make one path mean two things.
type rawTree struct {
	entries   []entry
	malformed string // why git would reject this tree, or ""
	badName   string // the entry the problem is at
}

// treeCache keeps parsed trees: consecutive commits share almost all of them,
// so a long range reads each folder once instead of once per commit.
type treeCache struct {
	repo *git.Repository
	mu   sync.Mutex
	m    map[plumbing.Hash]*rawTree
}

const treeCacheSize = 256 // bounded: the working set of a range is a few folders

func newTreeCache(repo *git.Repository) *treeCache {
	return &treeCache{repo: repo, m: map[plumbing.Hash]*rawTree{}}
}

func (tc *treeCache) tree(h plumbing.Hash) (*rawTree, error) {
	if h.IsZero() {
		return &rawTree{}, nil
	}
	tc.mu.Lock()
	t, ok := tc.m[h]
	tc.mu.Unlock()
	if ok {
		return t, nil
	}
	obj, err := tc.repo.Storer.EncodedObject(plumbing.TreeObject, h)
	if err != nil {
		return nil, fmt.Errorf("tree %s: %w", h, err)
	}
	r, err := obj.Reader()
	if err != nil {
		return nil, err
	}
	// Read straight into one string of the right size: the names are
	// substrings of it, so a tree costs two allocations, not one per entry.
	var buf strings.Builder
	buf.Grow(int(obj.Size()))
	_, err = io.Copy(&buf, r)
	r.Close()
	if err != nil {
		return nil, err
	}
	if t, err = parseTree(buf.String()); err != nil {
		return nil, fmt.Errorf("tree %s: %w", h, err)
	}
	tc.mu.Lock()
	if len(tc.m) >= treeCacheSize {
		clear(tc.m) // simple and bounded; the working set refills quickly
	}
	tc.m[h] = t
	tc.mu.Unlock()
	return t, nil
}

// parseTree reads "<octal mode> <name>\x00<20-byte id>" entries.
func parseTree(data string) (*rawTree, error) {
	t := &rawTree{entries: make([]entry, 0, strings.Count(data, "\x00"))}
	for i := 0; i < len(data); {
		sp := strings.IndexByte(data[i:], ' ')
		if sp < 0 {
			return nil, fmt.Errorf("truncated tree entry")
		}
		mode, err := parseMode(data[i : i+sp])
		if err != nil {
			return nil, err
		}
		nameStart := i + sp + 1
		nul := strings.IndexByte(data[nameStart:], 0)
		if nul < 0 || nameStart+nul+1+20 > len(data) {
			return nil, fmt.Errorf("truncated tree entry")
		}
		e := entry{Name: data[nameStart : nameStart+nul], Mode: filemode.FileMode(mode)}
		copy(e.Hash[:], data[nameStart+nul+1:])
		i = nameStart + nul + 1 + 20
		if t.malformed == "" {
			t.check(e)
		}
		t.entries = append(t.entries, e)
	}
	return t, nil
}

// parseMode reads a tree entry's octal mode; the modes git writes are
// recognized without a number parse, which is most of a tree's parsing time.
func parseMode(m string) (uint64, error) {
	switch m {
	case "100644":
		return 0o100644, nil
	case "40000":
		return 0o40000, nil
	case "100755":
		return 0o100755, nil
	}
	mode, err := strconv.ParseUint(m, 8, 32)
	if err != nil {
		return 0, fmt.Errorf("bad mode %q", m)
	}
	return mode, nil
}

// check records the first problem git's fsck would report.
func (t *rawTree) check(e entry) {
	switch {
	case e.Name == "" || e.Name == "." || e.Name == ".." || len(e.Name) == 4 && strings.EqualFold(e.Name, ".git"):
		t.malformed = fmt.Sprintf("entry name %q is not allowed", e.Name)
	case strings.IndexByte(e.Name, '/') >= 0: // a NUL cannot occur: it ends the name
		t.malformed = "a file name holding \"/\""
	case len(t.entries) > 0:
		prev := t.entries[len(t.entries)-1]
		switch c := compareTreeOrder(prev, e); {
		case prev.Name == e.Name:
			t.malformed = "a name listed twice"
		case c > 0:
			t.malformed = "entries out of git's order"
		}
	}
	if t.malformed != "" {
		t.badName = e.Name
	}
}

// compareTreeOrder is git's tree order: folders compare as if their name
// ended in '/'. Its sign is that of comparing those names, built or not.
func compareTreeOrder(a, b entry) int {
	n := min(len(a.Name), len(b.Name))
	if c := strings.Compare(a.Name[:n], b.Name[:n]); c != 0 {
		return c
	}
	la, lb := treeKeyLen(a), treeKeyLen(b)
	for k := n; k < la && k < lb; k++ {
		if ca, cb := treeKeyByte(a, k), treeKeyByte(b, k); ca != cb {
			return int(ca) - int(cb)
		}
	}
	return la - lb
}

func treeKeyLen(e entry) int {
	if e.Mode == filemode.Dir {
		return len(e.Name) + 1
	}
	return len(e.Name)
}

func treeKeyByte(e entry, k int) byte {
	if k < len(e.Name) {
		return e.Name[k]
	}
	return '/'
}

// find returns the entry called name.
func (t *rawTree) find(name string) (entry, bool) {
	for _, e := range t.entries {
		if e.Name == name {
			return e, true
		}
	}
	return entry{}, false
}

// lookup walks path p from the root tree, folder by folder.
func (tc *treeCache) lookup(root plumbing.Hash, p string) (entry, bool) {
	cur := root
	parts := strings.Split(p, "/")
	for i, seg := range parts {
		t, err := tc.tree(cur)
		if err != nil {
			return entry{}, false
		}
		e, ok := t.find(seg)
		if !ok {
			return entry{}, false
		}
		if i == len(parts)-1 {
			return e, true
		}
		if e.Mode != filemode.Dir {
			return entry{}, false
		}
		cur = e.Hash
	}
	return entry{}, false
}

// diff lists the file paths that differ between two trees (from may be zero for
// "nothing"), descending only into folders whose ids differ. A malformed tree
// on the new side is reported as a change carrying the reason.
func (tc *treeCache) diff(from, to plumbing.Hash) ([]change, error) {
	var out []change
	err := tc.diffInto(&out, "", from, to)
	return out, err
}

func (tc *treeCache) diffInto(out *[]change, prefix string, from, to plumbing.Hash) error {
	if from == to {
		return nil
	}
	a, err := tc.tree(from)
	if err != nil {
		return err
	}
	b, err := tc.tree(to)
	if err != nil {
		return err
	}
	if b.malformed != "" {
		*out = append(*out, change{path: prefix + b.badName, malformed: b.malformed})
		return nil
	}
	// Both sides are sorted in git's order: merge them in one pass.
	i, j := 0, 0
	for i < len(a.entries) || j < len(b.entries) {
		var x, y *entry
		switch {
		case j == len(b.entries):
			x = &a.entries[i]
			i++
		case i == len(a.entries):
			y = &b.entries[j]
			j++
		case a.entries[i].Name == b.entries[j].Name:
			x, y = &a.entries[i], &b.entries[j]
			i, j = i+1, j+1
		case compareTreeOrder(a.entries[i], b.entries[j]) < 0:
			x = &a.entries[i]
			i++
		default:
			y = &b.entries[j]
			j++
		}
		name := ""
		if x != nil {
			name = x.Name
		} else {
			name = y.Name
		}
		if err := tc.entryDiff(out, prefix+name, x, y); err != nil {
			return err
		}
	}
	return nil
}

// entryDiff compares one name on both sides; folders recurse, anything else is a file change.
func (tc *treeCache) entryDiff(out *[]change, p string, from, to *entry) error {
	if from != nil && to != nil && from.Hash == to.Hash && from.Mode == to.Mode {
		return nil
	}
	isDir := func(e *entry) bool { return e != nil && e.Mode == filemode.Dir }
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
	// Copies, so a change does not keep its whole tree alive.
	ch := change{path: p}
	if from != nil && !isDir(from) {
		e := *from
		e.Name = strings.Clone(e.Name)
		ch.from = &e
	}
	if to != nil && !isDir(to) {
		e := *to
		e.Name = strings.Clone(e.Name)
		ch.to = &e
	}
	if ch.from != nil || ch.to != nil {
		*out = append(*out, ch)
	}
	return nil
}
