// Package gittree reads git trees for every decision the tool makes: the files
// of a state (whose trust is read from them), what a commit changes, and the
// entries a merge is compared on. There is one reader, and it is strict: every
// tree goes through gitobj.ParseTree, which refuses what `git fsck --strict`
// refuses, so a hand-made tree cannot show one file to the change set and
// another to the state read after it. A malformed tree is an error, never a
// partial answer. Folders nest at most MaxDepth deep, and every walk costs time
// in proportion to the entries it visits, at most MaxEntries.
package gittree

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/embargo-tool/embargo/tools/internal/gitobj"
)

// MaxDepth is how deep folders may nest below the root. A policy repository
// needs a handful of levels; the bound keeps a hand-made chain of folders from
// costing time and memory in the square of its depth.
const MaxDepth = 64

// MaxEntries bounds the entries one Diff or Files call visits. A git tree is
// a graph: one folder object may stand under many names, so three small
// objects can stand for a billion paths. Past the bound the walk stops with an
// error instead of expanding them; a real change or state is far smaller.
const MaxEntries = 1 << 20

// ErrNotFound is returned by Lookup when there is no entry at the path.
var ErrNotFound = errors.New("no such entry")

// Error is a tree that cannot be read or is malformed, with the folder it
// stands for ("" for the root).
type Error struct {
	Dir  string // the folder, with a trailing "/" unless root
	Tree plumbing.Hash
	Err  error
}

