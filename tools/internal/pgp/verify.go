package pgp

import (
	"bytes"
	"crypto"
	"errors"
	"fmt"
	"slices"
	"time"

	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"

	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Signature is the result of a successful verification.
type Signature struct {
	Fingerprint string      // primary fingerprint of the key that made it (upper-case hex)
	SignerKeyID string      // hex id of the (sub)key that actually signed (16 upper-case hex digits)
	Created     time.Time   // signature creation time, in UTC
	Hash        crypto.Hash // hash algorithm of the signature
}

// VerifyDetached verifies a detached signature over payload against the
// candidate keys. The signature is one armored "PGP SIGNATURE" block or
// binary packets. It checks, in this order, and returns an error wrapping:
//
//   - ErrMalformed: unparsable input, not exactly one signature packet, no
//     issuer, not a binary-document signature (type 0x00), or a panic in the
//     OpenPGP library;
//   - ErrMultipleSignatures: two armored blocks or two signature packets;
//   - ErrWeak: a SHA-1, MD5 or RIPEMD-160 hash, or a key that fails the
//     strength rules of Config (including weak self-signatures);
//   - ErrUnknownKey: the issuer is none of keys (the message names it);
//   - ErrBadTime: the signature is more than ClockSkew in the future of now,
//     or older than the primary key or the signing subkey;
//   - ErrKeyRevoked, ErrKeyExpired: the key or signing subkey is revoked or
//     expired at the signature's creation time or at now;
//   - ErrBadSignature: the (sub)key lacks the sign flag or, for a subkey, a
//     valid cross-signature, or the signature does not verify.
//
// The payload is never quoted in an error.
func VerifyDetached(keys []*Key, payload, signature []byte, now time.Time) (*Signature, error) {
	return verifyDetached(keys, payload, signature, now, nil)
}

// KeyCopies holds one goroutine's own copies of the keys it verifies with.
// Every use of a key's entity is serialized (see lockEntity), so goroutines
// sharing keys check signatures by one person one at a time; with a
// KeyCopies each, they check them in parallel. Not safe for concurrent use:
// one per goroutine.
type KeyCopies struct{ m map[*Key]*Key }

// NewKeyCopies returns an empty set of copies; keys are copied on first use.
func NewKeyCopies() *KeyCopies { return &KeyCopies{m: map[*Key]*Key{}} }

// VerifyDetached is the package's VerifyDetached, checking with this
// goroutine's copies of the candidate keys.
func (kc *KeyCopies) VerifyDetached(keys []*Key, payload, signature []byte, now time.Time) (*Signature, error) {
	return verifyDetached(keys, payload, signature, now, kc)
}

func (kc *KeyCopies) of(k *Key) *Key {
	c, ok := kc.m[k]
	if !ok {
		c = k.Copy()
		kc.m[k] = c
	}
	return c
}

func verifyDetached(keys []*Key, payload, signature []byte, now time.Time, kc *KeyCopies) (s *Signature, err error) {
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("%w: internal error in the OpenPGP library: %v", ErrMalformed, r)
		}
	}()
	sig, raw, err := readSignature(signature)
	if err != nil {
		return nil, err
	}
	cands := issuerKeys(keys, sig)
	if len(cands) == 0 {
		return nil, fmt.Errorf("%w: signature was made by key %s, which is not one of the %d known keys",
			ErrUnknownKey, issuerString(sig), len(keys))
	}
	if kc != nil {
		// The same candidates, found again in this goroutine's copies.
		var mine []*Key
		for _, c := range cands {
			if k := kc.of(c.key); !slices.Contains(mine, k) {
				mine = append(mine, k)
			}
		}
		cands = issuerKeys(mine, sig)
	}
	var first error
	for _, c := range cands {
		s, err := verifyWith(c, sig, raw, payload, now)
		if err == nil {
			return s, nil
		}
		if first == nil {
			first = err
		}
	}
	return nil, first
}

// candidate is one (sub)key that matches the signature's issuer.
type candidate struct {
	key *Key
	pub *packet.PublicKey
	sub *openpgp.Subkey // nil for the primary key
}

