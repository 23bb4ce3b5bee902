package pgp

import (
	"strings"
	"testing"
	"time"
)

func TestSignerRoundTrip(t *testing.T) {
	for _, s := range []*Signer{edSigner(t), ed6Signer(t), rsaSigner(t)} {
		t.Run(s.Fingerprint(), func(t *testing.T) {
			priv, err := s.PrivateArmored()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(priv), "-----BEGIN PGP PRIVATE KEY BLOCK-----") {
				t.Fatalf("PrivateArmored does not start with the armor header:\n%s", priv)
			}
			back, err := ReadSigner(priv)
			if err != nil {
				t.Fatal(err)
			}
			if back.Fingerprint() != s.Fingerprint() {
				t.Fatalf("Fingerprint = %s, want %s", back.Fingerprint(), s.Fingerprint())
			}
			at := t0.Add(3 * day24)
			sig, err := back.SignDetached(payload, at)
			if err != nil {
				t.Fatal(err)
			}
			got, err := VerifyDetached([]*Key{signerKey(t, s)}, payload, sig, now0)
			if err != nil {
				t.Fatal(err)
			}
			if got.Fingerprint != s.Fingerprint() || !got.Created.Equal(at) {
				t.Errorf("VerifyDetached = %+v", got)
			}
		})
	}
}

func TestReadSignerBad(t *testing.T) {
	pub := mustArmored(t, edSigner(t).PublicArmored)
	encrypted := func() []byte {
		s, err := NewSigner(AlgoEd25519, "Locked", "locked@example.org", t0)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.entity.EncryptPrivateKeys([]byte("secret"), nil); err != nil {
			t.Fatal(err)
		}
		return mustArmored(t, s.PrivateArmored)
	}()
	tests := []struct {
		name string
		data []byte
	}{
		{"public key", pub},
		{"garbage", []byte("garbage")},
		{"empty", nil},
		{"passphrase", encrypted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ReadSigner(tt.data); err == nil {
				t.Error("ReadSigner accepted it")
			}
		})
	}
}

func TestNewSignerUnknownAlgorithm(t *testing.T) {
	if _, err := NewSigner("dsa1024", "X", "x@example.org", time.Now()); err == nil {
		t.Error("NewSigner accepted dsa1024")
	}
}

func TestSignDetachedBeforeKey(t *testing.T) {
	if _, err := edSigner(t).SignDetached(payload, t0.Add(-time.Hour)); err == nil {
		t.Error("SignDetached signed before the key existed")
	}
}
