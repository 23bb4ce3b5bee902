package verify_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// Row 9: a signature over a payload that was altered afterwards. The
// altered object is stored as written, so its id is valid and only the
// signature is wrong.
func TestRow09AlteredAfterSigning(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	first := f.commitAs(dana(t), f.issueEdit("first"), "first")
	rootTree := f.treeOf(f.root)
	tests := []struct {
		name string
		edit func(t *testing.T, raw []byte) []byte
	}{
		{"message", func(t *testing.T, raw []byte) []byte {
			return replaceOnce(t, raw, "\n\nsecond\n", "\n\nsecond, reviewed\n")
		}},
		{"message appended", func(t *testing.T, raw []byte) []byte { return append(raw, "Signed-off-by: x\n"...) }},
		{"tree", func(t *testing.T, raw []byte) []byte {
			i := bytes.Index(raw, []byte("\n"))
			return append([]byte("tree "+rootTree.String()), raw[i:]...)
		}},
		{"parent", func(t *testing.T, raw []byte) []byte {
			return replaceOnce(t, raw, "parent "+first.String(), "parent "+f.root.String())
		}},
		{"author", func(t *testing.T, raw []byte) []byte {
			return replaceOnce(t, raw, "author dana-debian <dana-debian@", "author mara-openwall <mara-openwall@")
		}},
		{"time zone", func(t *testing.T, raw []byte) []byte { return replaceOnce(t, raw, "+0000\ngpgsig", "+0100\ngpgsig") }},
		{"commit time", func(t *testing.T, raw []byte) []byte {
			i := bytes.Index(raw, []byte("\ncommitter "))
			j := bytes.Index(raw[i:], []byte(" +0000\n"))
			out := bytes.Clone(raw)
			out[i+j-1]++ // last digit of the committer time
			return out
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.t = t
			f.checkout(first)
			h := f.commit(spec{signer: dana(t), files: f.issueEdit("second"), msg: "second",
				edit: func(raw []byte) []byte { return tt.edit(t, raw) }})
			expect(t, f.verifyRange(f.root, h),
				want{rule: "sig.invalid", commit: h, text: "does not verify"})
		})
	}
	t.Run("unaltered (control)", func(t *testing.T) {
		f.t = t
		f.checkout(first)
		h := f.commitAs(dana(t), f.issueEdit("second"), "second")
		expect(t, f.verifyRange(f.root, h))
	})
	t.Run("signature moved to another commit", func(t *testing.T) {
		f.t = t
		f.checkout(first)
		sig, _ := f.build(spec{signer: dana(t), files: f.issueEdit("signed"), msg: "signed"})
		i := bytes.Index(sig, []byte("gpgsig "))
		j := bytes.Index(sig, []byte("\n\n"))
		block := sig[i : j+1]
		h := f.commit(spec{files: f.issueEdit("other"), msg: "other", prepare: func(p []byte) []byte {
			k := bytes.Index(p, []byte("\n\n"))
			return append(append(bytes.Clone(p[:k+1]), block...), p[k+1:]...)
		}})
		expect(t, f.verifyRange(f.root, h), want{rule: "sig.invalid", commit: h, text: "does not verify"})
	})
}

// Row 10: duplicate headers and non-canonical objects, signed over exactly
// those bytes, so only the object's form is wrong.
func TestRow10NonCanonical(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	first := f.commitAs(dana(t), f.issueEdit("first"), "first")
	rootTree := f.treeOf(f.root)
	line := func(raw []byte, prefix string) string {
		i := bytes.Index(raw, []byte("\n"+prefix))
		if bytes.HasPrefix(raw, []byte(prefix)) {
			i = -1
		}
		j := bytes.IndexByte(raw[i+1:], '\n')
		return string(raw[i+1 : i+1+j+1])
	}
	tests := []struct {
		name    string
		prepare func(t *testing.T, p []byte) []byte
		text    string
	}{
		{"duplicate tree", func(t *testing.T, p []byte) []byte {
			return replaceOnce(t, p, "parent ", "tree "+rootTree.String()+"\nparent ")
		}, "duplicate tree"},
		{"duplicate tree, same value", func(t *testing.T, p []byte) []byte {
			l := line(p, "tree ")
			return replaceOnce(t, p, l, l+l)
		}, "duplicate tree"},
		{"duplicate author", func(t *testing.T, p []byte) []byte {
			l := line(p, "author ")
			return replaceOnce(t, p, l, l+strings.Replace(l, "dana-debian", "mara-openwall", 2))
		}, "duplicate author"},
		{"duplicate committer", func(t *testing.T, p []byte) []byte {
			l := line(p, "committer ")
			return replaceOnce(t, p, l, l+strings.Replace(l, "dana-debian", "mara-openwall", 2))
		}, "duplicate committer"},
		{"duplicate parent", func(t *testing.T, p []byte) []byte {
			l := line(p, "parent ")
			return replaceOnce(t, p, l, l+l)
		}, "duplicate parent"},
		{"committer before author", func(t *testing.T, p []byte) []byte {
			a, c := line(p, "author "), line(p, "committer ")
			return replaceOnce(t, p, a+c, c+a)
		}, "out of order"},
		{"unknown header", func(t *testing.T, p []byte) []byte {
			return replaceOnce(t, p, "\n\n", "\nx-trailer yes\n\n")
		}, "unknown header"},
		{"carriage return in a header", func(t *testing.T, p []byte) []byte {
			l := line(p, "author ")
			return replaceOnce(t, p, l, strings.TrimSuffix(l, "\n")+"\r\n")
		}, "carriage return"},
		{"upper-case tree id", func(t *testing.T, p []byte) []byte {
			l := line(p, "tree ")
			return replaceOnce(t, p, l, "tree "+strings.ToUpper(l[5:]))
		}, "bad tree"},
		{"nul in message", func(t *testing.T, p []byte) []byte { return append(p, 0, '\n') }, "nul"},
	}
	for _, tt := range tests {
		for _, pos := range []string{"last", "middle"} {
			t.Run(tt.name+"/"+pos, func(t *testing.T) {
				f.t = t
				f.checkout(first)
				h := f.commit(spec{signer: dana(t), files: f.issueEdit("second"), msg: "second",
					prepare: func(p []byte) []byte { return tt.prepare(t, p) }})
				head := h
				if pos == "middle" {
					f.checkout(h)
					head = f.commitAs(dana(t), f.issueEdit("third"), "third")
				}
				expect(t, f.verifyRange(f.root, head),
					want{rule: "sig.noncanonical", commit: h, text: tt.text})
			})
		}
	}
	t.Run("canonical (control)", func(t *testing.T) {
		f.t = t
		f.checkout(first)
		f.commitAs(dana(t), f.issueEdit("second"), "second")
		f.commitAs(dana(t), f.issueEdit("third"), "third")
		expect(t, f.verifyRange(f.root, f.tip))
	})
}

