package verify_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/embargo-tool/embargo/tools/internal/gitobj"
	"github.com/embargo-tool/embargo/tools/internal/verify"
)

// rawEntry is a tree entry written byte for byte: its mode as text, so
// zero-padded and unknown modes can be written.
type rawEntry struct {
	mode string
	name string
	hash plumbing.Hash
}

// treeEntries returns the entries of tree h, as written.
func (f *fixture) treeEntries(h plumbing.Hash) []rawEntry {
	f.t.Helper()
	var out []rawEntry
	for _, e := range f.treeObject(h).Entries {
		out = append(out, rawEntry{strings.TrimLeft(e.Mode.String(), "0"), e.Name, e.Hash})
	}
	return out
}

// storeEntries stores a tree of entries in the order given.
func (f *fixture) storeEntries(es []rawEntry) plumbing.Hash {
	var b bytes.Buffer
	for _, e := range es {
		b.WriteString(e.mode + " " + e.name + "\x00")
		b.Write(e.hash[:])
	}
	return f.store(plumbing.TreeObject, b.Bytes())
}

// withEntry returns es with e added in git's order, or after the entry
// named after when after is not "".
func withEntry(es []rawEntry, e rawEntry, after string) []rawEntry {
	out := slices.Clone(es)
	if after != "" {
		i := slices.IndexFunc(out, func(x rawEntry) bool { return x.name == after })
		return slices.Insert(out, i+1, e)
	}
	out = append(out, e)
	slices.SortStableFunc(out, func(a, b rawEntry) int {
		return gitobj.CompareTreeOrder(gitobj.TreeEntry{Name: a.name, Mode: modeOf(a.mode)}, gitobj.TreeEntry{Name: b.name, Mode: modeOf(b.mode)})
	})
	return out
}

func modeOf(m string) filemode.FileMode {
	if strings.TrimLeft(m, "0") == "40000" {
		return filemode.Dir
	}
	return filemode.Regular
}

// replaced returns es with the entry called name pointing at h.
func replaced(es []rawEntry, name string, h plumbing.Hash) []rawEntry {
	out := slices.Clone(es)
	for i := range out {
		if out[i].name == name {
			out[i].hash = h
		}
	}
	return out
}

// Row 26, as it was found: an active member signs an empty commit E, then a
// merge of E and main over a hand-made root tree equal to main's but for
// roles/coordinators.yaml naming them coordinator and policy.yaml listed
// twice. The merge must be refused by verify and by the audit, and a state
// holding such a tree must authorize nobody.
func TestRow26MalformedTreeMerge(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	main := f.root
	root := f.treeEntries(f.treeOf(main))
	roles := f.treeEntries(entryOf(t, root, "roles"))
	coup := f.blob("coordinators: [mara-openwall, tomas-openwall, dana-debian]\n")
	badRoles := f.storeEntries(replaced(roles, "coordinators.yaml", coup))
	policy := entryOf(t, root, "policy.yaml")

	variants := []struct {
		name string
		tree []rawEntry
		text string
	}{
		{"policy.yaml listed twice", withEntry(replaced(root, "roles", badRoles), rawEntry{"100644", "policy.yaml", policy}, "policy.yaml"), `entry "policy.yaml": name listed twice`},
		{"an entry named roles/coordinators.yaml", withEntry(root, rawEntry{"100644", "roles/coordinators.yaml", coup}, "roles"), `name holds "/"`},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			f.t = t
			e := f.commit(spec{parents: []plumbing.Hash{main}, signer: dana(t), msg: "empty"})
			tree := f.storeEntries(v.tree)
			m := f.commit(spec{parents: []plumbing.Hash{e, main}, signer: dana(t), tree: &tree, msg: "Merge"})
			expect(t, f.verifyRange(main, m), want{rule: "sig.noncanonical", commit: m, text: v.text})
			expect(t, f.verifyRangeOpt(main, m, verify.Options{Now: now, FastForward: true}), want{rule: "sig.noncanonical", commit: m, text: v.text})
			got, err := verify.Audit(f.repo, m, []string{fprMara}, verify.Options{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			expect(t, got, want{rule: "sig.noncanonical", commit: m, text: v.text})

			// Had it landed: the same member alone changes policy.yaml.
			next := f.commit(spec{parents: []plumbing.Hash{m}, tree: &tree, signer: dana(t), msg: "policy"})
			expect(t, f.verifyRange(m, next), want{rule: "sig.unauthorized", commit: next, text: "holds a tree git rejects"})
		})
	}
}

