package verify_test

import (
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/verify"
)

// ffRange verifies base..head as the protected branch (verify --fast-forward).
func (f *fixture) ffRange(base, head plumbing.Hash) []finding.Finding {
	f.t.Helper()
	return f.verifyRangeOpt(base, head, verify.Options{Now: now, FastForward: true})
}

// The protected branch is judged as the sequence of pull requests it was:
// each landing by the state before it.
func TestStepwiseMain(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	newKey := newSigner(t, pgp.AlgoEd25519, "dana-debian")
	main := f.root

	// addKey returns a branch from `from` on which a coordinator adds dana's
	// new key.
	addKey := func(from plumbing.Hash) plumbing.Hash {
		f.checkout(from)
		return f.addKey("dana-debian", newKey)
	}
	// useKey returns a commit on `from` signed by the new key (dana edits
	// the issue she handles).
	useKey := func(from plumbing.Hash, note string) plumbing.Hash {
		f.checkout(from)
		return f.commitAs(newKey, f.issueEdit(note), "use the new key")
	}

	t.Run("two merged pull requests: add a key, then use it", func(t *testing.T) {
		f.t = t
		a := addKey(main)
		m1 := f.merge(mara(t), []plumbing.Hash{main, a}, nil, "Merge pull request 1")
		b := useKey(m1, "one")
		m2 := f.merge(mara(t), []plumbing.Hash{m1, b}, nil, "Merge pull request 2")
		expect(t, f.ffRange(main, m2))
		// Judged all by the base (a pull request, not main), the key is unknown.
		expect(t, f.verifyRange(main, m2), want{rule: "sig.unknown-key", commit: b}, want{rule: "sig.merge", commit: m2, text: "not verified"})
	})
	t.Run("a merged pull request, then a direct push using the key", func(t *testing.T) {
		f.t = t
		a := addKey(main)
		m1 := f.merge(mara(t), []plumbing.Hash{main, a}, nil, "Merge pull request 1")
		c := useKey(m1, "two")
		expect(t, f.ffRange(main, c))
	})
	t.Run("a key added and used in one pull request", func(t *testing.T) {
		f.t = t
		a := addKey(main)
		b := useKey(a, "three")
		m := f.merge(mara(t), []plumbing.Hash{main, b}, nil, "Merge pull request")
		expect(t, f.ffRange(main, m), want{rule: "sig.unknown-key", commit: b}, want{rule: "sig.merge", commit: m, text: "not verified"})
	})
	t.Run("a key added and used in one direct push", func(t *testing.T) {
		f.t = t
		a := addKey(main)
		b := useKey(a, "four")
		expect(t, f.ffRange(main, b), want{rule: "sig.unknown-key", commit: b})
	})
	t.Run("after a refused landing, the next is judged by the last state that held", func(t *testing.T) {
		f.t = t
		// greta-suse, a member, makes herself coordinator in pull request 1
		// (refused), then changes policy.yaml as a coordinator would in 2.
		f.checkout(main)
		a := f.commitAs(greta(t), map[string]string{"roles/coordinators.yaml": "coordinators: [mara-openwall, tomas-openwall, greta-suse]\n"}, "coup")
		m1 := f.merge(greta(t), []plumbing.Hash{main, a}, nil, "Merge 1")
		f.checkout(m1)
		b := f.commitAs(greta(t), map[string]string{"policy.yaml": f.appendTo("policy.yaml", "# mine now\n")}, "policy")
		m2 := f.merge(greta(t), []plumbing.Hash{m1, b}, nil, "Merge 2")
		expect(t, f.ffRange(main, m2),
			want{rule: "sig.unauthorized", commit: a, path: "roles/coordinators.yaml"},
			want{rule: "sig.merge", commit: m1, text: "not verified"},
			want{rule: "sig.unauthorized", commit: b, path: "policy.yaml"},
			want{rule: "sig.merge", commit: m2, text: "not verified"})
	})
	t.Run("first parents that do not lead to base: judged by the base", func(t *testing.T) {
		f.t = t
		// The key is added, then removed again on main (r). A branch from
		// before the removal, signed with the removed key, merges r as its
		// second parent and is pushed as main: its first parents lead to
		// the state where the key was valid, never to r. Judged by r.
		a := addKey(main)
		mf := f.memberFile("dana-debian")
		r := f.commitAs(mara(t), map[string]string{mf: f.content(main, mf), "members/keys/" + newKey.fpr + ".asc": del}, "Remove the key")
		side := useKey(a, "five")
		m := f.merge(newKey, []plumbing.Hash{side, r}, nil, "Merge main into side")
		expect(t, f.ffRange(r, m), want{rule: "sig.unknown-key", commit: side}, want{rule: "sig.unknown-key", commit: m})
	})
}
