package verify_test

import (
	"fmt"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/verify"
)

// thresholdBase adds, on the example (whose policy puts policy.yaml,
// roles/** and the coordinators' own records under threshold: 2), a second
// key of mara-openwall, approved by tomas-openwall; it returns the base and
// that key.
func thresholdBase(t *testing.T, f *fixture) (plumbing.Hash, *signer) {
	t.Helper()
	f.checkout(f.root)
	second := newSigner(t, pgp.AlgoEd25519, "mara-openwall")
	f.addKey("mara-openwall", second)
	return f.commitAs(tomas(t), nil, "Approve mara's second key"), second
}

const coup = "coordinators: [mara-openwall, tomas-openwall, dana-debian]\n"

// Row 33: the two-person rule (sig.threshold).
func TestRow33Threshold(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	base, maraKey2 := thresholdBase(t, f)
	roles := map[string]string{"roles/coordinators.yaml": coup}
	approve := func(by *signer) plumbing.Hash { return f.commitAs(by, nil, "Approve") }

	t.Run("one coordinator alone is refused", func(t *testing.T) {
		f.t = t
		f.checkout(base)
		c := f.commitAs(mara(t), roles, "add dana")
		expect(t, f.verifyRange(base, c), want{rule: "sig.threshold", commit: c, text: "signed for it: mara-openwall; may still approve: tomas-openwall"})
	})
	t.Run("a second coordinator's approval commit", func(t *testing.T) {
		f.t = t
		f.checkout(base)
		f.commitAs(mara(t), roles, "add dana")
		expect(t, f.verifyRange(base, approve(tomas(t))))
	})
	t.Run("an approval, then another change to the paths", func(t *testing.T) {
		f.t = t
		f.checkout(base)
		f.commitAs(mara(t), roles, "add dana")
		approve(tomas(t))
		c := f.commitAs(mara(t), map[string]string{"roles/coordinators.yaml": "coordinators: [mara-openwall, dana-debian]\n"}, "and drop tomas")
		expect(t, f.verifyRange(base, c), want{rule: "sig.threshold", commit: c, text: "signed for it: mara-openwall;"})
	})
	t.Run("an approval, a change away and back: the approval is void", func(t *testing.T) {
		f.t = t
		f.checkout(base)
		f.commitAs(mara(t), roles, "add dana")
		approve(tomas(t))
		f.commitAs(mara(t), map[string]string{"roles/coordinators.yaml": "coordinators: [mara-openwall, dana-debian]\n"}, "drop tomas")
		back := f.commitAs(mara(t), roles, "and back")
		expect(t, f.verifyRange(base, back), want{rule: "sig.threshold", commit: back, text: "signed for it: mara-openwall;"})
	})
	t.Run("an approval from before the range does not count", func(t *testing.T) {
		f.t = t
		// tomas approved this very content once, in an earlier range that
		// landed; mara replays the change in a new one.
		f.checkout(base)
		f.commitAs(mara(t), roles, "add dana")
		old := approve(tomas(t))
		orig := f.content(base, "roles/coordinators.yaml")
		undone := f.commitAs(mara(t), map[string]string{"roles/coordinators.yaml": orig}, "undo")
		again := f.commitAs(mara(t), roles, "add dana again")
		expect(t, f.verifyRange(undone, again), want{rule: "sig.threshold", commit: again, text: "signed for it: mara-openwall;"})
		// Taking dana out again is a change of its own, for a second coordinator
		// to approve (by old's roles, dana is one).
		expect(t, f.verifyRange(old, undone), want{rule: "sig.threshold", commit: undone, text: "may still approve: dana-debian, tomas-openwall"})
	})
	t.Run("the same person with two keys counts once", func(t *testing.T) {
		f.t = t
		f.checkout(base)
		f.mustKnow(base, maraKey2, "mara-openwall")
		f.commitAs(mara(t), roles, "add dana")
		h := approve(maraKey2)
		expect(t, f.verifyRange(base, h), want{rule: "sig.threshold", text: "signed for it: mara-openwall;"})
	})
	t.Run("an approval by someone the rule does not allow", func(t *testing.T) {
		f.t = t
		f.checkout(base)
		c := f.commitAs(mara(t), roles, "add dana")
		h := approve(dana(t))
		expect(t, f.verifyRange(base, h), want{rule: "sig.threshold", commit: c, text: "signed for it: mara-openwall;"})
	})
	t.Run("a change elsewhere by the second coordinator approves too", func(t *testing.T) {
		f.t = t
		f.checkout(base)
		f.commitAs(mara(t), roles, "add dana")
		h := f.commitAs(tomas(t), f.issueEdit("tomas"), "unrelated")
		expect(t, f.verifyRange(base, h))
	})
	t.Run("changed and changed back needs nobody", func(t *testing.T) {
		f.t = t
		f.checkout(base)
		orig := f.content(base, "roles/coordinators.yaml")
		f.commitAs(mara(t), roles, "add dana")
		h := f.commitAs(mara(t), map[string]string{"roles/coordinators.yaml": orig}, "undo")
		expect(t, f.verifyRange(base, h))
	})
	t.Run("a clean merge by the second coordinator approves", func(t *testing.T) {
		f.t = t
		f.checkout(base)
		c := f.commitAs(mara(t), roles, "add dana")
		m := f.merge(tomas(t), []plumbing.Hash{base, c}, nil, "Merge pull request")
		expect(t, f.verifyRange(base, m))
		// ... and on the protected branch the merge lands with its approval.
		expect(t, f.ffRange(base, m))
	})
	t.Run("on the protected branch, a merge by the same coordinator does not", func(t *testing.T) {
		f.t = t
		f.checkout(base)
		c := f.commitAs(mara(t), roles, "add dana")
		m := f.merge(mara(t), []plumbing.Hash{base, c}, nil, "Merge pull request")
		expect(t, f.ffRange(base, m), want{rule: "sig.threshold", commit: c})
	})
	t.Run("the full audit counts per landing, by the state before it", func(t *testing.T) {
		f.t = t
		f.checkout(base)
		c := f.commitAs(mara(t), roles, "add dana")
		alone := f.merge(mara(t), []plumbing.Hash{base, c}, nil, "Merge pull request")
		approved := f.merge(tomas(t), []plumbing.Hash{base, c}, nil, "Merge pull request")
		for _, tc := range []struct {
			head  plumbing.Hash
			wants []want
		}{{alone, []want{{rule: "sig.threshold", commit: c}}}, {approved, nil}} {
			got, err := verify.Audit(f.repo, tc.head, []string{fprMara}, verify.Options{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			expect(t, got, tc.wants...)
		}
	})
}

// BenchmarkThresholdRange verifies a range in which a coordinator changes
// roles/ and the other approves, again and again (n commits in all): the
// approvals are counted in time linear in the range.
func BenchmarkThresholdRange(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("commits=%d", n), func(b *testing.B) {
			f := newFixture(b)
			var head plumbing.Hash
			f.batch(func() {
				for i := range n / 2 {
					f.commitAs(mara(b), map[string]string{"roles/coordinators.yaml": fmt.Sprintf("coordinators: [mara-openwall, tomas-openwall] # %d\n", i)}, "roles")
					head = f.commitAs(tomas(b), nil, "Approve")
				}
			})
			if fs := f.verifyRange(f.root, head); len(fs) != 0 {
				b.Fatal(fs)
			}
			b.ResetTimer()
			for range b.N {
				f.verifyRange(f.root, head)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(n), "µs/commit")
		})
	}
}
