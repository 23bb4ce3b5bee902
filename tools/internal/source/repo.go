package source

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/embargo-tool/embargo/tools/internal/gitpack"
)

// ErrUnsupportedRepo is a repository this tool cannot read correctly (an
// object format, reference storage or pack format it does not know). It is
// never reported as a missing reference or object.
var ErrUnsupportedRepo = errors.New("unsupported repository format")

// OpenRepo opens the git repository at dir: a working tree's top folder (or a
// folder below it), or a bare repository such as a server's. Objects in pack
// files are read by gitpack, which touches only the part of a pack index a
// lookup needs, so reading a few objects costs the same on any history.
func OpenRepo(dir string) (*git.Repository, error) {
	return OpenRepoWith(dir, nil)
}

// OpenRepoWith is OpenRepo reading objects from the folders incoming too:
// git's quarantine of a push under review (GIT_OBJECT_DIRECTORY), which the
// repository's own storage does not list. Objects in the folders
// objects/info/alternates names are read the same way. Nothing is ever
// written.
func OpenRepoWith(dir string, incoming []string) (*git.Repository, error) {
	gitDir, workTree, err := findGitDir(dir)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(gitDir); err == nil && !fi.IsDir() {
		// a worktree or submodule .git file: let go-git resolve it
		return git.PlainOpenWithOptions(workTree, &git.PlainOpenOptions{DetectDotGit: true})
	}
	dot := osfs.New(gitDir)
	// go-git's own object cache now serves only loose and very large objects.
	st := filesystem.NewStorageWithOptions(dot, cache.NewObjectLRU(4*cache.MiByte), filesystem.Options{KeepDescriptors: true})
	if err := checkFormat(st, dir); err != nil {
		return nil, err
	}
	var store storage.Storer = st
	packs, err := gitpack.Open(filepath.Join(gitDir, "objects"))
	switch {
	case errors.Is(err, gitpack.ErrUnsupported):
		return nil, fmt.Errorf("open git repository %s: %w: %v; rewrite the packs with a current git (git repack -a -d)", dir, ErrUnsupportedRepo, err)
	case err != nil:
		return nil, fmt.Errorf("open git repository %s: %w", dir, err)
	}
	ps := &packedStorage{Storage: st, packs: packs, loose: filepath.Join(gitDir, "objects")}
	alts, err := alternates(filepath.Join(gitDir, "objects"))
	if err != nil {
		return nil, fmt.Errorf("open git repository %s: %w", dir, err)
	}
	for _, in := range append(slices.Clone(incoming), alts...) {
		p, err := gitpack.Open(in)
		if err != nil {
			return nil, fmt.Errorf("open incoming objects %s: %w", in, err)
		}
		ps.incoming = append(ps.incoming, incomingObjects{dir: in, packs: p})
	}
	store = ps
	var wt billy.Filesystem
	if workTree != "" {
		wt = osfs.New(workTree)
	}
	repo, err := git.Open(store, wt)
	if err != nil {
		return nil, fmt.Errorf("open git repository %s: %w", dir, err)
	}
	return repo, nil
}

// maxAlternateDepth is how deep git follows alternates of alternates.
const maxAlternateDepth = 5

// alternates lists the object folders objects/info/alternates names, and
// theirs, as git reads them: one path a line, absolute or relative to the
// objects folder that names it; "#" lines are comments. History kept there
// (git clone --shared or --reference, a forge's object pool) is read like the
// repository's own, strictly (see incomingObjects). A folder that does not
// exist is skipped, as git skips it.
func alternates(objectsDir string) ([]string, error) {
	var out []string
	var walk func(dir string, depth int) error
	walk = func(dir string, depth int) error {
		data, err := os.ReadFile(filepath.Join(dir, "info", "alternates"))
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if depth >= maxAlternateDepth {
			return fmt.Errorf("%s: alternates nest more than %d deep", dir, maxAlternateDepth)
		}
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSuffix(line, "\r")
			switch {
			case line == "" || strings.HasPrefix(line, "#"):
				continue
			case strings.HasPrefix(line, "\""):
				return fmt.Errorf("%s: quoted alternates path %s is not supported; write it unquoted", filepath.Join(dir, "info", "alternates"), line)
			}
			alt := line
			if !filepath.IsAbs(alt) {
				alt = filepath.Join(dir, alt)
			}
			alt = filepath.Clean(alt)
			if fi, err := os.Stat(alt); err != nil || !fi.IsDir() || alt == filepath.Clean(objectsDir) || slices.Contains(out, alt) {
				continue
			}
			out = append(out, alt)
			if err := walk(alt, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return out, walk(objectsDir, 0)
}

// findGitDir returns the git folder for dir and the working tree it belongs
// to ("" for a bare repository): dir itself when it is a bare repository, or
// the first folder from dir upwards that holds a .git.
func findGitDir(dir string) (gitDir, workTree string, err error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", "", err
	}
	if isBare(abs) {
		return abs, "", nil
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return filepath.Join(d, ".git"), d, nil
		}
		if filepath.Dir(d) == d {
			return "", "", fmt.Errorf("open git repository %s: %w", dir, git.ErrRepositoryNotExists)
		}
	}
}

// isBare reports whether dir is a git folder itself: HEAD, objects/ and refs/.
func isBare(dir string) bool {
	head, err := os.Stat(filepath.Join(dir, "HEAD"))
	if err != nil || !head.Mode().IsRegular() {
		return false
	}
	for _, sub := range []string{"objects", "refs"} {
		if fi, err := os.Stat(filepath.Join(dir, sub)); err != nil || !fi.IsDir() {
			return false
		}
	}
	return true
}

// readableExtensions are repository extensions that change nothing this tool
// reads.
var readableExtensions = []string{"noop", "preciousobjects", "worktreeconfig"}

// checkFormat refuses repository formats whose objects or references this
// tool would misread: SHA-256 object ids, reftable references, and any
// extension it does not know.
func checkFormat(st *filesystem.Storage, dir string) error {
	cfg, err := st.Config()
	if err != nil {
		return fmt.Errorf("open git repository %s: read config: %w", dir, err)
	}
	core := cfg.Raw.Section("core")
	if v := core.Option("repositoryformatversion"); v != "" && v != "0" && v != "1" {
		return fmt.Errorf("open git repository %s: %w: core.repositoryformatversion %s", dir, ErrUnsupportedRepo, v)
	}
	for _, o := range cfg.Raw.Section("extensions").Options {
		key := strings.ToLower(o.Key)
		switch {
		case slices.Contains(readableExtensions, key):
		case key == "objectformat" && strings.EqualFold(o.Value, "sha1"):
		case key == "refstorage" && strings.EqualFold(o.Value, "files"):
		default:
			return fmt.Errorf("open git repository %s: %w: extensions.%s = %s is not supported; use a SHA-1 repository with files references", dir, ErrUnsupportedRepo, o.Key, o.Value)
		}
	}
	return nil
}
