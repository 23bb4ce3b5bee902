package pgp

import (
	"bytes"
	"errors"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

func FuzzParseKeyFile(f *testing.F) {
	pub := mustArmored(f, edSigner(f).PublicArmored)
	pub6 := mustArmored(f, ed6Signer(f).PublicArmored)
	f.Add(pub)
	f.Add(pub6)
	f.Add(dsaKeyFile)
	f.Add(append(bytes.Clone(pub), pub6...))
	f.Add(rearmor(publicKeyType, append(unarmor(f, pub), unarmor(f, pub6)...)))
	f.Add([]byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n-----END PGP PUBLIC KEY BLOCK-----\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ParseKeyFile(data)
		if err != nil {
			if k != nil || !errors.Is(err, ErrKeyFile) || countSentinels(err) != 1 {
				t.Fatalf("ParseKeyFile = %v, %v", k, err)
			}
			return
		}
		CheckKey(k, now0)
		Expires(k, now0)
	})
}

func FuzzVerifyDetached(f *testing.F) {
	ed, ed6 := edSigner(f), ed6Signer(f)
	keys := []*Key{signerKey(f, ed), signerKey(f, ed6)}
	sig := mustSign(f, ed, payload)
	sig6 := mustSign(f, ed6, payload)
	f.Add(payload, sig)
	f.Add(payload, unarmor(f, sig))
	f.Add(payload, unarmor(f, sig6))
	f.Add(payload, append(unarmor(f, sig), unarmor(f, sig6)...))
	f.Add(payload, append(bytes.Clone(sig), sig6...))
	f.Add(dsaPayload, dsaSignature)
	f.Add([]byte{}, []byte("not a signature"))
	f.Fuzz(func(t *testing.T, data, signature []byte) {
		s, err := VerifyDetached(keys, data, signature, now0)
		if (err == nil) == (s == nil) {
			t.Fatalf("VerifyDetached = %v, %v", s, err)
		}
		if err != nil && countSentinels(err) != 1 {
			t.Fatalf("error %q wraps %d sentinels", err, countSentinels(err))
		}
	})
}

func mustSign(t testing.TB, s *Signer, data []byte) []byte {
	t.Helper()
	sig, err := s.SignDetached(data, t0.Add(day24))
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// FuzzReadMessage feeds the sealed-message reader armored and bare bytes:
// it never panics, an error wraps exactly one of its sentinels, and a message
// it accepts has recipients and a version-1 or version-2 encrypted packet.
func FuzzReadMessage(f *testing.F) {
	ed, ed6 := signerKey(f, edSigner(f)), signerKey(f, ed6Signer(f))
	v1, err := Encrypt([]byte("title: a\n"), []*Key{ed}, now0)
	if err != nil {
		f.Fatal(err)
	}
	v2, err := Encrypt([]byte("title: a\n"), []*Key{ed6}, now0)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(v1)
	f.Add(v2)
	f.Add(rearmor(messageType, unarmor(f, v1)[:40]))
	f.Add(rearmor(messageType, append(unarmor(f, v1), unarmor(f, v2)...)))
	f.Add(rearmor(messageType, []byte{0xC9, 0x05, 1, 2, 3, 4, 5}))
	f.Add(rearmor(messageType, []byte{0xD2, 0xE9, 1}))
	f.Add([]byte("-----BEGIN PGP MESSAGE-----\n\n-----END PGP MESSAGE-----\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ReadMessage(data)
		if err != nil {
			if m != nil || countMessageSentinels(err) != 1 {
				t.Fatalf("ReadMessage = %+v, %v", m, err)
			}
			return
		}
		if len(m.Recipients) == 0 || (m.Version != 1 && m.Version != 2) {
			t.Fatalf("accepted %+v", m)
		}
		if m.Cipher != 0 && m.Cipher != packet.CipherAES256 {
			t.Fatalf("accepted cipher %d", m.Cipher)
		}
	})
}
