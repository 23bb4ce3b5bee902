package gitsign

import (
	"fmt"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// TreeBuilder keeps a tree in memory and rewrites only the folders a change
// touches, so a long series of small commits costs what the changes cost, not
// what the whole tree costs.
type TreeBuilder struct {
	s    storer.EncodedObjectStorer
	root *dirNode
}

type dirNode struct {
	files map[string]plumbing.Hash
	dirs  map[string]*dirNode
	hash  plumbing.Hash // zero when dirty
}

func newDirNode() *dirNode {
	return &dirNode{files: map[string]plumbing.Hash{}, dirs: map[string]*dirNode{}}
}

// NewTreeBuilder starts an empty tree.
func NewTreeBuilder(s storer.EncodedObjectStorer) *TreeBuilder {
	return &TreeBuilder{s: s, root: newDirNode()}
}

// Set writes content as a blob at path p.
func (b *TreeBuilder) Set(p string, content []byte) error {
	h, err := writeObject(b.s, plumbing.BlobObject, content)
	if err != nil {
		return err
	}
	d, name := b.walk(p, true)
	d.files[name] = h
	return nil
}

// Delete removes path p; a missing path is an error.
func (b *TreeBuilder) Delete(p string) error {
	d, name := b.walk(p, false)
	if d == nil {
		return fmt.Errorf("delete %s: no such path", p)
	}
	if _, ok := d.files[name]; !ok {
		return fmt.Errorf("delete %s: no such file", p)
	}
	delete(d.files, name)
	return nil
}

// walk returns the folder holding p (creating folders when create is set) and
// marks every folder on the way dirty.
func (b *TreeBuilder) walk(p string, create bool) (*dirNode, string) {
	parts := strings.Split(p, "/")
	d := b.root
	d.hash = plumbing.ZeroHash
	for _, seg := range parts[:len(parts)-1] {
		next := d.dirs[seg]
		if next == nil {
			if !create {
				return nil, ""
			}
			next = newDirNode()
			d.dirs[seg] = next
		}
		next.hash = plumbing.ZeroHash
		d = next
	}
	return d, parts[len(parts)-1]
}

// Write stores the dirty folders and returns the root tree's id.
func (b *TreeBuilder) Write() (plumbing.Hash, error) { return b.write(b.root) }

func (b *TreeBuilder) write(d *dirNode) (plumbing.Hash, error) {
	if !d.hash.IsZero() {
		return d.hash, nil
	}
	var t object.Tree
	for name, h := range d.files {
		t.Entries = append(t.Entries, object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: h})
	}
	for name, sub := range d.dirs {
		h, err := b.write(sub)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		t.Entries = append(t.Entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
	}
	sort.Slice(t.Entries, func(i, j int) bool { return sortName(t.Entries[i]) < sortName(t.Entries[j]) })
	obj := b.s.NewEncodedObject()
	if err := t.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	h, err := b.s.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	d.hash = h
	return h, nil
}
