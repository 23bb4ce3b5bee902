package gitobj

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// Fixed object parts used by the tests.
const (
	treeHex   = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
	tree2Hex  = "d8329fc1cc938780ffdd9f94e0d364e0ea74f579"
	parentA   = "5b0e1a61d5b9bb3e54d4e5a2b3b4f1d1f7c3a9e0"
	parentB   = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"
	authorLn  = "author A U Thor <author@example.com> 1700000000 +0200"
	commitLn  = "committer C O Mitter <committer@example.com> 1700000100 -0530"
	message   = "Add member record\n\nSigned-off-by: A U Thor <author@example.com>\n"
	pgpArmor  = "-----BEGIN PGP SIGNATURE-----\n\niHUEABYKAB0WIQRgAAAAAAAAAAAAAAAAAAAAAAAAAAUCZVUAAAAKCRAAAAAAAAAA\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n=Zm9v\n-----END PGP SIGNATURE-----\n"
	sshArmor  = "-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAg\n-----END SSH SIGNATURE-----\n"
	x509Armor = "-----BEGIN SIGNED MESSAGE-----\nMIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0B\n-----END SIGNED MESSAGE-----\n"
	pkcs7     = "-----BEGIN PKCS7-----\nMIAGCSqGSIb3DQEHAqCAMIACAQEx\n-----END PKCS7-----\n"
	tagObject = "object " + parentB + "\ntype commit\ntag v1.0\ntagger T Agger <t@example.com> 1700000000 +0000\n\nrelease v1.0\n" + pgpArmor
)

// hdr renders a header with a possibly multi-line value as git writes it:
// continuation lines prefixed by one space.
func hdr(name, value string) string {
	value = strings.TrimSuffix(value, "\n")
	return name + " " + strings.ReplaceAll(value, "\n", "\n ")
}

// obj joins header lines and appends the blank line and msg.
func obj(msg string, headers ...string) []byte {
	return []byte(strings.Join(headers, "\n") + "\n\n" + msg)
}

// unsignedRaw is a plain commit with one parent.
func unsignedRaw() []byte {
	return obj(message, "tree "+treeHex, "parent "+parentA, authorLn, commitLn)
}

// signedRaw is unsignedRaw with an OpenPGP gpgsig header.
func signedRaw() []byte {
	return obj(message, "tree "+treeHex, "parent "+parentA, authorLn, commitLn, hdr("gpgsig", pgpArmor))
}

// sentinels lists every sentinel error of the package.
var sentinels = []error{ErrDuplicateHeader, ErrNonCanonical, ErrMultipleSignatures, ErrHashMismatch, ErrTooLarge, ErrMalformed}

// checkOneSentinel fails unless err wraps exactly one sentinel.
func checkOneSentinel(t testing.TB, err error) {
	t.Helper()
	n := 0
	for _, s := range sentinels {
		if errors.Is(err, s) {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("error %q wraps %d sentinels, want 1", err, n)
	}
}

// sameCommit reports the first difference between two parsed commits.
func sameCommit(a, b *Commit) string {
	switch {
	case a.Hash != b.Hash || a.Tree != b.Tree:
		return "hash/tree"
	case len(a.Parents) != len(b.Parents):
		return "parents"
	case !sameSig(a.Author, b.Author) || !sameSig(a.Committer, b.Committer):
		return "author/committer"
	case a.Encoding != b.Encoding || a.Message != b.Message || a.SigType != b.SigType:
		return "encoding/message/sigtype"
	case !bytes.Equal(a.Signature, b.Signature) || !bytes.Equal(a.Payload, b.Payload) || !bytes.Equal(a.Raw, b.Raw):
		return "signature/payload/raw"
	case len(a.MergeTags) != len(b.MergeTags):
		return "mergetags"
	}
	for i := range a.Parents {
		if a.Parents[i] != b.Parents[i] {
			return "parents"
		}
	}
	for i := range a.MergeTags {
		if !bytes.Equal(a.MergeTags[i], b.MergeTags[i]) {
			return "mergetags"
		}
	}
	return ""
}

func sameSig(a, b Signature) bool {
	return a.Name == b.Name && a.Email == b.Email && a.When.Equal(b.When) &&
		a.When.Location().String() == b.When.Location().String()
}
