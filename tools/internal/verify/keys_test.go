package verify_test

import (
	"crypto"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"

	"github.com/embargo-tool/embargo/tools/internal/pgp"
)

const day = 24 * time.Hour

func lifetime(d time.Duration) func(*packet.Config) {
	return func(c *packet.Config) { c.KeyLifetimeSecs = uint32(d / time.Second) }
}

// keyCase is one key added to dana-debian at the base and one commit signed
// with it, editing an issue dana handles: only the key can be at fault.
type keyCase struct {
	name    string
	key     func(t *testing.T) *signer // the key added at the base
	signAs  func(t *testing.T, s *signer) *signer
	sigTime time.Time // zero: the commit time
	want    []want    // commit filled in; none: accepted
}

// runKeyCases adds every case's key to dana-debian at the base (one
// coordinator commit each), proves the base knows it, then checks one
// commit per case against that base.
func runKeyCases(t *testing.T, cases []keyCase) {
	t.Helper()
	f := newFixture(t)
	keys := make([]*signer, len(cases))
	for i, c := range cases {
		keys[i] = c.key(t)
		f.addKey("dana-debian", keys[i])
	}
	base := f.tip
	for _, k := range keys {
		f.mustKnow(base, k, "dana-debian")
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.t = t
			f.checkout(base)
			s := keys[i]
			if c.signAs != nil {
				s = c.signAs(t, s)
			}
			h := f.commit(spec{signer: s, files: f.issueEdit("by " + c.name), msg: c.name, sigTime: c.sigTime})
			ws := make([]want, len(c.want))
			for j, w := range c.want {
				w.commit = h
				ws[j] = w
			}
			expect(t, f.verifyRange(base, h), ws...)
		})
	}
}

func entityKey(name string, opts ...func(*packet.Config)) func(t *testing.T) *signer {
	return func(t *testing.T) *signer {
		e := newEntity(t, name, opts...)
		return entitySigner(t, name, e, e.PrivateKey)
	}
}

// subkeySigner signs with e's last subkey.
func subkeySigner(t *testing.T, name string, e *openpgp.Entity) *signer {
	return entitySigner(t, name, e, e.Subkeys[len(e.Subkeys)-1].PrivateKey)
}

// Row 2: a good signature by a key that no member lists.
func TestRow02UnknownKey(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	stranger := newSigner(t, pgp.AlgoEd25519, "stranger")
	// The stranger claims to be dana as author and committer: names do not count.
	h := f.commit(spec{signer: stranger, author: "dana-debian", files: f.issueEdit("x")})
	expect(t, f.verifyRange(f.root, h), want{rule: "sig.unknown-key", commit: h, text: stranger.fpr})

	t.Run("key file present, listed by nobody", func(t *testing.T) {
		f.t = t
		f.checkout(f.root)
		base := f.commitAs(mara(t), map[string]string{"members/keys/" + stranger.fpr + ".asc": string(stranger.pub)}, "stray key file")
		h := f.commit(spec{signer: stranger, files: f.issueEdit("x")})
		expect(t, f.verifyRange(base, h), want{rule: "sig.unknown-key", commit: h})
	})
	t.Run("key of a suspended member", func(t *testing.T) {
		f.t = t
		f.checkout(f.root)
		base := f.commitAs(mara(t), map[string]string{"members/debian.yaml": f.edit("members/debian.yaml", "status: active", "status: suspended")}, "suspend debian")
		h := f.commit(spec{signer: dana(t), files: f.issueEdit("x")})
		expect(t, f.verifyRange(base, h), want{rule: "sig.unknown-key", commit: h})
	})
	t.Run("listed key (control)", func(t *testing.T) {
		f.t = t
		f.checkout(f.root)
		h := f.commit(spec{signer: dana(t), author: "stranger", files: f.issueEdit("x")})
		expect(t, f.verifyRange(f.root, h))
	})
}

