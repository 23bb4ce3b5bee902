package gitobj

import (
	"fmt"
	"io"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// ReadCommit reads object id from s (for example a go-git repository's
// Storer), refuses it unless its type is commit (ErrMalformed naming the real
// type) and it fits MaxCommitSize, and parses it with ParseCommit using id as
// the expected hash, so a storer returning altered bytes is caught. Errors
// name the object id; storage errors (such as plumbing.ErrObjectNotFound) are
// wrapped unchanged.
func ReadCommit(s storer.EncodedObjectStorer, id plumbing.Hash) (*Commit, error) {
	if id.IsZero() {
		return nil, errf(ErrMalformed, "zero object id")
	}
	obj, err := s.EncodedObject(plumbing.AnyObject, id)
	if err != nil {
		return nil, fmt.Errorf("gitobj: read object %s: %w", id, err)
	}
	if t := obj.Type(); t != plumbing.CommitObject {
		return nil, errf(ErrMalformed, "object %s is a %s, not a commit", id, t)
	}
	if size := obj.Size(); size > MaxCommitSize {
		return nil, errf(ErrTooLarge, "object %s: %d bytes, limit %d", id, size, MaxCommitSize)
	}
	r, err := obj.Reader()
	if err != nil {
		return nil, fmt.Errorf("gitobj: read object %s: %w", id, err)
	}
	raw, err := io.ReadAll(io.LimitReader(r, MaxCommitSize+1))
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("gitobj: read object %s: %w", id, err)
	}
	c, err := ParseCommit(raw, id)
	if err != nil {
		return nil, fmt.Errorf("commit %s: %w", id, err)
	}
	return c, nil
}
