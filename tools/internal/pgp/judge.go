package pgp

import (
	"fmt"
	"time"

	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// judgeKey decides whether the candidate (sub)key could make a signature at
// created, as GnuPG does:
//
//   - the current self-signature of the primary key (the latest valid one at
//     now) and, for a subkey, its current binding signature decide the sign
//     flag and the expiry; an older self-signature, which gpg drops when it
//     renews a key, is not needed;
//   - that expiry must cover the signature time (else the key was expired when
//     it signed) and now (the project's rule, as git verify-commit's: a key
//     must also be valid now, so an expired key must be renewed to keep
//     counting);
//   - a hard revocation (no reason, or "key compromised") voids every
//     signature, also those made before it; a soft one ("superseded",
//     "retired") voids the signatures made at or after its own time, and,
//     by the same rule of validity now, the key's use from then on: its
//     message then says that the signature was good when made.
//
// The creation times (key and subkey before the signature) are checked by
// the caller. Errors wrap ErrKeyRevoked, ErrKeyExpired or ErrKeyUnusable.
func judgeKey(c candidate, created, now time.Time, cfg *packet.Config) error {
	e := c.key.Entity
	fpr := c.key.Fingerprint
	if err := revocationError("key "+fpr, e.Revocations, created, now, func(s *packet.Signature) bool {
		return e.PrimaryKey.VerifyRevocationSignature(s) == nil
	}); err != nil {
		return err
	}
	self, err := e.PrimarySelfSignature(now, cfg)
	if err != nil {
		return fmt.Errorf("%w: key %s has no valid self-signature at %s (a user id certification, or for a v6 key a direct-key signature, hashed with SHA-256 or better)", ErrKeyUnusable, fpr, stamp(now))
	}
	if exp, ok := expires(e, now, cfg); ok {
		if err := expiryError("key "+fpr, exp, created, now); err != nil {
			return err
		}
	}
	if c.sub == nil {
		if !self.FlagsValid || !self.FlagSign || !c.pub.PubKeyAlgo.CanSign() {
			return fmt.Errorf("%w: primary key %s may not make signatures: its current self-signature (made at %s) lacks the sign flag", ErrKeyUnusable, keyID(c.pub.KeyId), stamp(self.CreationTime))
		}
		return nil
	}

	id := "signing subkey " + keyID(c.pub.KeyId)
	sub := c.sub
	if err := revocationError(id, sub.Revocations, created, now, func(s *packet.Signature) bool {
		return e.PrimaryKey.VerifySubkeyRevocationSignature(s, sub.PublicKey) == nil
	}); err != nil {
		return err
	}
	bind, err := sub.LatestValidBindingSignature(now, cfg)
	if err != nil {
		return fmt.Errorf("%w: subkey %s has no valid binding signature at %s "+
			"(a signing subkey needs a binding by the primary key with a cross-signature by the subkey, hashed with SHA-256 or better)", ErrKeyUnusable, keyID(c.pub.KeyId), stamp(now))
	}
	if exp, ok := subkeyExpires(sub, bind); ok {
		if err := expiryError(id, exp, created, now); err != nil {
			return err
		}
	}
	if !bind.FlagsValid || !bind.FlagSign {
		return fmt.Errorf("%w: subkey %s may not make signatures: its current binding signature (made at %s) lacks the sign flag", ErrKeyUnusable, keyID(c.pub.KeyId), stamp(bind.CreationTime))
	}
	return nil
}

// revocationError judges the valid revocations among revs: the first that
// voids a signature made at created (hard, or soft from before it), else the
// first soft one in effect at now. valid checks a revocation signature
// cryptographically; its outcome is cached in the signature, as the library
// caches it.
func revocationError(what string, revs []*packet.VerifiableSignature, created, now time.Time, valid func(*packet.Signature) bool) error {
	var later *packet.Signature
	for _, r := range revs {
		if r == nil || r.Packet == nil {
			continue
		}
		if r.Valid == nil {
			v := valid(r.Packet)
			r.Valid = &v
		}
		if !*r.Valid {
			continue
		}
		p := r.Packet
		switch {
		case hardRevocation(p):
			return fmt.Errorf("%w: %s is revoked (%s, at %s): a hard revocation voids every signature it made, also those from before the revocation",
				ErrKeyRevoked, what, reasonName(p.RevocationReason), stamp(p.CreationTime))
		case created.Unix() >= p.CreationTime.Unix():
			return fmt.Errorf("%w: %s was revoked at %s (%s), before the signature was made at %s",
				ErrKeyRevoked, what, stamp(p.CreationTime), reasonName(p.RevocationReason), stamp(created))
		case now.Unix() >= p.CreationTime.Unix() && later == nil:
			later = p
		}
	}
	if later != nil {
		return fmt.Errorf("%w: %s was valid when the signature was made (%s) but was revoked at %s (%s) and is revoked now (%s)",
			ErrKeyRevoked, what, stamp(created), stamp(later.CreationTime), reasonName(later.RevocationReason), stamp(now))
	}
	return nil
}

// hardRevocation reports whether a revocation voids the key's past
// signatures too: any reason but "superseded" and "retired" (RFC 9580
// §5.2.3.31), including none at all, as GnuPG and the library treat them.
func hardRevocation(r *packet.Signature) bool {
	if r.RevocationReason == nil {
		return true
	}
	switch *r.RevocationReason {
	case packet.KeySuperseded, packet.KeyRetired:
		return false
	}
	return true
}

// reasonName names a revocation reason for a message.
func reasonName(r *packet.ReasonForRevocation) string {
	if r == nil {
		return "no reason given"
	}
	switch *r {
	case packet.NoReason:
		return "no reason given"
	case packet.KeyCompromised:
		return "reason: key compromised"
	case packet.KeySuperseded:
		return "reason: key superseded"
	case packet.KeyRetired:
		return "reason: key retired"
	}
	return fmt.Sprintf("reason code %d", uint8(*r))
}

// expiryError says whether an expiry exp, as the current self-signature or
// binding sets it, fails a signature made at created and checked at now. A
// key is expired at t when t is past exp (to the second), as in the library.
func expiryError(what string, exp, created, now time.Time) error {
	switch {
	case created.Unix() > exp.Unix():
		return fmt.Errorf("%w: %s was already expired when the signature was made (%s): it expired at %s", ErrKeyExpired, what, stamp(created), stamp(exp))
	case now.Unix() > exp.Unix():
		return fmt.Errorf("%w: %s was valid when the signature was made (%s) but expired at %s and is expired now (%s)",
			ErrKeyExpired, what, stamp(created), stamp(exp), stamp(now))
	}
	return nil
}

// subkeyExpires returns the expiry a subkey's binding signature sets: the
// earliest of the subkey's lifetime, the binding's own lifetime and the
// lifetime of its cross-signature; false when it never expires.
func subkeyExpires(sub *openpgp.Subkey, bind *packet.Signature) (t time.Time, ok bool) {
	consider := func(c time.Time) {
		if !ok || c.Before(t) {
			t, ok = c, true
		}
	}
	if bind.KeyLifetimeSecs != nil && *bind.KeyLifetimeSecs > 0 {
		consider(sub.PublicKey.CreationTime.Add(time.Duration(*bind.KeyLifetimeSecs) * time.Second))
	}
	sigLife := func(s *packet.Signature) {
		if s != nil && s.SigLifetimeSecs != nil && *s.SigLifetimeSecs > 0 {
			consider(s.CreationTime.Add(time.Duration(*s.SigLifetimeSecs) * time.Second))
		}
	}
	sigLife(bind)
	if bind.FlagSign {
		sigLife(bind.EmbeddedSignature)
	}
	return t, ok
}
