package pgp

import (
	"bytes"
	"crypto"
	"errors"
	"sync"
	"testing"
	"time"

	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// A fixed clock: keys are made at t0, checks run at now0 unless a case says otherwise.
var (
	t0   = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	now0 = t0.Add(30 * day24)
)

const day24 = 24 * time.Hour

var payload = []byte("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n" +
	"author A <a@example.org> 1735700000 +0000\ncommitter A <a@example.org> 1735700000 +0000\n\nmessage\n")

var sentinels = []error{ErrKeyFile, ErrMalformed, ErrMultipleSignatures, ErrUnknownKey, ErrKeyExpired,
	ErrKeyRevoked, ErrKeyUnusable, ErrWeak, ErrBadTime, ErrBadSignature}

// checkSentinel fails unless err wraps want and no other sentinel.
func checkSentinel(t testing.TB, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error = %v, want %v", err, want)
	}
	if n := countSentinels(err); n != 1 {
		t.Fatalf("error %q wraps %d sentinels, want 1", err, n)
	}
}

func countSentinels(err error) int {
	n := 0
	for _, s := range sentinels {
		if errors.Is(err, s) {
			n++
		}
	}
	return n
}

// cached generates a value once per test binary.
func cached[T any](f func() (T, error)) func(testing.TB) T {
	var once sync.Once
	var v T
	var err error
	return func(t testing.TB) T {
		t.Helper()
		once.Do(func() { v, err = f() })
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// Generated keys, shared by all tests (RSA generation is slow).
var (
	edSigner  = cached(func() (*Signer, error) { return NewSigner(AlgoEd25519, "Ed Four", "ed4@example.org", t0) })
	ed6Signer = cached(func() (*Signer, error) { return NewSigner(AlgoEd25519V6, "Ed Six", "ed6@example.org", t0) })
	rsaSigner = cached(func() (*Signer, error) { return NewSigner(AlgoRSA3072, "Rsa Big", "rsa@example.org", t0) })
	// rsa1024Entity has an RSA-1024 primary key.
	rsa1024Entity = cached(func() (*openpgp.Entity, error) {
		cfg := signConfig(t0)
		cfg.Algorithm, cfg.RSABits = packet.PubKeyAlgoRSA, 1024
		return openpgp.NewEntity("Rsa Small", "", "rsa1024@example.org", cfg)
	})
	// rsa1024SubEntity is an Ed25519 key with an RSA-1024 signing subkey (the last subkey).
	rsa1024SubEntity = cached(func() (*openpgp.Entity, error) {
		e, err := openpgp.NewEntity("Rsa Sub", "", "rsasub@example.org", edConfig(t0))
		if err != nil {
			return nil, err
		}
		cfg := signConfig(t0)
		cfg.Algorithm, cfg.RSABits = packet.PubKeyAlgoRSA, 1024
		return e, e.AddSigningSubkey(cfg)
	})
)

// edConfig is the configuration for a fresh v4 Ed25519 key made at t.
func edConfig(at time.Time) *packet.Config {
	cfg := signConfig(at)
	cfg.Algorithm, cfg.Curve = packet.PubKeyAlgoEdDSA, packet.Curve25519
	return cfg
}

// newEd makes a fresh v4 Ed25519 entity at t0 (cheap), with options applied to its config.
func newEd(t testing.TB, opts ...func(*packet.Config)) *openpgp.Entity {
	t.Helper()
	cfg := edConfig(t0)
	for _, o := range opts {
		o(cfg)
	}
	e, err := openpgp.NewEntity("Fresh Key", "", "fresh@example.org", cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// pubKey round-trips e's public part through armor and ParseKeyFile.
func pubKey(t testing.TB, e *openpgp.Entity) *Key {
	t.Helper()
	data, err := (&Signer{entity: e}).PublicArmored()
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParseKeyFile(data)
	if err != nil {
		t.Fatalf("ParseKeyFile: %v\n%s", err, data)
	}
	return k
}

func signerKey(t testing.TB, s *Signer) *Key {
	t.Helper()
	return pubKey(t, s.entity)
}

// craftConfig is the configuration for crafted signatures: deterministic
// v4 signatures, as the salt notation cannot be made for SHA-1.
func craftConfig(at time.Time) *packet.Config {
	cfg := Config(at)
	cfg.NonDeterministicSignaturesViaNotation = packet.BoolPointer(false)
	return cfg
}

// rawSign crafts an armored detached binary signature with the packet API,
// bypassing the library's checks on the key, hash and time.
func rawSign(t testing.TB, priv *packet.PrivateKey, data []byte, h crypto.Hash, at time.Time, edits ...func(*packet.Signature)) []byte {
	t.Helper()
	pub := &priv.PublicKey
	sig := &packet.Signature{
		Version:           pub.Version,
		SigType:           packet.SigTypeBinary,
		PubKeyAlgo:        pub.PubKeyAlgo,
		Hash:              h,
		CreationTime:      at,
		IssuerKeyId:       &pub.KeyId,
		IssuerKeyVersion:  uint8(pub.Version),
		IssuerFingerprint: pub.Fingerprint,
	}
	for _, edit := range edits {
		edit(sig)
	}
	cfg := craftConfig(at)
	hh, err := sig.PrepareSign(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hh.Write(data)
	if err := sig.Sign(hh, priv, cfg); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := sig.Serialize(&buf); err != nil {
		t.Fatal(err)
	}
	return armorSig(t, buf.Bytes())
}

func armorSig(t testing.TB, bin []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, signatureType, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(bin)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	buf.WriteByte('\n')
	return buf.Bytes()
}

// unarmor returns the binary body of one armored block.
func unarmor(t testing.TB, data []byte) []byte {
	t.Helper()
	b, err := armor.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(b.Body); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// lastSubkey returns the most recently added subkey of e.
func lastSubkey(e *openpgp.Entity) *openpgp.Subkey { return &e.Subkeys[len(e.Subkeys)-1] }

// rebind replaces the binding signature of sub with one made by edit,
// signed by the primary key at t0.
func rebind(t testing.TB, e *openpgp.Entity, sub *openpgp.Subkey, edit func(*packet.Signature)) {
	t.Helper()
	sig := &packet.Signature{
		Version:           e.PrimaryKey.Version,
		SigType:           packet.SigTypeSubkeyBinding,
		PubKeyAlgo:        e.PrimaryKey.PubKeyAlgo,
		Hash:              crypto.SHA256,
		CreationTime:      t0,
		IssuerKeyId:       &e.PrimaryKey.KeyId,
		IssuerKeyVersion:  uint8(e.PrimaryKey.Version),
		IssuerFingerprint: e.PrimaryKey.Fingerprint,
		FlagsValid:        true,
	}
	edit(sig)
	if err := sig.SignKey(sub.PublicKey, e.PrivateKey, craftConfig(t0)); err != nil {
		t.Fatal(err)
	}
	sub.Bindings = []*packet.VerifiableSignature{packet.NewVerifiableSig(sig)}
}

// recertify replaces every user id self-signature of e with one made by edit.
func recertify(t testing.TB, e *openpgp.Entity, edit func(*packet.Signature)) {
	t.Helper()
	for name, id := range e.Identities {
		primary := true
		sig := &packet.Signature{
			Version:           e.PrimaryKey.Version,
			SigType:           packet.SigTypePositiveCert,
			PubKeyAlgo:        e.PrimaryKey.PubKeyAlgo,
			Hash:              crypto.SHA256,
			CreationTime:      t0,
			IssuerKeyId:       &e.PrimaryKey.KeyId,
			IssuerKeyVersion:  uint8(e.PrimaryKey.Version),
			IssuerFingerprint: e.PrimaryKey.Fingerprint,
			FlagsValid:        true,
			FlagSign:          true,
			FlagCertify:       true,
			IsPrimaryId:       &primary,
		}
		edit(sig)
		if err := sig.SignUserId(name, e.PrimaryKey, e.PrivateKey, craftConfig(t0)); err != nil {
			t.Fatal(err)
		}
		id.SelfCertifications = []*packet.VerifiableSignature{packet.NewVerifiableSig(sig)}
	}
}
