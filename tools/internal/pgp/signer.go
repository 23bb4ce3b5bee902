package pgp

import (
	"bytes"
	"crypto"
	"errors"
	"fmt"
	"io"
	"time"

	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/embargo-tool/embargo/tools/internal/plural"
)

// Signer is a private key used only by tests, the example generator and the
// demo, never by the checker.
type Signer struct {
	entity *openpgp.Entity
}

// Signer algorithms accepted by NewSigner.
const (
	AlgoEd25519   = "ed25519"    // v4 key, EdDSA (legacy encoding) on Curve25519
	AlgoEd25519V6 = "ed25519-v6" // v6 key, Ed25519
	AlgoRSA3072   = "rsa3072"    // v4 key, RSA of 3072 bits
)

// NewSigner generates a new key, created at t, with the user id
// "name <email>": a primary key that may certify and sign, and an encryption
// subkey. algorithm is AlgoEd25519, AlgoEd25519V6 or AlgoRSA3072.
func NewSigner(algorithm, name, email string, t time.Time) (*Signer, error) {
	cfg := signConfig(t)
	switch algorithm {
	case AlgoEd25519:
		cfg.Algorithm, cfg.Curve = packet.PubKeyAlgoEdDSA, packet.Curve25519
	case AlgoEd25519V6:
		cfg.Algorithm, cfg.V6Keys = packet.PubKeyAlgoEd25519, true
	case AlgoRSA3072:
		cfg.Algorithm, cfg.RSABits = packet.PubKeyAlgoRSA, 3072
	default:
		return nil, fmt.Errorf("unknown key algorithm %q; use %q, %q or %q", algorithm, AlgoEd25519, AlgoEd25519V6, AlgoRSA3072)
	}
	e, err := openpgp.NewEntity(name, "", email, cfg)
	if err != nil {
		return nil, fmt.Errorf("generating key: %v", err)
	}
	return &Signer{entity: e}, nil
}

// ReadSigner reads one armored, unencrypted PRIVATE key.
func ReadSigner(armored []byte) (*Signer, error) {
	if len(armored) > MaxKeyFileSize {
		return nil, fmt.Errorf("private key is larger than %d bytes", MaxKeyFileSize)
	}
	body, err := dearmor(armored, privateKeyType, MaxKeyFileSize)
	if err != nil {
		return nil, fmt.Errorf("reading private key: %v", err)
	}
	el, err := openpgp.ReadKeyRing(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("reading private key: %v", err)
	}
	if len(el) != 1 {
		return nil, fmt.Errorf("reading private key: found %s, want exactly one", plural.Of(len(el), "key"))
	}
	e := el[0]
	if e.PrivateKey == nil {
		return nil, errors.New("reading private key: no secret key material")
	}
	if e.PrivateKey.Encrypted {
		return nil, errors.New("reading private key: the key is protected by a passphrase")
	}
	for _, s := range e.Subkeys {
		if s.PrivateKey != nil && s.PrivateKey.Encrypted {
			return nil, errors.New("reading private key: a subkey is protected by a passphrase")
		}
	}
	return &Signer{entity: e}, nil
}

// Fingerprint returns the upper-case hex fingerprint of the primary key.
func (s *Signer) Fingerprint() string {
	return fingerprint(s.entity.PrimaryKey)
}

// SignDetached returns an armored detached binary signature over payload,
// made at time t with SHA-256 (or the stronger hash the key requires).
func (s *Signer) SignDetached(payload []byte, t time.Time) ([]byte, error) {
	var buf bytes.Buffer
	err := openpgp.ArmoredDetachSign(&buf, []*openpgp.Entity{s.entity}, bytes.NewReader(payload),
		&openpgp.SignParams{Config: signConfig(t)})
	if err != nil {
		return nil, fmt.Errorf("signing: %v", err)
	}
	return withNewline(buf.Bytes()), nil
}

// PublicArmored returns the armored public key, as stored in members/keys/<FPR>.asc.
func (s *Signer) PublicArmored() ([]byte, error) {
	return armored(publicKeyType, s.entity.Serialize)
}

// PrivateArmored returns the armored private key, unencrypted.
func (s *Signer) PrivateArmored() ([]byte, error) {
	return armored(privateKeyType, func(w io.Writer) error {
		return s.entity.SerializePrivateWithoutSigning(w, nil)
	})
}

func armored(blockType string, write func(io.Writer) error) ([]byte, error) {
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, blockType, nil)
	if err != nil {
		return nil, err
	}
	if err := write(w); err != nil {
		return nil, fmt.Errorf("serializing key: %v", err)
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return withNewline(buf.Bytes()), nil
}

func withNewline(b []byte) []byte {
	if len(b) > 0 && b[len(b)-1] != '\n' {
		b = append(b, '\n')
	}
	return b
}

// signConfig is Config(t) with the hash used for new signatures.
func signConfig(t time.Time) *packet.Config {
	cfg := Config(t)
	cfg.DefaultHash = crypto.SHA256
	return cfg
}

