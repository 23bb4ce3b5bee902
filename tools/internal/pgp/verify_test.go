package pgp

import (
	"bytes"
	"crypto"
	"encoding/binary"
	"strings"
	"sync"
	"testing"
	"time"

	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

func TestVerifyDetachedGood(t *testing.T) {
	tests := []struct {
		name   string
		signer func(testing.TB) *Signer
		hash   crypto.Hash
	}{
		{"ed25519 v4", edSigner, crypto.SHA256},
		{"ed25519 v6", ed6Signer, crypto.SHA256},
		{"rsa3072", rsaSigner, crypto.SHA256},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.signer(t)
			at := t0.Add(day24)
			sig, err := s.SignDetached(payload, at)
			if err != nil {
				t.Fatal(err)
			}
			others := []*Key{signerKey(t, edSigner(t)), signerKey(t, ed6Signer(t)), signerKey(t, rsaSigner(t))}
			for _, in := range [][]byte{sig, unarmor(t, sig)} { // armored and binary
				got, err := VerifyDetached(others, payload, in, now0)
				if err != nil {
					t.Fatal(err)
				}
				want := Signature{Fingerprint: s.Fingerprint(), SignerKeyID: keyID(s.entity.PrimaryKey.KeyId), Created: at, Hash: tt.hash}
				if got.Created.Location() != time.UTC {
					t.Errorf("Created is not in UTC: %v", got.Created)
				}
				if *got != want {
					t.Errorf("VerifyDetached = %+v, want %+v", *got, want)
				}
			}
		})
	}
}

