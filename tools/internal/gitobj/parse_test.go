package gitobj

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

func TestParseCommitValid(t *testing.T) {
	unsigned := unsignedRaw()
	root := obj(message, "tree "+treeHex, authorLn, commitLn)
	tests := []struct {
		name    string
		raw     []byte
		sigType SigType
		sig     string
		payload []byte // nil: equal to raw
		check   func(t *testing.T, c *Commit)
	}{
		{name: "unsigned", raw: unsigned, sigType: SigNone, check: func(t *testing.T, c *Commit) {
			if c.Tree != plumbing.NewHash(treeHex) || len(c.Parents) != 1 || c.Parents[0] != plumbing.NewHash(parentA) {
				t.Errorf("tree/parents = %s %v", c.Tree, c.Parents)
			}
			if c.Author.Name != "A U Thor" || c.Author.Email != "author@example.com" || c.Author.When.Unix() != 1700000000 {
				t.Errorf("author = %+v", c.Author)
			}
			if _, off := c.Author.When.Zone(); off != 7200 || c.Author.When.Location().String() != "+0200" {
				t.Errorf("author zone = %v", c.Author.When.Location())
			}
			if _, off := c.Committer.When.Zone(); off != -(5*3600+30*60) || c.Committer.Name != "C O Mitter" {
				t.Errorf("committer = %+v", c.Committer)
			}
			if c.Message != message || c.Signature != nil {
				t.Errorf("message %q signature %q", c.Message, c.Signature)
			}
		}},
		{name: "signed openpgp", raw: signedRaw(), sigType: SigOpenPGP, sig: pgpArmor, payload: unsigned},
		{name: "merge two parents", raw: obj("Merge\n", "tree "+treeHex, "parent "+parentA, "parent "+parentB, authorLn, commitLn, hdr("gpgsig", pgpArmor)),
			sigType: SigOpenPGP, sig: pgpArmor, payload: obj("Merge\n", "tree "+treeHex, "parent "+parentA, "parent "+parentB, authorLn, commitLn),
			check: func(t *testing.T, c *Commit) {
				if len(c.Parents) != 2 || c.Parents[1] != plumbing.NewHash(parentB) {
					t.Errorf("parents = %v", c.Parents)
				}
			}},
		{name: "root commit", raw: obj("", "tree "+treeHex, authorLn, commitLn), sigType: SigNone},
		{name: "encoding and mergetags", raw: obj(message, "tree "+treeHex, "parent "+parentA, "parent "+parentB, authorLn, commitLn,
			"encoding ISO-8859-1", hdr("mergetag", tagObject), hdr("mergetag", tagObject), hdr("gpgsig", pgpArmor)),
			sigType: SigOpenPGP, sig: pgpArmor,
			payload: obj(message, "tree "+treeHex, "parent "+parentA, "parent "+parentB, authorLn, commitLn,
				"encoding ISO-8859-1", hdr("mergetag", tagObject), hdr("mergetag", tagObject)),
			check: func(t *testing.T, c *Commit) {
				if c.Encoding != "ISO-8859-1" || len(c.MergeTags) != 2 || string(c.MergeTags[1]) != tagObject {
					t.Errorf("encoding %q mergetags %q", c.Encoding, c.MergeTags)
				}
			}},
		{name: "ssh signature", raw: obj(message, "tree "+treeHex, authorLn, commitLn, hdr("gpgsig", sshArmor)), sigType: SigSSH, payload: root, sig: sshArmor},
		{name: "x509 signed message", raw: obj(message, "tree "+treeHex, authorLn, commitLn, hdr("gpgsig", x509Armor)), sigType: SigX509, sig: x509Armor, payload: root},
		{name: "x509 pkcs7", raw: obj(message, "tree "+treeHex, authorLn, commitLn, hdr("gpgsig", pkcs7)), sigType: SigX509, sig: pkcs7, payload: root},
		{name: "pgp message is unknown", raw: obj(message, "tree "+treeHex, authorLn, commitLn, hdr("gpgsig", "-----BEGIN PGP MESSAGE-----\nxx\n-----END PGP MESSAGE-----\n")), sigType: SigUnknown, payload: root},
		{name: "garbage signature is unknown", raw: obj(message, "tree "+treeHex, authorLn, commitLn, "gpgsig hello"), sigType: SigUnknown, sig: "hello\n", payload: root},
		{name: "negative zero zone and crlf message", raw: obj("line\r\n", "tree "+treeHex, "author A <> 0 -0000", commitLn), sigType: SigNone,
			check: func(t *testing.T, c *Commit) {
				if c.Author.When.Location().String() != "-0000" || c.Author.Email != "" || c.Message != "line\r\n" {
					t.Errorf("author %+v message %q", c.Author, c.Message)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseCommit(tc.raw, plumbing.ZeroHash)
			if err != nil {
				t.Fatal(err)
			}
			if c.SigType != tc.sigType {
				t.Errorf("SigType = %v, want %v", c.SigType, tc.sigType)
			}
			if tc.sig != "" && string(c.Signature) != tc.sig {
				t.Errorf("Signature = %q, want %q", c.Signature, tc.sig)
			}
			want := tc.payload
			if want == nil {
				want = tc.raw
			}
			if !bytes.Equal(c.Payload, want) {
				t.Errorf("Payload = %q\nwant %q", c.Payload, want)
			}
			if c.Hash != plumbing.ComputeHash(plumbing.CommitObject, tc.raw) {
				t.Errorf("Hash = %s", c.Hash)
			}
			if c.SigType != SigNone {
				if got := AddSignature(c.Payload, c.Signature); !bytes.Equal(got, tc.raw) {
					t.Errorf("AddSignature round trip = %q", got)
				}
			}
			if _, err := ParseCommit(tc.raw, c.Hash); err != nil {
				t.Errorf("with want hash: %v", err)
			}
			if tc.check != nil {
				tc.check(t, c)
			}
		})
	}
}

func TestParseCommitInvalid(t *testing.T) {
	tr, pa, au, co := "tree "+treeHex, "parent "+parentA, authorLn, commitLn
	sig := hdr("gpgsig", pgpArmor)
	badAuthor := func(v string) []byte { return obj(message, tr, "author "+v, co) }
	tests := []struct {
		name string
		raw  []byte
		want error
		text string // substring of the error message
	}{
		{"duplicate tree", obj(message, tr, "tree "+tree2Hex, au, co), ErrDuplicateHeader, "tree"},
		{"duplicate tree after parent", obj(message, tr, pa, tr, au, co), ErrDuplicateHeader, "tree"},
		{"duplicate tree at end", obj(message, tr, au, co, "tree "+tree2Hex), ErrDuplicateHeader, "tree"},
		{"duplicate author", obj(message, tr, au, "author Eve <eve@example.com> 1700000000 +0000", co), ErrDuplicateHeader, "author"},
		{"duplicate author after committer", obj(message, tr, au, co, "author Eve <eve@example.com> 1700000000 +0000"), ErrDuplicateHeader, "author"},
		{"duplicate committer", obj(message, tr, au, co, co), ErrDuplicateHeader, "committer"},
		{"duplicate encoding", obj(message, tr, au, co, "encoding UTF-8", "encoding ISO-8859-1"), ErrDuplicateHeader, "encoding"},
		{"duplicate parent", obj(message, tr, pa, pa, au, co), ErrDuplicateHeader, "parent"},
		{"duplicate gpgsig", obj(message, tr, au, co, sig, sig), ErrDuplicateHeader, "gpgsig"},
		{"gpgsig and gpgsig-sha256", obj(message, tr, au, co, sig, hdr("gpgsig-sha256", pgpArmor)), ErrDuplicateHeader, "gpgsig-sha256"},
		{"gpgsig-sha256 and gpgsig", obj(message, tr, au, co, hdr("gpgsig-sha256", pgpArmor), sig), ErrDuplicateHeader, "gpgsig-sha256"},
		{"duplicate gpgsig-sha256", obj(message, tr, au, co, hdr("gpgsig-sha256", pgpArmor), hdr("gpgsig-sha256", pgpArmor)), ErrDuplicateHeader, "gpgsig-sha256"},
		{"lone gpgsig-sha256", obj(message, tr, au, co, hdr("gpgsig-sha256", pgpArmor)), ErrNonCanonical, "gpgsig-sha256"},
		{"two armored blocks", obj(message, tr, au, co, hdr("gpgsig", pgpArmor+pgpArmor)), ErrMultipleSignatures, "gpgsig"},
		{"pgp and ssh blocks", obj(message, tr, au, co, hdr("gpgsig", pgpArmor+sshArmor)), ErrMultipleSignatures, "gpgsig"},
		{"block hidden in unknown", obj(message, tr, au, co, hdr("gpgsig", "junk\n"+pgpArmor+pgpArmor)), ErrMultipleSignatures, "gpgsig"},
		{"two end lines", obj(message, tr, au, co, hdr("gpgsig", strings.Replace(pgpArmor, "=Zm9v", "-----END PGP SIGNATURE-----", 1))), ErrMultipleSignatures, "end"},
		{"data after armor", obj(message, tr, au, co, hdr("gpgsig", pgpArmor+"trailing\n")), ErrMalformed, "armor"},
		{"armor not terminated", obj(message, tr, au, co, hdr("gpgsig", "-----BEGIN PGP SIGNATURE-----\n\nabc\n")), ErrMalformed, "armor"},
		{"unknown header", obj(message, tr, au, co, "change-id zzzzzzzz"), ErrNonCanonical, "unknown header"},
		{"unknown header with continuation", obj(message, tr, au, co, hdr("x-extra", "a\nb")), ErrNonCanonical, "unknown header"},
		{"upper-case header name", obj(message, "Tree "+treeHex, au, co), ErrNonCanonical, "unknown header"},
		{"header without value", obj(message, tr, au, co, "gpgsig"), ErrMalformed, "without value"},
		{"continuation after committer", obj(message, tr, au, co+"\n more"), ErrNonCanonical, "continuation"},
		{"bad tree hex", obj(message, "tree 4b825dc642cb6eb9a060e54bf8d69288fbee490g", au, co), ErrMalformed, "tree hash"},
		{"upper-case tree hex", obj(message, "tree "+strings.ToUpper(treeHex), au, co), ErrMalformed, "tree hash"},
		{"short tree hash", obj(message, "tree "+treeHex[:39], au, co), ErrMalformed, "tree hash"},
		{"long parent hash", obj(message, tr, pa+"0", au, co), ErrMalformed, "parent hash"},
		{"parent hash with space", obj(message, tr, pa+" ", au, co), ErrMalformed, "parent hash"},
		{"author missing email", badAuthor("A U Thor 1700000000 +0200"), ErrMalformed, "author"},
		{"author no space before email", badAuthor("A U Thor<a@example.com> 1700000000 +0200"), ErrMalformed, "author"},
		{"author two spaces before email", badAuthor("A U Thor  <a@example.com> 1700000000 +0200"), ErrMalformed, "author"},
		{"author empty name", badAuthor(" <a@example.com> 1700000000 +0200"), ErrMalformed, "author"},
		{"author angle in name", badAuthor("A > B <a@example.com> 1700000000 +0200"), ErrMalformed, "author"},
		{"author unterminated email", badAuthor("A <a@example.com 1700000000 +0200"), ErrMalformed, "author"},
		{"author missing zone", badAuthor("A <a@example.com> 1700000000"), ErrMalformed, "author"},
		{"author zone with colon", badAuthor("A <a@example.com> 1700000000 +02:00"), ErrMalformed, "author"},
		{"author zone minutes", badAuthor("A <a@example.com> 1700000000 +0260"), ErrMalformed, "author"},
		{"author zero-padded date", badAuthor("A <a@example.com> 01700000000 +0200"), ErrMalformed, "author"},
		{"author negative date", badAuthor("A <a@example.com> -1 +0200"), ErrMalformed, "author"},
		{"author huge date", badAuthor("A <a@example.com> 99999999999999999999 +0200"), ErrMalformed, "author"},
		{"author trailing space", badAuthor("A <a@example.com> 1700000000 +0200 "), ErrMalformed, "author"},
		{"author extra field", badAuthor("A <a@example.com> 1700000000 +0200 x"), ErrMalformed, "author"},
		{"author tab in name", badAuthor("A\tB <a@example.com> 1700000000 +0200"), ErrMalformed, "author"},
		{"committer bad", obj(message, tr, au, "committer C <c@example.com> 17e8 +0000"), ErrMalformed, "committer"},
		{"missing blank line", []byte(tr + "\n" + au + "\n" + co + "\n"), ErrMalformed, "blank line"},
		{"missing blank line no newline", []byte(tr + "\n" + au + "\n" + co), ErrMalformed, "blank line"},
		{"empty object", nil, ErrMalformed, "blank line"},
		{"leading empty line", append([]byte("\n"), unsignedRaw()...), ErrMalformed, "empty header line"},
		{"missing tree", obj(message, pa, au, co), ErrMalformed, "tree"},
		{"first header author", obj(message, au, tr, co), ErrMalformed, "tree"},
		{"missing author", obj(message, tr, co), ErrMalformed, "author"},
		{"missing committer", obj(message, tr, au), ErrMalformed, "committer"},
		{"committer before author", obj(message, tr, co, au), ErrNonCanonical, "out of order"},
		{"parent after author", obj(message, tr, au, pa, co), ErrNonCanonical, "out of order"},
		{"encoding after mergetag", obj(message, tr, au, co, hdr("mergetag", tagObject), "encoding ISO-8859-1"), ErrNonCanonical, "out of order"},
		{"mergetag after gpgsig", obj(message, tr, au, co, sig, hdr("mergetag", tagObject)), ErrNonCanonical, "out of order"},
		{"bad encoding", obj(message, tr, au, co, "encoding UTF 8"), ErrMalformed, "encoding"},
		{"nul in header", obj(message, tr, "author A\x00 <a@example.com> 1700000000 +0200", co), ErrMalformed, "nul"},
		{"cr in header", obj(message, tr+"\r", au, co), ErrNonCanonical, "carriage return"},
		{"cr in signature", obj(message, tr, au, co, hdr("gpgsig", strings.ReplaceAll(pgpArmor, "\n", "\r\n"))), ErrNonCanonical, "carriage return"},
		{"nul in message", obj("a\x00b\n", tr, au, co), ErrNonCanonical, "nul"},
		{"oversize", append(unsignedRaw(), bytes.Repeat([]byte("x"), MaxCommitSize)...), ErrTooLarge, "limit"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseCommit(tc.raw, plumbing.ZeroHash)
			if err == nil {
				t.Fatalf("accepted: %+v", c)
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %q, want %v", err, tc.want)
			}
			checkOneSentinel(t, err)
			if !strings.Contains(strings.ToLower(err.Error()), tc.text) {
				t.Errorf("error %q does not mention %q", err, tc.text)
			}
			t.Log(err)
		})
	}
}

