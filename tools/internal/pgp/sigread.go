package pgp

import (
	"bytes"
	"crypto"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/embargo-tool/embargo/tools/internal/plural"
)

// readSignature frames and parses exactly one signature packet; raw is its
// binary encoding.
func readSignature(data []byte) (sig *packet.Signature, raw []byte, err error) {
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return nil, nil, fmt.Errorf("%w: empty signature", ErrMalformed)
	case len(data) > MaxSignatureSize:
		return nil, nil, fmt.Errorf("%w: signature is larger than %d bytes", ErrMalformed, MaxSignatureSize)
	}
	bin := data
	if isArmored(data) {
		bin, err = dearmor(data, signatureType, MaxSignatureSize)
		if errors.Is(err, errManyBlocks) {
			return nil, nil, fmt.Errorf("%w: more than one armored signature block", ErrMultipleSignatures)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
	}
	pkts, err := splitPackets(bin)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	n := 0
	for _, p := range pkts {
		if p.tag == tagSignature {
			n++
		}
	}
	if n > 1 {
		return nil, nil, fmt.Errorf("%w: %s; exactly one is allowed", ErrMultipleSignatures, plural.Of(n, "signature packet"))
	}
	if len(pkts) != 1 || pkts[0].tag != tagSignature {
		return nil, nil, fmt.Errorf("%w: a detached signature must be exactly one signature packet", ErrMalformed)
	}
	p := pkts[0]
	// Look at the fixed fields first, so that a refused hash or algorithm the
	// library cannot even parse (MD5, RIPEMD-160) is named as weak.
	if len(p.body) < 4 {
		return nil, nil, fmt.Errorf("%w: truncated signature packet", ErrMalformed)
	}
	if v := p.body[0]; v != 4 && v != 6 {
		return nil, nil, fmt.Errorf("%w: signature packet version %d is not supported; use a v4 or v6 signature", ErrMalformed, v)
	}
	if h := hashByID(p.body[3]); weakHashes[h] {
		return nil, nil, fmt.Errorf("%w: signature is hashed with %s; sign with SHA-256 or better", ErrWeak, hashName(h))
	}
	if a := packet.PublicKeyAlgorithm(p.body[2]); weakAlgorithms[a] {
		return nil, nil, fmt.Errorf("%w: signature is made with %s; use Ed25519, or RSA of at least %d bits", ErrWeak, algoName(a), MinRSABits)
	}
	r := bytes.NewReader(p.all)
	pk, err := packet.Read(r)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if r.Len() != 0 {
		return nil, nil, fmt.Errorf("%w: trailing bytes inside the signature packet", ErrMalformed)
	}
	sig, ok := pk.(*packet.Signature)
	if !ok {
		return nil, nil, fmt.Errorf("%w: not a signature packet", ErrMalformed)
	}
	if sig.SigType != packet.SigTypeBinary {
		return nil, nil, fmt.Errorf("%w: signature type 0x%02x; a detached signature must be a binary document signature (0x00)", ErrMalformed, uint8(sig.SigType))
	}
	if weakHashes[sig.Hash] {
		return nil, nil, fmt.Errorf("%w: signature is hashed with %s; sign with SHA-256 or better", ErrWeak, hashName(sig.Hash))
	}
	if len(sig.IssuerFingerprint) == 0 && sig.IssuerKeyId == nil {
		return nil, nil, fmt.Errorf("%w: signature names no issuer key", ErrMalformed)
	}
	if len(sig.IssuerFingerprint) > 0 {
		want, ok := keyIDOfFingerprint(sig.IssuerFingerprint)
		if !ok || sig.IssuerKeyId == nil || *sig.IssuerKeyId != want {
			return nil, nil, fmt.Errorf("%w: the issuer key id and issuer fingerprint of the signature disagree", ErrMalformed)
		}
	}
	return sig, p.all, nil
}

// hashByID maps the OpenPGP hash ids that matter here (RFC 9580 §9.5).
func hashByID(id byte) crypto.Hash {
	switch id {
	case 1:
		return crypto.MD5
	case 2:
		return crypto.SHA1
	case 3:
		return crypto.RIPEMD160
	}
	return 0
}

// keyIDOfFingerprint derives the key id from a v4 (last 8 bytes) or v6
// (first 8 bytes) fingerprint.
func keyIDOfFingerprint(fpr []byte) (uint64, bool) {
	switch len(fpr) {
	case 20:
		return binary.BigEndian.Uint64(fpr[12:]), true
	case 32:
		return binary.BigEndian.Uint64(fpr[:8]), true
	}
	return 0, false
}

func issuerString(sig *packet.Signature) string {
	if len(sig.IssuerFingerprint) > 0 {
		return fmt.Sprintf("%X", sig.IssuerFingerprint)
	}
	return keyID(*sig.IssuerKeyId)
}
