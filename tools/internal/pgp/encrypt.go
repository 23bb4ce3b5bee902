package pgp

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// CanEncrypt reports whether k has a key valid for encryption at now (the
// primary key or a subkey with the encrypt flags and a valid binding), as a
// list server re-encrypting mail to the key's owner needs.
func CanEncrypt(k *Key, now time.Time) (ok bool) {
	if k == nil || k.Entity == nil || k.Entity.PrimaryKey == nil {
		return false
	}
	defer lockEntity(k.Entity)()
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	_, ok = k.Entity.EncryptionKey(now, Config(now))
	return ok
}

// ErrCannotEncrypt: a key has no key valid for encryption at the time given
// (no encryption subkey, or only expired or revoked ones).
var ErrCannotEncrypt = errors.New("key cannot encrypt")

// sealedChunkByte is the AEAD chunk size of version 2 messages: 2^(12+6)
// bytes, far above any record.
const sealedChunkByte = 12

// Encrypt encrypts plaintext to the current encryption key of each of keys
// (valid at now) and returns one armored message as ReadMessage accepts it:
// AES-256, integrity-protected, not compressed and not signed, with one
// recipient packet per key, each naming its key. The message is version 1
// (CFB with a modification detection code, which every GnuPG reads) unless
// every key is a v6 key; then it is version 2 (AEAD, OCB). A key that
// cannot encrypt gives an error wrapping ErrCannotEncrypt that names its
// fingerprint; nothing is written then. Keys listed twice are used once.
func Encrypt(plaintext []byte, keys []*Key, now time.Time) (msg []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			msg, err = nil, fmt.Errorf("encrypting: internal error: %v", r)
		}
	}()
	if len(keys) == 0 {
		return nil, errors.New("encrypting: no recipient")
	}
	cfg := Config(now)
	var subs []*packet.PublicKey
	seen := map[string]bool{}
	allV6 := true
	for _, k := range keys {
		if k == nil || k.Entity == nil || seen[k.Fingerprint] {
			continue
		}
		seen[k.Fingerprint] = true
		sub, ok := encryptionKey(k, now)
		if !ok {
			return nil, fmt.Errorf("%w: %s has no key valid for encryption at %s", ErrCannotEncrypt, k.Fingerprint, now.UTC().Format(time.RFC3339))
		}
		allV6 = allV6 && sub.Version == 6
		subs = append(subs, sub)
	}
	session := make([]byte, 32) // AES-256
	if _, err := io.ReadFull(rand.Reader, session); err != nil {
		return nil, err
	}
	defer clear(session)
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, messageType, nil)
	if err != nil {
		return nil, err
	}
	aead := allV6
	for _, sub := range subs {
		if err := packet.SerializeEncryptedKeyAEAD(w, sub, packet.CipherAES256, aead, session, cfg); err != nil {
			return nil, fmt.Errorf("encrypting to %s: %v", keyID(sub.KeyId), err)
		}
	}
	if aead {
		cfg.AEADConfig = &packet.AEADConfig{DefaultMode: packet.AEADModeOCB, ChunkSize: 1 << (sealedChunkByte + 6)}
	}
	suite := packet.CipherSuite{Cipher: packet.CipherAES256, Mode: packet.AEADModeOCB}
	enc, err := packet.SerializeSymmetricallyEncrypted(w, packet.CipherAES256, aead, suite, session, cfg)
	if err != nil {
		return nil, fmt.Errorf("encrypting: %v", err)
	}
	lit, err := packet.SerializeLiteral(enc, true, "", 0)
	if err != nil {
		return nil, fmt.Errorf("encrypting: %v", err)
	}
	if _, err := lit.Write(plaintext); err != nil {
		return nil, fmt.Errorf("encrypting: %v", err)
	}
	if err := lit.Close(); err != nil { // closes the encrypted packet too
		return nil, fmt.Errorf("encrypting: %v", err)
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return withNewline(buf.Bytes()), nil
}

// encryptionKey returns the public (sub)key that encryption to k uses at
// now: the newest valid one with an encryption flag, as GnuPG picks it.
func encryptionKey(k *Key, now time.Time) (pub *packet.PublicKey, ok bool) {
	defer lockEntity(k.Entity)()
	defer func() {
		if recover() != nil {
			pub, ok = nil, false
		}
	}()
	key, ok := k.Entity.EncryptionKey(now, Config(now))
	if !ok || key.PublicKey == nil {
		return nil, false
	}
	return key.PublicKey, true
}

// KeyIDs returns the ids of k's primary key and every subkey, and for v6
// keys their fingerprints: what a message's recipient packet names.
func KeyIDs(k *Key) (ids []uint64, fingerprints []string) {
	if k == nil || k.Entity == nil || k.Entity.PrimaryKey == nil {
		return nil, nil
	}
	defer lockEntity(k.Entity)()
	add := func(pk *packet.PublicKey) {
		ids = append(ids, pk.KeyId)
		fingerprints = append(fingerprints, fingerprint(pk))
	}
	add(k.Entity.PrimaryKey)
	for _, s := range k.Entity.Subkeys {
		if s.PublicKey != nil {
			add(s.PublicKey)
		}
	}
	return ids, fingerprints
}
