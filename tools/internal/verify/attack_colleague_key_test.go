package verify_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/pgp"
)

// Issue teams name people, not members: eli-debian is not on the team of
// the embargoed EMB-2026-0004, his colleague dana-debian handles it. A person
// may edit their member's record, and nothing stopped eli from moving his
// own key into dana's keys there (after adding a new key for himself, so his
// record still reads): from then on his key signed as dana, the handler.
// A signing key maps to exactly one person; a person changes their own keys,
// and a coordinator anyone's.
func TestAttackKeyMovedToAColleague(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	main := f.root
	k2 := newSigner(t, pgp.AlgoEd25519, "eli-debian")
	mf := "members/debian.yaml"
	f.checkout(main)
	own := f.commitAs(eli(t), map[string]string{
		mf:                                string(f.edit(mf, "keys: ["+fprEli+"]", "keys: ["+k2.fpr+", "+fprEli+"]")),
		"members/keys/" + k2.fpr + ".asc": string(k2.pub),
	}, "eli adds a second key")
	text := f.content(own, mf)
	text = strings.Replace(text, "keys: ["+k2.fpr+", "+fprEli+"]", "keys: ["+k2.fpr+"]", 1)
	text = strings.Replace(text, "keys: ["+fprDana+"]", "keys: ["+fprDana+", "+fprEli+"]", 1)
	move := f.commitAs(eli(t), map[string]string{mf: text}, "eli's old key is dana's now")
	m1 := f.merge(eli(t), []plumbing.Hash{main, move}, nil, "Merge pull request 1")
	f.checkout(m1)
	asDana := f.commitAs(eli(t), f.issueEdit("eli, signing as dana"), "EMB-2026-0004")
	m2 := f.merge(k2, []plumbing.Hash{m1, asDana}, nil, "Merge pull request 2")

	w := want{rule: "sig.unauthorized", commit: move, path: mf, text: "not those of dana-debian"}
	if got := f.ffRange(main, m2); !slices.ContainsFunc(got, w.matches) {
		t.Fatalf("eli's key moved into dana's entry, then signed as dana; findings: %s", describeAll(got))
	}
}
