package gittree

import (
	"errors"
	"fmt"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/embargo-tool/embargo/tools/internal/gitobj"
)

// store writes one object into s and returns its id.
func store(t *testing.T, s *memory.Storage, typ plumbing.ObjectType, data []byte) plumbing.Hash {
	t.Helper()
	o := s.NewEncodedObject()
	o.SetType(typ)
	w, err := o.Writer()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	w.Close()
	h, err := s.SetEncodedObject(o)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// fanTree is a tree of n entries named e0000, e0001, ... all pointing at one
// object of the given mode.
func fanTree(t *testing.T, s *memory.Storage, n int, mode filemode.FileMode, to plumbing.Hash) plumbing.Hash {
	t.Helper()
	entries := make([]gitobj.TreeEntry, n)
	for i := range entries {
		entries[i] = gitobj.TreeEntry{Name: fmt.Sprintf("e%04d", i), Mode: mode, Hash: to}
	}
	return store(t, s, plumbing.TreeObject, gitobj.EncodeTree(entries))
}

// A tree is a graph, not a tree: one folder object may appear under many
// names. Two folders of 1,100 entries that all point at one object (70 KB of
// objects) stand for 1,210,000 files; one more level for 1.3 billion. A
// member's commit holding them must be refused after a bounded amount of
// work, not expanded in memory until the hook or the CI runner is killed.
func TestAttackTreeBomb(t *testing.T) {
	s := memory.NewStorage()
	blob := store(t, s, plumbing.BlobObject, []byte("x\n"))
	leaf := fanTree(t, s, 1100, filemode.Regular, blob)
	mid := fanTree(t, s, 1100, filemode.Dir, leaf)
	root := store(t, s, plumbing.TreeObject, gitobj.EncodeTree([]gitobj.TreeEntry{{Name: "issues", Mode: filemode.Dir, Hash: mid}}))
	r := New(s)

	chs, err := r.Diff(plumbing.ZeroHash, root)
	if err == nil || !Malformed(err) {
		t.Errorf("Diff expanded %d changes from 3 tree objects (err %v); want an error once the entries visited pass a bound", len(chs), err)
	}
	files, err := r.Files(root, "")
	if err == nil || !Malformed(err) {
		t.Errorf("Files listed %d files from 3 tree objects (err %v); want an error once the entries visited pass a bound", len(files), err)
	}
	var te *Error
	if err != nil && !errors.As(err, &te) {
		t.Errorf("error %v is not a *gittree.Error naming the folder", err)
	}
}