// Row 26: every kind of tree git fsck --strict rejects, at the root and in a
// subfolder, in a plain commit by a coordinator and in a merge.
func TestRow26MalformedTrees(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	main := f.root
	root := f.treeEntries(f.treeOf(main))
	issues := f.treeEntries(entryOf(t, root, "issues"))
	year := f.treeEntries(entryOf(t, issues, "2026"))
	blob := f.blob("x\n")
	sub := f.storeEntries([]rawEntry{{"100644", "x", blob}})
	kinds := []struct {
		name string
		add  func(es []rawEntry) []rawEntry
		text string
	}{
		{"empty name", func(es []rawEntry) []rawEntry { return withEntry(es, rawEntry{"100644", "", blob}, "") }, "empty name"},
		{".", func(es []rawEntry) []rawEntry { return withEntry(es, rawEntry{"40000", ".", sub}, "") }, "name . is not allowed"},
		{"..", func(es []rawEntry) []rawEntry { return withEntry(es, rawEntry{"40000", "..", sub}, "") }, "name .. is not allowed"},
		{"a/b", func(es []rawEntry) []rawEntry { return withEntry(es, rawEntry{"100644", "a/b", blob}, "") }, `name holds "/"`},
		{".git", func(es []rawEntry) []rawEntry { return withEntry(es, rawEntry{"40000", ".git", sub}, "") }, "variant file systems read as .git"},
		{".GIT", func(es []rawEntry) []rawEntry { return withEntry(es, rawEntry{"40000", ".GIT", sub}, "") }, "variant file systems read as .git"},
		{".git. (NTFS)", func(es []rawEntry) []rawEntry { return withEntry(es, rawEntry{"40000", ".git.", sub}, "") }, "variant file systems read as .git"},
		{".git followed by spaces (NTFS)", func(es []rawEntry) []rawEntry { return withEntry(es, rawEntry{"40000", ".git  ", sub}, "") }, "variant file systems read as .git"},
		{"GIT~1 (NTFS short name)", func(es []rawEntry) []rawEntry { return withEntry(es, rawEntry{"40000", "GIT~1", sub}, "") }, "variant file systems read as .git"},
		{".git::$INDEX_ALLOCATION (NTFS stream)", func(es []rawEntry) []rawEntry {
			return withEntry(es, rawEntry{"40000", ".git::$INDEX_ALLOCATION", sub}, "")
		}, "variant file systems read as .git"},
		{".g\u200cit (HFS+)", func(es []rawEntry) []rawEntry { return withEntry(es, rawEntry{"40000", ".g\u200cit", sub}, "") }, "variant file systems read as .git"},
		{"zero-padded folder mode", func(es []rawEntry) []rawEntry { return withEntry(es, rawEntry{"040000", "zz", sub}, "") }, `mode "040000"`},
		{"zero-padded file mode", func(es []rawEntry) []rawEntry { return withEntry(es, rawEntry{"0100644", "zz", blob}, "") }, `mode "0100644"`},
		{"group-writable mode", func(es []rawEntry) []rawEntry { return withEntry(es, rawEntry{"100664", "zz", blob}, "") }, `mode "100664"`},
		{"unknown mode", func(es []rawEntry) []rawEntry { return withEntry(es, rawEntry{"100600", "zz", blob}, "") }, `mode "100600"`},
		{"null object id", func(es []rawEntry) []rawEntry { return withEntry(es, rawEntry{"100644", "zz", plumbing.ZeroHash}, "") }, "null object id"},
		{"unsorted", func(es []rawEntry) []rawEntry { return append(slices.Clone(es), rawEntry{"100644", "0first", blob}) }, "out of git's order"},
		{"a name twice, side by side", func(es []rawEntry) []rawEntry {
			return append([]rawEntry{{"100644", "0a", blob}, {"100644", "0a", blob}}, es...)
		}, "name listed twice"},
		{"a file and a folder of one name, apart", func(es []rawEntry) []rawEntry {
			return append([]rawEntry{{"100644", "0a", blob}, {"100644", "0a.b", blob}, {"40000", "0a", sub}}, es...)
		}, "as a file and as a folder"},
	}
	for _, k := range kinds {
		for _, where := range []string{"root", "issues/2026"} {
			t.Run(k.name+" at "+where, func(t *testing.T) {
				f.t = t
				var tree plumbing.Hash
				if where == "root" {
					tree = f.storeEntries(k.add(root))
				} else {
					newYear := f.storeEntries(k.add(year))
					tree = f.storeEntries(replaced(root, "issues", f.storeEntries(replaced(issues, "2026", newYear))))
				}
				plain := f.commit(spec{parents: []plumbing.Hash{main}, signer: mara(t), tree: &tree, msg: "plain"})
				expect(t, f.verifyRange(main, plain), want{rule: "sig.noncanonical", commit: plain, text: k.text})

				e := f.commit(spec{parents: []plumbing.Hash{main}, signer: dana(t), msg: "empty"})
				merge := f.commit(spec{parents: []plumbing.Hash{e, main}, signer: dana(t), tree: &tree, msg: "merge"})
				expect(t, f.verifyRange(main, merge), want{rule: "sig.noncanonical", commit: merge, text: k.text})
			})
		}
	}
}

