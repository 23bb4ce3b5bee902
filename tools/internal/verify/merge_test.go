package verify_test

import (
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/pgp"
)

// mergeFixture: from root, a commit by dana on issue4 (a) and one by greta
// on her own record (b), both verified; and the tip of main (m) moved on by
// a coordinator.
type mergeFixture struct {
	*fixture
	a, b, m plumbing.Hash
}

func newMergeFixture(t *testing.T) *mergeFixture {
	f := newFixture(t)
	mf := &mergeFixture{fixture: f}
	mf.a = f.commitAs(dana(t), f.issueEdit("from a"), "a")
	f.checkout(f.root)
	mf.b = f.commitAs(greta(t), map[string]string{"members/suse.yaml": f.appendTo("members/suse.yaml", "# b\n")}, "b")
	f.checkout(f.root)
	mf.m = f.commitAs(mara(t), map[string]string{"roles/tasks.yaml": f.appendTo("roles/tasks.yaml", "# m\n")}, "main moves on")
	return mf
}

// Row 15: merges inside the range.
func TestRow15Merges(t *testing.T) {
	t.Parallel()
	t.Run("clean merge of verified parents", func(t *testing.T) {
		f := newMergeFixture(t)
		h := f.merge(dana(t), []plumbing.Hash{f.a, f.b}, nil, "Merge b")
		expect(t, f.verifyRange(f.root, h))
	})
	t.Run("base branch merged into the pull request", func(t *testing.T) {
		f := newMergeFixture(t)
		h := f.merge(dana(t), []plumbing.Hash{f.a, f.m}, nil, "Merge main")
		expect(t, f.verifyRange(f.m, h))
		// And the pull request continues after the merge.
		f.checkout(h)
		h2 := f.commitAs(dana(t), f.issueEdit("after the merge"), "more")
		expect(t, f.verifyRange(f.m, h2))
	})
	t.Run("octopus", func(t *testing.T) {
		f := newMergeFixture(t)
		f.checkout(f.root)
		c := f.commitAs(rui(t), map[string]string{"members/redhat.yaml": f.appendTo("members/redhat.yaml", "# c\n")}, "c")
		fs := f.cleanMerge(f.a, f.b)
		fs["members/redhat.yaml"] = f.files[c]["members/redhat.yaml"]
		tree := f.writeTree(fs)
		h := f.commit(spec{parents: []plumbing.Hash{f.a, f.b, c}, signer: dana(t), tree: &tree, msg: "octopus"})
		expect(t, f.verifyRange(f.root, h), want{rule: "sig.merge", commit: h, text: "octopus"})
	})
	t.Run("evil merge adds a change", func(t *testing.T) {
		f := newMergeFixture(t)
		extra := map[string]string{"roles/coordinators.yaml": f.edit("roles/coordinators.yaml", "tomas-openwall]", "tomas-openwall, dana-debian]")}
		h := f.merge(dana(t), []plumbing.Hash{f.a, f.b}, extra, "Merge b")
		expect(t, f.verifyRange(f.root, h), want{rule: "sig.merge", commit: h, path: "roles/coordinators.yaml", text: "evil"})
	})
	t.Run("evil merge by a coordinator", func(t *testing.T) {
		f := newMergeFixture(t)
		extra := map[string]string{"roles/tasks.yaml": f.appendTo("roles/tasks.yaml", "# hidden\n")}
		h := f.merge(mara(t), []plumbing.Hash{f.a, f.b}, extra, "Merge b")
		expect(t, f.verifyRange(f.root, h), want{rule: "sig.merge", commit: h, path: "roles/tasks.yaml", text: "evil"})
	})
	t.Run("evil merge drops a change", func(t *testing.T) {
		f := newMergeFixture(t)
		extra := map[string]string{"members/suse.yaml": f.content(f.root, "members/suse.yaml")}
		h := f.merge(dana(t), []plumbing.Hash{f.a, f.b}, extra, "Merge b")
		expect(t, f.verifyRange(f.root, h), want{rule: "sig.merge", commit: h, path: "members/suse.yaml", text: "evil"})
	})
	t.Run("conflict resolved by hand", func(t *testing.T) {
		f := newMergeFixture(t)
		f.checkout(f.root)
		r := f.commitAs(rui(t), f.issueEdit("from rui"), "rui")
		fs := f.filesOf(f.a)
		f.apply(fs, map[string]string{issue4: f.content(f.a, issue4) + "  from rui\n"}, nil)
		tree := f.writeTree(fs)
		h := f.commit(spec{parents: []plumbing.Hash{f.a, r}, signer: dana(t), tree: &tree, msg: "Merge, resolved"})
		expect(t, f.verifyRange(f.root, h), want{rule: "sig.merge", commit: h, path: issue4, text: "conflict"})
	})
	t.Run("parent refused", func(t *testing.T) {
		f := newMergeFixture(t)
		f.checkout(f.root)
		bad := f.commitAs(greta(t), map[string]string{"policy.yaml": f.appendTo("policy.yaml", "# greta\n")}, "greta edits policy")
		h := f.merge(dana(t), []plumbing.Hash{f.a, bad}, nil, "Merge")
		expect(t, f.verifyRange(f.root, h),
			want{rule: "sig.unauthorized", commit: bad, path: "policy.yaml"},
			want{rule: "sig.merge", commit: h, text: "not verified"})
	})
	t.Run("two merge bases (criss-cross)", func(t *testing.T) {
		f := newMergeFixture(t)
		x := f.merge(dana(t), []plumbing.Hash{f.a, f.b}, nil, "x")
		y := f.merge(greta(t), []plumbing.Hash{f.b, f.a}, nil, "y")
		f.checkout(x)
		x2 := f.commitAs(dana(t), f.issueEdit("x2"), "x2")
		f.checkout(y)
		y2 := f.commitAs(greta(t), map[string]string{"members/suse.yaml": f.appendTo("members/suse.yaml", "# y2\n")}, "y2")
		fs := f.filesOf(x2)
		fs["members/suse.yaml"] = f.files[y2]["members/suse.yaml"]
		tree := f.writeTree(fs)
		h := f.commit(spec{parents: []plumbing.Hash{x2, y2}, signer: dana(t), tree: &tree, msg: "criss-cross"})
		expect(t, f.verifyRange(f.root, h), want{rule: "sig.merge", commit: h, text: "merge bases"})
	})
	t.Run("merge signed by an unknown key", func(t *testing.T) {
		f := newMergeFixture(t)
		h := f.merge(newSigner(t, pgp.AlgoEd25519, "stranger"), []plumbing.Hash{f.a, f.b}, nil, "Merge b")
		expect(t, f.verifyRange(f.root, h), want{rule: "sig.unknown-key", commit: h})
	})
	t.Run("unsigned merge", func(t *testing.T) {
		f := newMergeFixture(t)
		h := f.merge(nil, []plumbing.Hash{f.a, f.b}, nil, "Merge b")
		expect(t, f.verifyRange(f.root, h), want{rule: "sig.missing", commit: h})
	})
}

