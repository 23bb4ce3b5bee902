package verify_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/verify"
)

// Row 1: an unsigned commit anywhere in the range is refused; the walk
// follows every parent, not only the first; an empty range and a head that
// shares no history with the base are errors.
func TestRow01UnsignedCommit(t *testing.T) {
	t.Parallel()
	for pos, name := range []string{"first", "middle", "last"} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			var hs []plumbing.Hash
			for i := 0; i < 3; i++ {
				s := dana(t)
				if i == pos {
					s = nil
				}
				hs = append(hs, f.commitAs(s, f.issueEdit(fmt.Sprintf("note %d", i)), "edit"))
			}
			expect(t, f.verifyRange(f.root, f.tip),
				want{rule: "sig.missing", commit: hs[pos], text: "not signed"})
		})
	}
	t.Run("all signed (control)", func(t *testing.T) {
		f := newFixture(t)
		for i := 0; i < 3; i++ {
			f.commitAs(dana(t), f.issueEdit(fmt.Sprintf("note %d", i)), "edit")
		}
		expect(t, f.verifyRange(f.root, f.tip))
	})
	t.Run("on a second parent", func(t *testing.T) {
		f := newFixture(t)
		first := f.commitAs(dana(t), f.issueEdit("first parent"), "edit")
		f.checkout(f.root)
		side := f.commitAs(nil, map[string]string{"members/debian.yaml": f.edit("members/debian.yaml", "name: Dana Whitfield", "name: Dana W.")}, "unsigned side commit")
		m := f.merge(dana(t), []plumbing.Hash{first, side}, nil, "Merge")
		expect(t, f.verifyRange(f.root, m),
			want{rule: "sig.missing", commit: side},
			want{rule: "sig.merge", commit: m, text: "not verified"})
	})
	t.Run("on a second parent, signed (control)", func(t *testing.T) {
		f := newFixture(t)
		first := f.commitAs(dana(t), f.issueEdit("first parent"), "edit")
		f.checkout(f.root)
		side := f.commitAs(dana(t), map[string]string{"members/debian.yaml": f.edit("members/debian.yaml", "name: Dana Whitfield", "name: Dana W.")}, "side commit")
		m := f.merge(dana(t), []plumbing.Hash{first, side}, nil, "Merge")
		expect(t, f.verifyRange(f.root, m))
	})
	t.Run("empty range: head is base", func(t *testing.T) {
		f := newFixture(t)
		h := f.commitAs(dana(t), f.issueEdit("x"), "edit")
		expect(t, f.verifyRange(h, h), want{rule: "sig.range", text: "empty"})
	})
	t.Run("empty range: head is behind base", func(t *testing.T) {
		f := newFixture(t)
		h := f.commitAs(dana(t), f.issueEdit("x"), "edit")
		expect(t, f.verifyRange(h, f.root), want{rule: "sig.range", text: "empty"})
	})
	t.Run("unrelated histories", func(t *testing.T) {
		f := newFixture(t)
		base := f.commitAs(dana(t), f.issueEdit("x"), "edit")
		// A second root with the same data, signed by a coordinator, and a
		// valid commit on it: nothing in it is wrong except the missing link.
		other := f.commit(spec{root: true, signer: tomas(t), files: exampleData(t), msg: "Another import"})
		f.checkout(other)
		head := f.commitAs(dana(t), f.issueEdit("y"), "edit")
		expect(t, f.verifyRange(base, head), want{rule: "sig.range", text: "no history"})
		expect(t, f.verifyRange(other, head)) // control: the same head against its own root
	})
}

// Row 16: a push to main must descend from the last verified tip.
func TestRow16RewrittenMain(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	m1 := f.commitAs(mara(t), f.issueEdit("m1"), "main 1")
	m2 := f.commitAs(tomas(t), f.issueEdit("m2"), "main 2")
	f.checkout(m1)
	rewritten := f.commitAs(mara(t), f.issueEdit("rewritten"), "rewritten main 2")
	ff := verify.Options{Now: now, FastForward: true}

	t.Run("force-pushed", func(t *testing.T) {
		expect(t, f.verifyRangeOpt(m2, rewritten, ff),
			want{rule: "sig.range", commit: rewritten, text: "does not descend"})
	})
	t.Run("same head as a pull request (control)", func(t *testing.T) {
		// A pull request need not descend from the moving base branch.
		expect(t, f.verifyRange(m2, rewritten))
	})
	t.Run("fast-forward (control)", func(t *testing.T) {
		f.checkout(m2)
		next := f.commitAs(dana(t), f.issueEdit("m3"), "main 3")
		expect(t, f.verifyRangeOpt(m2, next, ff))
	})
	t.Run("rewritten with an unsigned commit", func(t *testing.T) {
		f.checkout(m1)
		bad := f.commitAs(nil, f.issueEdit("bad"), "unsigned")
		expect(t, f.verifyRangeOpt(m2, bad, ff),
			want{rule: "sig.range", commit: bad},
			want{rule: "sig.missing", commit: bad})
	})
}