// Row 11: more than one signature.
func TestRow11TwoSignatures(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	stranger := newSigner(t, "ed25519", "stranger")
	sigOf := func(s *signer, payload []byte) []byte { return s.mustSign(t, payload, now.Add(-time.Hour)) }
	tests := []struct {
		name string
		rule string
		text string
		sign func(p []byte) []byte // the whole signed object from the payload
	}{
		{"duplicate gpgsig header", "sig.noncanonical", "duplicate gpgsig", func(p []byte) []byte {
			return addSig(addSig(p, sigOf(dana(t), p)), sigOf(dana(t), p))
		}},
		{"gpgsig and gpgsig-sha256", "sig.noncanonical", "gpgsig-sha256", func(p []byte) []byte {
			one := addSig(p, sigOf(dana(t), p))
			return replaceOnce(t, one, "\n\n", "\ngpgsig-sha256 "+strings.ReplaceAll(strings.TrimSuffix(string(sigOf(dana(t), p)), "\n"), "\n", "\n ")+"\n\n")
		}},
		{"two armored blocks", "sig.noncanonical", "more than one armored block", func(p []byte) []byte {
			return addSig(p, append(sigOf(dana(t), p), sigOf(eli(t), p)...))
		}},
		{"two signature packets in one block", "sig.invalid", "2 signature packets", func(p []byte) []byte {
			bin := append(unarmor(t, sigOf(dana(t), p)), unarmor(t, sigOf(stranger, p))...)
			return addSig(p, armorBlock(t, "PGP SIGNATURE", bin))
		}},
		{"the same packet twice", "sig.invalid", "2 signature packets", func(p []byte) []byte {
			one := unarmor(t, sigOf(dana(t), p))
			return addSig(p, armorBlock(t, "PGP SIGNATURE", append(bytes.Clone(one), one...)))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.t = t
			f.checkout(f.root)
			// Build the object unsigned, then sign it by hand.
			payload, _ := f.build(spec{files: f.issueEdit("x"), msg: "two signatures"})
			h := f.storeRaw(tt.sign(payload))
			expect(t, f.verifyRange(f.root, h), want{rule: tt.rule, commit: h, text: tt.text})
		})
	}
	t.Run("one signature (control)", func(t *testing.T) {
		f.t = t
		payload, _ := f.build(spec{parents: []plumbing.Hash{f.root}, files: f.issueEdit("x"), msg: "one signature"})
		h := f.storeRaw(addSig(payload, sigOf(dana(t), payload)))
		expect(t, f.verifyRange(f.root, h))
	})
}

// Row 20: SSH and X.509 signatures are refused as unsupported.
func TestRow20UnsupportedSignatureType(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tests := []struct{ name, sig, kind string }{
		{"ssh", "-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgkV1rBBIuVzqNvyX0x3aaeVRQ\n-----END SSH SIGNATURE-----\n", "ssh"},
		{"x509 (gpgsm)", "-----BEGIN SIGNED MESSAGE-----\nMIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0B\n-----END SIGNED MESSAGE-----\n", "x509"},
		{"pkcs7", "-----BEGIN PKCS7-----\nMIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0B\n-----END PKCS7-----\n", "x509"},
		{"pgp message", "-----BEGIN PGP MESSAGE-----\nowGbwMvMwCG2\n-----END PGP MESSAGE-----\n", "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.t = t
			payload, _ := f.build(spec{parents: []plumbing.Hash{f.root}, files: f.issueEdit("x"), msg: "signed elsewhere"})
			h := f.storeRaw(addSig(payload, []byte(tt.sig)))
			expect(t, f.verifyRange(f.root, h),
				want{rule: "sig.invalid", commit: h, text: "unsupported signature type " + tt.kind})
		})
	}
}