// Row 17: a hosting service's merge key.
func TestRow17MergerKey(t *testing.T) {
	t.Parallel()
	setup := func(t *testing.T, named bool) (*mergeFixture, *signer, plumbing.Hash) {
		f := newMergeFixture(t)
		merger := newSigner(t, pgp.AlgoEd25519, "hosting-merge")
		f.checkout(f.m)
		files := map[string]string{"members/keys/" + merger.fpr + ".asc": string(merger.pub)}
		if named {
			files["policy.yaml"] = f.edit("policy.yaml", "mergers: []", "mergers: ["+merger.fpr+"]")
		}
		base := f.commitAs(mara(t), files, "trust the hosting merge key")
		if named {
			tr := f.trust(base)
			if !tr.Mergers[merger.fpr] || tr.Broken != "" {
				t.Fatalf("merger not trusted at the base (broken: %q)", tr.Broken)
			}
		}
		// The pull request: a and b, on top of the new base.
		f.checkout(base)
		pa := f.commitAs(dana(t), f.issueEdit("pr a"), "pr a")
		f.checkout(base)
		pb := f.commitAs(greta(t), map[string]string{"members/suse.yaml": f.appendTo("members/suse.yaml", "# pr b\n")}, "pr b")
		f.a, f.b = pa, pb
		return f, merger, base
	}
	t.Run("clean merge", func(t *testing.T) {
		f, merger, base := setup(t, true)
		h := f.merge(merger, []plumbing.Hash{f.a, f.b}, nil, "Merge pull request #1")
		expect(t, f.verifyRange(base, h))
	})
	t.Run("merge button: base and pull request", func(t *testing.T) {
		f, merger, base := setup(t, true)
		h := f.merge(merger, []plumbing.Hash{base, f.a}, nil, "Merge pull request #2")
		expect(t, f.verifyRange(base, h))
	})
	t.Run("squash", func(t *testing.T) {
		f, merger, base := setup(t, true)
		fs := f.cleanMerge(f.a, f.b)
		tree := f.writeTree(fs)
		h := f.commit(spec{parents: []plumbing.Hash{base}, signer: merger, tree: &tree, msg: "Squashed pull request #1"})
		expect(t, f.verifyRange(base, h), want{rule: "sig.unauthorized", commit: h, text: "merge key"})
	})
	t.Run("rebase", func(t *testing.T) {
		f, merger, base := setup(t, true)
		f.checkout(base)
		h := f.commitAs(merger, f.issueEdit("pr a"), "pr a (rebased)")
		expect(t, f.verifyRange(base, h), want{rule: "sig.unauthorized", commit: h, text: "merge key"})
	})
	t.Run("evil merge", func(t *testing.T) {
		f, merger, base := setup(t, true)
		extra := map[string]string{"roles/coordinators.yaml": f.edit("roles/coordinators.yaml", "tomas-openwall]", "tomas-openwall, dana-debian]")}
		h := f.merge(merger, []plumbing.Hash{f.a, f.b}, extra, "Merge pull request #1")
		expect(t, f.verifyRange(base, h), want{rule: "sig.merge", commit: h, path: "roles/coordinators.yaml"})
	})
	t.Run("merge of an unverified commit", func(t *testing.T) {
		f, merger, base := setup(t, true)
		f.checkout(base)
		u := f.commitAs(nil, f.issueEdit("unsigned"), "unsigned")
		h := f.merge(merger, []plumbing.Hash{base, u}, nil, "Merge pull request #3")
		expect(t, f.verifyRange(base, h),
			want{rule: "sig.missing", commit: u},
			want{rule: "sig.merge", commit: h, text: "not verified"})
	})
	t.Run("merge key not named in policy", func(t *testing.T) {
		f, merger, base := setup(t, false)
		h := f.merge(merger, []plumbing.Hash{f.a, f.b}, nil, "Merge pull request #1")
		expect(t, f.verifyRange(base, h), want{rule: "sig.unknown-key", commit: h})
	})
	t.Run("merge key named in the same pull request", func(t *testing.T) {
		f, merger, _ := setup(t, false)
		start := f.m
		f.checkout(f.m)
		name := f.commitAs(mara(t), map[string]string{"policy.yaml": f.edit("policy.yaml", "mergers: []", "mergers: ["+merger.fpr+"]"),
			"members/keys/" + merger.fpr + ".asc": string(merger.pub)}, "name it")
		f.checkout(name)
		pa := f.commitAs(dana(t), f.issueEdit("pr"), "pr")
		h := f.merge(merger, []plumbing.Hash{name, pa}, nil, "Merge")
		expect(t, f.verifyRange(start, h), want{rule: "sig.unknown-key", commit: h},
			want{rule: "sig.threshold", commit: name, text: "signed for it: mara-openwall;"})
	})
}