// issuerKeys finds the keys whose primary key or subkey is the issuer: by
// fingerprint when the signature carries one, else by key id.
func issuerKeys(keys []*Key, sig *packet.Signature) []candidate {
	match := func(pk *packet.PublicKey) bool {
		if pk == nil {
			return false
		}
		if len(sig.IssuerFingerprint) > 0 {
			return bytes.Equal(sig.IssuerFingerprint, pk.Fingerprint)
		}
		return *sig.IssuerKeyId == pk.KeyId
	}
	var out []candidate
	for _, k := range keys {
		if k == nil || k.Entity == nil || k.Entity.PrimaryKey == nil {
			continue
		}
		e := k.Entity
		if match(e.PrimaryKey) {
			out = append(out, candidate{key: k, pub: e.PrimaryKey})
		}
		for i := range e.Subkeys {
			if match(e.Subkeys[i].PublicKey) {
				out = append(out, candidate{key: k, pub: e.Subkeys[i].PublicKey, sub: &e.Subkeys[i]})
			}
		}
	}
	return out
}

// verifyWith checks sig against one candidate key.
func verifyWith(c candidate, sig *packet.Signature, raw, payload []byte, now time.Time) (*Signature, error) {
	e := c.key.Entity
	defer lockEntity(e)()
	id := keyID(c.pub.KeyId)
	what := "key " + id
	if c.sub != nil {
		what = "signing subkey " + id
	}

	if sig.PubKeyAlgo != c.pub.PubKeyAlgo {
		return nil, fmt.Errorf("%w: signature algorithm %d does not match %s", ErrBadSignature, sig.PubKeyAlgo, what)
	}
	if m := algoProblem(e.PrimaryKey, "primary key"); m != "" {
		return nil, fmt.Errorf("%w: %s", ErrWeak, m)
	}
	if c.sub != nil {
		if m := algoProblem(c.pub, what); m != "" {
			return nil, fmt.Errorf("%w: %s", ErrWeak, m)
		}
	}
	if ms := selfSigHashProblems(e); len(ms) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrWeak, ms[0])
	}

	created := sig.CreationTime
	if created.Unix() > now.Add(ClockSkew).Unix() {
		return nil, fmt.Errorf("%w: signature was made at %s, in the future of now (%s)", ErrBadTime, stamp(created), stamp(now))
	}
	if created.Unix() < e.PrimaryKey.CreationTime.Unix() {
		return nil, fmt.Errorf("%w: signature was made at %s, before the key was created (%s)", ErrBadTime, stamp(created), stamp(e.PrimaryKey.CreationTime))
	}
	if created.Unix() < c.pub.CreationTime.Unix() {
		return nil, fmt.Errorf("%w: signature was made at %s, before %s was created (%s)", ErrBadTime, stamp(created), what, stamp(c.pub.CreationTime))
	}
	// "Now" is never before the signature, so that a signature within the
	// allowed clock skew is not judged by a key state that precedes it.
	later := now
	if created.After(later) {
		later = created
	}
	if err := validAt(c, created, "when the signature was made"); err != nil {
		return nil, err
	}
	if err := validAt(c, later, "now"); err != nil {
		return nil, err
	}

	vsig, signer, err := openpgp.VerifyDetachedSignature(openpgp.EntityList{e}, bytes.NewReader(payload), bytes.NewReader(raw), Config(later))
	if err != nil {
		return nil, libraryError(err)
	}
	if err := hashTagMatches(vsig, payload); err != nil {
		return nil, err
	}
	if signer != e || vsig == nil || vsig.IssuerKeyId == nil || *vsig.IssuerKeyId != c.pub.KeyId {
		return nil, fmt.Errorf("%w: signature verified against an unexpected key", ErrBadSignature)
	}
	return &Signature{
		Fingerprint: c.key.Fingerprint,
		SignerKeyID: id,
		Created:     vsig.CreationTime.UTC(),
		Hash:        vsig.Hash,
	}, nil
}

