package gitobj

import (
	"bytes"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// maxTagSize bounds an annotated tag object (its message and signature).
const maxTagSize = 1 << 20

// maxPeel bounds a chain of tags pointing at tags.
const maxPeel = 8

// PeelToCommit returns the commit id reads through annotated tags from id:
// id itself when it is a commit. Each tag must start with exactly one
// "object" and one "type" header, as git writes them; the type must match
// the object it names.
func PeelToCommit(s storer.EncodedObjectStorer, id plumbing.Hash) (plumbing.Hash, error) {
	for range maxPeel {
		obj, err := s.EncodedObject(plumbing.AnyObject, id)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("gitobj: read object %s: %w", id, err)
		}
		switch obj.Type() {
		case plumbing.CommitObject:
			return id, nil
		case plumbing.TagObject:
		default:
			return plumbing.ZeroHash, errf(ErrMalformed, "object %s is a %s, not a commit", id, obj.Type())
		}
		raw, err := readObject(s, id, plumbing.TagObject, maxTagSize)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if got, collision := hashObject("tag", raw); collision || got != id {
			return plumbing.ZeroHash, errf(ErrHashMismatch, "tag %s hashes to %s", id, got)
		}
		target, err := parseTagTarget(raw)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("tag %s: %w", id, err)
		}
		id = target
	}
	return plumbing.ZeroHash, errf(ErrMalformed, "more than %d tags in a chain", maxPeel)
}

// parseTagTarget reads the object a tag names from its first two headers and
// refuses a second "object" or "type" header before the message.
func parseTagTarget(raw []byte) (plumbing.Hash, error) {
	head, _, ok := bytes.Cut(raw, []byte("\n\n"))
	if !ok {
		return plumbing.ZeroHash, errf(ErrMalformed, "tag without a blank line after its headers")
	}
	lines := bytes.Split(head, []byte("\n"))
	if len(lines) < 2 || !bytes.HasPrefix(lines[0], []byte("object ")) || !bytes.HasPrefix(lines[1], []byte("type ")) {
		return plumbing.ZeroHash, errf(ErrMalformed, "tag does not start with object and type headers")
	}
	for _, l := range lines[2:] {
		if bytes.HasPrefix(l, []byte("object ")) || bytes.HasPrefix(l, []byte("type ")) {
			return plumbing.ZeroHash, errf(ErrDuplicateHeader, "tag names its object twice")
		}
	}
	h, ok := parseHex(lines[0][len("object "):])
	if !ok {
		return plumbing.ZeroHash, errf(ErrMalformed, "bad object id in tag")
	}
	return h, nil
}
