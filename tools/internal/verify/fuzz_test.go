package verify_test

import (
	"bytes"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/finding"
)

// sigRules are the refusals a broken signature may draw.
var sigRules = map[string]bool{"sig.invalid": true, "sig.weak": true, "sig.unknown-key": true,
	"sig.key-expired": true, "sig.key-revoked": true, "sig.noncanonical": true}

// byCommit groups findings by commit id.
func byCommit(fs []finding.Finding) map[string][]finding.Finding {
	m := map[string][]finding.Finding{}
	for _, f := range fs {
		m[f.Commit] = append(m[f.Commit], f)
	}
	return m
}

// mutant is a commit whose signature (or signing key) was mutated, and
// whether the mutation must be refused.
type mutant struct {
	name    string
	commit  plumbing.Hash
	refused bool // must be refused; otherwise it may pass only if still valid
}

// checkMutants asserts that Range returns without error or panic, every
// mutant that must be refused is refused with a signature rule, and nothing
// else is reported.
func checkMutants(t *testing.T, got []finding.Finding, ms []mutant) {
	t.Helper()
	found := byCommit(got)
	accepted := 0
	for _, m := range ms {
		fs := found[m.commit.String()]
		delete(found, m.commit.String())
		if len(fs) == 0 {
			if m.refused {
				t.Errorf("%s: accepted", m.name)
			}
			accepted++
			continue
		}
		for _, f := range fs {
			if !sigRules[f.Rule] {
				t.Errorf("%s: unexpected rule %s", m.name, describe(f))
			}
		}
	}
	for c, fs := range found {
		t.Errorf("finding for a commit %s that is no mutant: %v", c, fs)
	}
	t.Logf("%d mutants, %d accepted as still valid", len(ms), accepted)
}