func TestVerifyDetachedBad(t *testing.T) {
	ed := edSigner(t)
	edKey := signerKey(t, ed)
	edPriv := ed.entity.PrivateKey
	good, err := ed.SignDetached(payload, t0.Add(day24))
	if err != nil {
		t.Fatal(err)
	}
	good2, err := ed.SignDetached(payload, t0.Add(2*day24))
	if err != nil {
		t.Fatal(err)
	}
	bin, bin2 := unarmor(t, good), unarmor(t, good2)

	// One fresh key per case that needs to change the key.
	expiring := newEd(t, lifetime(10*day24))
	compromised := revoked(t, packet.KeyCompromised, t0.Add(2*day24))
	retired := revoked(t, packet.KeyRetired, t0.Add(20*day24))
	sha1Self := newEd(t)
	recertify(t, sha1Self, func(s *packet.Signature) { s.Hash = crypto.SHA1 })

	withSub := newEd(t) // a valid signing subkey
	if err := withSub.AddSigningSubkey(edConfig(t0.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	noFlag := newEd(t) // a subkey whose binding lacks the sign flag
	if err := noFlag.AddSigningSubkey(edConfig(t0)); err != nil {
		t.Fatal(err)
	}
	rebind(t, noFlag, lastSubkey(noFlag), func(s *packet.Signature) { s.FlagAuthenticate = true })
	noCross := newEd(t) // a signing subkey without a cross-signature
	if err := noCross.AddSigningSubkey(edConfig(t0)); err != nil {
		t.Fatal(err)
	}
	rebind(t, noCross, lastSubkey(noCross), func(s *packet.Signature) { s.FlagSign = true })
	expiredSub := newEd(t) // a signing subkey valid for one day
	cfg := edConfig(t0)
	cfg.KeyLifetimeSecs = uint32(day24 / time.Second)
	if err := expiredSub.AddSigningSubkey(cfg); err != nil {
		t.Fatal(err)
	}

	revokedSub := newEd(t) // a signing subkey revoked as compromised
	if err := revokedSub.AddSigningSubkey(edConfig(t0)); err != nil {
		t.Fatal(err)
	}
	if err := lastSubkey(revokedSub).Revoke(packet.KeyCompromised, "", Config(t0.Add(2*day24))); err != nil {
		t.Fatal(err)
	}

	textSig := func() []byte {
		var buf bytes.Buffer
		err := openpgp.ArmoredDetachSign(&buf, []*openpgp.Entity{ed.entity}, bytes.NewReader(payload),
			&openpgp.SignParams{TextSig: true, Config: signConfig(t0.Add(day24))})
		if err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}()
	md5Sig := bytes.Clone(bin)
	md5Sig[2+3] = 1 // hash id of the one-octet-length signature packet

	tests := []struct {
		name    string
		keys    []*Key
		payload []byte
		sig     []byte
		now     time.Time
		want    error
		text    string // part of the message
	}{
		{"altered payload", []*Key{edKey}, append(bytes.Clone(payload), ' '), good, now0, ErrBadSignature, "does not verify"},
		{"empty payload", []*Key{edKey}, nil, good, now0, ErrBadSignature, ""},
		{"unknown key", []*Key{signerKey(t, ed6Signer(t))}, payload, good, now0, ErrUnknownKey, ed.Fingerprint()},
		{"no keys", nil, payload, good, now0, ErrUnknownKey, ed.Fingerprint()},
		{"two packets in one block", []*Key{edKey}, payload, armorSig(t, append(bytes.Clone(bin), bin2...)), now0, ErrMultipleSignatures, "2 signature packets"},
		{"two binary packets", []*Key{edKey}, payload, append(bytes.Clone(bin), bin2...), now0, ErrMultipleSignatures, "2 signature packets"},
		{"two armored blocks", []*Key{edKey}, payload, append(bytes.Clone(good), good2...), now0, ErrMultipleSignatures, "armored"},
		{"same block twice", []*Key{edKey}, payload, append(bytes.Clone(good), good...), now0, ErrMultipleSignatures, "armored"},
		{"sha1", []*Key{edKey}, payload, rawSign(t, edPriv, payload, crypto.SHA1, t0.Add(day24)), now0, ErrWeak, "SHA-1"},
		{"md5", []*Key{edKey}, payload, armorSig(t, md5Sig), now0, ErrWeak, "MD5"},
		{"sha1 self-signature", []*Key{pubKey(t, sha1Self)}, payload, rawSign(t, sha1Self.PrivateKey, payload, crypto.SHA256, t0.Add(day24)), now0, ErrWeak, "SHA-1"},
		{"rsa1024 primary", []*Key{pubKey(t, rsa1024Entity(t))}, payload, rawSign(t, rsa1024Entity(t).PrivateKey, payload, crypto.SHA256, t0.Add(day24)), now0, ErrWeak, "1024 bits"},
		{"rsa1024 subkey", []*Key{pubKey(t, rsa1024SubEntity(t))}, payload, rawSign(t, lastSubkey(rsa1024SubEntity(t)).PrivateKey, payload, crypto.SHA256, t0.Add(day24)), now0, ErrWeak, "1024 bits"},
		{"dsa", []*Key{mustParse(t, dsaKeyFile)}, dsaPayload, dsaSignature, dsaNow, ErrWeak, "DSA"},
		{"future", []*Key{edKey}, payload, rawSign(t, edPriv, payload, crypto.SHA256, now0.Add(6*time.Minute)), now0, ErrBadTime, "future"},
		{"older than key", []*Key{edKey}, payload, rawSign(t, edPriv, payload, crypto.SHA256, t0.Add(-time.Second)), now0, ErrBadTime, "before the key was created"},
		{"older than subkey", []*Key{pubKey(t, withSub)}, payload, rawSign(t, lastSubkey(withSub).PrivateKey, payload, crypto.SHA256, t0.Add(time.Minute)), now0, ErrBadTime, "before signing subkey"},
		{"expired before signing", []*Key{pubKey(t, expiring)}, payload, rawSign(t, expiring.PrivateKey, payload, crypto.SHA256, t0.Add(11*day24)), now0, ErrKeyExpired, "when the signature was made"},
		{"expired since signing", []*Key{pubKey(t, expiring)}, payload, rawSign(t, expiring.PrivateKey, payload, crypto.SHA256, t0.Add(day24)), now0, ErrKeyExpired, "expired now"},
		{"subkey expired", []*Key{pubKey(t, expiredSub)}, payload, rawSign(t, lastSubkey(expiredSub).PrivateKey, payload, crypto.SHA256, t0.Add(2*day24)), now0, ErrKeyExpired, "signing subkey"},
		{"revoked (compromised) before signing", []*Key{pubKey(t, compromised)}, payload, rawSign(t, compromised.PrivateKey, payload, crypto.SHA256, t0.Add(3*day24)), now0, ErrKeyRevoked, "key compromised"},
		{"revoked (compromised) after signing", []*Key{pubKey(t, compromised)}, payload, rawSign(t, compromised.PrivateKey, payload, crypto.SHA256, t0.Add(day24)), now0, ErrKeyRevoked, "revoked"},
		{"retired since signing", []*Key{pubKey(t, retired)}, payload, rawSign(t, retired.PrivateKey, payload, crypto.SHA256, t0.Add(day24)), now0, ErrKeyRevoked, "revoked now"},
		{"retired before signing", []*Key{pubKey(t, retired)}, payload, rawSign(t, retired.PrivateKey, payload, crypto.SHA256, t0.Add(21*day24)), now0, ErrKeyRevoked, "before the signature was made"},
		{"subkey revoked", []*Key{pubKey(t, revokedSub)}, payload, rawSign(t, lastSubkey(revokedSub).PrivateKey, payload, crypto.SHA256, t0.Add(day24)), now0, ErrKeyRevoked, "signing subkey"},
		{"subkey without sign flag", []*Key{pubKey(t, noFlag)}, payload, rawSign(t, lastSubkey(noFlag).PrivateKey, payload, crypto.SHA256, t0.Add(day24)), now0, ErrKeyUnusable, "sign flag"},
		{"subkey without cross-signature", []*Key{pubKey(t, noCross)}, payload, rawSign(t, lastSubkey(noCross).PrivateKey, payload, crypto.SHA256, t0.Add(day24)), now0, ErrKeyUnusable, "cross-signature"},
		{"rsa encryption subkey", []*Key{signerKey(t, rsaSigner(t))}, payload, rawSign(t, lastSubkey(rsaSigner(t).entity).PrivateKey, payload, crypto.SHA256, t0.Add(day24)), now0, ErrKeyUnusable, "sign flag"},
		{"signature expired", []*Key{edKey}, payload, rawSign(t, edPriv, payload, crypto.SHA256, t0.Add(day24), func(s *packet.Signature) {
			life := uint32(day24 / time.Second)
			s.SigLifetimeSecs = &life
		}), now0, ErrBadTime, "expired"},
		{"unknown critical notation", []*Key{edKey}, payload, rawSign(t, edPriv, payload, crypto.SHA256, t0.Add(day24), func(s *packet.Signature) {
			s.Notations = []*packet.Notation{{Name: "x@example.org", Value: []byte("1"), IsCritical: true, IsHumanReadable: true}}
		}), now0, ErrBadSignature, "critical notation"},
		{"unhashed issuer id disagrees", []*Key{edKey}, payload, armorSig(t, withUnhashedIssuer(t, bin, ed.entity.PrimaryKey.KeyId^1)), now0, ErrMalformed, "disagree"},
		{"unknown unhashed issuer id", []*Key{signerKey(t, rsaSigner(t))}, payload, armorSig(t, withUnhashedIssuer(t, bin, rsaSigner(t).entity.PrimaryKey.KeyId)), now0, ErrMalformed, "disagree"},
		{"text mode", []*Key{edKey}, payload, textSig, now0, ErrMalformed, "binary document"},
		{"empty", []*Key{edKey}, payload, nil, now0, ErrMalformed, "empty"},
		{"garbage", []*Key{edKey}, payload, []byte("not a signature"), now0, ErrMalformed, ""},
		{"random bytes", []*Key{edKey}, payload, []byte{0x88, 0x5e, 0x04, 0x00, 0x16, 0x08, 1, 2, 3}, now0, ErrMalformed, ""},
		{"truncated", []*Key{edKey}, payload, bin[:len(bin)-3], now0, ErrMalformed, ""},
		{"public key block", []*Key{edKey}, payload, mustArmored(t, ed.PublicArmored), now0, ErrMalformed, "PGP PUBLIC KEY BLOCK"},
		{"trailing junk", []*Key{edKey}, payload, append(bytes.Clone(good), "junk\n"...), now0, ErrMalformed, ""},
		{"leading junk", []*Key{edKey}, payload, append([]byte("junk\n"), good...), now0, ErrMalformed, ""},
		{"trailing bytes in packet", []*Key{edKey}, payload, armorSig(t, trailingByte(bin)), now0, ErrMalformed, "trailing bytes"},
		{"too big", []*Key{edKey}, payload, append(bytes.Clone(good), bytes.Repeat([]byte("\n"), MaxSignatureSize)...), now0, ErrMalformed, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := VerifyDetached(tt.keys, tt.payload, tt.sig, tt.now)
			if err == nil {
				t.Fatalf("VerifyDetached accepted it: %+v", got)
			}
			if got != nil {
				t.Errorf("VerifyDetached returned %+v with the error", got)
			}
			t.Log(err)
			checkSentinel(t, err, tt.want)
			if !strings.Contains(err.Error(), tt.text) {
				t.Errorf("error %q does not mention %q", err, tt.text)
			}
		})
	}
}

func TestVerifyDetachedEdges(t *testing.T) {
	ed := edSigner(t)
	edKey := signerKey(t, ed)
	withSub := newEd(t)
	if err := withSub.AddSigningSubkey(edConfig(t0)); err != nil {
		t.Fatal(err)
	}
	sub := lastSubkey(withSub)
	tests := []struct {
		name   string
		keys   []*Key
		sig    []byte
		signer string
	}{
		{"within clock skew", []*Key{edKey}, rawSign(t, ed.entity.PrivateKey, payload, crypto.SHA256, now0.Add(4*time.Minute)), keyID(ed.entity.PrimaryKey.KeyId)},
		{"signed at key creation", []*Key{edKey}, rawSign(t, ed.entity.PrivateKey, payload, crypto.SHA512, t0), keyID(ed.entity.PrimaryKey.KeyId)},
		{"signing subkey", []*Key{edKey, pubKey(t, withSub)}, rawSign(t, sub.PrivateKey, payload, crypto.SHA256, t0.Add(day24)), keyID(sub.PublicKey.KeyId)},
		{"key listed twice", []*Key{edKey, edKey}, rawSign(t, ed.entity.PrivateKey, payload, crypto.SHA256, t0.Add(day24)), keyID(ed.entity.PrimaryKey.KeyId)},
		{"redundant unhashed issuer id", []*Key{edKey}, withUnhashedIssuer(t, unarmor(t, rawSign(t, ed.entity.PrivateKey, payload, crypto.SHA256, t0.Add(day24))), ed.entity.PrimaryKey.KeyId), keyID(ed.entity.PrimaryKey.KeyId)},
		{"crlf armor", []*Key{edKey}, bytes.ReplaceAll(rawSign(t, ed.entity.PrivateKey, payload, crypto.SHA256, t0.Add(day24)), []byte("\n"), []byte("\r\n")), keyID(ed.entity.PrimaryKey.KeyId)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := VerifyDetached(tt.keys, payload, tt.sig, now0)
			if err != nil {
				t.Fatal(err)
			}
			if got.SignerKeyID != tt.signer {
				t.Errorf("SignerKeyID = %s, want %s", got.SignerKeyID, tt.signer)
			}
		})
	}
}