func (e *Error) Error() string {
	where := "root tree"
	if e.Dir != "" {
		where = "tree of " + e.Dir
	}
	return fmt.Sprintf("%s (%s): %v", where, e.Tree.String()[:12], e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Malformed reports whether err says a tree is one git would refuse (or nests
// too deep), as opposed to an object that could not be read.
func Malformed(err error) bool {
	return errors.Is(err, gitobj.ErrMalformedTree) || errors.Is(err, gitobj.ErrTooDeep) ||
		errors.Is(err, gitobj.ErrHashMismatch) || errors.Is(err, gitobj.ErrTooLarge)
}

// Reader reads trees from an object store and keeps the ones it parsed:
// consecutive commits share almost all their trees. It is safe for concurrent
// use if the store is.
type Reader struct {
	objects storer.EncodedObjectStorer
	mu      sync.Mutex
	cache   map[plumbing.Hash]*gitobj.Tree
	cached  int // bytes of the cached trees' objects
}

// cacheBytes bounds the cache: the working set of a range is a few folders.
const cacheBytes = 32 << 20

// New returns a Reader over objects.
func New(objects storer.EncodedObjectStorer) *Reader {
	return &Reader{objects: objects, cache: map[plumbing.Hash]*gitobj.Tree{}}
}

// Objects returns the store the reader reads from.
func (r *Reader) Objects() storer.EncodedObjectStorer { return r.objects }

// Tree returns the parsed tree h; the zero hash is the empty tree.
func (r *Reader) Tree(h plumbing.Hash) (*gitobj.Tree, error) {
	if h.IsZero() {
		return &gitobj.Tree{}, nil
	}
	r.mu.Lock()
	t, ok := r.cache[h]
	r.mu.Unlock()
	if ok {
		return t, nil
	}
	t, err := gitobj.ReadTree(r.objects, h)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	if r.cached+t.Size > cacheBytes {
		clear(r.cache) // simple and bounded; the working set refills quickly
		r.cached = 0
	}
	r.cache[h] = t
	r.cached += t.Size
	r.mu.Unlock()
	return t, nil
}

// tree is Tree with the folder named in errors.
func (r *Reader) tree(h plumbing.Hash, dir string) (*gitobj.Tree, error) {
	t, err := r.Tree(h)
	if err != nil {
		return nil, &Error{Dir: dir, Tree: h, Err: err}
	}
	return t, nil
}

// Lookup returns the entry at slash-separated path p below root: ErrNotFound
// when there is none, an *Error when a tree on the way is malformed.
func (r *Reader) Lookup(root plumbing.Hash, p string) (gitobj.TreeEntry, error) {
	if p == "" || strings.Count(p, "/") >= MaxDepth {
		return gitobj.TreeEntry{}, ErrNotFound
	}
	cur, dir := root, ""
	for {
		seg, rest, more := strings.Cut(p, "/")
		t, err := r.tree(cur, dir)
		if err != nil {
			return gitobj.TreeEntry{}, err
		}
		e, ok := t.Find(seg)
		if !ok {
			return gitobj.TreeEntry{}, ErrNotFound
		}
		if !more {
			return e, nil
		}
		if !e.IsDir() {
			return gitobj.TreeEntry{}, ErrNotFound
		}
		cur, dir, p = e.Hash, dir+seg+"/", rest
	}
}

// File is one non-folder entry below a tree, with its path.
type File struct {
	Path string
	gitobj.TreeEntry
}

// Files lists every non-folder entry below folder h, whose path is prefix
// (with its trailing "/", or "" for the root), in git's order.
func (r *Reader) Files(h plumbing.Hash, prefix string) ([]File, error) {
	var out []File
	left := MaxEntries
	err := r.files(&out, h, prefix, strings.Count(prefix, "/"), &left)
	return out, err
}

// spend takes n entries from the budget of one walk.
func spend(left *int, n int, dir string, h plumbing.Hash) error {
	if *left -= n; *left < 0 {
		return &Error{Dir: dir, Tree: h, Err: fmt.Errorf("%w: more than %d entries in one walk (one folder repeated under many names?)", gitobj.ErrTooLarge, MaxEntries)}
	}
	return nil
}

func (r *Reader) files(out *[]File, h plumbing.Hash, prefix string, depth int, left *int) error {
	if depth > MaxDepth {
		return &Error{Dir: prefix, Tree: h, Err: fmt.Errorf("%w: more than %d levels", gitobj.ErrTooDeep, MaxDepth)}
	}
	t, err := r.tree(h, prefix)
	if err != nil {
		return err
	}
	if err := spend(left, len(t.Entries), prefix, h); err != nil {
		return err
	}
	for _, e := range t.Entries {
		if e.IsDir() {
			if err := r.files(out, e.Hash, prefix+e.Name+"/", depth+1, left); err != nil {
				return err
			}
			continue
		}
		*out = append(*out, File{Path: prefix + e.Name, TreeEntry: e})
	}
	return nil
}

// Change is one non-folder path that differs between two trees, or a folder
// that is empty on the to side (To is then the folder's entry).
type Change struct {
	Path     string
	From, To *gitobj.TreeEntry // nil when absent on that side
	// CaseTwin is set when the change adds an entry (the file, or a folder on
	// its path) whose name differs from a sibling's only in letter case: the
	// sibling's path. Such names collide on case-insensitive file systems.
	CaseTwin string
}

// Diff lists the non-folder paths that differ between trees from and to (from
// may be zero, for "nothing"), in git's order, descending only into folders
// whose ids differ: its cost follows the size of the change. Any malformed
// tree it meets, on either side, is an *Error: the diff is all or nothing.
func (r *Reader) Diff(from, to plumbing.Hash) ([]Change, error) {
	var out []Change
	left := MaxEntries
	err := r.diff(&out, "", 0, from, to, "", &left)
	return out, err
}

func (r *Reader) diff(out *[]Change, prefix string, depth int, from, to plumbing.Hash, twin string, left *int) error {
	if from == to {
		return nil
	}
	if depth > MaxDepth {
		return &Error{Dir: prefix, Tree: to, Err: fmt.Errorf("%w: more than %d levels", gitobj.ErrTooDeep, MaxDepth)}
	}
	a, err := r.tree(from, prefix)
	if err != nil {
		return err
	}
	b, err := r.tree(to, prefix)
	if err != nil {
		return err
	}
	if err := spend(left, len(a.Entries)+len(b.Entries), prefix, to); err != nil {
		return err
	}
	if prefix != "" && !to.IsZero() && len(b.Entries) == 0 {
		// An empty folder holds no file to list, but it is an entry the
		// commit adds (git never writes one): it is a change of its own.
		p := strings.TrimSuffix(prefix, "/")
		*out = append(*out, Change{Path: p, To: &gitobj.TreeEntry{Name: path.Base(p), Mode: filemode.Dir, Hash: to}, CaseTwin: twin})
		return nil
	}
	// Both sides are in git's order: merge them in one pass.
	i, j := 0, 0
	for i < len(a.Entries) || j < len(b.Entries) {
		var x, y *gitobj.TreeEntry
		switch {
		case j == len(b.Entries):
			x, i = &a.Entries[i], i+1
		case i == len(a.Entries):
			y, j = &b.Entries[j], j+1
		case a.Entries[i].Name == b.Entries[j].Name:
			x, y = &a.Entries[i], &b.Entries[j]
			i, j = i+1, j+1
		case gitobj.CompareTreeOrder(a.Entries[i], b.Entries[j]) < 0:
			x, i = &a.Entries[i], i+1
		default:
			y, j = &b.Entries[j], j+1
		}
		if x != nil && y != nil && x.Hash == y.Hash && x.Mode == y.Mode {
			continue
		}
		name := ""
		if x != nil {
			name = x.Name
		} else {
			name = y.Name
		}
		entryTwin := twin
		if entryTwin == "" && y != nil && (x == nil || x.IsDir() != y.IsDir()) {
			if other := b.CaseTwin(name); other != "" {
				entryTwin = prefix + other
			}
		}
		if err := r.entryDiff(out, prefix+name, depth, x, y, entryTwin, left); err != nil {
			return err
		}
	}
	return nil
}

// entryDiff compares one name on both sides; folders recurse, anything else
// is a file change.
func (r *Reader) entryDiff(out *[]Change, p string, depth int, from, to *gitobj.TreeEntry, twin string, left *int) error {
	var fromDir, toDir plumbing.Hash
	if from != nil && from.IsDir() {
		fromDir = from.Hash
	}
	if to != nil && to.IsDir() {
		toDir = to.Hash
	}
	if !fromDir.IsZero() || !toDir.IsZero() {
		if err := r.diff(out, p+"/", depth+1, fromDir, toDir, twin, left); err != nil {
			return err
		}
	}
	ch := Change{Path: p, CaseTwin: twin}
	// Copies with their own names, so a change does not keep its tree alive.
	if from != nil && !from.IsDir() {
		e := *from
		e.Name = strings.Clone(e.Name)
		ch.From = &e
	}
	if to != nil && !to.IsDir() {
		e := *to
		e.Name = strings.Clone(e.Name)
		ch.To = &e
	}
	if ch.From != nil || ch.To != nil {
		*out = append(*out, ch)
	}
	return nil
}
