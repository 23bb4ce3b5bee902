package verify_test

import (
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/pgp"
)

// A hosting service's merge key signs nothing as a person: its merges never
// approve a threshold rule (docs/signatures.md). But its fingerprint is
// public, and a member may list keys in their own record: dana-debian lists
// the merge key as hers (no key file needed, the base has it). From then on
// every web merge was attributed to her, and counted as her approval of the
// pull request it merged — a second signer she never was.
func TestAttackMemberClaimsTheMergeKey(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	merger := newSigner(t, pgp.AlgoEd25519, "hosting-merge")
	f.checkout(f.root)
	f.commitAs(mara(t), map[string]string{
		"members/keys/" + merger.fpr + ".asc": string(merger.pub),
		"policy.yaml": f.edit("policy.yaml", "mergers: []", `  - paths: ["issues/**"]
    allow: [coordinators, issue-team]
    threshold: 2
mergers: [`+merger.fpr+`]`),
	}, "Trust the hosting merge key; two signers for every issue change")
	base := f.commitAs(tomas(t), nil, "Approve")

	claim := f.commitAs(dana(t), map[string]string{"members/debian.yaml": f.edit("members/debian.yaml", fprDana, fprDana+", "+merger.fpr)}, "dana lists the merge key")
	m1 := f.merge(mara(t), []plumbing.Hash{base, claim}, nil, "Merge pull request 1")
	f.checkout(m1)
	change := f.commitAs(rui(t), f.issueEdit("rui"), "EMB-2026-0004: rui alone")
	m2 := f.merge(merger, []plumbing.Hash{m1, change}, nil, "Merge pull request 2")

	if tr := f.trust(m1); tr.Owner[merger.fpr] != "" {
		t.Errorf("at %s the merge key belongs to %q; a merge key is nobody's", short(m1), tr.Owner[merger.fpr])
	}
	expect(t, f.ffRange(base, m2), want{rule: "sig.threshold", commit: change, text: "signed for it: rui-redhat;"})
}
