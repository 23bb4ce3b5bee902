package verify_test

import (
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/verify"
)

func (f *fixture) audit(head plumbing.Hash, anchors ...string) []finding.Finding {
	f.t.Helper()
	got, err := verify.Audit(f.repo, head, anchors, verify.Options{Now: now})
	if err != nil {
		f.t.Fatalf("Audit(%s): %v", short(head), err)
	}
	return got
}

// A full audit judges each commit by its parent's state and the root by the
// trust anchors (docs/signatures.md, "Full audit"); it checks the same things as Range.
func TestAudit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	nora := newSigner(t, pgp.AlgoEd25519, "nora-debian")
	add := f.addPerson("debian", "nora-debian", nora)
	use := f.commitAs(nora, map[string]string{"members/debian.yaml": f.edit("members/debian.yaml", "name: New Person", "name: Nora")}, "nora's first commit")

	t.Run("history accepted", func(t *testing.T) {
		// In an audit, nora's commit is judged by the state after her key was merged.
		expect(t, f.audit(use, fprMara))
	})
	t.Run("root not signed by an anchor", func(t *testing.T) {
		expect(t, f.audit(use, fprDana), want{rule: "sig.unknown-key", commit: f.root})
	})
	t.Run("no anchors", func(t *testing.T) {
		expect(t, f.audit(use), want{rule: "sig.unknown-key", commit: f.root})
	})
	t.Run("unsigned commit in history", func(t *testing.T) {
		f.t = t
		f.checkout(add)
		u := f.commitAs(nil, f.issueEdit("unsigned"), "unsigned")
		h := f.commitAs(dana(t), f.issueEdit("later"), "later")
		expect(t, f.audit(h, fprMara), want{rule: "sig.missing", commit: u})
	})
	t.Run("unauthorized commit in history", func(t *testing.T) {
		f.t = t
		f.checkout(add)
		bad := f.commitAs(greta(t), f.issueEdit("greta"), "greta")
		expect(t, f.audit(bad, fprMara), want{rule: "sig.unauthorized", commit: bad, path: issue4})
	})
	t.Run("merge in history", func(t *testing.T) {
		f.t = t
		f.checkout(add)
		a := f.commitAs(dana(t), f.issueEdit("a"), "a")
		f.checkout(add)
		b := f.commitAs(greta(t), map[string]string{"members/suse.yaml": f.appendTo("members/suse.yaml", "# b\n")}, "b")
		m := f.merge(dana(t), []plumbing.Hash{a, b}, nil, "merge")
		expect(t, f.audit(m, fprMara))
		evil := f.merge(dana(t), []plumbing.Hash{a, b}, map[string]string{"policy.yaml": f.appendTo("policy.yaml", "# evil\n")}, "evil merge")
		expect(t, f.audit(evil, fprMara), want{rule: "sig.merge", commit: evil, path: "policy.yaml"})
	})
}