// Row 3: a key added by a pull request does not sign in the same pull request.
func TestRow03KeyAddedInSamePR(t *testing.T) {
	t.Parallel()
	t.Run("new person", func(t *testing.T) {
		f := newFixture(t)
		newcomer := newSigner(t, pgp.AlgoEd25519, "nora-debian")
		c1 := f.addPerson("debian", "nora-debian", newcomer)
		f.mustKnow(c1, newcomer, "nora-debian") // known once merged
		c2 := f.commitAs(newcomer, map[string]string{"members/debian.yaml": f.edit("members/debian.yaml", "name: New Person", "name: Nora Example")}, "my name")
		expect(t, f.verifyRange(f.root, c2), want{rule: "sig.unknown-key", commit: c2})
		// Control: once commit 1 is the base, commit 2 is accepted.
		expect(t, f.verifyRange(c1, c2))
	})
	t.Run("new key of an existing person", func(t *testing.T) {
		f := newFixture(t)
		second := newSigner(t, pgp.AlgoEd25519, "dana-second")
		c1 := f.addKey("dana-debian", second)
		c2 := f.commitAs(second, f.issueEdit("with my new key"), "edit")
		expect(t, f.verifyRange(f.root, c2), want{rule: "sig.unknown-key", commit: c2})
		expect(t, f.verifyRange(c1, c2))
	})
	t.Run("key added by the person in the same pull request", func(t *testing.T) {
		f := newFixture(t)
		second := newSigner(t, pgp.AlgoEd25519, "dana-second")
		mf := "members/debian.yaml"
		c1 := f.commitAs(dana(t), map[string]string{
			mf:                                    f.edit(mf, "keys: ["+fprDana+"]", "keys: ["+fprDana+", "+second.fpr+"]"),
			"members/keys/" + second.fpr + ".asc": string(second.pub),
		}, "add my second key")
		c2 := f.commitAs(second, f.issueEdit("with my new key"), "edit")
		expect(t, f.verifyRange(f.root, c2), want{rule: "sig.unknown-key", commit: c2})
		_ = c1
	})
}

// Row 7: expired keys and bad signature times.
func TestRow07ExpiryAndTime(t *testing.T) {
	t.Parallel()
	fresh := newSigner(t, pgp.AlgoEd25519, "fresh")
	runKeyCases(t, []keyCase{
		{name: "valid for a year (control)", key: entityKey("year", lifetime(365*day))},
		{name: "expired before signing", key: entityKey("short", lifetime(10*day)),
			want: []want{{rule: "sig.key-expired", text: "when the signature was made"}}},
		{name: "expired since signing", key: entityKey("month", lifetime(40*day)), // until 2026-11-10
			want: []want{{rule: "sig.key-expired", text: "now"}}},
		{name: "signing subkey expired", key: func(t *testing.T) *signer {
			e := newEntity(t, "subexp")
			cfg := edConfig(keyTime)
			cfg.KeyLifetimeSecs = uint32(day / time.Second)
			if err := e.AddSigningSubkey(cfg); err != nil {
				t.Fatal(err)
			}
			return subkeySigner(t, "subexp", e)
		}, want: []want{{rule: "sig.key-expired", text: "subkey"}}},
		{name: "signature in the future", key: func(*testing.T) *signer { return fresh },
			sigTime: now.Add(time.Hour), want: []want{{rule: "sig.invalid", text: "future"}}},
		{name: "signature within the clock skew (control)", key: func(*testing.T) *signer { return newSigner(t, pgp.AlgoEd25519, "skew") },
			sigTime: now.Add(2 * time.Minute)},
		{name: "signature older than the key", key: entityKey("old"),
			sigTime: keyTime.Add(-day), want: []want{{rule: "sig.invalid", text: "before the key was created"}}},
	})
}