// TestParseCommitHashMismatch alters a signed object after hashing it.
func TestParseCommitHashMismatch(t *testing.T) {
	raw := signedRaw()
	id := plumbing.ComputeHash(plumbing.CommitObject, raw)
	if _, err := ParseCommit(raw, id); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, old, new string }{
		{"message", "Add member record", "Add member recorD"},
		{"tree", "tree " + treeHex, "tree " + tree2Hex},
		{"parent", "parent " + parentA, "parent " + parentB},
		{"author", "A U Thor <author@example.com>", "E V Il <author@example.com>"},
		{"author time", "1700000000 +0200", "1700000001 +0200"},
		{"time zone", "1700000000 +0200", "1700000000 +0300"},
		{"signature", "=Zm9v", "=Zm9w"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			alt := bytes.Replace(raw, []byte(tc.old), []byte(tc.new), 1)
			if bytes.Equal(alt, raw) {
				t.Fatal("test did not alter the object")
			}
			if _, err := ParseCommit(alt, plumbing.ZeroHash); err != nil {
				t.Fatalf("altered object should still parse: %v", err)
			}
			_, err := ParseCommit(alt, id)
			if !errors.Is(err, ErrHashMismatch) {
				t.Fatalf("error %v, want ErrHashMismatch", err)
			}
			checkOneSentinel(t, err)
		})
	}
}

