package pgp

import (
	"crypto"
	"fmt"
	"strings"
	"testing"
	"time"

	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

func lifetime(d time.Duration) func(*packet.Config) {
	return func(c *packet.Config) { c.KeyLifetimeSecs = uint32(d / time.Second) }
}

func TestCheckKey(t *testing.T) {
	type want struct{ rule, severity, text string }
	tests := []struct {
		name string
		key  func(t *testing.T) *Key
		now  time.Time
		want []want
	}{
		{"ed25519 v4", func(t *testing.T) *Key { return signerKey(t, edSigner(t)) }, now0, nil},
		{"ed25519 v6", func(t *testing.T) *Key { return signerKey(t, ed6Signer(t)) }, now0, nil},
		{"rsa3072", func(t *testing.T) *Key { return signerKey(t, rsaSigner(t)) }, now0, nil},
		{"rsa1024 primary", func(t *testing.T) *Key { return pubKey(t, rsa1024Entity(t)) }, now0,
			[]want{{RuleStrength, SeverityError, "primary key is an RSA key of 1024 bits"}}},
		{"rsa1024 signing subkey", func(t *testing.T) *Key { return pubKey(t, rsa1024SubEntity(t)) }, now0,
			[]want{{RuleStrength, SeverityError, "signing subkey " + keyID(lastSubkey(rsa1024SubEntity(t)).PublicKey.KeyId) + " is an RSA key of 1024 bits"}}},
		{"sha1 user id self-signature", func(t *testing.T) *Key {
			e := newEd(t)
			recertify(t, e, func(s *packet.Signature) { s.Hash = crypto.SHA1 })
			return pubKey(t, e)
		}, now0, []want{{RuleStrength, SeverityError, "user id self-signature is hashed with SHA-1"}}},
		{"sha1 subkey binding", func(t *testing.T) *Key {
			e := newEd(t)
			rebind(t, e, lastSubkey(e), func(s *packet.Signature) {
				s.Hash, s.FlagEncryptCommunications, s.FlagEncryptStorage = crypto.SHA1, true, true
			})
			return pubKey(t, e)
		}, now0, []want{{RuleStrength, SeverityError, "subkey binding signature is hashed with SHA-1"}}},
		{"dsa", func(t *testing.T) *Key {
			k, err := ParseKeyFile(dsaKeyFile)
			if err != nil {
				t.Fatal(err)
			}
			return k
		}, dsaNow, []want{{RuleStrength, SeverityError, "primary key uses DSA"}}},
		{"no signing capability", func(t *testing.T) *Key {
			e := newEd(t)
			recertify(t, e, func(s *packet.Signature) { s.FlagSign = false })
			return pubKey(t, e)
		}, now0, []want{{RuleStrength, SeverityError, "no key can sign"}}},
		{"no valid self-signature", func(t *testing.T) *Key {
			data, err := (&Signer{entity: newEd(t)}).PublicArmored()
			if err != nil {
				t.Fatal(err)
			}
			bin := unarmor(t, data)
			pkts, err := splitPackets(bin)
			if err != nil {
				t.Fatal(err)
			}
			for i, p := range pkts {
				if p.tag == tagSignature && pkts[i-1].tag == tagUserID {
					p.body[len(p.body)-1] ^= 1 // breaks the user id self-signature
				}
			}
			k, err := ParseKeyFile(rearmor(publicKeyType, bin))
			if err != nil {
				t.Fatal(err)
			}
			return k
		}, now0, []want{{RuleStrength, SeverityError, "no key can sign"}}},
		{"expired", func(t *testing.T) *Key { return pubKey(t, newEd(t, lifetime(10*day24))) }, now0,
			[]want{{RuleExpiry, SeverityError, "key expired on 2025-01-11"}}},
		{"expires in 10 days", func(t *testing.T) *Key { return pubKey(t, newEd(t, lifetime(40*day24))) }, now0,
			[]want{{RuleExpiry, SeverityWarning, "key expires on 2025-02-10, in 10 days"}}},
		{"expires in 31 days", func(t *testing.T) *Key { return pubKey(t, newEd(t, lifetime(61*day24))) }, now0, nil},
		{"expires in 1 day", func(t *testing.T) *Key { return pubKey(t, newEd(t, lifetime(31*day24+time.Hour))) }, now0,
			[]want{{RuleExpiry, SeverityWarning, "key expires on 2025-02-01, in 1 day;"}}},
		{"expires within a day", func(t *testing.T) *Key { return pubKey(t, newEd(t, lifetime(30*day24+time.Hour))) }, now0,
			[]want{{RuleExpiry, SeverityWarning, "key expires on 2025-01-31, within a day;"}}},
		{"revoked (compromised)", func(t *testing.T) *Key { return pubKey(t, revoked(t, packet.KeyCompromised, t0.Add(day24))) }, now0,
			[]want{{RuleExpiry, SeverityError, "key is revoked (reason: key compromised)"}}},
		{"revoked (retired)", func(t *testing.T) *Key { return pubKey(t, revoked(t, packet.KeyRetired, t0.Add(day24))) }, now0,
			[]want{{RuleExpiry, SeverityError, "key is revoked (reason: key retired)"}}},
		{"retired later", func(t *testing.T) *Key { return pubKey(t, revoked(t, packet.KeyRetired, now0.Add(day24))) }, now0, nil},
		{"created in the future", func(t *testing.T) *Key { return signerKey(t, edSigner(t)) }, t0.Add(-day24),
			[]want{{RuleExpiry, SeverityError, "in the future"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckKey(tt.key(t), tt.now)
			if len(got) != len(tt.want) {
				t.Fatalf("CheckKey = %v, want %d problems %v", got, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Rule != w.rule || g.Severity != w.severity || !strings.Contains(g.Message, w.text) {
					t.Errorf("problem %d = %+v, want %s %s containing %q", i, g, w.rule, w.severity, w.text)
				}
			}
		})
	}
}

// revoked makes a fresh key revoked for reason at time at.
func revoked(t *testing.T, reason packet.ReasonForRevocation, at time.Time) *openpgp.Entity {
	t.Helper()
	e := newEd(t)
	if err := e.Revoke(reason, "", Config(at)); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestExpires(t *testing.T) {
	tests := []struct {
		name   string
		life   time.Duration
		wantOK bool
	}{
		{"never", 0, false},
		{"one year", 365 * day24, true},
		{"one day", day24, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := pubKey(t, newEd(t, lifetime(tt.life)))
			got, ok := Expires(k, now0)
			if ok != tt.wantOK {
				t.Fatalf("Expires ok = %v, want %v", ok, tt.wantOK)
			}
			if ok && !got.Equal(t0.Add(tt.life)) {
				t.Errorf("Expires = %v, want %v", got, t0.Add(tt.life))
			}
		})
	}
	if _, ok := Expires(signerKey(t, ed6Signer(t)), now0); ok {
		t.Error("v6 key without expiry: Expires ok = true")
	}
}

func TestCheckKeyNil(t *testing.T) {
	for _, k := range []*Key{nil, {}} {
		if got := CheckKey(k, now0); len(got) != 1 || got[0].Rule != RuleStrength {
			t.Errorf("CheckKey(%v) = %v", k, got)
		}
		if _, ok := Expires(k, now0); ok {
			t.Errorf("Expires(%v) ok", k)
		}
	}
}

func ExampleCheckKey() {
	s, _ := NewSigner(AlgoEd25519, "Example", "example@example.org", t0)
	pub, _ := s.PublicArmored()
	k, _ := ParseKeyFile(pub)
	fmt.Println(len(CheckKey(k, now0)))
	// Output: 0
}
