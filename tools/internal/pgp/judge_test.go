package pgp

import (
	"crypto"
	"strings"
	"testing"
	"time"

	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// The renewal story of row 29 (docs/threat-model.md), shifted to t0: a key made at t0 for one
// year signs at signedAt; at renewedAt its owner extends it by a year
// (gpg --quick-set-expire replaces the self-signature); checks run at
// checkedAt, when the first expiry has passed.
var (
	year      = 365 * day24
	signedAt  = t0.Add(152 * day24)
	renewedAt = t0.Add(516 * day24)
	checkedAt = t0.Add(540 * day24)
)

// TestJudgeKeyLikeGnuPG is the table of row 29 of docs/threat-model.md and of
// every refusal cause of a key judged at signing time: each case is a key
// history (made with the packet API), a signature time and the expected
// outcome with the words that name its cause.
func TestJudgeKeyLikeGnuPG(t *testing.T) {
	type keyCase struct {
		e   *openpgp.Entity
		sub *openpgp.Subkey // signs instead of the primary key, when set
	}
	primary := func(e *openpgp.Entity) keyCase { return keyCase{e: e} }
	tests := []struct {
		name  string
		key   func(t *testing.T) keyCase
		at    time.Time // signature time
		now   time.Time
		want  error // nil: accepted
		words string
	}{
		// Accepted, as GnuPG accepts them.
		{"renewed, old self-signature dropped (gpg --quick-set-expire)", func(t *testing.T) keyCase {
			e := newEd(t, lifetime(year))
			renew(t, e, renewedAt, renewedAt.Add(year).Sub(t0), false)
			return primary(e)
		}, signedAt, checkedAt, nil, ""},
		{"renewed, both self-signatures kept", func(t *testing.T) keyCase {
			e := newEd(t, lifetime(year))
			renew(t, e, renewedAt, renewedAt.Add(year).Sub(t0), true)
			return primary(e)
		}, signedAt, checkedAt, nil, ""},
		{"renewed to never expire", func(t *testing.T) keyCase {
			e := newEd(t, lifetime(year))
			renew(t, e, renewedAt, 0, false)
			return primary(e)
		}, signedAt, checkedAt, nil, ""},
		{"signed while the old expiry had passed, renewed since (the current expiry decides)", func(t *testing.T) keyCase {
			e := newEd(t, lifetime(year))
			renew(t, e, renewedAt, renewedAt.Add(year).Sub(t0), false)
			return primary(e)
		}, t0.Add(400 * day24), checkedAt, nil, ""},
		{"superseded after now (soft revocation dated later)", func(t *testing.T) keyCase {
			e := newEd(t)
			revoke(t, e, packet.KeySuperseded, checkedAt.Add(day24))
			return primary(e)
		}, signedAt, checkedAt, nil, ""},
		{"signing subkey binding renewed, old binding dropped", func(t *testing.T) keyCase {
			e, sub := withSigningSubkey(t, year)
			rebindAt(t, e, sub, renewedAt, renewedAt.Add(year).Sub(t0), false)
			return keyCase{e, sub}
		}, signedAt, checkedAt, nil, ""},

		// Refused, each with its cause.
		{"not renewed: expired now", func(t *testing.T) keyCase {
			return primary(newEd(t, lifetime(year)))
		}, signedAt, checkedAt, ErrKeyExpired, "was valid when the signature was made (" + stamp(signedAt) + ") but expired at " + stamp(t0.Add(year)) + " and is expired now"},
		{"expired at signing time, never renewed", func(t *testing.T) keyCase {
			return primary(newEd(t, lifetime(year)))
		}, t0.Add(400 * day24), checkedAt, ErrKeyExpired, "was already expired when the signature was made (" + stamp(t0.Add(400*day24)) + "): it expired at " + stamp(t0.Add(year))},
		{"renewal shortened the expiry to before the signature", func(t *testing.T) keyCase {
			e := newEd(t, lifetime(year))
			renew(t, e, renewedAt, 100*day24, false)
			return primary(e)
		}, signedAt, checkedAt, ErrKeyExpired, "already expired when the signature was made (" + stamp(signedAt) + "): it expired at " + stamp(t0.Add(100*day24))},
		{"renewed, but expired again by now", func(t *testing.T) keyCase {
			e := newEd(t, lifetime(year))
			renew(t, e, renewedAt, 530*day24, false)
			return primary(e)
		}, signedAt, checkedAt, ErrKeyExpired, "expired now"},
		{"key created after the signature", func(t *testing.T) keyCase {
			return primary(newEd(t))
		}, t0.Add(-day24), checkedAt, ErrBadTime, "before the key was created"},
		{"retired after the signature (soft revocation): good when made, revoked now", func(t *testing.T) keyCase {
			e := newEd(t)
			revoke(t, e, packet.KeyRetired, renewedAt)
			return primary(e)
		}, signedAt, checkedAt, ErrKeyRevoked, "was valid when the signature was made (" + stamp(signedAt) + ") but was revoked at " + stamp(renewedAt) + " (reason: key retired) and is revoked now"},
		{"superseded after the signature (soft revocation): good when made, revoked now", func(t *testing.T) keyCase {
			e := newEd(t)
			revoke(t, e, packet.KeySuperseded, renewedAt)
			return primary(e)
		}, signedAt, checkedAt, ErrKeyRevoked, "(reason: key superseded) and is revoked now"},
		{"hard revocation (compromised) after the signature", func(t *testing.T) keyCase {
			e := newEd(t)
			revoke(t, e, packet.KeyCompromised, renewedAt)
			return primary(e)
		}, signedAt, checkedAt, ErrKeyRevoked, "reason: key compromised, at " + stamp(renewedAt) + "): a hard revocation voids every signature"},
		{"revocation without a reason after the signature (hard)", func(t *testing.T) keyCase {
			e := newEd(t)
			revoke(t, e, packet.NoReason, renewedAt)
			return primary(e)
		}, signedAt, checkedAt, ErrKeyRevoked, "no reason given"},
		{"retired before the signature (soft revocation)", func(t *testing.T) keyCase {
			e := newEd(t)
			revoke(t, e, packet.KeyRetired, t0.Add(100*day24))
			return primary(e)
		}, signedAt, checkedAt, ErrKeyRevoked, "was revoked at " + stamp(t0.Add(100*day24)) + " (reason: key retired), before the signature was made at " + stamp(signedAt)},
		{"current self-signature drops the sign flag", func(t *testing.T) keyCase {
			e := newEd(t)
			renew(t, e, renewedAt, 0, true, func(s *packet.Signature) { s.FlagSign = false })
			return primary(e)
		}, signedAt, checkedAt, ErrKeyUnusable, "current self-signature (made at " + stamp(renewedAt) + ") lacks the sign flag"},
		{"only self-signature is from after now", func(t *testing.T) keyCase {
			e := newEd(t)
			renew(t, e, checkedAt.Add(day24), 0, false)
			return primary(e)
		}, signedAt, checkedAt, ErrKeyUnusable, "no valid self-signature"},
		{"signing subkey not renewed: expired now", func(t *testing.T) keyCase {
			e, sub := withSigningSubkey(t, year)
			return keyCase{e, sub}
		}, signedAt, checkedAt, ErrKeyExpired, "signing subkey " + "%SUB%" + " was valid when the signature was made"},
		{"signing subkey expired at signing time", func(t *testing.T) keyCase {
			e, sub := withSigningSubkey(t, 100*day24)
			return keyCase{e, sub}
		}, signedAt, checkedAt, ErrKeyExpired, "already expired when the signature was made"},
		{"signing subkey created after the signature", func(t *testing.T) keyCase {
			e, sub := withSigningSubkey(t, 0)
			return keyCase{e, sub}
		}, t0.Add(time.Minute), checkedAt, ErrBadTime, "before signing subkey"},
		{"signing subkey revoked as compromised after the signature", func(t *testing.T) keyCase {
			e, sub := withSigningSubkey(t, 0)
			revokeSub(t, sub, packet.KeyCompromised, renewedAt)
			return keyCase{e, sub}
		}, signedAt, checkedAt, ErrKeyRevoked, "hard revocation"},
		{"signing subkey retired after the signature: revoked now", func(t *testing.T) keyCase {
			e, sub := withSigningSubkey(t, 0)
			revokeSub(t, sub, packet.KeyRetired, renewedAt)
			return keyCase{e, sub}
		}, signedAt, checkedAt, ErrKeyRevoked, "signing subkey %SUB% was valid when the signature was made"},
		{"signing subkey retired before the signature", func(t *testing.T) keyCase {
			e, sub := withSigningSubkey(t, 0)
			revokeSub(t, sub, packet.KeyRetired, t0.Add(100*day24))
			return keyCase{e, sub}
		}, signedAt, checkedAt, ErrKeyRevoked, "before the signature was made"},
		{"signing subkey's current binding drops the sign flag", func(t *testing.T) keyCase {
			e, sub := withSigningSubkey(t, 0)
			rebindAt(t, e, sub, renewedAt, 0, true, func(s *packet.Signature) { s.FlagSign, s.FlagAuthenticate = false, true })
			return keyCase{e, sub}
		}, signedAt, checkedAt, ErrKeyUnusable, "current binding signature (made at " + stamp(renewedAt) + ") lacks the sign flag"},
		{"primary key expired now, its subkey signed", func(t *testing.T) keyCase {
			e, sub := withSigningSubkey(t, 0, lifetime(year))
			return keyCase{e, sub}
		}, signedAt, checkedAt, ErrKeyExpired, "expired now"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kc := tt.key(t)
			priv := kc.e.PrivateKey
			words := tt.words
			if kc.sub != nil {
				priv = kc.sub.PrivateKey
				words = strings.ReplaceAll(words, "%SUB%", keyID(kc.sub.PublicKey.KeyId))
			}
			k := pubKey(t, kc.e)
			sig := rawSign(t, priv, payload, crypto.SHA256, tt.at)
			got, err := VerifyDetached([]*Key{k}, payload, sig, tt.now)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if !got.Created.Equal(tt.at) || got.Fingerprint != k.Fingerprint {
					t.Errorf("VerifyDetached = %+v, want a signature by %s at %s", got, k.Fingerprint, tt.at)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted: %+v", got)
			}
			t.Log(err)
			checkSentinel(t, err, tt.want)
			if !strings.Contains(err.Error(), words) {
				t.Errorf("error %q does not say %q", err, words)
			}
		})
	}
}

