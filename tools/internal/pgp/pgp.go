// Package pgp reads member keys and verifies detached OpenPGP signatures for
// the embargo checker.
//
// It is a thin, strict layer over the openpgp/v2 API of
// github.com/ProtonMail/go-crypto: every check runs with the explicit
// configuration returned by Config, which pins the clock and refuses SHA-1,
// MD5, RIPEMD-160, RSA below 2048 bits, DSA and ElGamal.
//
// Input is bounded (MaxKeyFileSize, MaxSignatureSize) and framed strictly:
// a key file is exactly one armored public key block holding one key, a
// signature is exactly one armored block (or binary data) holding one
// signature packet. Errors wrap exactly one of the sentinel errors below and
// never quote the signed payload. A panic inside the OpenPGP library is
// recovered and reported as ErrMalformed, so a check fails closed.
//
// The package never prints. Signer, NewSigner and ReadSigner exist for tests,
// example data and the demo; the checker itself only verifies.
package pgp

import (
	"crypto"
	"errors"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Sentinel errors. Every error returned by ParseKeyFile and VerifyDetached
// wraps exactly one of them; test with errors.Is.
var (
	// ErrKeyFile: a key file is not exactly one armored public key.
	ErrKeyFile = errors.New("bad key file")
	// ErrMalformed: a signature cannot be parsed, or the library panicked.
	ErrMalformed = errors.New("malformed signature")
	// ErrMultipleSignatures: more than one armored block or signature packet.
	ErrMultipleSignatures = errors.New("more than one signature")
	// ErrUnknownKey: the issuer is none of the candidate keys.
	ErrUnknownKey = errors.New("unknown signing key")
	// ErrKeyExpired: the key or signing subkey was expired at signing time or
	// is now, by the expiry its current self-signature or binding sets.
	ErrKeyExpired = errors.New("key expired")
	// ErrKeyRevoked: the key or signing subkey is revoked: hard, or soft
	// before the signature was made.
	ErrKeyRevoked = errors.New("key revoked")
	// ErrKeyUnusable: the key or subkey may not make signatures: no valid
	// current self-signature or binding, no sign flag, no cross-signature.
	ErrKeyUnusable = errors.New("key cannot sign")
	// ErrWeak: a weak hash, algorithm or key size.
	ErrWeak = errors.New("weak cryptography")
	// ErrBadTime: the signature is from the future or older than its key.
	ErrBadTime = errors.New("bad signature time")
	// ErrBadSignature: the signature does not verify, or the key may not sign.
	ErrBadSignature = errors.New("bad signature")
)

// Input limits.
const (
	// MaxKeyFileSize bounds the size of one key file.
	MaxKeyFileSize = 1 << 20
	// MaxSignatureSize bounds the size of one signature, armored or binary.
	MaxSignatureSize = 64 << 10
	// ClockSkew is how far a signature may lie in the future of now.
	ClockSkew = 5 * time.Minute
	// ExpiryWarning is how close to expiry a key draws a key.expiry warning.
	ExpiryWarning = 30 * 24 * time.Hour
)

// weakHashes are refused for message signatures and for key self-signatures.
var weakHashes = map[crypto.Hash]bool{
	crypto.MD5:       true,
	crypto.SHA1:      true,
	crypto.RIPEMD160: true,
}

// weakAlgorithms are public-key algorithms refused for any key or signature.
var weakAlgorithms = map[packet.PublicKeyAlgorithm]bool{
	packet.PubKeyAlgoDSA:            true,
	packet.PubKeyAlgoElGamal:        true,
	packet.PubKeyAlgoRSAEncryptOnly: true, // deprecated RSA variants (RFC 9580 §9.1)
	packet.PubKeyAlgoRSASignOnly:    true,
	20:                              true, // ElGamal encrypt-or-sign, long withdrawn
}

// MinRSABits is the smallest accepted RSA modulus.
const MinRSABits = 2048

// Config returns the strict packet.Config used for every check: the clock is
// fixed to now; SHA-1, MD5 and RIPEMD-160 are refused for message signatures
// and for key signatures; RSA needs at least 2048 bits; DSA, ElGamal and the
// deprecated RSA variants are refused; key flags must be present; unknown
// critical notations are refused. Each call returns a fresh value.
func Config(now time.Time) *packet.Config {
	cfg := *strictConfig // the maps are shared read-only; only the clock differs
	cfg.Time = func() time.Time { return now }
	return &cfg
}

// strictConfig holds the fixed part of Config, built once: a check of thousands
// of signatures would otherwise rebuild the same maps for each.
var strictConfig = func() *packet.Config {
	rejectHash := func() map[crypto.Hash]bool {
		m := make(map[crypto.Hash]bool, len(weakHashes))
		for h := range weakHashes {
			m[h] = true
		}
		return m
	}
	rejectAlgo := make(map[packet.PublicKeyAlgorithm]bool, len(weakAlgorithms))
	for a := range weakAlgorithms {
		rejectAlgo[a] = true
	}
	return &packet.Config{
		DefaultHash:                 crypto.SHA256,
		MinRSABits:                  MinRSABits,
		RejectPublicKeyAlgorithms:   rejectAlgo,
		RejectHashAlgorithms:        rejectHash(),
		RejectMessageHashAlgorithms: rejectHash(),
		RejectCurves:                map[packet.Curve]bool{packet.CurveSecP256k1: true},
		CheckPacketSequence:         packet.BoolPointer(true),
		KnownNotations:              map[string]bool{},
		// Explicitly the strict values, even where they are the defaults.
		InsecureAllowAllKeyFlagsWhenMissing:  false,
		InsecureAllowUnauthenticatedMessages: false,
	}
}()
