package verify_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/embargo-tool/embargo/tools/internal/pgp"
)

// accessCase is one commit on top of the base, and what the verifier says.
type accessCase struct {
	name   string
	signer func(t testing.TB) *signer
	files  func(f *fixture) map[string]string
	want   []want // commit filled in; none: accepted
}

func runAccessCases(t *testing.T, f *fixture, base plumbing.Hash, cases []accessCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.t = t
			f.checkout(base)
			h := f.commit(spec{signer: c.signer(t), files: c.files(f), msg: c.name})
			ws := make([]want, len(c.want))
			for i, w := range c.want {
				w.commit = h
				ws[i] = w
			}
			expect(t, f.verifyRange(base, h), ws...)
		})
	}
}

func unauthorized(path string) []want { return []want{{rule: "sig.unauthorized", path: path}} }

// Row 4: granting oneself a role needs a coordinator at the base.
func TestRow04GrantRole(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const coords = "roles/coordinators.yaml"
	addDana := func(f *fixture) map[string]string {
		return map[string]string{coords: f.edit(coords, "tomas-openwall]", "tomas-openwall, dana-debian]")}
	}
	runAccessCases(t, f, f.root, []accessCase{
		{"member makes itself coordinator", dana, addDana, unauthorized(coords)},
		{"member takes a task", dana, func(f *fixture) map[string]string {
			return map[string]string{"roles/tasks.yaml": f.appendTo("roles/tasks.yaml", "# dana\n")}
		}, unauthorized("roles/tasks.yaml")},
		{"member edits ambassadors", greta, func(f *fixture) map[string]string {
			return map[string]string{"roles/ambassadors.yaml": f.appendTo("roles/ambassadors.yaml", "# greta\n")}
		}, unauthorized("roles/ambassadors.yaml")},
		{"coordinator grants the role alone (authorized; the two-person rule asks for a second coordinator)", mara, addDana,
			[]want{{rule: "sig.threshold", text: "signed for it: mara-openwall; may still approve: tomas-openwall"}}},
	})
	t.Run("role granted earlier in the same pull request", func(t *testing.T) {
		f.t = t
		f.checkout(f.root)
		grant := f.commitAs(mara(t), addDana(f), "make dana a coordinator")
		use := f.commitAs(dana(t), map[string]string{"policy.yaml": f.appendTo("policy.yaml", "# dana\n")}, "use it")
		expect(t, f.verifyRange(f.root, use), want{rule: "sig.unauthorized", commit: use, path: "policy.yaml"})
		// After the grant is merged dana may change policy.yaml, and the
		// two-person rule asks for a second coordinator.
		expect(t, f.verifyRange(grant, use), want{rule: "sig.threshold", commit: use, text: "signed for it: dana-debian;"})
	})
	t.Run("self-granted role used in the same pull request", func(t *testing.T) {
		f.t = t
		f.checkout(f.root)
		grant := f.commitAs(dana(t), addDana(f), "make me a coordinator")
		use := f.commitAs(dana(t), map[string]string{"policy.yaml": f.appendTo("policy.yaml", "# dana\n")}, "use it")
		expect(t, f.verifyRange(f.root, use),
			want{rule: "sig.unauthorized", commit: grant, path: coords},
			want{rule: "sig.unauthorized", commit: use, path: "policy.yaml"})
	})
}

