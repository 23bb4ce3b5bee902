package verify_test

import (
	"testing"
)

// A threshold rule may allow per-record principals: here every member
// record change needs two signers, a coordinator or the record's own member.
// greta-suse may approve a change to members/suse.yaml, not one to
// members/debian.yaml. A range that changes debian.yaml, then suse.yaml,
// must not count her approval for both: who may approve was judged on the
// last change only.
func TestAttackThresholdApproverJudgedOnLastChangeOnly(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.checkout(f.root)
	f.commitAs(mara(t), map[string]string{"policy.yaml": f.edit("policy.yaml", "mergers: []", `  - paths: ["members/*.yaml"]
    allow: [coordinators, own-member]
    threshold: 2
mergers: []`)}, "Two signers for every member record")
	base := f.commitAs(tomas(t), nil, "Approve")

	f.commitAs(mara(t), map[string]string{"members/debian.yaml": f.appendTo("members/debian.yaml", "# mara\n")}, "debian")
	f.commitAs(mara(t), map[string]string{"members/suse.yaml": f.appendTo("members/suse.yaml", "# mara\n")}, "suse")
	h := f.commitAs(greta(t), nil, "Approve")
	expect(t, f.verifyRange(base, h), want{rule: "sig.threshold", text: "signed for it: mara-openwall;"})
}
