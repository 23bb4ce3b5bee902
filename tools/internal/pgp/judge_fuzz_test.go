package pgp

import (
	"crypto"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// FuzzJudgeKey feeds mutated key files to VerifyDetached, so that the
// judgement of self-signatures, bindings and revocations (judge.go) meets
// keys no generator makes: it never panics, an error wraps exactly one
// sentinel, and a signature is only ever accepted for the key file's key.
func FuzzJudgeKey(f *testing.F) {
	renewed := newEd(f, lifetime(year))
	renew(f, renewed, renewedAt, renewedAt.Add(year).Sub(t0), false)
	retired := newEd(f)
	revoke(f, retired, packet.KeyRetired, renewedAt)
	withSub, sub := withSigningSubkey(f, year)
	rebindAt(f, withSub, sub, renewedAt, renewedAt.Add(year).Sub(t0), true)
	for _, c := range []struct {
		key, sig []byte
		name     string
	}{
		{mustArmored(f, (&Signer{entity: renewed}).PublicArmored), rawSign(f, renewed.PrivateKey, payload, crypto.SHA256, signedAt), "renewed"},
		{mustArmored(f, (&Signer{entity: retired}).PublicArmored), rawSign(f, retired.PrivateKey, payload, crypto.SHA256, signedAt), "retired"},
		{mustArmored(f, (&Signer{entity: withSub}).PublicArmored), rawSign(f, sub.PrivateKey, payload, crypto.SHA256, signedAt), "subkey"},
	} {
		f.Add(unarmor(f, c.key), unarmor(f, c.sig))
	}
	// The key's packets are fuzzed, armored in the target: mutations of
	// base64 text would mostly break the armor, not the key.
	f.Fuzz(func(t *testing.T, keyPackets, signature []byte) {
		k, err := ParseKeyFile(rearmor(publicKeyType, keyPackets))
		if err != nil {
			return
		}
		s, err := VerifyDetached([]*Key{k}, payload, signature, checkedAt)
		if (err == nil) == (s == nil) {
			t.Fatalf("VerifyDetached = %v, %v", s, err)
		}
		if err != nil {
			if countSentinels(err) != 1 {
				t.Fatalf("error %q wraps %d sentinels", err, countSentinels(err))
			}
			return
		}
		if s.Fingerprint != k.Fingerprint {
			t.Fatalf("accepted for %s, the key file holds %s", s.Fingerprint, k.Fingerprint)
		}
	})
}
