package source

import (
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/gitobj"
	"github.com/embargo-tool/embargo/tools/internal/plural"
)

// ErrBadRevision is a revision this tool does not read: anything but a name
// (branch, tag, remote branch, HEAD, a full or abbreviated commit id) followed
// by ~N or ^N steps. It refuses git's other syntax, such as X^{tree} or
// X:path, rather than read it as X.
var ErrBadRevision = errors.New("unsupported revision syntax")

var (
	revRe     = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9._/+-]*?)((?:[~^][0-9]*)*)$`)
	revStepRe = regexp.MustCompile(`[~^][0-9]*`)
	hexRe     = regexp.MustCompile(`^[0-9a-f]{4,40}$`)
	// pseudoRefRe: HEAD, FETCH_HEAD, ORIG_HEAD and the like, read as they are.
	pseudoRefRe = regexp.MustCompile(`^[A-Z_]*HEAD$`)
)

// Resolve returns the commit rev names. Names are looked up as git does
// (NAME, refs/NAME, refs/tags/NAME, refs/heads/NAME, refs/remotes/NAME,
// refs/remotes/NAME/HEAD), annotated tags are peeled and ~N / ^N steps are
// followed by the strict commit reader, never by go-git's parse: the commit
// a decision is judged from is the one git would show.
func Resolve(repo *git.Repository, rev string) (plumbing.Hash, error) {
	m := revRe.FindStringSubmatch(rev)
	if m == nil {
		return plumbing.ZeroHash, fmt.Errorf("revision %q: %w; give a branch, tag or commit id, optionally followed by ~N or ^N", rev, ErrBadRevision)
	}
	h, err := resolveName(repo, m[1])
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("revision %q: %w", rev, err)
	}
	if h, err = gitobj.PeelToCommit(repo.Storer, h); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("revision %q: %w", rev, err)
	}
	for _, step := range revStepRe.FindAllString(m[2], -1) {
		n := 1
		if len(step) > 1 {
			if n, err = strconv.Atoi(step[1:]); err != nil || n > 1_000_000 {
				return plumbing.ZeroHash, fmt.Errorf("revision %q: %w: step %s", rev, ErrBadRevision, step)
			}
		}
		if h, err = step1(repo, h, step[0], n); err != nil {
			return plumbing.ZeroHash, fmt.Errorf("revision %q: %w", rev, err)
		}
	}
	if _, err := gitobj.ReadCommit(repo.Storer, h); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("revision %q: %w", rev, err)
	}
	return h, nil
}

// step1 follows one ~N (N first parents) or ^N (the N-th parent) step.
func step1(repo *git.Repository, h plumbing.Hash, kind byte, n int) (plumbing.Hash, error) {
	if kind == '^' {
		if n == 0 {
			return h, nil
		}
		c, err := gitobj.ReadCommit(repo.Storer, h)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if n > len(c.Parents) {
			return plumbing.ZeroHash, fmt.Errorf("commit %s has no parent %d", h.String()[:12], n)
		}
		return c.Parents[n-1], nil
	}
	for range n {
		c, err := gitobj.ReadCommit(repo.Storer, h)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if len(c.Parents) == 0 {
			return plumbing.ZeroHash, fmt.Errorf("commit %s has no parent", h.String()[:12])
		}
		h = c.Parents[0]
	}
	return h, nil
}

// resolveName looks name up as a reference, then as a commit id. A full
// object id is that object, as git reads it, even when a reference has that
// name: anyone who may push a tag could otherwise choose what an id given on
// the command line (CI passes full ids) stands for.
func resolveName(repo *git.Repository, name string) (plumbing.Hash, error) {
	if len(name) == 2*len(plumbing.ZeroHash) && hexRe.MatchString(name) {
		return plumbing.NewHash(name), nil
	}
	candidates := []string{"refs/" + name, "refs/tags/" + name, "refs/heads/" + name, "refs/remotes/" + name, "refs/remotes/" + name + "/HEAD"}
	if strings.HasPrefix(name, "refs/") || pseudoRefRe.MatchString(name) {
		candidates = append([]string{name}, candidates...)
	}
	// git takes the first match and warns when others exist; a tag pushed
	// as "origin/main" would then stand for the remote branch. Two matches
	// that disagree are refused instead.
	var found []*plumbing.Reference
	for _, full := range candidates {
		ref, err := repo.Reference(plumbing.ReferenceName(full), true)
		if err == nil {
			found = append(found, ref)
			continue
		}
		if !errors.Is(err, plumbing.ErrReferenceNotFound) {
			return plumbing.ZeroHash, err
		}
	}
	for _, ref := range found[min(1, len(found)):] {
		if ref.Hash() != found[0].Hash() {
			return plumbing.ZeroHash, fmt.Errorf("%w: %s is ambiguous: %s and %s name different objects; give the full reference name or the commit id", ErrBadRevision, name, found[0].Name(), ref.Name())
		}
	}
	if len(found) > 0 {
		return found[0].Hash(), nil
	}
	if hexRe.MatchString(name) {
		// An abbreviated id names an object only when it is the one object
		// whose id starts so; git refuses an ambiguous one, and so do we
		// (go-git would pick one). The caller reads it strictly.
		ids, err := idsWithPrefix(repo, name)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		switch len(ids) {
		case 1:
			return ids[0], nil
		case 0:
		default:
			return plumbing.ZeroHash, fmt.Errorf("%w: the abbreviated id %s is ambiguous (%s start so); give more digits", ErrBadRevision, name, plural.Of(len(ids), "object"))
		}
	}
	return plumbing.ZeroHash, plumbing.ErrReferenceNotFound
}

// idsWithPrefix lists the ids of the objects whose id starts with the hex
// digits prefix.
func idsWithPrefix(repo *git.Repository, prefix string) ([]plumbing.Hash, error) {
	lister, ok := repo.Storer.(interface {
		HashesWithPrefix([]byte) ([]plumbing.Hash, error)
	})
	if !ok {
		return nil, fmt.Errorf("cannot look up abbreviated ids in this repository; give the full commit id")
	}
	b, err := hex.DecodeString(prefix[:len(prefix)&^1])
	if err != nil {
		return nil, err
	}
	all, err := lister.HashesWithPrefix(b)
	if err != nil {
		return nil, err
	}
	var out []plumbing.Hash
	for _, h := range all {
		if strings.HasPrefix(h.String(), prefix) && !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out, nil
}
