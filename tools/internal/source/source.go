// Package source lists and reads the repository's files, either from the working
// tree or from a commit's git objects (so that trust can be read from a base state
// that a pull request cannot touch). It refuses symlinks, submodules and other
// non-regular files, and bounds how much it reads.
package source

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/embargo-tool/embargo/tools/internal/gitobj"
	"github.com/embargo-tool/embargo/tools/internal/gittree"
)

// MaxFileSize is the most bytes Read returns for one file.
const MaxFileSize = 1 << 20

// ErrTooLarge is returned by Read for a file over MaxFileSize.
var ErrTooLarge = errors.New("file too large")

// Entry is one path in the repository.
type Entry struct {
	Path    string // slash-separated, relative to the repository root
	Regular bool   // false for symlinks, submodules, devices, ...
	Kind    string // "file", "symlink", "submodule", "other"
}

// Source is a read-only view of the repository's files.
type Source interface {
	// List returns every entry below the top-level names given (files or folders),
	// sorted by path. Missing names are skipped.
	List(tops ...string) ([]Entry, error)
	// Read returns a regular file's content; it fails with ErrTooLarge past MaxFileSize
	// and with fs.ErrNotExist when there is no such regular file.
	Read(p string) ([]byte, error)
	// Name says where the files come from, for messages.
	Name() string
}

// Dir reads the working tree at root.
type Dir struct{ Root string }

// Name implements Source.
func (d Dir) Name() string { return d.Root }

// List implements Source.
func (d Dir) List(tops ...string) ([]Entry, error) {
	var out []Entry
	for _, top := range tops {
		base := filepath.Join(d.Root, filepath.FromSlash(top))
		if _, err := os.Lstat(base); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		err := filepath.WalkDir(base, func(p string, de fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if de.IsDir() {
				return nil
			}
			rel, err := filepath.Rel(d.Root, p)
			if err != nil {
				return err
			}
			e := Entry{Path: filepath.ToSlash(rel), Kind: "file", Regular: de.Type().IsRegular()}
			if !e.Regular {
				e.Kind = "other"
				if de.Type()&fs.ModeSymlink != 0 {
					e.Kind = "symlink"
				}
			}
			out = append(out, e)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sortEntries(out)
	return out, nil
}

// Read implements Source.
func (d Dir) Read(p string) ([]byte, error) {
	return readRegular(filepath.Join(d.Root, filepath.FromSlash(p)), p)
}

// Tree reads the files of one git tree through the strict tree reader, the
// same one the verifier diffs with: what a state's trust is read from is
// exactly what a change was judged on.
type Tree struct {
	Trees *gittree.Reader
	Root  plumbing.Hash // the root tree
	Desc  string        // e.g. "commit 1a2b3c4"
}

// AtRevision resolves rev (a branch, tag or commit id) in the repository at dir.
func AtRevision(dir, rev string) (*Tree, error) {
	repo, err := OpenRepo(dir)
	if err != nil {
		return nil, err
	}
	return RevisionOf(repo, rev)
}

// RevisionOf resolves rev in an open repository (see Resolve) and returns
// the tree of the commit it names.
func RevisionOf(repo *git.Repository, rev string) (*Tree, error) {
	h, err := Resolve(repo, rev)
	if err != nil {
		return nil, err
	}
	return CommitTree(gittree.New(repo.Storer), h)
}

// CommitTree returns the tree of commit h, read by the strict commit reader.
func CommitTree(trees *gittree.Reader, h plumbing.Hash) (*Tree, error) {
	c, err := gitobj.ReadCommit(trees.Objects(), h)
	if err != nil {
		return nil, err
	}
	return &Tree{Trees: trees, Root: c.Tree, Desc: "commit " + h.String()[:12]}, nil
}

// Name implements Source.
func (t *Tree) Name() string { return t.Desc }

// List implements Source. A malformed tree on the way is an error (see
// gittree.Malformed), never a shorter list.
func (t *Tree) List(tops ...string) ([]Entry, error) {
	var out []Entry
	for _, top := range tops {
		e, err := t.Trees.Lookup(t.Root, top)
		if errors.Is(err, gittree.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.Desc, err)
		}
		if !e.IsDir() {
			out = append(out, entryOf(top, e.Mode))
			continue
		}
		files, err := t.Trees.Files(e.Hash, top+"/")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.Desc, err)
		}
		for _, f := range files {
			out = append(out, entryOf(f.Path, f.Mode))
		}
	}
	sortEntries(out)
	return out, nil
}

func entryOf(p string, m filemode.FileMode) Entry {
	switch m {
	case filemode.Regular, filemode.Executable:
		return Entry{Path: p, Regular: true, Kind: "file"}
	case filemode.Symlink:
		return Entry{Path: p, Kind: "symlink"}
	case filemode.Submodule:
		return Entry{Path: p, Kind: "submodule"}
	}
	return Entry{Path: p, Kind: "other"}
}

// Read implements Source. The bytes are checked against the blob's id.
func (t *Tree) Read(p string) ([]byte, error) {
	e, err := t.Trees.Lookup(t.Root, p)
	if errors.Is(err, gittree.ErrNotFound) {
		return nil, fmt.Errorf("%s: %w", p, fs.ErrNotExist)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if !entryOf(p, e.Mode).Regular {
		return nil, fmt.Errorf("%s: not a regular file: %w", p, fs.ErrNotExist)
	}
	data, err := gitobj.ReadBlob(t.Trees.Objects(), e.Hash, MaxFileSize)
	if errors.Is(err, gitobj.ErrTooLarge) {
		return nil, fmt.Errorf("%s: more than %d bytes: %w", p, MaxFileSize, ErrTooLarge)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return data, nil
}

func readBounded(r io.Reader, p string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s: more than %d bytes: %w", p, MaxFileSize, ErrTooLarge)
	}
	return data, nil
}

func sortEntries(es []Entry) {
	sort.Slice(es, func(i, j int) bool { return es[i].Path < es[j].Path })
}

// IsHidden reports whether a path segment starts with a dot (editor swap files, .gitkeep).
func IsHidden(p string) bool { return strings.HasPrefix(path.Base(p), ".") }
