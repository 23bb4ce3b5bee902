package verify_test

import (
	"fmt"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/pgp"
)

// A member adds a colleague alone: a person of the member adds the new
// person to the member's record and the new person's key file, in one
// signed commit (their teammate vouch is validate's to check).
func TestMemberAddsAColleague(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	fio := newSigner(t, pgp.AlgoEd25519, "fio-debian")
	colleague := func(id, key string) string {
		return f.appendTo("members/debian.yaml", fmt.Sprintf("  - id: %s\n    name: Fio Rossi\n    email: fio@debian.example.org\n    keys: [%s]\n", id, key))
	}
	t.Run("a new person with a new key, by a person of the member", func(t *testing.T) {
		f.t = t
		f.checkout(f.root)
		h := f.commitAs(dana(t), map[string]string{"members/debian.yaml": colleague("fio-debian", fio.fpr), "members/keys/" + fio.fpr + ".asc": string(fio.pub)}, "Add fio-debian")
		expect(t, f.verifyRange(f.root, h))
	})
	t.Run("by a person of another member", func(t *testing.T) {
		f.t = t
		f.checkout(f.root)
		h := f.commitAs(greta(t), map[string]string{"members/debian.yaml": colleague("fio-debian", fio.fpr), "members/keys/" + fio.fpr + ".asc": string(fio.pub)}, "Add fio-debian")
		expect(t, f.verifyRange(f.root, h),
			want{rule: "sig.unauthorized", commit: h, path: "members/debian.yaml"},
			want{rule: "sig.unauthorized", commit: h, path: "members/keys/" + fio.fpr + ".asc"})
	})
	t.Run("a new person given a colleague's existing key", func(t *testing.T) {
		f.t = t
		f.checkout(f.root)
		h := f.commitAs(dana(t), map[string]string{"members/debian.yaml": colleague("fio-debian", fprEli)}, "Add fio-debian with eli's key")
		expect(t, f.verifyRange(f.root, h), want{rule: "sig.unauthorized", commit: h, path: "members/debian.yaml"})
	})
}
