// Package gitsign writes git trees and OpenPGP-signed commits straight into a
// repository's object store, in exactly the format git writes. The demo and the
// synthetic benchmark repositories use it; the checker never does.
package gitsign

import (
	"fmt"
	"io"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/embargo-tool/embargo/tools/internal/gitobj"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
)

// WriteTree stores files (slash paths to contents) as blobs and trees and
// returns the root tree's id.
func WriteTree(s storer.EncodedObjectStorer, files map[string][]byte) (plumbing.Hash, error) {
	b := NewTreeBuilder(s)
	for p, content := range files {
		if err := b.Set(p, content); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	return b.Write()
}

func sortName(e object.TreeEntry) string {
	if e.Mode == filemode.Dir {
		return e.Name + "/"
	}
	return e.Name
}

func writeObject(s storer.EncodedObjectStorer, t plumbing.ObjectType, content []byte) (plumbing.Hash, error) {
	obj := s.NewEncodedObject()
	obj.SetType(t)
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(content); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return s.SetEncodedObject(obj)
}

// Commit describes one commit to write.
type Commit struct {
	Tree    plumbing.Hash
	Parents []plumbing.Hash
	Name    string // author and committer
	Email   string
	When    time.Time
	Message string
	Signer  *pgp.Signer // nil writes an unsigned commit
}

// Write stores the commit, signed over git's exact payload, and returns its id.
func Write(s storer.EncodedObjectStorer, c Commit) (plumbing.Hash, error) {
	sig := object.Signature{Name: c.Name, Email: c.Email, When: c.When}
	oc := &object.Commit{Author: sig, Committer: sig, Message: c.Message, TreeHash: c.Tree, ParentHashes: c.Parents}
	unsigned := s.NewEncodedObject()
	if err := oc.EncodeWithoutSignature(unsigned); err != nil {
		return plumbing.ZeroHash, err
	}
	r, err := unsigned.Reader()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	payload, err := io.ReadAll(r)
	r.Close()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	raw := payload
	if c.Signer != nil {
		armored, err := c.Signer.SignDetached(payload, c.When)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("sign commit: %w", err)
		}
		raw = gitobj.AddSignature(payload, armored)
	}
	return writeObject(s, plumbing.CommitObject, raw)
}
