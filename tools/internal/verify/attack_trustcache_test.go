package verify_test

import (
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// States that share policy.yaml, roles/ and members/ share one Trust, but
// an issue's team is read from the issues of the state judged: a landing
// that takes rui-redhat off EMB-2026-0004's team must keep him from editing
// it in the next landing, even when an earlier state with the same members
// was loaded first (he is on the team there).
func TestAttackTrustCacheServesAnotherStatesIssues(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	main := f.root
	filler := f.commitAs(dana(t), f.issueEdit("filler"), "filler")
	m1 := f.merge(mara(t), []plumbing.Hash{main, filler}, nil, "Merge pull request 1")
	f.checkout(m1)
	off := f.commitAs(dana(t), map[string]string{issue4: f.edit(issue4, "response_team: [dana-debian, rui-redhat, ines-amazon]", "response_team: [dana-debian, ines-amazon]")}, "rui leaves the team")
	m2 := f.merge(mara(t), []plumbing.Hash{m1, off}, nil, "Merge pull request 2")
	f.checkout(m2)
	edit := f.commitAs(rui(t), f.issueEdit("rui, off the team"), "rui edits anyway")
	m3 := f.merge(mara(t), []plumbing.Hash{m2, edit}, nil, "Merge pull request 3")

	refused := []want{{rule: "sig.unauthorized", commit: edit, path: issue4, text: "not the handler or on the response team"}, {rule: "sig.merge", commit: m3, text: "not verified"}}
	t.Run("protected branch", func(t *testing.T) {
		f.t = t
		expect(t, f.ffRange(main, m3), refused...)
	})
	t.Run("full audit", func(t *testing.T) {
		f.t = t
		expect(t, f.audit(m3, fprMara), refused...)
	})
}