// Row 5: a member edits another member's record, key or issue, or policy.yaml.
func TestRow05OtherMembersFiles(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	other := newSigner(t, pgp.AlgoEd25519, "dana-other")
	runAccessCases(t, f, f.root, []accessCase{
		{"another member's record", dana, func(f *fixture) map[string]string {
			return map[string]string{"members/suse.yaml": f.appendTo("members/suse.yaml", "# dana\n")}
		}, unauthorized("members/suse.yaml")},
		{"another member's key file", dana, func(f *fixture) map[string]string {
			return map[string]string{"members/keys/" + fprGreta + ".asc": string(other.pub)}
		}, unauthorized("members/keys/" + fprGreta + ".asc")},
		{"another member's key file, claimed in the own record", dana, func(f *fixture) map[string]string {
			return map[string]string{
				"members/debian.yaml":               f.edit("members/debian.yaml", "keys: ["+fprDana+"]", "keys: ["+fprDana+", "+fprGreta+"]"),
				"members/keys/" + fprGreta + ".asc": string(other.pub),
			}
		}, []want{{rule: "sig.unauthorized", path: "members/keys/" + fprGreta + ".asc"}, {rule: "sig.unauthorized", path: "members/debian.yaml"}}},
		{"another person's key, claimed in the own record", dana, func(f *fixture) map[string]string {
			return map[string]string{"members/debian.yaml": f.edit("members/debian.yaml", "keys: ["+fprDana+"]", "keys: ["+fprDana+", "+fprGreta+"]")}
		}, unauthorized("members/debian.yaml")},
		{"another member's person id, claimed in the own record", dana, func(f *fixture) map[string]string {
			return map[string]string{"members/debian.yaml": f.appendTo("members/debian.yaml",
				"  - id: mara-openwall\n    name: Not Mara\n    email: x@example.org\n    keys: ["+other.fpr+"]\n")}
		}, unauthorized("members/debian.yaml")},
		{"deleting another member's key file", dana, func(f *fixture) map[string]string {
			return map[string]string{"members/keys/" + fprGreta + ".asc": del}
		}, unauthorized("members/keys/" + fprGreta + ".asc")},
		{"policy.yaml", dana, func(f *fixture) map[string]string {
			return map[string]string{"policy.yaml": f.appendTo("policy.yaml", "# dana\n")}
		}, unauthorized("policy.yaml")},
		{"an issue not on the team", greta, func(f *fixture) map[string]string { return f.issueEdit("greta") }, unauthorized(issue4)},
		{"deleting an issue of the own team", dana, func(f *fixture) map[string]string {
			return map[string]string{issue4: del}
		}, unauthorized(issue4)},
		{"a new issue naming someone else as handler", dana, func(f *fixture) map[string]string {
			return map[string]string{"issues/2026/EMB-2026-0099.yaml": newIssue("EMB-2026-0099", "greta-suse")}
		}, unauthorized("issues/2026/EMB-2026-0099.yaml")},
		{"a file no rule covers", dana, func(f *fixture) map[string]string {
			return map[string]string{"notes/todo.txt": "x\n"}
		}, []want{{rule: "sig.unauthorized", path: "notes/todo.txt", text: "deny by default"}}},
		// Controls: what a member may do.
		{"own record (control)", dana, func(f *fixture) map[string]string {
			return map[string]string{"members/debian.yaml": f.edit("members/debian.yaml", "name: Dana Whitfield", "name: Dana W.")}
		}, nil},
		{"own new key (control)", dana, func(f *fixture) map[string]string {
			return map[string]string{
				"members/debian.yaml":                f.edit("members/debian.yaml", "keys: ["+fprDana+"]", "keys: ["+fprDana+", "+other.fpr+"]"),
				"members/keys/" + other.fpr + ".asc": string(other.pub),
			}
		}, nil},
		{"own key file (control)", dana, func(f *fixture) map[string]string {
			return map[string]string{"members/keys/" + fprDana + ".asc": f.appendTo("members/keys/"+fprDana+".asc", "\n")}
		}, nil},
		{"issue on the team (control)", rui, func(f *fixture) map[string]string { return f.issueEdit("rui") }, nil},
		{"new issue as its handler (control)", dana, func(f *fixture) map[string]string {
			return map[string]string{"issues/2026/EMB-2026-0099.yaml": newIssue("EMB-2026-0099", "dana-debian")}
		}, nil},
	})
}

func newIssue(id, handler string) string {
	return "id: " + id + "\nlist: linux-distros\nstatus: draft\ntitle: A new report\nseverity: high\ntlp: TLP:AMBER\n" +
		"handler: " + handler + "\nresponse_team: [" + handler + "]\ndates:\n  reported: 2026-11-02T10:00:00Z\n"
}