// Row 24: malformed and fuzzed signature packets are refused, without a panic.
func TestRow24FuzzedSignatures(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := dana(t)
	type mutation struct {
		name    string
		refused bool
		mutate  func(bin []byte) []byte
	}
	var muts []mutation
	// Learn the signature's layout from one sample. Legacy EdDSA writes R and S as
	// MPIs, so a signature may be a byte or two shorter than the sample: the
	// mutations below clamp their index to the signature they get.
	sample := unarmor(t, s.mustSign(t, []byte("x"), t0))
	n := len(sample)
	// Every byte counts, the two bytes of the hash tag included: they are not
	// signed and go-crypto skips them for v4 signatures (go-crypto#107), but
	// the pgp package checks them, as gpg does.
	for i := 0; i < n; i++ {
		muts = append(muts, mutation{fmt.Sprintf("truncated to %d", i), true, func(b []byte) []byte { return b[:min(i, len(b)-1)] }})
		muts = append(muts, mutation{fmt.Sprintf("byte %d inverted", i), true, func(b []byte) []byte { b[min(i, len(b)-1)] ^= 0xff; return b }})
		muts = append(muts, mutation{fmt.Sprintf("byte %d low bit", i), false, func(b []byte) []byte { b[min(i, len(b)-1)] ^= 0x01; return b }})
	}
	muts = append(muts,
		mutation{"trailing byte", true, func(b []byte) []byte { return append(b, 0) }},
		mutation{"trailing garbage packet", true, func(b []byte) []byte { return append(b, 0xc2, 0x03, 1, 2, 3) }},
		mutation{"length beyond the data", true, func(b []byte) []byte { b[1] = 0xff; return b }},
		mutation{"marker packet first", true, func(b []byte) []byte { return append([]byte{0xca, 0x03, 'P', 'G', 'P'}, b...) }},
		mutation{"literal data packet", true, func(b []byte) []byte { return []byte{0xcb, 0x06, 'b', 0, 0, 0, 0, 0} }},
		mutation{"compressed packet", true, func(b []byte) []byte { return append([]byte{0xc8, byte(len(b) + 1), 0}, b...) }},
		mutation{"partial body length", true, func(b []byte) []byte { return append([]byte{0xc2, 0xe1}, b[2:]...) }},
		mutation{"empty", true, func([]byte) []byte { return nil }},
	)
	rng := rand.New(rand.NewSource(24))
	for i := 0; i < 200; i++ {
		seed := rng.Int63()
		muts = append(muts, mutation{fmt.Sprintf("random %d", i), false, func(b []byte) []byte {
			r := rand.New(rand.NewSource(seed))
			for k := r.Intn(4) + 1; k > 0; k-- {
				switch p := r.Intn(len(b) + 1); r.Intn(3) {
				case 0:
					if p < len(b) {
						b[p] = byte(r.Intn(256))
					}
				case 1:
					b = append(b[:p], append([]byte{byte(r.Intn(256))}, b[p:]...)...)
				default:
					if p < len(b) {
						b = append(b[:p], b[p+1:]...)
					}
				}
			}
			return b
		}})
	}
	var ms []mutant
	f.batch(func() {
		for i, m := range muts {
			mut := *s
			mut.sign = func(p []byte, at time.Time) ([]byte, error) {
				bin := unarmor(t, s.mustSign(t, p, at))
				return armorBlock(t, "PGP SIGNATURE", m.mutate(bin)), nil
			}
			h := f.commitAs(&mut, f.issueEdit(fmt.Sprintf("mutant %d", i)), m.name)
			ms = append(ms, mutant{m.name, h, m.refused})
		}
	})
	got := f.verifyRange(f.root, f.tip)
	checkMutants(t, got, ms)

	t.Run("garbage in the armor", func(t *testing.T) {
		f.t = t
		var ms []mutant
		for i, sig := range []string{
			"-----BEGIN PGP SIGNATURE-----\n\n!!!! not base64 !!!!\n-----END PGP SIGNATURE-----\n",
			"-----BEGIN PGP SIGNATURE-----\n\n-----END PGP SIGNATURE-----\n",
			"-----BEGIN PGP SIGNATURE-----\nVersion: x\n-----END PGP SIGNATURE-----\n",
			"-----BEGIN PGP SIGNATURE-----\n\niQ==\n=AAAA\n-----END PGP SIGNATURE-----\n",
			"-----BEGIN PGP SIGNATURE-----\n\n" + strings.Repeat("QUFB", 20000) + "\n-----END PGP SIGNATURE-----\n",
			"-----BEGIN PGP SIGNATURE-----\n" + strings.Repeat("Comment: x\n", 100) + "\niQ==\n-----END PGP SIGNATURE-----\n",
		} {
			f.checkout(f.root)
			payload, _ := f.build(spec{files: f.issueEdit(fmt.Sprint(i)), msg: "garbage"})
			h := f.storeRaw(addSig(payload, []byte(sig)))
			ms = append(ms, mutant{fmt.Sprint("garbage ", i), h, true})
			checkMutants(t, f.verifyRange(f.root, h), ms[len(ms)-1:])
		}
	})
}

