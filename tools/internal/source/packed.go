package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/embargo-tool/embargo/tools/internal/gitobj"
	"github.com/embargo-tool/embargo/tools/internal/gitpack"
)

// packedStorage is go-git's storage with object reads served by gitpack, whose
// cost does not grow with the size of the history: packs, loose objects (read
// strictly, their size checked from the header), the quarantine and the
// alternates. Packed objects over gitpack.MaxObjectSize, and objects gitpack
// finds nowhere, are read by go-git; references, config and everything else
// are go-git's.
type packedStorage struct {
	*filesystem.Storage
	packs *gitpack.Store
	// incoming are object folders read after the repository's own packs:
	// the quarantine a push's objects wait in while the pre-receive hook
	// runs, and the folders objects/info/alternates names.
	incoming []incomingObjects
	// loose is the repository's own objects folder, whose loose objects are
	// read by gitpack.ReadLoose: go-git inflates a loose object whole before
	// anyone can look at its size.
	loose string
}

// incomingObjects is one extra object folder: its packs and loose objects.
type incomingObjects struct {
	dir   string
	packs *gitpack.Store
}

// read finds h in the extra folder, or gitpack.ErrNotFound.
func (in incomingObjects) read(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	typ, data, err := in.packs.Read(h)
	if errors.Is(err, gitpack.ErrNotFound) {
		return gitpack.ReadLoose(in.dir, h)
	}
	return typ, data, err
}

// EncodedObject implements storer.EncodedObjectStorer, with go-git's
// semantics: an object of another type than t is plumbing.ErrObjectNotFound.
func (s *packedStorage) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	typ, data, err := s.packs.Read(h)
	if errors.Is(err, gitpack.ErrTooLarge) {
		// A packed object over the limit is go-git's, which reads its
		// size before its content (callers check the size first).
		return s.Storage.EncodedObject(t, h)
	}
	if errors.Is(err, gitpack.ErrNotFound) && s.loose != "" {
		typ, data, err = gitpack.ReadLoose(s.loose, h)
	}
	for _, in := range s.incoming {
		if !errors.Is(err, gitpack.ErrNotFound) {
			break
		}
		typ, data, err = in.read(h)
	}
	switch {
	case errors.Is(err, gitpack.ErrTooLarge):
		// Never handed to go-git, which would inflate it whole.
		return nil, fmt.Errorf("object %s: %w", h, gitobj.ErrTooLarge)
	case errors.Is(err, gitpack.ErrNotFound):
		return s.Storage.EncodedObject(t, h)
	case err != nil:
		return nil, err
	}
	if t != plumbing.AnyObject && typ != t {
		return nil, plumbing.ErrObjectNotFound
	}
	return &packedObject{hash: h, typ: typ, data: data}, nil
}

// packedObject is a read-only plumbing.EncodedObject over bytes that gitpack
// shares between readers.
type packedObject struct {
	hash plumbing.Hash
	typ  plumbing.ObjectType
	data []byte
}

func (o *packedObject) Hash() plumbing.Hash       { return o.hash }
func (o *packedObject) Type() plumbing.ObjectType { return o.typ }
func (o *packedObject) Size() int64               { return int64(len(o.data)) }
func (o *packedObject) Reader() (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(o.data)), nil
}

// SetType and SetSize exist for the interface; an object read from a pack
// keeps the type and size it has.
func (o *packedObject) SetType(plumbing.ObjectType) {}
func (o *packedObject) SetSize(int64)               {}

func (o *packedObject) Writer() (io.WriteCloser, error) {
	return nil, fmt.Errorf("object %s was read from a pack and cannot be written", o.hash)
}