// Row 6: a member edits its own record but changes what only coordinators may.
func TestRow06OwnRecordProtectedFields(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const mf = "members/debian.yaml"
	edit := func(old, new string) func(f *fixture) map[string]string {
		return func(f *fixture) map[string]string { return map[string]string{mf: f.edit(mf, old, new)} }
	}
	runAccessCases(t, f, f.root, []accessCase{
		{"id", dana, edit("id: debian\n", "id: debian-security\n"), []want{{rule: "sig.unauthorized", path: mf, text: "id"}}},
		{"status", dana, edit("status: active", "status: suspended"), []want{{rule: "sig.unauthorized", path: mf, text: "status"}}},
		{"lists", dana, edit("lists: [distros, linux-distros]", "lists: [distros, hardware, linux-distros]"), []want{{rule: "sig.unauthorized", path: mf, text: "lists"}}},
		{"vouch", dana, edit("  by: mara-openwall", "  by: tomas-openwall"), []want{{rule: "sig.unauthorized", path: mf, text: "vouch"}}},
		{"founding", dana, edit("founding: false", "founding: true"), []want{{rule: "sig.unauthorized", path: mf, text: "founding"}}},
		{"rename", dana, func(f *fixture) map[string]string {
			return map[string]string{mf: del, "members/debian2.yaml": f.content(f.tip, mf)}
		}, []want{{rule: "sig.unauthorized", path: mf}, {rule: "sig.unauthorized", path: "members/debian2.yaml"}}},
		{"rename with the id", dana, func(f *fixture) map[string]string {
			return map[string]string{mf: del, "members/debian2.yaml": f.edit(mf, "id: debian\n", "id: debian2\n")}
		}, []want{{rule: "sig.unauthorized", path: mf}, {rule: "sig.unauthorized", path: "members/debian2.yaml"}}},
		{"delete", dana, func(f *fixture) map[string]string { return map[string]string{mf: del} }, unauthorized(mf)},
		{"unparsable new record", dana, func(f *fixture) map[string]string { return map[string]string{mf: "id: [\n"} }, unauthorized(mf)},
		{"email (control)", eli, edit("eli@debian.example.org", "eli.m@debian.example.org"), nil},
		{"status by a coordinator (control)", tomas, edit("status: active", "status: suspended"), nil},
	})
}

