package verify_test

import (
	"testing"
)

// The two-person rule exists so that one stolen coordinator key cannot
// rewrite who runs the group (docs/signatures.md). But CI builds the checker,
// and runs the gate's workflow, from the base: one coordinator's change to
// tools/, schema/, .github/ or the module files, once merged, is the checker
// and the gate of every later pull request — one that can pass a roles
// change signed once. Those paths decide as much as roles/ does.
func TestAttackOneCoordinatorRewritesTheChecker(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, p := range []string{
		"tools/internal/verify/threshold.go",
		".github/workflows/pull-request.yml",
		"schema/member.schema.json",
		"go.mod",
		"go.sum",
		"Makefile",
	} {
		t.Run(p, func(t *testing.T) {
			f.t = t
			f.checkout(f.root)
			c := f.commitAs(mara(t), map[string]string{p: "# the checker now says yes\n"}, "one coordinator edits "+p)
			expect(t, f.verifyRange(f.root, c), want{rule: "sig.threshold", commit: c, text: "signed for it: mara-openwall;"})
		})
	}
}