// TestRenewedKeyPassesCheckKey: the key file of a renewed key is a good key
// file, and its expiry is the renewed one.
func TestRenewedKeyPassesCheckKey(t *testing.T) {
	e := newEd(t, lifetime(year))
	renew(t, e, renewedAt, renewedAt.Add(year).Sub(t0), false)
	k := pubKey(t, e)
	if ps := CheckKey(k, checkedAt); len(ps) != 0 {
		t.Errorf("CheckKey = %+v, want no problems", ps)
	}
	exp, ok := Expires(k, checkedAt)
	if !ok || !exp.Equal(renewedAt.Add(year)) {
		t.Errorf("Expires = %v, %v; want %v", exp, ok, renewedAt.Add(year))
	}
}

// renew gives e a new user id self-signature made at `at` that sets the
// key's lifetime to life (0: no expiry). With keep, the older
// self-signatures stay; without, they are dropped, as gpg --quick-set-expire
// drops them from the key it exports.
func renew(t testing.TB, e *openpgp.Entity, at time.Time, life time.Duration, keep bool, edits ...func(*packet.Signature)) {
	t.Helper()
	for name, id := range e.Identities {
		primary := true
		sig := &packet.Signature{
			Version:           e.PrimaryKey.Version,
			SigType:           packet.SigTypePositiveCert,
			PubKeyAlgo:        e.PrimaryKey.PubKeyAlgo,
			Hash:              crypto.SHA256,
			CreationTime:      at,
			IssuerKeyId:       &e.PrimaryKey.KeyId,
			IssuerKeyVersion:  uint8(e.PrimaryKey.Version),
			IssuerFingerprint: e.PrimaryKey.Fingerprint,
			FlagsValid:        true,
			FlagSign:          true,
			FlagCertify:       true,
			IsPrimaryId:       &primary,
		}
		if life > 0 {
			secs := uint32(life / time.Second)
			sig.KeyLifetimeSecs = &secs
		}
		for _, edit := range edits {
			edit(sig)
		}
		if err := sig.SignUserId(name, e.PrimaryKey, e.PrivateKey, craftConfig(at)); err != nil {
			t.Fatal(err)
		}
		if !keep {
			id.SelfCertifications = nil
		}
		id.SelfCertifications = append(id.SelfCertifications, packet.NewVerifiableSig(sig))
	}
}