// Row 8: revoked keys, and keys removed from members/ at the base.
func TestRow08RevokedOrRemoved(t *testing.T) {
	t.Parallel()
	revoked := func(reason packet.ReasonForRevocation, at time.Time) func(t *testing.T) *signer {
		return func(t *testing.T) *signer {
			e := newEntity(t, "revoked")
			if err := e.Revoke(reason, "test", plainConfig(at)); err != nil {
				t.Fatal(err)
			}
			return entitySigner(t, "revoked", e, e.PrivateKey)
		}
	}
	runKeyCases(t, []keyCase{
		{name: "compromised before signing", key: revoked(packet.KeyCompromised, keyTime.Add(day)),
			want: []want{{rule: "sig.key-revoked"}}},
		{name: "compromised after signing (hard revocation)", key: revoked(packet.KeyCompromised, t0.Add(10*day)),
			want: []want{{rule: "sig.key-revoked"}}},
		{name: "retired after signing", key: revoked(packet.KeyRetired, t0.Add(10*day)),
			want: []want{{rule: "sig.key-revoked"}}},
		{name: "not revoked (control)", key: entityKey("kept")},
	})

	t.Run("removed at the base", func(t *testing.T) {
		mf := "members/debian.yaml"
		tests := []struct {
			name   string
			change func(f *fixture) map[string]string
		}{
			{"person removed", func(f *fixture) map[string]string {
				c := f.content(f.tip, mf)
				i := indexOf(t, c, "  - id: eli-debian\n")
				return map[string]string{mf: c[:i]}
			}},
			{"key dropped from the person", func(f *fixture) map[string]string {
				second := newSigner(t, pgp.AlgoEd25519, "eli-second")
				return map[string]string{
					mf:                                    f.edit(mf, "keys: ["+fprEli+"]", "keys: ["+second.fpr+"]"),
					"members/keys/" + second.fpr + ".asc": string(second.pub),
				}
			}},
			{"key file deleted", func(f *fixture) map[string]string {
				return map[string]string{"members/keys/" + fprEli + ".asc": del}
			}},
			{"member removed", func(f *fixture) map[string]string {
				return map[string]string{mf: f.edit(mf, "status: active\n", "status: removed\nremoved: {at: 2026-10-30, reason: left the list}\n")}
			}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := newFixture(t)
				// Control: eli may edit issue4? No: use eli's own member record.
				edit := func() map[string]string {
					return map[string]string{"members/debian.yaml": f.appendTo(mf, "# eli was here\n")}
				}
				before := f.commit(spec{signer: eli(t), files: edit()})
				expect(t, f.verifyRange(f.root, before))
				base := f.commitAs(mara(t), tt.change(f), "remove eli")
				h := f.commit(spec{signer: eli(t), files: edit()})
				expect(t, f.verifyRange(base, h), want{rule: "sig.unknown-key", commit: h})
			})
		}
	})
}

func indexOf(t *testing.T, s, sub string) int {
	t.Helper()
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	t.Fatalf("%q not found", sub)
	return -1
}

// Row 12: weak hashes and weak keys, all listed for dana-debian at the base.
func TestRow12WeakCrypto(t *testing.T) {
	t.Parallel()
	rsa1024 := func(c *packet.Config) { c.Algorithm, c.RSABits = packet.PubKeyAlgoRSA, 1024 }
	runKeyCases(t, []keyCase{
		{name: "sha256 (control)", key: entityKey("sha256")},
		{name: "sha512 (control)", key: entityKey("sha512"), signAs: func(t *testing.T, s *signer) *signer { return s.withHash(t, crypto.SHA512) }},
		{name: "sha1 signature", key: entityKey("sha1"), signAs: func(t *testing.T, s *signer) *signer { return s.withHash(t, crypto.SHA1) },
			want: []want{{rule: "sig.weak", text: "SHA-1"}}},
		{name: "md5 signature", key: entityKey("md5"), signAs: func(t *testing.T, s *signer) *signer { return withMD5(t, s) },
			want: []want{{rule: "sig.weak", text: "MD5"}}},
		{name: "sha1 self-signature", key: func(t *testing.T) *signer {
			e := newEntity(t, "sha1self")
			recertify(t, e, func(s *packet.Signature) { s.Hash = crypto.SHA1 })
			return entitySigner(t, "sha1self", e, e.PrivateKey)
		}, want: []want{{rule: "sig.weak", text: "SHA-1"}}},
		{name: "rsa1024 primary", key: entityKey("rsa1024", rsa1024),
			want: []want{{rule: "sig.weak", text: "1024"}}},
		{name: "rsa1024 signing subkey", key: func(t *testing.T) *signer {
			e := newEntity(t, "rsasub")
			cfg := plainConfig(keyTime)
			rsa1024(cfg)
			if err := e.AddSigningSubkey(cfg); err != nil {
				t.Fatal(err)
			}
			return subkeySigner(t, "rsasub", e)
		}, want: []want{{rule: "sig.weak", text: "1024"}}},
		{name: "dsa key", key: func(t *testing.T) *signer {
			e := dsaEntity(t)
			return entitySigner(t, "dsa", e, e.PrivateKey)
		}, want: []want{{rule: "sig.weak", text: "DSA"}}},
	})
	t.Run("sha1 by an example key", func(t *testing.T) {
		f := newFixture(t)
		h := f.commit(spec{signer: dana(t).withHash(t, crypto.SHA1), files: f.issueEdit("x")})
		expect(t, f.verifyRange(f.root, h), want{rule: "sig.weak", commit: h, text: "SHA-1"})
	})
}