// AddEncryptionSubkey adds an encryption subkey created at t, bound by a
// signature of the primary key made at t: ECDH on Curve25519 for an EdDSA
// key, X25519 for a v6 Ed25519 key, RSA-3072 for an RSA key.
func (s *Signer) AddEncryptionSubkey(t time.Time) error {
	cfg := signConfig(t)
	switch pk := s.entity.PrimaryKey; pk.PubKeyAlgo {
	case packet.PubKeyAlgoEdDSA:
		cfg.Algorithm, cfg.Curve = packet.PubKeyAlgoEdDSA, packet.Curve25519
	case packet.PubKeyAlgoEd25519:
		cfg.Algorithm, cfg.V6Keys = packet.PubKeyAlgoEd25519, pk.Version == 6
	case packet.PubKeyAlgoRSA:
		cfg.Algorithm, cfg.RSABits = packet.PubKeyAlgoRSA, 3072
	default:
		return fmt.Errorf("adding an encryption subkey: unsupported primary key algorithm %d", pk.PubKeyAlgo)
	}
	if err := s.entity.AddEncryptionSubkey(cfg); err != nil {
		return fmt.Errorf("adding an encryption subkey: %v", err)
	}
	return nil
}

// WithEncryptionSubkey appends a new encryption subkey, created and bound at
// t (see AddEncryptionSubkey), to an armored private key and its armored
// public key file, and returns both armored again. Every packet already
// there is kept byte for byte, so signatures the key made stay as they were
// and the key file changes only by the subkey. It exists for the example's
// TEST keys (examples/testkeys), which were made sign-only.
func WithEncryptionSubkey(privateArmored, publicArmored []byte, t time.Time) (priv, pub []byte, err error) {
	s, err := ReadSigner(privateArmored)
	if err != nil {
		return nil, nil, err
	}
	k, err := ParseKeyFile(publicArmored)
	if err != nil {
		return nil, nil, err
	}
	if k.Fingerprint != s.Fingerprint() {
		return nil, nil, fmt.Errorf("the public key %s is not the private key %s", k.Fingerprint, s.Fingerprint())
	}
	if err := s.AddEncryptionSubkey(t); err != nil {
		return nil, nil, err
	}
	sub := s.entity.Subkeys[len(s.entity.Subkeys)-1]
	var pubPkts, privPkts bytes.Buffer
	if err := sub.PublicKey.Serialize(&pubPkts); err != nil {
		return nil, nil, err
	}
	if err := sub.PrivateKey.Serialize(&privPkts); err != nil {
		return nil, nil, err
	}
	for _, b := range sub.Bindings {
		if err := b.Packet.Serialize(&pubPkts); err != nil {
			return nil, nil, err
		}
		if err := b.Packet.Serialize(&privPkts); err != nil {
			return nil, nil, err
		}
	}
	privBody, err := dearmor(privateArmored, privateKeyType, MaxKeyFileSize)
	if err != nil {
		return nil, nil, err
	}
	pubBody, err := dearmor(publicArmored, publicKeyType, MaxKeyFileSize)
	if err != nil {
		return nil, nil, err
	}
	raw := func(body []byte) func(io.Writer) error {
		return func(w io.Writer) error { _, err := w.Write(body); return err }
	}
	if priv, err = armored(privateKeyType, raw(append(privBody, privPkts.Bytes()...))); err != nil {
		return nil, nil, err
	}
	if pub, err = armored(publicKeyType, raw(append(pubBody, pubPkts.Bytes()...))); err != nil {
		return nil, nil, err
	}
	return priv, pub, nil
}

// CanEncrypt reports whether the key has an encryption key valid at now.
func (s *Signer) CanEncrypt(now time.Time) bool {
	_, ok := s.entity.EncryptionKey(now, Config(now))
	return ok
}

// Decrypt reads one armored message encrypted to this key, as a recipient
// does: for tests and the demo, which play the example's people with their
// published TEST keys. It refuses messages without integrity protection
// and fails when the integrity check fails.
func (s *Signer) Decrypt(armored []byte, now time.Time) ([]byte, error) {
	body, err := dearmor(armored, messageType, MaxMessageSize)
	if err != nil {
		return nil, fmt.Errorf("decrypting: %v", err)
	}
	md, err := openpgp.ReadMessage(bytes.NewReader(body), openpgp.EntityList{s.entity}, nil, Config(now))
	if err != nil {
		return nil, fmt.Errorf("decrypting: %v", err)
	}
	if !md.IsEncrypted {
		return nil, errors.New("decrypting: the message is not encrypted")
	}
	plain, err := io.ReadAll(io.LimitReader(md.UnverifiedBody, MaxMessageSize+1))
	if err != nil {
		return nil, fmt.Errorf("decrypting: %v", err)
	}
	if len(plain) > MaxMessageSize {
		return nil, errors.New("decrypting: the plaintext is too large")
	}
	return plain, nil
}
