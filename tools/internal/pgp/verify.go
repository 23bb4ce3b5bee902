package pgp

import (
	"bytes"
	"crypto"
	"fmt"
	"io"
	"slices"
	"time"

	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"

	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/embargo-tool/embargo/tools/internal/plural"
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
//     older than the primary key or the signing subkey, or expired itself;
//   - ErrKeyRevoked: the key or signing subkey is revoked: by a hard
//     revocation at any time, by a soft one (superseded, retired) before the
//     signature was made;
//   - ErrKeyUnusable: the key or subkey has no valid current self-signature
//     or binding, or that lacks the sign flag (a subkey binding without a
//     valid cross-signature is not valid);
//   - ErrKeyExpired: the expiry set by the current self-signature or binding
//     is before the signature's creation time, or before now;
//   - ErrBadSignature: the signature does not verify over payload.
//
// The key is judged as GnuPG judges it (see judgeKey): a key whose expiry
// was extended after it signed still vouches for its old signatures.
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
	sig, _, err := readSignature(signature)
	if err != nil {
		return nil, err
	}
	cands := issuerKeys(keys, sig)
	if len(cands) == 0 {
		return nil, fmt.Errorf("%w: signature was made by key %s, which is not among the %s known here",
			ErrUnknownKey, issuerString(sig), plural.Of(len(keys), "key"))
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
		s, err := verifyWith(c, sig, payload, now)
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

// verifyWith checks sig against one candidate key. The key is judged as
// GnuPG judges it (see judgeKey): by its current self-signatures, not by the
// ones it had when the signature was made. The library's
// VerifyDetachedSignature looks for a self-signature older than the
// signature, so a key whose expiry was extended with gpg --quick-set-expire
// (which replaces the self-signature) would disown its own past signatures;
// the signature packet is therefore checked here with the packet API, under
// the same strict Config.
func verifyWith(c candidate, sig *packet.Signature, payload []byte, now time.Time) (*Signature, error) {
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
	if int(sig.Version) != c.pub.Version {
		return nil, fmt.Errorf("%w: a version %d signature by the version %d %s; a key makes signatures of its own version", ErrBadSignature, sig.Version, c.pub.Version, what)
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
	cfg := Config(later)
	if err := judgeKey(c, created, later, cfg); err != nil {
		return nil, err
	}
	if err := checkSignature(c.pub, sig, payload, later, cfg); err != nil {
		return nil, err
	}
	return &Signature{
		Fingerprint: c.key.Fingerprint,
		SignerKeyID: id,
		Created:     created.UTC(),
		Hash:        sig.Hash,
	}, nil
}

// checkSignature checks the signature packet itself: what the library's
// message-signature checks cover (a refused hash, an unknown critical
// notation, an expired signature) and the cryptography over payload,
// including the two hash-tag bytes.
func checkSignature(pub *packet.PublicKey, sig *packet.Signature, payload []byte, now time.Time, cfg *packet.Config) error {
	if cfg.RejectMessageHashAlgorithm(sig.Hash) {
		return fmt.Errorf("%w: signature is hashed with %s; sign with SHA-256 or better", ErrWeak, hashName(sig.Hash))
	}
	for _, n := range sig.Notations {
		if n.IsCritical && !cfg.KnownNotation(n.Name) {
			return fmt.Errorf("%w: signature carries an unknown critical notation %q", ErrBadSignature, n.Name)
		}
	}
	if sig.SigExpired(now) {
		return fmt.Errorf("%w: signature has expired (it was made at %s with a lifetime that ended before now, %s)", ErrBadTime, stamp(sig.CreationTime), stamp(now))
	}
	h, err := sig.PrepareVerify()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	tag, err := sig.PrepareVerify()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	io.MultiWriter(h, tag).Write(payload)
	if err := pub.VerifySignature(h, sig); err != nil {
		return fmt.Errorf("%w: signature does not verify: %v", ErrBadSignature, err)
	}
	// The library skips the two digest bytes a v4 signature carries in the
	// clear (go-crypto#107), so a copy with other bytes there would verify
	// here while gpg calls it BAD; refuse it, so that one signature has one
	// byte form.
	if err := packet.VerifyHashTag(tag, sig); err != nil {
		return fmt.Errorf("%w: the signature's hash tag does not match the signed bytes", ErrBadSignature)
	}
	return nil
}