func TestAddSignature(t *testing.T) {
	unsigned := unsignedRaw()
	tests := []struct {
		name string
		sig  string
		want []byte
	}{
		{"armored", pgpArmor, signedRaw()},
		{"no final newline", strings.TrimSuffix(pgpArmor, "\n"), signedRaw()},
		{"crlf", strings.ReplaceAll(pgpArmor, "\n", "\r\n"), signedRaw()},
		{"empty", "", unsigned},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := AddSignature(unsigned, []byte(tc.sig))
			if !bytes.Equal(got, tc.want) {
				t.Fatalf("got %q\nwant %q", got, tc.want)
			}
		})
	}
	if !bytes.Contains(signedRaw(), []byte("\n \n")) {
		t.Fatal("empty signature line not written as a single space")
	}
	if p, s, err := SplitSigned(signedRaw()); err != nil || !bytes.Equal(p, unsigned) || string(s) != pgpArmor {
		t.Fatalf("SplitSigned = %q, %q, %v", p, s, err)
	}
	// Inserted after encoding and mergetag headers, before the message.
	withTag := obj(message, "tree "+treeHex, authorLn, commitLn, "encoding ISO-8859-1", hdr("mergetag", tagObject))
	want := obj(message, "tree "+treeHex, authorLn, commitLn, "encoding ISO-8859-1", hdr("mergetag", tagObject), hdr("gpgsig", pgpArmor))
	if got := AddSignature(withTag, []byte(pgpArmor)); !bytes.Equal(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

func TestSignatureZone(t *testing.T) {
	c, err := ParseCommit(obj("", "tree "+treeHex, "author A <a@b> 1700000000 -0930", commitLn), plumbing.ZeroHash)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Author.When.Format(time.RFC3339); got != "2023-11-14T12:43:20-09:30" {
		t.Fatalf("When = %s", got)
	}
}
