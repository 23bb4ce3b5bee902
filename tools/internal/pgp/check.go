package pgp

import (
	"cmp"
	"crypto"
	"errors"
	"fmt"
	"slices"
	"time"

	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"

	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/embargo-tool/embargo/tools/internal/plural"
)

// Rule ids and severities used in Problem.
const (
	RuleStrength    = "key.strength"
	RuleExpiry      = "key.expiry"
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// Problem is one finding about a key; the caller turns it into a rule finding.
type Problem struct {
	Rule     string // RuleStrength ("key.strength") or RuleExpiry ("key.expiry")
	Severity string // SeverityError ("error") or SeverityWarning ("warning")
	Message  string // what is wrong and what would be right
}

// CheckKey checks the strength and expiry of k at time now:
//
//   - key.strength error: RSA below 2048 bits on the primary key or on a
//     signing-capable subkey; DSA, ElGamal or another refused algorithm or
//     curve on any key; a self-signature (user id certification, direct-key
//     signature, subkey binding or cross-signature) hashed with SHA-1, MD5 or
//     RIPEMD-160; no valid signing-capable primary key or subkey.
//   - key.expiry error: the primary key is expired or revoked (hard or soft
//     revocation) at now, or created in the future.
//   - key.expiry warning: the primary key expires within 30 days of now.
//
// The signing-capability check is skipped when another error was found, so
// one cause is not reported twice. Problems come in a stable order.
func CheckKey(k *Key, now time.Time) (ps []Problem) {
	if k == nil || k.Entity == nil || k.Entity.PrimaryKey == nil {
		return []Problem{{RuleStrength, SeverityError, "no key material"}}
	}
	defer func() {
		if r := recover(); r != nil {
			ps = append(ps, Problem{RuleStrength, SeverityError, fmt.Sprintf("internal error while checking the key: %v", r)})
		}
	}()
	e := k.Entity
	defer lockEntity(e)()
	cfg := Config(now)

	for _, m := range strengthProblems(e, now) {
		ps = append(ps, Problem{RuleStrength, SeverityError, m})
	}
	ps = append(ps, expiryProblems(e, now, cfg)...)
	for _, p := range ps {
		if p.Severity == SeverityError {
			return ps
		}
	}
	if _, ok := e.SigningKey(now, cfg); !ok {
		ps = append(ps, Problem{RuleStrength, SeverityError,
			"no key can sign: neither the primary key nor a subkey has a valid self-signature with the sign flag " +
				"(a signing subkey also needs a cross-signature); add a signing subkey with gpg --quick-add-key <fingerprint> ed25519 sign"})
	}
	return ps
}

// Expires returns the primary key's expiry time as seen at now, and false if
// it never expires (or has no valid self-signature to say so). The expiry is
// the earliest of the key expiration on the primary self-signature, on a v4
// key's direct-key signature, and the expiry of that self-signature itself.
func Expires(k *Key, now time.Time) (time.Time, bool) {
	if k == nil || k.Entity == nil || k.Entity.PrimaryKey == nil {
		return time.Time{}, false
	}
	defer lockEntity(k.Entity)()
	return expires(k.Entity, now, Config(now))
}

func expires(e *openpgp.Entity, now time.Time, cfg *packet.Config) (t time.Time, ok bool) {
	defer func() {
		if recover() != nil {
			t, ok = time.Time{}, false
		}
	}()
	sig, err := e.PrimarySelfSignature(now, cfg)
	if err != nil {
		return time.Time{}, false
	}
	consider := func(c time.Time) {
		if !ok || c.Before(t) {
			t, ok = c, true
		}
	}
	lifetime := func(s *packet.Signature) {
		if s.KeyLifetimeSecs != nil && *s.KeyLifetimeSecs > 0 {
			consider(e.PrimaryKey.CreationTime.Add(time.Duration(*s.KeyLifetimeSecs) * time.Second))
		}
	}
	lifetime(sig)
	if sig.SigLifetimeSecs != nil && *sig.SigLifetimeSecs > 0 {
		consider(sig.CreationTime.Add(time.Duration(*sig.SigLifetimeSecs) * time.Second))
	}
	if e.PrimaryKey.Version != 6 && len(e.DirectSignatures) > 0 {
		if ds, err := e.LatestValidDirectSignature(now, cfg); err == nil {
			lifetime(ds)
		}
	}
	return t, ok
}

// expiryProblems reports revocation, expiry and near expiry of the primary key.
func expiryProblems(e *openpgp.Entity, now time.Time, cfg *packet.Config) []Problem {
	if e.Revoked(now) {
		return []Problem{{RuleExpiry, SeverityError, "key is revoked" + revocationReason(e) + "; replace it with a new key"}}
	}
	if e.PrimaryKey.CreationTime.After(now.Add(ClockSkew)) {
		return []Problem{{RuleExpiry, SeverityError, fmt.Sprintf(
			"key was created at %s, in the future; create it with a correct clock", stamp(e.PrimaryKey.CreationTime))}}
	}
	_, verr := e.VerifyPrimaryKey(now, cfg)
	t, ok := expires(e, now, cfg)
	switch {
	case ok && now.Unix() > t.Unix():
		return []Problem{{RuleExpiry, SeverityError, fmt.Sprintf(
			"key expired on %s; extend it (gpg --quick-set-expire <fingerprint> 1y) and update the key file", day(t))}}
	case errors.Is(verr, pgperrors.ErrKeyExpired):
		return []Problem{{RuleExpiry, SeverityError,
			"key is expired (its self-signature has expired); extend it (gpg --quick-set-expire <fingerprint> 1y) and update the key file"}}
	case ok && t.Sub(now) <= ExpiryWarning:
		when := "within a day"
		if days := int(t.Sub(now).Hours() / 24); days > 0 {
			when = "in " + plural.Of(days, "day")
		}
		return []Problem{{RuleExpiry, SeverityWarning, fmt.Sprintf(
			"key expires on %s, %s; extend it (gpg --quick-set-expire <fingerprint> 1y) and update the key file", day(t), when)}}
	}
	return nil
}

// revocationReason names the reason of a verified key revocation, if any.
func revocationReason(e *openpgp.Entity) string {
	for _, r := range e.Revocations {
		if r.Valid == nil || !*r.Valid || r.Packet.RevocationReason == nil {
			continue
		}
		switch *r.Packet.RevocationReason {
		case packet.KeyCompromised:
			return " (reason: key compromised)"
		case packet.KeySuperseded:
			return " (reason: key superseded)"
		case packet.KeyRetired:
			return " (reason: key retired)"
		}
	}
	return ""
}

// strengthProblems lists weak algorithms, key sizes and self-signature hashes.
func strengthProblems(e *openpgp.Entity, now time.Time) []string {
	var out []string
	if m := algoProblem(e.PrimaryKey, "primary key"); m != "" {
		out = append(out, m)
	}
	for i := range e.Subkeys {
		s := &e.Subkeys[i]
		if s.PublicKey == nil || s.Revoked(nil, now) {
			continue // a revoked subkey can sign nothing
		}
		what := "subkey " + keyID(s.PublicKey.KeyId)
		if signingCapable(s) {
			what = "signing " + what
		} else if !weakAlgorithms[s.PublicKey.PubKeyAlgo] {
			continue // key size and curve matter for signing subkeys only
		}
		if m := algoProblem(s.PublicKey, what); m != "" {
			out = append(out, m)
		}
	}
	return append(out, selfSigHashProblems(e)...)
}

// signingCapable reports whether any binding signature of s claims the sign flag.
func signingCapable(s *openpgp.Subkey) bool {
	for _, b := range s.Bindings {
		if b.Packet.FlagsValid && b.Packet.FlagSign {
			return true
		}
	}
	return false
}

// algoProblem says what is weak about one public key, or "".
func algoProblem(pk *packet.PublicKey, what string) string {
	if weakAlgorithms[pk.PubKeyAlgo] {
		return fmt.Sprintf("%s uses %s; use Ed25519, or RSA of at least %d bits", what, algoName(pk.PubKeyAlgo), MinRSABits)
	}
	switch pk.PubKeyAlgo {
	case packet.PubKeyAlgoRSA:
		bits, err := pk.BitLength()
		if err != nil || int(bits) < MinRSABits {
			return fmt.Sprintf("%s is an RSA key of %d bits; use RSA of at least %d bits or Ed25519", what, bits, MinRSABits)
		}
	case packet.PubKeyAlgoECDSA, packet.PubKeyAlgoECDH, packet.PubKeyAlgoEdDSA:
		curve, err := pk.Curve()
		if err != nil || curve == packet.CurveSecP256k1 {
			return fmt.Sprintf("%s uses the curve %q; use Ed25519", what, curve)
		}
		if pk.Version == 6 && (curve == packet.Curve25519 || curve == packet.Curve448) {
			return fmt.Sprintf("%s is a v6 key with a legacy curve encoding; regenerate it", what)
		}
	}
	return ""
}

// selfSigHashProblems reports self-signatures hashed with a refused hash, at
// most once per kind of signature and hash.
func selfSigHashProblems(e *openpgp.Entity) []string {
	type found struct {
		kind string
		hash crypto.Hash
	}
	seen := map[found]bool{}
	var list []found
	note := func(kind string, s *packet.Signature) {
		if s == nil || !weakHashes[s.Hash] {
			return
		}
		f := found{kind, s.Hash}
		if !seen[f] {
			seen[f] = true
			list = append(list, f)
		}
	}
	for _, id := range e.Identities {
		for _, s := range id.SelfCertifications {
			note("user id self-signature", s.Packet)
		}
	}
	for _, s := range e.DirectSignatures {
		note("direct-key self-signature", s.Packet)
	}
	for _, sub := range e.Subkeys {
		for _, b := range sub.Bindings {
			note("subkey binding signature", b.Packet)
			note("subkey cross-signature", b.Packet.EmbeddedSignature)
		}
	}
	slices.SortFunc(list, func(a, b found) int {
		return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.hash, b.hash))
	})
	out := make([]string, 0, len(list))
	for _, f := range list {
		out = append(out, fmt.Sprintf("a %s is hashed with %s; re-sign the key with SHA-256 or better "+
			"(gpg --cert-digest-algo SHA512 --quick-set-expire <fingerprint> 1y) and export it with --export-options export-minimal",
			f.kind, hashName(f.hash)))
	}
	return out
}

func algoName(a packet.PublicKeyAlgorithm) string {
	switch a {
	case packet.PubKeyAlgoDSA:
		return "DSA"
	case packet.PubKeyAlgoElGamal, 20:
		return "ElGamal"
	case packet.PubKeyAlgoRSAEncryptOnly, packet.PubKeyAlgoRSASignOnly:
		return "a deprecated RSA variant"
	}
	return fmt.Sprintf("public-key algorithm %d", a)
}

func hashName(h crypto.Hash) string {
	switch h {
	case crypto.SHA1:
		return "SHA-1"
	case crypto.MD5:
		return "MD5"
	case crypto.RIPEMD160:
		return "RIPEMD-160"
	}
	return h.String()
}

// day formats a time as a UTC date; stamp as a UTC time.
func day(t time.Time) string   { return t.UTC().Format("2006-01-02") }
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
