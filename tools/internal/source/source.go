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

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/embargo-tool/embargo/tools/internal/gitpack"
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

// Tree reads the files of one git tree.
type Tree struct {
	Tree *object.Tree
	Desc string // e.g. "commit 1a2b3c4"
}

// AtRevision resolves rev (a branch, tag or commit id) in the repository at dir.
func AtRevision(dir, rev string) (*Tree, error) {
	repo, err := OpenRepo(dir)
	if err != nil {
		return nil, err
	}
	return RevisionOf(repo, rev)
}

// OpenRepo opens the git repository at dir (or above it). Objects in pack
// files are read by gitpack, which touches only the part of a pack index a
// lookup needs, so reading a few objects costs the same on any history.
func OpenRepo(dir string) (*git.Repository, error) {
	root, err := findGitDir(dir)
	if err != nil {
		return nil, err
	}
	dot := osfs.New(filepath.Join(root, ".git"))
	if fi, err := os.Stat(filepath.Join(root, ".git")); err == nil && !fi.IsDir() {
		// a worktree or submodule .git file: let go-git resolve it
		return git.PlainOpenWithOptions(root, &git.PlainOpenOptions{DetectDotGit: true})
	}
	// go-git's own object cache now serves only loose and very large objects.
	st := filesystem.NewStorageWithOptions(dot, cache.NewObjectLRU(4*cache.MiByte), filesystem.Options{KeepDescriptors: true})
	var storage storage.Storer = st
	packs, err := gitpack.Open(filepath.Join(root, ".git", "objects"))
	switch {
	case err == nil:
		storage = &packedStorage{Storage: st, packs: packs}
	case !errors.Is(err, gitpack.ErrUnsupported): // an old pack format: go-git reads it all
		return nil, fmt.Errorf("open git repository %s: %w", dir, err)
	}
	repo, err := git.Open(storage, osfs.New(root))
	if err != nil {
		return nil, fmt.Errorf("open git repository %s: %w", dir, err)
	}
	return repo, nil
}

func findGitDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("open git repository %s: %w", dir, git.ErrRepositoryNotExists)
		}
	}
}

// RevisionOf resolves rev in an open repository.
func RevisionOf(repo *git.Repository, rev string) (*Tree, error) {
	h, err := repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return nil, fmt.Errorf("resolve revision %q: %w", rev, err)
	}
	c, err := repo.CommitObject(*h)
	if err != nil {
		return nil, fmt.Errorf("revision %q: %w", rev, err)
	}
	t, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("tree of %s: %w", c.Hash, err)
	}
	return &Tree{Tree: t, Desc: "commit " + c.Hash.String()[:12]}, nil
}

// Name implements Source.
func (t *Tree) Name() string { return t.Desc }

// List implements Source.
func (t *Tree) List(tops ...string) ([]Entry, error) {
	var out []Entry
	for _, top := range tops {
		e, err := t.Tree.FindEntry(top)
		if errors.Is(err, object.ErrEntryNotFound) || errors.Is(err, object.ErrDirectoryNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if e.Mode != filemode.Dir {
			out = append(out, entryOf(top, e.Mode))
			continue
		}
		sub, err := t.Tree.Tree(top)
		if err != nil {
			return nil, err
		}
		w := object.NewTreeWalker(sub, true, nil)
		for {
			name, e, err := w.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				w.Close()
				return nil, err
			}
			if e.Mode == filemode.Dir {
				continue
			}
			out = append(out, entryOf(path.Join(top, name), e.Mode))
		}
		w.Close()
	}
	sortEntries(out)
	return out, nil
}

func entryOf(p string, m filemode.FileMode) Entry {
	switch m {
	case filemode.Regular, filemode.Executable, filemode.Deprecated:
		return Entry{Path: p, Regular: true, Kind: "file"}
	case filemode.Symlink:
		return Entry{Path: p, Kind: "symlink"}
	case filemode.Submodule:
		return Entry{Path: p, Kind: "submodule"}
	}
	return Entry{Path: p, Kind: "other"}
}

// Read implements Source.
func (t *Tree) Read(p string) ([]byte, error) {
	e, err := t.Tree.FindEntry(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, fs.ErrNotExist)
	}
	if !entryOf(p, e.Mode).Regular {
		return nil, fmt.Errorf("%s: not a regular file: %w", p, fs.ErrNotExist)
	}
	f, err := t.Tree.TreeEntryFile(e)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if f.Size > MaxFileSize {
		return nil, fmt.Errorf("%s: %d bytes: %w", p, f.Size, ErrTooLarge)
	}
	r, err := f.Reader()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	defer r.Close()
	return readBounded(r, p)
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