// Row 18: a pull request edits the checker, CI or policy.yaml.
func TestRow18ToolsAndCI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	paths := []string{"tools/x.go", ".github/workflows/ci.yml", "policy.yaml", "Makefile", "go.mod", "go.sum", "schema/member.schema.json"}
	var cases []accessCase
	for _, p := range paths {
		files := func(f *fixture) map[string]string {
			if _, ok := f.files[f.tip][p]; ok {
				return map[string]string{p: f.appendTo(p, "\n")}
			}
			return map[string]string{p: "package x\n"}
		}
		// Every one of them is under the two-person rule: the checker is built,
		// and the gate run, from what they hold.
		alone := []want{{rule: "sig.threshold", text: "signed for it: mara-openwall;"}}
		cases = append(cases,
			accessCase{p + " by a member", dana, files, unauthorized(p)},
			accessCase{p + " by a coordinator alone", mara, files, alone})
	}
	runAccessCases(t, f, f.root, cases)

	t.Run("access rules weakened in the same pull request", func(t *testing.T) {
		f.t = t
		f.checkout(f.root)
		// A coordinator's commit opens members/*.yaml to greta; greta's next
		// commit in the same pull request is still judged by the base's rules.
		open := f.commitAs(mara(t), map[string]string{"policy.yaml": f.edit("policy.yaml",
			`  - paths: ["members/*.yaml"]`+"\n    allow: [coordinators, own-member]",
			`  - paths: ["members/*.yaml"]`+"\n    allow: [coordinators, own-member, \"person:greta-suse\"]")}, "open members")
		use := f.commitAs(greta(t), map[string]string{"members/debian.yaml": f.appendTo("members/debian.yaml", "# greta\n")}, "use it")
		expect(t, f.verifyRange(f.root, use), want{rule: "sig.unauthorized", commit: use, path: "members/debian.yaml"},
			want{rule: "sig.threshold", commit: open, text: "signed for it: mara-openwall;"})
		expect(t, f.verifyRange(open, use)) // control: the rule works once it is in the base
	})
	t.Run("working tree is ignored", func(t *testing.T) {
		f.t = t
		// Files in the repository's working tree (like git's allowed_signers)
		// must not add trust: write a policy and member record that would
		// allow a stranger, then check a stranger's commit.
		stranger := newSigner(t, pgp.AlgoEd25519, "stranger")
		f.checkout(f.root)
		mf := f.appendTo("members/suse.yaml", "")
		for p, c := range map[string]string{
			"members/suse.yaml":                     mf[:len(mf)] + "  - id: stranger\n    name: S\n    email: s@example.org\n    keys: [" + stranger.fpr + "]\n",
			"members/keys/" + stranger.fpr + ".asc": string(stranger.pub),
			"roles/coordinators.yaml":               "coordinators: [mara-openwall, tomas-openwall, stranger]\n",
		} {
			full := filepath.Join(f.dir, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		h := f.commit(spec{signer: stranger, files: map[string]string{"policy.yaml": f.appendTo("policy.yaml", "# s\n")}})
		expect(t, f.verifyRange(f.root, h), want{rule: "sig.unknown-key", commit: h})
	})
}

// Row 19: symlinks, submodules, case and look-alike paths.
func TestRow19Paths(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	link := func(target string) entry { return entry{filemode.Symlink, f.blob(target)} }
	cases := []struct {
		name    string
		signer  func(testing.TB) *signer
		files   map[string]string
		entries map[string]entry
		want    []want
	}{
		{"symlink to roles, by a coordinator", mara, nil, map[string]entry{"members/x.yaml": link("../roles/coordinators.yaml")},
			[]want{{rule: "sig.unauthorized", path: "members/x.yaml", text: "symlink"}}},
		{"own record replaced by a symlink", dana, nil, map[string]entry{"members/debian.yaml": link("../roles/coordinators.yaml")},
			[]want{{rule: "sig.unauthorized", path: "members/debian.yaml", text: "symlink"}}},
		{"symlinked issue", dana, nil, map[string]entry{"issues/2026/EMB-2026-0098.yaml": link("EMB-2026-0004.yaml")},
			[]want{{rule: "sig.unauthorized", path: "issues/2026/EMB-2026-0098.yaml", text: "symlink"}}},
		{"submodule, by a coordinator", mara, nil, map[string]entry{"tools/vendor": {filemode.Submodule, f.root}},
			[]want{{rule: "sig.unauthorized", path: "tools/vendor", text: "submodule"}}},
		{"Members/ next to members/", dana, map[string]string{"Members/debian.yaml": "id: debian\n"}, nil,
			unauthorized("Members/debian.yaml")},
		{"Members/ by a coordinator", mara, map[string]string{"Members/debian.yaml": "id: debian\n"}, nil,
			unauthorized("Members/debian.yaml")},
		{"issue differing only in case", dana, map[string]string{"issues/2026/emb-2026-0004.yaml": newIssue("EMB-2026-0004", "dana-debian")}, nil,
			[]want{{rule: "sig.unauthorized", path: "issues/2026/emb-2026-0004.yaml", text: "not a record path"}}},
		{"Issues/ folder next to issues/, by a coordinator", mara, map[string]string{"Issues/2026/EMB-2026-0004.yaml": newIssue("EMB-2026-0004", "dana-debian")}, nil,
			[]want{{rule: "sig.unauthorized", path: "Issues/2026/EMB-2026-0004.yaml", text: "differs from issues only in letter case"}}},
		{"Policy.yaml next to policy.yaml, by a coordinator", mara, map[string]string{"Policy.yaml": "x\n"}, nil,
			[]want{{rule: "sig.unauthorized", path: "Policy.yaml", text: "differs from policy.yaml only in letter case"}}},
		{"Cyrillic look-alike issue", dana, map[string]string{"issues/2026/\u0415MB-2026-0004.yaml": newIssue("EMB-2026-0004", "dana-debian")}, nil,
			[]want{{rule: "sig.unauthorized", path: "issues/2026/\u0415MB-2026-0004.yaml", text: "look-alike"}}},
		{"Cyrillic look-alike member", dana, map[string]string{"members/d\u0435bian.yaml": "id: debian\n"}, nil,
			[]want{{rule: "sig.unauthorized", path: "members/d\u0435bian.yaml", text: "look-alike"}}},
		{"dot-dot path component", dana, map[string]string{"issues/../roles/coordinators.yaml": newIssue("EMB-2026-0097", "dana-debian")}, nil,
			[]want{{rule: "sig.noncanonical", text: `entry "..": name .. is not allowed`}}},
		{".git path component", dana, map[string]string{"issues/.git/config": newIssue("EMB-2026-0096", "dana-debian")}, nil,
			[]want{{rule: "sig.noncanonical", text: `entry ".git"`}}},
		{"new issue as its handler (control)", dana, map[string]string{"issues/2026/EMB-2026-0099.yaml": newIssue("EMB-2026-0099", "dana-debian")}, nil, nil},
		{"executable bit (control)", mara, nil, map[string]entry{"docs/run.sh": {filemode.Executable, f.blob("#!/bin/sh\n")}}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.t = t
			f.checkout(f.root)
			h := f.commit(spec{signer: c.signer(t), files: c.files, entries: c.entries, msg: c.name})
			ws := make([]want, len(c.want))
			for i, w := range c.want {
				w.commit = h
				ws[i] = w
			}
			expect(t, f.verifyRange(f.root, h), ws...)
		})
	}
}

