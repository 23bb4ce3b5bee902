package gitobj

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"
)

// encodeGoGit returns the raw object go-git writes for c, with or without
// its signature.
func encodeGoGit(t *testing.T, c *object.Commit, withSig bool) []byte {
	t.Helper()
	o := &plumbing.MemoryObject{}
	var err error
	if withSig {
		err = c.Encode(o)
	} else {
		err = c.EncodeWithoutSignature(o)
	}
	if err != nil {
		t.Fatal(err)
	}
	r, _ := o.Reader()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPayloadMatchesGoGit checks Payload against go-git's
// EncodeWithoutSignature, both for an in-memory commit and a decoded one.
func TestPayloadMatchesGoGit(t *testing.T) {
	zone := time.FixedZone("", -(3*3600 + 30*60))
	tests := []struct {
		name string
		c    object.Commit
	}{
		{"plain", object.Commit{
			Author:       object.Signature{Name: "A U Thor", Email: "a@example.com", When: time.Unix(1700000000, 0).In(zone)},
			Committer:    object.Signature{Name: "C O Mitter", Email: "c@example.com", When: time.Unix(1700000099, 0).UTC()},
			PGPSignature: pgpArmor,
			Message:      message,
			TreeHash:     plumbing.NewHash(treeHex),
			ParentHashes: []plumbing.Hash{plumbing.NewHash(parentA)},
		}},
		{"merge with mergetag", object.Commit{
			Author:       object.Signature{Name: "A", Email: "a@example.com", When: time.Unix(1, 0).In(zone)},
			Committer:    object.Signature{Name: "C", Email: "c@example.com", When: time.Unix(2, 0).In(zone)},
			MergeTag:     tagObject,
			PGPSignature: pgpArmor,
			Message:      "Merge tag 'v1.0'\n",
			TreeHash:     plumbing.NewHash(treeHex),
			ParentHashes: []plumbing.Hash{plumbing.NewHash(parentA), plumbing.NewHash(parentB)},
		}},
		{"message without newline", object.Commit{
			Author:       object.Signature{Name: "A", Email: "a@example.com", When: time.Unix(1, 0).UTC()},
			Committer:    object.Signature{Name: "A", Email: "a@example.com", When: time.Unix(1, 0).UTC()},
			PGPSignature: sshArmor,
			Message:      "x",
			TreeHash:     plumbing.NewHash(treeHex),
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw := encodeGoGit(t, &tc.c, true)
			unsigned := encodeGoGit(t, &tc.c, false)
			c, err := ParseCommit(raw, plumbing.ComputeHash(plumbing.CommitObject, raw))
			if err != nil {
				t.Fatalf("%v\n%s", err, raw)
			}
			if !bytes.Equal(c.Payload, unsigned) {
				t.Fatalf("Payload = %q\ngo-git %q", c.Payload, unsigned)
			}
			if string(c.Signature) != tc.c.PGPSignature {
				t.Fatalf("Signature = %q", c.Signature)
			}
			if got := AddSignature(unsigned, []byte(tc.c.PGPSignature)); !bytes.Equal(got, raw) {
				t.Fatalf("AddSignature = %q\ngo-git %q", got, raw)
			}
			// Decoded by go-git, then stripped from the raw source.
			st := memory.NewStorage()
			o := st.NewEncodedObject()
			o.SetType(plumbing.CommitObject)
			w, _ := o.Writer()
			w.Write(raw)
			w.Close()
			id, err := st.SetEncodedObject(o)
			if err != nil {
				t.Fatal(err)
			}
			dec, err := object.GetCommit(st, id)
			if err != nil {
				t.Fatal(err)
			}
			if got := encodeGoGit(t, dec, false); !bytes.Equal(got, c.Payload) {
				t.Fatalf("decoded go-git payload = %q\nours %q", got, c.Payload)
			}
			if diff := compareGoGit(c, dec); diff != "" {
				t.Fatal(diff)
			}
		})
	}
}

// compareGoGit reports the first field where go-git's decoding of the same
// object differs from ours.
func compareGoGit(c *Commit, g *object.Commit) string {
	switch {
	case c.Hash != g.Hash || c.Tree != g.TreeHash:
		return "hash/tree differ from go-git"
	case len(c.Parents) != len(g.ParentHashes):
		return "parents differ from go-git"
	case c.Author.Name != g.Author.Name || c.Author.Email != g.Author.Email || !c.Author.When.Equal(g.Author.When):
		return "author differs from go-git"
	case c.Committer.Name != g.Committer.Name || c.Committer.Email != g.Committer.Email || !c.Committer.When.Equal(g.Committer.When):
		return "committer differs from go-git"
	case c.Message != g.Message || string(c.Signature) != g.PGPSignature:
		return "message/signature differ from go-git"
	}
	for i := range c.Parents {
		if c.Parents[i] != g.ParentHashes[i] {
			return "parents differ from go-git"
		}
	}
	if len(c.MergeTags) > 0 && string(c.MergeTags[0]) != g.MergeTag {
		return "mergetag differs from go-git"
	}
	return ""
}

// putObject stores content of type typ under id in st, whatever its hash.
func putObject(st *memory.Storage, id plumbing.Hash, typ plumbing.ObjectType, content []byte) {
	o := &plumbing.MemoryObject{}
	o.SetType(typ)
	o.Write(content)
	st.Objects[id] = o
}

func TestReadCommit(t *testing.T) {
	raw := signedRaw()
	id := plumbing.ComputeHash(plumbing.CommitObject, raw)
	big := append(unsignedRaw(), bytes.Repeat([]byte("x"), MaxCommitSize)...)
	tests := []struct {
		name  string
		typ   plumbing.ObjectType
		data  []byte
		want  error
		text  string
		store bool
	}{
		{"commit", plumbing.CommitObject, raw, nil, "", true},
		{"blob under commit id", plumbing.BlobObject, raw, ErrMalformed, "is a blob", true},
		{"tree under commit id", plumbing.TreeObject, raw, ErrMalformed, "is a tree", true},
		{"altered content", plumbing.CommitObject, bytes.Replace(raw, []byte("Add"), []byte("Del"), 1), ErrHashMismatch, id.String(), true},
		{"oversize", plumbing.CommitObject, big, ErrTooLarge, "limit", true},
		{"missing", 0, nil, plumbing.ErrObjectNotFound, id.String(), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := memory.NewStorage()
			if tc.store {
				putObject(st, id, tc.typ, tc.data)
			}
			c, err := ReadCommit(st, id)
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				if c.Hash != id || c.SigType != SigOpenPGP || !bytes.Equal(c.Payload, unsignedRaw()) {
					t.Fatalf("commit = %+v", c)
				}
				return
			}
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.text) {
				t.Fatalf("error %v, want %v mentioning %q", err, tc.want, tc.text)
			}
		})
	}
	if _, err := ReadCommit(memory.NewStorage(), plumbing.ZeroHash); !errors.Is(err, ErrMalformed) {
		t.Fatalf("zero id: %v", err)
	}
}