func entryOf(t *testing.T, es []rawEntry, name string) plumbing.Hash {
	t.Helper()
	i := slices.IndexFunc(es, func(e rawEntry) bool { return e.name == name })
	if i < 0 {
		t.Fatalf("no entry %s", name)
	}
	return es[i].hash
}

// Row 27: under issues/ only issues/<YYYY>/<ID>.yaml is a record path, and
// verify alone refuses anything else there; files that change how git reads
// others are coordinators' wherever they are.
func TestRow27RecordPathsOnly(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	// A base that lets dana-debian change docs/**, to show the git control
	// files stay the coordinators' even where a rule allows someone else.
	f.checkout(f.root)
	base := f.commitAs(mara(t), map[string]string{"policy.yaml": f.edit("policy.yaml",
		`  - paths: ["issues/**"]`, "  - paths: [\"docs/**\"]\n    allow: [coordinators, person:dana-debian]\n  - paths: [\"issues/**\"]")}, "docs for dana")
	rec := f.content(base, issue4)
	cases := []struct {
		name   string
		signer func(testing.TB) *signer
		files  map[string]string
		want   []want
	}{
		{"issues/.gitattributes by the handler", dana, map[string]string{"issues/.gitattributes": "*.yaml encoding=UTF-16\n"},
			[]want{{rule: "sig.unauthorized", path: "issues/.gitattributes", text: "not a record path"}}},
		{"a hidden copy of a record", dana, map[string]string{"issues/2026/.EMB-2026-0004.yaml": rec},
			[]want{{rule: "sig.unauthorized", path: "issues/2026/.EMB-2026-0004.yaml", text: "not a record path"}}},
		{"a folder issues/.git. (NTFS)", dana, map[string]string{"issues/.git./config": "x\n"},
			[]want{{rule: "sig.noncanonical", text: `entry ".git."`}}},
		{"a record in a folder of another year", dana, map[string]string{"issues/2025/EMB-2026-0099.yaml": newIssue("EMB-2026-0099", "dana-debian")},
			[]want{{rule: "sig.unauthorized", path: "issues/2025/EMB-2026-0099.yaml", text: "the year in its id"}}},
		{"a record one folder too deep", dana, map[string]string{"issues/2026/x/EMB-2026-0099.yaml": newIssue("EMB-2026-0099", "dana-debian")},
			[]want{{rule: "sig.unauthorized", path: "issues/2026/x/EMB-2026-0099.yaml", text: "not a record path"}}},
		{"a README under issues/ by a coordinator", mara, map[string]string{"issues/README.md": "x\n"},
			[]want{{rule: "sig.unauthorized", path: "issues/README.md", text: "not a record path"}}},
		{"members/notes.txt by a coordinator", mara, map[string]string{"members/notes.txt": "x\n"},
			[]want{{rule: "sig.unauthorized", path: "members/notes.txt", text: "not a record path"}}},
		{"roles/extra.yaml by a coordinator", mara, map[string]string{"roles/extra.yaml": "x: 1\n"},
			[]want{{rule: "sig.unauthorized", path: "roles/extra.yaml", text: "not a record path"}}},
		{"docs/.gitattributes by dana", dana, map[string]string{"docs/.gitattributes": "* filter=x\n"},
			[]want{{rule: "sig.unauthorized", path: "docs/.gitattributes", text: "only coordinators"}}},
		{"docs/.GITMODULES. by dana", dana, map[string]string{"docs/.GITMODULES.": "x\n"},
			[]want{{rule: "sig.unauthorized", path: "docs/.GITMODULES.", text: "only coordinators"}}},
		{".mailmap by dana", dana, map[string]string{"docs/.mailmap": "x\n"},
			[]want{{rule: "sig.unauthorized", path: "docs/.mailmap", text: "only coordinators"}}},
		{"docs/notes.md by dana (control)", dana, map[string]string{"docs/notes.md": "x\n"}, nil},
		{"docs/.gitattributes by a coordinator (control)", mara, map[string]string{"docs/.gitattributes": "* text\n"}, nil},
		{"a new record by its handler (control)", dana, map[string]string{"issues/2026/EMB-2026-0099.yaml": newIssue("EMB-2026-0099", "dana-debian")}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.t = t
			f.checkout(base)
			h := f.commit(spec{signer: c.signer(t), files: c.files, msg: c.name})
			ws := slices.Clone(c.want)
			for i := range ws {
				ws[i].commit = h
			}
			expect(t, f.verifyRange(base, h), ws...)
		})
	}
}