// withMD5 signs with s and relabels the signature's hash as MD5.
func withMD5(t *testing.T, s *signer) *signer {
	c := *s
	c.sign = func(p []byte, at time.Time) ([]byte, error) {
		bin := unarmor(t, s.mustSign(t, p, at))
		hdr := packetHeaderLen(t, bin)
		if bin[hdr] != 4 {
			t.Fatalf("signature version %d, want 4", bin[hdr])
		}
		bin[hdr+3] = 1 // hash algorithm id 1 = MD5
		return armorBlock(t, "PGP SIGNATURE", bin), nil
	}
	return &c
}

// packetHeaderLen returns the header length of the first OpenPGP packet.
func packetHeaderLen(t *testing.T, bin []byte) int {
	switch {
	case bin[0]&0x40 != 0 && bin[1] < 192: // new format, one-octet length
		return 2
	case bin[0]&0x40 != 0 && bin[1] < 224:
		return 3
	case bin[0]&0x40 == 0: // old format
		return 1 + []int{1, 2, 4}[bin[0]&3]
	}
	t.Fatalf("unexpected packet header % x", bin[:2])
	return 0
}

// Row 13: signing subkeys without the sign flag or without a cross-signature.
func TestRow13Subkeys(t *testing.T) {
	t.Parallel()
	withSub := func(name string, fix func(t *testing.T, e *openpgp.Entity)) func(t *testing.T) *signer {
		return func(t *testing.T) *signer {
			e := newEntity(t, name)
			if err := e.AddSigningSubkey(edConfig(keyTime)); err != nil {
				t.Fatal(err)
			}
			if fix != nil {
				fix(t, e)
			}
			return subkeySigner(t, name, e)
		}
	}
	runKeyCases(t, []keyCase{
		{name: "signing subkey (control)", key: withSub("goodsub", nil)},
		{name: "subkey without the sign flag", key: withSub("noflag", func(t *testing.T, e *openpgp.Entity) {
			rebind(t, e, func(s *packet.Signature) { s.FlagAuthenticate = true })
		}), want: []want{{rule: "sig.invalid", text: "sign flag"}}},
		{name: "subkey without a cross-signature", key: withSub("nocross", func(t *testing.T, e *openpgp.Entity) {
			rebind(t, e, func(s *packet.Signature) { s.FlagSign = true })
		}), want: []want{{rule: "sig.invalid", text: "cross-signature"}}},
		{name: "encryption subkey used to sign", key: func(t *testing.T) *signer {
			cfg := plainConfig(keyTime)
			cfg.Algorithm, cfg.RSABits = packet.PubKeyAlgoRSA, 2048
			e, err := openpgp.NewEntity("rsaenc", "TEST KEY", "rsaenc@example.org", cfg)
			if err != nil {
				t.Fatal(err)
			}
			return subkeySigner(t, "rsaenc", e) // NewEntity's subkey is for encryption
		}, want: []want{{rule: "sig.invalid", text: "sign flag"}}},
	})
}