// TestVerifyDetachedConcurrent checks that parallel use of one key is safe
// (run with -race to see the difference).
func TestVerifyDetachedConcurrent(t *testing.T) {
	ed := edSigner(t)
	k := pubKey(t, ed.entity)
	sig, err := ed.SignDetached(payload, t0.Add(day24))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := VerifyDetached([]*Key{k}, payload, sig, now0); err != nil {
				t.Error(err)
			}
			CheckKey(k, now0)
		})
	}
	wg.Wait()
}

func mustParse(t testing.TB, data []byte) *Key {
	t.Helper()
	k, err := ParseKeyFile(data)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustArmored(t testing.TB, f func() ([]byte, error)) []byte {
	t.Helper()
	b, err := f()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// trailingByte appends a byte inside a signature packet with a one-octet length.
func trailingByte(bin []byte) []byte {
	out := bytes.Clone(bin)
	out[1]++
	return append(out, 0)
}

// withUnhashedIssuer adds an issuer key id subpacket to the unhashed area of
// a v4 signature packet with a one-octet length, as an attacker could.
func withUnhashedIssuer(t testing.TB, bin []byte, id uint64) []byte {
	t.Helper()
	if bin[0] != 0xc2 || int(bin[1]) != len(bin)-2 || bin[2] != 4 {
		t.Fatalf("not a short new-format v4 signature packet: % x", bin[:3])
	}
	body := bin[2:]
	hashed := int(body[4])<<8 | int(body[5])
	at := 6 + hashed // unhashed length
	unhashed := int(body[at])<<8 | int(body[at+1])
	sub := binary.BigEndian.AppendUint64([]byte{9, 16}, id)
	out := []byte{0xc2, byte(len(body) + len(sub))}
	out = append(out, body[:at]...)
	out = binary.BigEndian.AppendUint16(out, uint16(unhashed+len(sub)))
	out = append(out, sub...)
	return append(out, body[at+2:]...)
}
