package gitobj

import (
	"bytes"
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
	raw, err := readObject(s, id, plumbing.CommitObject, MaxCommitSize)
	if err != nil {
		return nil, err
	}
	c, err := ParseCommit(raw, id)
	if err != nil {
		return nil, fmt.Errorf("commit %s: %w", id, err)
	}
	return c, nil
}

// ReadTree reads object id from s, refuses it unless it is a tree of at most
// MaxTreeSize bytes, and parses it with ParseTree using id as the expected
// hash. Storage errors (such as plumbing.ErrObjectNotFound) are wrapped
// unchanged.
func ReadTree(s storer.EncodedObjectStorer, id plumbing.Hash) (*Tree, error) {
	raw, err := readObject(s, id, plumbing.TreeObject, MaxTreeSize)
	if err != nil {
		return nil, err
	}
	return ParseTree(raw, id)
}

// ReadBlob reads blob id from s, at most max bytes (ErrTooLarge beyond), and
// checks that the bytes hash to id.
func ReadBlob(s storer.EncodedObjectStorer, id plumbing.Hash, max int64) ([]byte, error) {
	raw, err := readObject(s, id, plumbing.BlobObject, max)
	if err != nil {
		return nil, err
	}
	if got, collision := hashObject("blob", raw); collision || got != id {
		return nil, errf(ErrHashMismatch, "blob %s hashes to %s", id, got)
	}
	return raw, nil
}

// readObject reads an object of type want and at most max bytes.
func readObject(s storer.EncodedObjectStorer, id plumbing.Hash, want plumbing.ObjectType, max int64) ([]byte, error) {
	if id.IsZero() {
		return nil, errf(ErrMalformed, "zero object id")
	}
	obj, err := s.EncodedObject(plumbing.AnyObject, id)
	if err != nil {
		return nil, fmt.Errorf("gitobj: read object %s: %w", id, err)
	}
	if t := obj.Type(); t != want {
		sentinel := ErrMalformed
		if want == plumbing.TreeObject {
			sentinel = ErrMalformedTree
		}
		return nil, errf(sentinel, "object %s is a %s, not a %s", id, t, want)
	}
	if size := obj.Size(); size > max {
		return nil, errf(ErrTooLarge, "object %s: %d bytes, limit %d", id, size, max)
	}
	r, err := obj.Reader()
	if err != nil {
		return nil, fmt.Errorf("gitobj: read object %s: %w", id, err)
	}
	raw := make([]byte, 0, obj.Size())
	buf := bytes.NewBuffer(raw)
	_, err = buf.ReadFrom(io.LimitReader(r, max+1))
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("gitobj: read object %s: %w", id, err)
	}
	if int64(buf.Len()) > max {
		return nil, errf(ErrTooLarge, "object %s: more than %d bytes", id, max)
	}
	return buf.Bytes(), nil
}