// withSigningSubkey makes a fresh key (with opts) and adds a signing subkey
// at t0 + 1 hour with the given lifetime (0: no expiry).
func withSigningSubkey(t testing.TB, life time.Duration, opts ...func(*packet.Config)) (*openpgp.Entity, *openpgp.Subkey) {
	t.Helper()
	e := newEd(t, opts...)
	cfg := edConfig(t0.Add(time.Hour))
	cfg.KeyLifetimeSecs = uint32(life / time.Second)
	if err := e.AddSigningSubkey(cfg); err != nil {
		t.Fatal(err)
	}
	return e, lastSubkey(e)
}

// rebindAt gives sub a new binding signature made at `at` that sets its
// lifetime to life (0: no expiry), with the sign flag and a cross-signature
// unless an edit clears the flag; keep as in renew.
func rebindAt(t testing.TB, e *openpgp.Entity, sub *openpgp.Subkey, at time.Time, life time.Duration, keep bool, edits ...func(*packet.Signature)) {
	t.Helper()
	sig := &packet.Signature{
		Version:           e.PrimaryKey.Version,
		SigType:           packet.SigTypeSubkeyBinding,
		PubKeyAlgo:        e.PrimaryKey.PubKeyAlgo,
		Hash:              crypto.SHA256,
		CreationTime:      at,
		IssuerKeyId:       &e.PrimaryKey.KeyId,
		IssuerKeyVersion:  uint8(e.PrimaryKey.Version),
		IssuerFingerprint: e.PrimaryKey.Fingerprint,
		FlagsValid:        true,
		FlagSign:          true,
	}
	if life > 0 {
		secs := uint32(life / time.Second)
		sig.KeyLifetimeSecs = &secs
	}
	for _, edit := range edits {
		edit(sig)
	}
	cfg := craftConfig(at)
	if sig.FlagSign {
		pub := sub.PublicKey
		cross := &packet.Signature{
			Version:           pub.Version,
			SigType:           packet.SigTypePrimaryKeyBinding,
			PubKeyAlgo:        pub.PubKeyAlgo,
			Hash:              crypto.SHA256,
			CreationTime:      at,
			IssuerKeyId:       &pub.KeyId,
			IssuerKeyVersion:  uint8(pub.Version),
			IssuerFingerprint: pub.Fingerprint,
		}
		if err := cross.CrossSignKey(pub, e.PrimaryKey, sub.PrivateKey, cfg); err != nil {
			t.Fatal(err)
		}
		sig.EmbeddedSignature = cross
	}
	if err := sig.SignKey(sub.PublicKey, e.PrivateKey, cfg); err != nil {
		t.Fatal(err)
	}
	if !keep {
		sub.Bindings = nil
	}
	sub.Bindings = append(sub.Bindings, packet.NewVerifiableSig(sig))
}

// revoke adds a key revocation with reason, made at `at`.
func revoke(t testing.TB, e *openpgp.Entity, reason packet.ReasonForRevocation, at time.Time) {
	t.Helper()
	if err := e.Revoke(reason, "", Config(at)); err != nil {
		t.Fatal(err)
	}
}

// revokeSub adds a subkey revocation with reason, made at `at`.
func revokeSub(t testing.TB, sub *openpgp.Subkey, reason packet.ReasonForRevocation, at time.Time) {
	t.Helper()
	if err := sub.Revoke(reason, "", Config(at)); err != nil {
		t.Fatal(err)
	}
}
