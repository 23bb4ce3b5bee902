package verify_test

import (
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/pgp"
)

// A pull request that adds a person's key and then signs with it (row 3) is
// refused by the gate and by `verify --fast-forward` on main. The full
// audit must not pass the same history once it has landed (through a gate
// that was off, a push with the hook missing): a commit a merge brings in
// is judged by the state before the merge, as the protected branch judges
// it, not by the state its own pull request built.
func TestAttackAuditKeyAddedAndUsedInOnePullRequest(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	main := f.root
	nora := newSigner(t, pgp.AlgoEd25519, "nora-debian")
	f.addPerson("debian", "nora-debian", nora)
	use := f.commitAs(nora, map[string]string{"members/debian.yaml": f.edit("members/debian.yaml", "name: New Person", "name: Nora")}, "nora's first commit")
	m := f.merge(mara(t), []plumbing.Hash{main, use}, nil, "Merge pull request")

	expect(t, f.ffRange(main, m), want{rule: "sig.unknown-key", commit: use}, want{rule: "sig.merge", commit: m, text: "not verified"})
	expect(t, f.audit(m, fprMara), want{rule: "sig.unknown-key", commit: use}, want{rule: "sig.merge", commit: m, text: "not verified"})
}