// Row 19: trees git itself rejects (fsck), written by hand.
func TestRow19MalformedTrees(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rootTree := f.treeObject(f.treeOf(f.root))
	// insert returns entries with e added after the entry named after.
	insert := func(entries []object.TreeEntry, after string, e object.TreeEntry) []object.TreeEntry {
		var out []object.TreeEntry
		for _, x := range entries {
			out = append(out, x)
			if x.Name == after {
				out = append(out, e)
			}
		}
		return out
	}
	replace := func(entries []object.TreeEntry, name string, h plumbing.Hash) []object.TreeEntry {
		out := append([]object.TreeEntry{}, entries...)
		for i := range out {
			if out[i].Name == name {
				out[i].Hash = h
			}
		}
		return out
	}
	const mf = "members/debian.yaml"
	renamed := f.edit(mf, "name: Dana Whitfield", "name: Dana W.") // an edit dana may make
	tests := []struct {
		name string
		tree func() plumbing.Hash
		text string
	}{
		{"file name holding a slash", func() plumbing.Hash {
			e := object.TreeEntry{Name: issue4, Mode: filemode.Regular, Hash: f.blob(f.appendTo(issue4, "  slash\n"))}
			return f.rawTree(insert(rootTree.Entries, "issues", e))
		}, `root tree`},
		{"file name listed twice", func() plumbing.Hash {
			members := f.treeObject(entryHash(t, rootTree, "members"))
			e := object.TreeEntry{Name: "debian.yaml", Mode: filemode.Regular, Hash: f.blob(renamed)}
			return f.rawTree(replace(rootTree.Entries, "members", f.rawTree(insert(members.Entries, "debian.yaml", e))))
		}, `tree of members/`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.t = t
			tree := tt.tree()
			h := f.commit(spec{parents: []plumbing.Hash{f.root}, signer: dana(t), tree: &tree, msg: tt.name})
			expect(t, f.verifyRange(f.root, h), want{rule: "sig.noncanonical", commit: h, text: tt.text})
		})
	}
	t.Run("the same edit in a well-formed tree (control)", func(t *testing.T) {
		f.t = t
		f.checkout(f.root)
		h := f.commitAs(dana(t), map[string]string{mf: renamed}, "rename")
		expect(t, f.verifyRange(f.root, h))
	})
}

func entryHash(t *testing.T, tree *object.Tree, name string) plumbing.Hash {
	t.Helper()
	for _, e := range tree.Entries {
		if e.Name == name {
			return e.Hash
		}
	}
	t.Fatalf("no entry %s", name)
	return plumbing.ZeroHash
}

// Property 7 (fail closed): a base whose policy or coordinators cannot be
// read authorizes nothing, not even a coordinator's repair.
func TestFailClosedBrokenBase(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, path, content, text string }{
		{"policy does not parse", "policy.yaml", "version: [\n", "policy.yaml"},
		{"policy deleted", "policy.yaml", del, "policy.yaml"},
		{"coordinators invalid", "roles/coordinators.yaml", "coordinators: {}\n", "coordinators.yaml"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			good := f.content(f.root, tt.path)
			broken := f.commitAs(mara(t), map[string]string{tt.path: tt.content}, "break it")
			repair := f.commitAs(tomas(t), map[string]string{tt.path: good}, "repair it")
			expect(t, f.verifyRange(broken, repair), want{rule: "sig.unauthorized", commit: repair, text: tt.text})
			expect(t, f.verifyRange(f.root, repair)) // control: judged by the sound root
		})
	}
}