// Row 22: a shallow clone, or a base that was not fetched, is a clear
// sig.range finding, never an empty list.
func TestRow22Shallow(t *testing.T) {
	t.Parallel()
	build := func(t *testing.T) (*fixture, []plumbing.Hash) {
		f := newFixture(t)
		var hs []plumbing.Hash
		for i := 0; i < 3; i++ {
			hs = append(hs, f.commitAs(dana(t), f.issueEdit(fmt.Sprintf("note %d", i)), "edit"))
		}
		expect(t, f.verifyRange(f.root, f.tip)) // control: complete history passes
		return f, hs
	}
	remove := func(f *fixture, h plumbing.Hash) {
		f.t.Helper()
		if err := os.Remove(f.looseObject(h)); err != nil {
			f.t.Fatal(err)
		}
		f.reopen()
		if _, err := f.repo.CommitObject(h); err == nil {
			f.t.Fatalf("commit %s still readable", h)
		}
	}
	t.Run("parent inside the range missing", func(t *testing.T) {
		f, hs := build(t)
		remove(f, hs[0])
		expect(t, f.verifyRange(f.root, hs[2]), want{rule: "sig.range", text: "shallow"})
	})
	t.Run("merge base missing", func(t *testing.T) {
		f, _ := build(t)
		// The pull request and main both start at mb, which a shallow fetch
		// of main and the pull request did not bring.
		f.checkout(f.root)
		mb := f.commitAs(mara(t), map[string]string{"members/suse.yaml": f.appendTo("members/suse.yaml", "# 1\n")}, "main 1")
		pr := f.commitAs(dana(t), f.issueEdit("pr"), "pull request")
		f.checkout(mb)
		base := f.commitAs(tomas(t), map[string]string{"members/suse.yaml": f.appendTo("members/suse.yaml", "# 2\n")}, "main 2")
		expect(t, f.verifyRange(base, pr)) // control
		remove(f, mb)
		expect(t, f.verifyRange(base, pr), want{rule: "sig.range", text: "shallow"})
	})
	t.Run("base not fetched", func(t *testing.T) {
		f, hs := build(t)
		missing := plumbing.NewHash("0123456789abcdef0123456789abcdef01234567")
		expect(t, f.verifyRange(missing, hs[2]), want{rule: "sig.range", text: "base"})
	})
	t.Run("base object removed", func(t *testing.T) {
		f, hs := build(t)
		remove(f, hs[0])
		expect(t, f.verifyRange(hs[0], hs[2]), want{rule: "sig.range", text: "base"})
	})
	t.Run("head not fetched", func(t *testing.T) {
		f, _ := build(t)
		missing := plumbing.NewHash("0123456789abcdef0123456789abcdef01234567")
		expect(t, f.verifyRange(f.root, missing), want{rule: "sig.range", text: "head"})
	})
	t.Run("audit of a shallow history", func(t *testing.T) {
		f, hs := build(t)
		remove(f, hs[0])
		got, err := verify.Audit(f.repo, hs[2], []string{fprMara}, verify.Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		expect(t, got, want{rule: "sig.range", text: "missing"})
	})
}

// Row 23: a pull request of 1,000 commits: every commit is checked.
func TestRow23ThousandCommits(t *testing.T) {
	t.Parallel()
	const n, unsigned = 1000, 537
	f := newFixture(t)
	s := dana(t) // ed25519
	orig := f.content(f.root, issue4)
	var hs []plumbing.Hash
	f.batch(func() {
		for i := 1; i <= n; i++ {
			by := s
			if i == unsigned {
				by = nil
			}
			hs = append(hs, f.commitAs(by, map[string]string{issue4: orig + fmt.Sprintf("  note %d\n", i)}, fmt.Sprintf("edit %d", i)))
		}
	})
	t.Run("one unsigned commit among 1000", func(t *testing.T) {
		expect(t, f.verifyRange(f.root, hs[n-1]), want{rule: "sig.missing", commit: hs[unsigned-1]})
	})
	t.Run("the 536 before it (control)", func(t *testing.T) {
		expect(t, f.verifyRange(f.root, hs[unsigned-2]))
	})
	t.Run("the 463 after it", func(t *testing.T) {
		expect(t, f.verifyRange(hs[unsigned-1], hs[n-1]))
	})
}