// Row 14: one key for two people, a key file with two keys, a key file
// named after another fingerprint, a person id used twice: refused when the
// base's trust is loaded.
func TestRow14KeyFileProblems(t *testing.T) {
	t.Parallel()
	t.Run("one key listed for two people", func(t *testing.T) {
		f := newFixture(t)
		base := f.commitAs(mara(t), map[string]string{"members/suse.yaml": f.edit("members/suse.yaml",
			"keys: ["+fprGreta+"]", "keys: ["+fprGreta+", "+fprDana+"]")}, "list dana's key for greta")
		h := f.commit(spec{signer: dana(t), files: f.issueEdit("x")})
		expect(t, f.verifyRange(base, h), want{rule: "sig.unknown-key", commit: h})
		g := f.commit(spec{signer: greta(t), files: map[string]string{"members/suse.yaml": f.appendTo("members/suse.yaml", "# greta\n")}})
		expect(t, f.verifyRange(base, g)) // control: greta's own key still counts
	})
	twoKeys := func(t *testing.T) (*signer, *signer) {
		a := entityKey("first")(t)
		b := entityKey("second")(t)
		return a, b
	}
	t.Run("key file holding two keys in one block", func(t *testing.T) {
		f := newFixture(t)
		a, b := twoKeys(t)
		a2 := *a
		a2.pub = armorBlock(t, "PGP PUBLIC KEY BLOCK", append(unarmor(t, a.pub), unarmor(t, b.pub)...))
		base := f.addKey("dana-debian", &a2)
		h := f.commit(spec{signer: a, files: f.issueEdit("x")})
		expect(t, f.verifyRange(base, h), want{rule: "sig.unknown-key", commit: h})
	})
	t.Run("key file holding two armored blocks", func(t *testing.T) {
		f := newFixture(t)
		a, b := twoKeys(t)
		a2 := *a
		a2.pub = append(append([]byte{}, a.pub...), b.pub...)
		base := f.addKey("dana-debian", &a2)
		h := f.commit(spec{signer: a, files: f.issueEdit("x")})
		expect(t, f.verifyRange(base, h), want{rule: "sig.unknown-key", commit: h})
	})
	t.Run("fingerprint differs from the file name", func(t *testing.T) {
		f := newFixture(t)
		a, b := twoKeys(t)
		a2 := *a
		a2.pub = b.pub // members/keys/<a>.asc holds key b
		base := f.addKey("dana-debian", &a2)
		for _, s := range []*signer{a, b} {
			f.checkout(base)
			h := f.commit(spec{signer: s, files: f.issueEdit("x")})
			expect(t, f.verifyRange(base, h), want{rule: "sig.unknown-key", commit: h})
		}
	})
	t.Run("well-formed key file (control)", func(t *testing.T) {
		f := newFixture(t)
		a, _ := twoKeys(t)
		base := f.addKey("dana-debian", a)
		h := f.commit(spec{signer: a, files: f.issueEdit("x")})
		expect(t, f.verifyRange(base, h))
	})
	t.Run("person id used twice", func(t *testing.T) {
		// A second "mara-openwall" in a member file that sorts before
		// openwall.yaml: neither definition may sign as the coordinator.
		f := newFixture(t)
		fake := newSigner(t, pgp.AlgoEd25519, "fake-mara")
		base := f.addPerson("alpine", "mara-openwall", fake)
		roles := map[string]string{"roles/coordinators.yaml": f.edit("roles/coordinators.yaml", "tomas-openwall]", "tomas-openwall, kofi-alpine]")}
		h := f.commit(spec{signer: fake, files: roles})
		got := f.verifyRange(base, h)
		expect(t, got, want{rule: "sig.unknown-key", commit: h})
		f.checkout(base)
		real := f.commit(spec{signer: mara(t), files: roles})
		expect(t, f.verifyRange(base, real), want{rule: "sig.unknown-key", commit: real})
	})
}

// Row 21: modern keys are accepted.
func TestRow21ModernKeys(t *testing.T) {
	t.Parallel()
	t.Run("v6 ed25519", func(t *testing.T) {
		f := newFixture(t)
		v6 := newSigner(t, pgp.AlgoEd25519V6, "dana-v6")
		if len(v6.fpr) != 64 {
			t.Fatalf("v6 fingerprint %s", v6.fpr)
		}
		base := f.addKey("dana-debian", v6)
		f.mustKnow(base, v6, "dana-debian")
		h := f.commitAs(v6, f.issueEdit("v6"), "v6")
		expect(t, f.verifyRange(base, h))
	})
	t.Run("v4 eddsa (example key)", func(t *testing.T) {
		f := newFixture(t)
		h := f.commitAs(dana(t), f.issueEdit("v4"), "v4")
		expect(t, f.verifyRange(f.root, h))
	})
	t.Run("v4 eddsa (fresh key)", func(t *testing.T) {
		f := newFixture(t)
		k := newSigner(t, pgp.AlgoEd25519, "dana-v4")
		base := f.addKey("dana-debian", k)
		h := f.commitAs(k, f.issueEdit("v4"), "v4")
		expect(t, f.verifyRange(base, h))
	})
	t.Run("rsa3072 (example key)", func(t *testing.T) {
		f := newFixture(t)
		h := f.commitAs(rui(t), f.issueEdit("rsa"), "rsa")
		expect(t, f.verifyRange(f.root, h))
		// The same key on an issue whose team rui is not on: still judged by path.
		f.checkout(f.root)
		other := "issues/2026/EMB-2026-0001.yaml"
		h2 := f.commitAs(rui(t), map[string]string{other: f.appendTo(other, "# rui\n")}, "rsa")
		got := f.verifyRange(f.root, h2)
		expect(t, got, want{rule: "sig.unauthorized", commit: h2, path: other})
	})
}