// validAt checks that the candidate may sign at time t: key and subkey not
// revoked or expired, a valid self-signature, the sign flag and, for a
// subkey, a valid binding with a cross-signature.
func validAt(c candidate, t time.Time, when string) error {
	e := c.key.Entity
	cfg := Config(t)
	if e.Revoked(t) {
		return fmt.Errorf("%w: key %s is revoked%s", ErrKeyRevoked, c.key.Fingerprint, revocationReason(e))
	}
	if _, err := e.VerifyPrimaryKey(t, cfg); err != nil {
		switch {
		case errors.Is(err, pgperrors.ErrKeyRevoked):
			return fmt.Errorf("%w: key %s is revoked", ErrKeyRevoked, c.key.Fingerprint)
		case errors.Is(err, pgperrors.ErrKeyExpired):
			msg := fmt.Sprintf("key %s was expired %s (%s)", c.key.Fingerprint, when, stamp(t))
			if exp, ok := expires(e, t, cfg); ok {
				msg = fmt.Sprintf("key %s expired at %s, so it was expired %s (%s)", c.key.Fingerprint, stamp(exp), when, stamp(t))
			}
			return fmt.Errorf("%w: %s", ErrKeyExpired, msg)
		default:
			return fmt.Errorf("%w: key %s has no valid self-signature %s: %v", ErrBadSignature, c.key.Fingerprint, when, err)
		}
	}
	id := keyID(c.pub.KeyId)
	if c.sub != nil {
		if _, err := c.sub.Verify(t, cfg); err != nil {
			switch {
			case errors.Is(err, pgperrors.ErrKeyRevoked):
				return fmt.Errorf("%w: signing subkey %s is revoked", ErrKeyRevoked, id)
			case errors.Is(err, pgperrors.ErrKeyExpired):
				return fmt.Errorf("%w: signing subkey %s was expired %s (%s)", ErrKeyExpired, id, when, stamp(t))
			default:
				return fmt.Errorf("%w: subkey %s has no valid binding signature %s "+
					"(a signing subkey needs a cross-signature by the subkey)", ErrBadSignature, id, when)
			}
		}
	}
	k, ok := e.SigningKeyById(t, c.pub.KeyId, cfg)
	if !ok || k.PublicKey != c.pub {
		what := "primary key " + id
		if c.sub != nil {
			what = "subkey " + id
		}
		return fmt.Errorf("%w: %s may not make signatures %s: it lacks the sign flag "+
			"(or, for a subkey, a valid cross-signature)", ErrBadSignature, what, when)
	}
	return nil
}

// libraryError maps an error of openpgp.VerifyDetachedSignature to a sentinel.
func libraryError(err error) error {
	var weak pgperrors.WeakAlgorithmError
	switch {
	case errors.Is(err, pgperrors.ErrKeyExpired):
		return fmt.Errorf("%w: %v", ErrKeyExpired, err)
	case errors.Is(err, pgperrors.ErrKeyRevoked):
		return fmt.Errorf("%w: %v", ErrKeyRevoked, err)
	case errors.Is(err, pgperrors.ErrSignatureOlderThanKey):
		return fmt.Errorf("%w: signature is older than the key", ErrBadTime)
	case errors.Is(err, pgperrors.ErrSignatureExpired):
		return fmt.Errorf("%w: signature has expired", ErrBadTime)
	case errors.Is(err, pgperrors.ErrUnknownIssuer):
		return fmt.Errorf("%w: %v", ErrUnknownKey, err)
	case errors.As(err, &weak):
		return fmt.Errorf("%w: %v", ErrWeak, err)
	}
	return fmt.Errorf("%w: signature does not verify: %v", ErrBadSignature, err)
}

// hashTagMatches checks the two digest bytes a signature carries in the clear.
// The library skips them for v4 signatures (go-crypto#107), so a copy with
// other bytes there would verify here while gpg calls it BAD; refuse it, so
// that one signature has one byte form.
func hashTagMatches(sig *packet.Signature, payload []byte) error {
	h, err := sig.PrepareVerify()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	h.Write(payload)
	if err := packet.VerifyHashTag(h, sig); err != nil {
		return fmt.Errorf("%w: the signature's hash tag does not match the signed bytes", ErrBadSignature)
	}
	return nil
}
