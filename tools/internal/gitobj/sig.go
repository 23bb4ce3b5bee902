package gitobj

import (
	"bytes"

	"github.com/go-git/go-git/v5/plumbing"
)

// SigType is the kind of signature found in a commit's gpgsig header.
type SigType int

// Signature kinds. Only SigOpenPGP is meant to be verified; the others let
// callers refuse with a clear "unsupported signature type".
const (
	SigNone    SigType = iota // no gpgsig header
	SigOpenPGP                // -----BEGIN PGP SIGNATURE-----
	SigSSH                    // -----BEGIN SSH SIGNATURE-----
	SigX509                   // -----BEGIN SIGNED MESSAGE----- or -----BEGIN PKCS7-----
	SigUnknown                // anything else, including "-----BEGIN PGP MESSAGE-----"
)

// String returns a short lower-case name for t.
func (t SigType) String() string {
	switch t {
	case SigNone:
		return "none"
	case SigOpenPGP:
		return "openpgp"
	case SigSSH:
		return "ssh"
	case SigX509:
		return "x509"
	default:
		return "unknown"
	}
}

// armorKinds maps an armor label to its signature type.
var armorKinds = []struct {
	label string
	typ   SigType
}{
	{"PGP SIGNATURE", SigOpenPGP},
	{"SSH SIGNATURE", SigSSH},
	{"SIGNED MESSAGE", SigX509},
	{"PKCS7", SigX509},
}

// classifySignature checks a gpgsig value (lines each ending in "\n") and
// returns its type. More than one "-----BEGIN" is ErrMultipleSignatures. For
// a recognised type the first line must be exactly the BEGIN line and the
// last line exactly the matching END line, with no other END line.
func classifySignature(sig []byte) (SigType, error) {
	if bytes.Count(sig, []byte("-----BEGIN")) > 1 {
		return SigUnknown, errf(ErrMultipleSignatures, "gpgsig holds more than one armored block")
	}
	first, _, _ := bytes.Cut(sig, []byte("\n"))
	for _, k := range armorKinds {
		if string(first) != "-----BEGIN "+k.label+"-----" {
			continue
		}
		end := "-----END " + k.label + "-----\n"
		if !bytes.HasSuffix(sig, []byte(end)) ||
			(len(sig) > len(end) && sig[len(sig)-len(end)-1] != '\n') {
			return k.typ, errf(ErrMalformed, "gpgsig: armor does not end with %q", end[:len(end)-1])
		}
		if bytes.Count(sig, []byte("-----END")) != 1 {
			return k.typ, errf(ErrMultipleSignatures, "gpgsig holds more than one armor end line")
		}
		return k.typ, nil
	}
	return SigUnknown, nil
}

// AddSignature returns the signed form of an unsigned raw commit object (as
// produced by go-git's object.Commit.EncodeWithoutSignature or
// Commit.Payload): a "gpgsig" header holding armoredSig is inserted at the
// end of the header block, after committer/encoding/mergetag, exactly as git
// does it. Each signature line is written as " " + line + "\n" (an empty line
// becomes a single space), a missing final newline is supplied, and carriage
// returns are dropped as git drops them from gpg output. An empty signature
// returns a copy of unsigned. The inverse is ParseCommit's Payload and
// Signature.
func AddSignature(unsigned []byte, armoredSig []byte) []byte {
	sig := bytes.ReplaceAll(armoredSig, []byte("\r"), nil)
	if len(sig) == 0 {
		return bytes.Clone(unsigned)
	}
	sig = bytes.TrimSuffix(sig, []byte("\n"))
	at := len(unsigned)
	if i := bytes.Index(unsigned, []byte("\n\n")); i >= 0 {
		at = i + 1
	}
	out := make([]byte, 0, len(unsigned)+len(sig)+len(sig)/32+16)
	out = append(out, unsigned[:at]...)
	out = append(out, "gpgsig"...)
	for line := range bytes.SplitSeq(sig, []byte("\n")) {
		out = append(out, ' ')
		out = append(out, line...)
		out = append(out, '\n')
	}
	return append(out, unsigned[at:]...)
}

// SplitSigned is the inverse of AddSignature: it parses a signed raw commit
// object with ParseCommit (no expected hash) and returns the signed payload
// and the armored signature. An unsigned commit returns raw and a nil
// signature.
func SplitSigned(raw []byte) (payload, armoredSig []byte, err error) {
	c, err := ParseCommit(raw, plumbing.ZeroHash)
	if err != nil {
		return nil, nil, err
	}
	return c.Payload, c.Signature, nil
}
