package gitobj

import (
	"bytes"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"
)

// FuzzParseCommit checks that ParseCommit never panics, that every error
// wraps exactly one sentinel, and that an accepted commit re-parses
// identically, re-signs to the same bytes, and agrees with go-git's decoder.
func FuzzParseCommit(f *testing.F) {
	f.Add(unsignedRaw())
	f.Add(signedRaw())
	f.Add(obj("Merge\n", "tree "+treeHex, "parent "+parentA, "parent "+parentB, authorLn, commitLn,
		"encoding ISO-8859-1", hdr("mergetag", tagObject), hdr("gpgsig", pgpArmor)))
	f.Add(obj("", "tree "+treeHex, authorLn, commitLn, hdr("gpgsig", sshArmor)))
	f.Add(obj(message, "tree "+treeHex, authorLn, authorLn, commitLn, hdr("gpgsig", pgpArmor+pgpArmor)))
	f.Add(obj(message, "tree "+treeHex, authorLn, commitLn, hdr("gpgsig", pgpArmor), hdr("gpgsig-sha256", pgpArmor)))
	f.Fuzz(func(t *testing.T, raw []byte) {
		c, err := ParseCommit(raw, plumbing.ZeroHash)
		if err != nil {
			checkOneSentinel(t, err)
			return
		}
		again, err := ParseCommit(c.Raw, c.Hash)
		if err != nil {
			t.Fatalf("accepted commit fails to re-parse: %v", err)
		}
		if diff := sameCommit(c, again); diff != "" {
			t.Fatalf("re-parse differs in %s", diff)
		}
		if c.SigType == SigNone {
			if !bytes.Equal(c.Payload, raw) {
				t.Fatal("unsigned payload differs from raw")
			}
		} else if got := AddSignature(c.Payload, c.Signature); !bytes.Equal(got, raw) {
			t.Fatalf("AddSignature(Payload, Signature) = %q, want %q", got, raw)
		}
		st := memory.NewStorage()
		o := st.NewEncodedObject()
		o.SetType(plumbing.CommitObject)
		w, _ := o.Writer()
		w.Write(raw)
		w.Close()
		g := &object.Commit{}
		if err := g.Decode(o); err != nil {
			t.Fatalf("go-git refuses an accepted commit: %v", err)
		}
		if diff := compareGoGit(c, g); diff != "" {
			t.Fatalf("%s: %q", diff, raw)
		}
		p := &plumbing.MemoryObject{}
		if err := g.EncodeWithoutSignature(p); err != nil {
			t.Fatal(err)
		}
		r, _ := p.Reader()
		var buf bytes.Buffer
		buf.ReadFrom(r)
		if !bytes.Equal(buf.Bytes(), c.Payload) {
			t.Fatalf("go-git payload %q, ours %q", buf.Bytes(), c.Payload)
		}
	})
}
