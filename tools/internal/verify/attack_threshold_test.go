package verify_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
)

// The two-person rule guards the coordinators' records by path:
// members/openwall.yaml and two key files. Once a coordinator from another
// member is appointed (two coordinators sign for it, as they must), nothing
// says that member's record joins the list, and validate does not ask. One
// stolen coordinator key then swaps the new coordinator's key for the
// thief's — members/debian.yaml needs one coordinator — and, one merged pull
// request later, signs as two people: the rule is met by one key.
func TestAttackThresholdCoordinatorOutsideTheListedRecords(t *testing.T) {
	t.Skip("ATTACK: threshold paths name the coordinators' files by hand; a coordinator whose record is not listed can have their key swapped by one coordinator, who then counts twice (design: derive the guarded records from roles/coordinators.yaml)")
	t.Parallel()
	f := newFixture(t)
	f.checkout(f.root)
	f.commitAs(mara(t), map[string]string{"roles/coordinators.yaml": coup}, "dana-debian joins the coordinators")
	base := f.commitAs(tomas(t), nil, "Approve")
	f.mustKnow(base, dana(t), "dana-debian")

	thief := newSigner(t, pgp.AlgoEd25519, "dana-debian")
	debian := f.edit("members/debian.yaml", fprDana, thief.fpr)
	pr1 := f.commitAs(mara(t), map[string]string{"members/debian.yaml": debian, "members/keys/" + thief.fpr + ".asc": string(thief.pub)}, "Rotate dana's key")
	m1 := f.merge(mara(t), []plumbing.Hash{base, pr1}, nil, "Merge pull request 1")
	f.checkout(m1)
	f.commitAs(mara(t), map[string]string{"roles/coordinators.yaml": "coordinators: [mara-openwall, dana-debian]\n"}, "tomas steps down")
	approval := f.commitAs(thief, nil, "Approve")
	m2 := f.merge(mara(t), []plumbing.Hash{m1, approval}, nil, "Merge pull request 2")

	got := f.ffRange(base, m2)
	if !slices.ContainsFunc(got, func(x finding.Finding) bool { return x.Rule == "sig.threshold" }) {
		t.Fatalf("one coordinator key swapped a coordinator's key, then removed a coordinator as two people; findings: %s", describeAll(got))
	}
}

func describeAll(fs []finding.Finding) string {
	var b strings.Builder
	for _, x := range fs {
		b.WriteString("\n  " + describe(x))
	}
	if b.Len() == 0 {
		return "none"
	}
	return b.String()
}