// Row 24: malformed and fuzzed key packets in the base's key files: the
// key trusts nobody (or, if the damage is harmless, still verifies), and
// nothing panics.
func TestRow24FuzzedKeys(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	// One fresh key per mutation, each listed for the one person of its own
	// member record, each key file holding the mutated key.
	type keyMut struct {
		name    string
		refused bool
		pos     int // the inverted byte, or -1
		mutate  func(bin []byte) []byte
	}
	probe := entityKey("probe")(t)
	n := len(unarmor(t, probe.pub))
	var muts []keyMut
	step := 1
	if testing.Short() {
		step = 7
	}
	// Every byte up to the encryption subkey's first bytes (the subkey and
	// its binding can only be dropped, so a sample of them suffices).
	_, subkey := keyLayout(t, unarmor(t, probe.pub))
	for i := 0; i < n; i += step {
		if i > subkey+8 && i%8 != 0 {
			continue
		}
		muts = append(muts, keyMut{fmt.Sprintf("byte %d inverted", i), false, i, func(b []byte) []byte {
			if i < len(b) {
				b[i] ^= 0xff
			}
			return b
		}})
	}
	for _, cut := range []int{0, 1, 2, 10, 40} {
		muts = append(muts, keyMut{fmt.Sprintf("truncated to %d", cut), true, -1, func(b []byte) []byte { return b[:min(cut, len(b))] }})
	}
	// Cuts near the end count from each key's own length: MPI lengths vary by a
	// byte or two between keys of the same kind.
	for _, back := range []int{60, 1} {
		muts = append(muts, keyMut{fmt.Sprintf("last %d bytes cut", back), true, -1, func(b []byte) []byte { return b[:max(len(b)-back, 0)] }})
	}
	muts = append(muts, keyMut{"cut in half", true, -1, func(b []byte) []byte { return b[:len(b)/2] }})
	muts = append(muts,
		keyMut{"critical unknown packet", true, -1, func(b []byte) []byte { return append(b, 0xd4, 0x01, 0) }}, // tag 20
		keyMut{"secret key packet", true, -1, func(b []byte) []byte { return append([]byte{0xc5, 0x01, 4}, b...) }},
		keyMut{"garbage", true, -1, func([]byte) []byte { return []byte("garbage") }},
	)
	keys := make([]*signer, len(muts))
	files := map[string]string{}
	record := func(i int, extra string) string {
		return fmt.Sprintf("id: fuzz%d\nname: Fuzz %d\nkind: individual\nlists: [distros]\nstatus: active\n"+
			"joined: 2026-01-01\nfounding: true\npeople:\n  - id: fuzz-%d\n    name: Fuzz\n    email: fuzz%d@example.org\n"+
			"    keys: [%s]\n%s", i, i, i, i, keys[i].fpr, extra)
	}
	for i, m := range muts {
		keys[i] = entityKey(fmt.Sprintf("f%04d", i))(t) // the same layout as probe's
		bin := unarmor(t, keys[i].pub)
		if m.pos >= 0 {
			muts[i].refused = !harmlessKeyBytes(t, bin)(m.pos)
		}
		files[fmt.Sprintf("members/fuzz%d.yaml", i)] = record(i, "")
		files["members/keys/"+keys[i].fpr+".asc"] = string(armorBlock(t, "PGP PUBLIC KEY BLOCK", m.mutate(bin)))
	}
	var ms []mutant
	var base plumbing.Hash
	f.batch(func() {
		base = f.commitAs(mara(t), files, "add fuzzed keys")
		for i, m := range muts {
			// Each person edits its own member record: allowed if the key still counts.
			h := f.commitAs(keys[i], map[string]string{fmt.Sprintf("members/fuzz%d.yaml", i): record(i, "# edited\n")}, m.name)
			ms = append(ms, mutant{m.name, h, m.refused})
		}
	})
	// Control: an unmutated key in the same shape is accepted.
	tr := f.trust(base)
	if tr.Broken != "" {
		t.Fatal(tr.Broken)
	}
	got := f.verifyRange(base, f.tip)
	checkMutants(t, got, ms)
	if bytes.Contains([]byte(fmt.Sprint(got)), []byte("panic")) {
		t.Error("a finding mentions a panic")
	}
}

// harmlessKeyBytes tells which bytes of a fresh key (public key, user id,
// self-signature, encryption subkey, binding) may be damaged without
// making the primary key unfit to sign: the self-signature's hash tag
// (unchecked for v4), and the encryption subkey with its binding, which is
// then dropped. Every other byte must make the key refused.
func harmlessKeyBytes(t *testing.T, bin []byte) func(int) bool {
	tag, subkey := keyLayout(t, bin)
	return func(i int) bool { return i == tag || i == tag+1 || i >= subkey }
}

// keyLayout returns the offset of the first self-signature's hash tag and of
// the first subkey packet in a serialized key.
func keyLayout(t *testing.T, bin []byte) (tag, subkey int) {
	tag, subkey = -1, len(bin)
	for off := 0; off < len(bin); {
		if bin[off]&0xc0 != 0xc0 || bin[off+1] >= 192 {
			t.Fatalf("unexpected packet header at %d", off)
		}
		ptag, hdr, plen := int(bin[off]&0x3f), 2, int(bin[off+1])
		body := bin[off+hdr : off+hdr+plen]
		switch {
		case ptag == 14 && subkey == len(bin):
			subkey = off
		case ptag == 2 && tag < 0:
			unhashed := 6 + (int(body[4])<<8 | int(body[5]))
			tag = off + hdr + unhashed + 2 + (int(body[unhashed])<<8 | int(body[unhashed+1]))
		}
		off += hdr + plen
	}
	return tag, subkey
}
