package seal

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/gitobj"
	"github.com/embargo-tool/embargo/tools/internal/gitsign"
	"github.com/embargo-tool/embargo/tools/internal/gittree"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
)

// repo is an in-memory git repository of example states.
type repo struct {
	t     *testing.T
	s     *memory.Storage
	clock time.Time
}

func newRepo(t *testing.T) *repo {
	return &repo{t: t, s: memory.NewStorage(), clock: demoNow.Add(-48 * time.Hour)}
}

// files reads the example data of dir.
func files(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, top := range []string{"policy.yaml", "roles", "members", "issues"} {
		err := filepath.Walk(filepath.Join(dir, top), func(p string, fi os.FileInfo, err error) error {
			if err != nil || fi.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			data, err := os.ReadFile(p)
			out[filepath.ToSlash(rel)] = data
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// commit writes files as a commit on parents (unsigned: History does not
// read signatures).
func (r *repo) commit(files map[string][]byte, parents ...plumbing.Hash) plumbing.Hash {
	r.t.Helper()
	tree, err := gitsign.WriteTree(r.s, files)
	if err != nil {
		r.t.Fatal(err)
	}
	r.clock = r.clock.Add(time.Minute)
	h, err := gitsign.Write(r.s, gitsign.Commit{Tree: tree, Parents: parents, Name: "T", Email: "t@example.org", When: r.clock, Message: "change\n"})
	if err != nil {
		r.t.Fatal(err)
	}
	return h
}

// history runs History over the commits given, oldest first.
func (r *repo) history(base plumbing.Hash, commits ...plumbing.Hash) []finding.Finding {
	r.t.Helper()
	var cs []*gitobj.Commit
	for _, h := range commits {
		c, err := gitobj.ReadCommit(r.s, h)
		if err != nil {
			r.t.Fatal(err)
		}
		cs = append(cs, c)
	}
	fs, err := History(gittree.New(r.s), base, cs, commits[len(commits)-1], demoNow)
	if err != nil {
		r.t.Fatal(err)
	}
	return fs
}

func with(files map[string][]byte, path string, data []byte) map[string][]byte {
	out := maps.Clone(files)
	out[path] = data
	return out
}

// TestHistory is row 32 of docs/threat-model.md in one commit of many: what
// a commit of the range put into history is judged by that commit's state,
// even when a later commit repairs the head.
func TestHistory(t *testing.T) {
	sealedDir := sealedExample(t)
	main := files(t, sealedDir)
	st := load(t, sealedDir)
	plain := mustOpenExample(t)
	teamKeys := keysOfPeople(t, st, team0004...)
	sealedTo := func(keys ...*pgp.Key) []byte {
		p, _, err := Split(embargoed, plain)
		if err != nil {
			t.Fatal(err)
		}
		msg, err := pgp.Encrypt(plaintextOf(t), keys, demoNow)
		if err != nil {
			t.Fatal(err)
		}
		out, err := WithSealed(embargoed, p, msg)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	unsealPolicy := regexp.MustCompile(`(?m)^    sealed: true.*\n`).ReplaceAll(main["policy.yaml"], nil)
	newRecord := bytes.Replace(bytes.Replace(plain, []byte("id: EMB-2026-0004"), []byte("id: EMB-2026-0006"), 1), []byte("CVE-2026-91234"), []byte("CVE-2026-91299"), 1)

	type step map[string][]byte
	for _, tc := range []struct {
		name  string
		steps []step // each commit's changes, on the previous one
		want  []string
	}{
		{"plain-then-sealed", []step{{embargoed: plain}, {embargoed: sealedTo(teamKeys...)}}, []string{"sealed.required 1"}},
		{"plain-only-at-head", []step{{"roles/ambassadors.yaml": append(bytes.Clone(main["roles/ambassadors.yaml"]), "# note\n"...)}, {embargoed: plain}}, nil},
		{"new-plain-record-then-sealed", []step{{"issues/2026/EMB-2026-0006.yaml": newRecord}, {"issues/2026/EMB-2026-0006.yaml": nil}}, []string{"sealed.required 1"}},
		{"outsider-then-fixed", []step{{embargoed: sealedTo(append(slices.Clone(teamKeys), keysOfPeople(t, st, "greta-suse")...)...)}, {embargoed: sealedTo(teamKeys...)}}, []string{"sealed.recipients 1"}},
		{"member-missing-then-fixed", []step{{embargoed: sealedTo(keysOfPeople(t, st, "dana-debian", "ines-amazon", "mara-openwall", "tomas-openwall")...)}, {embargoed: sealedTo(teamKeys...)}}, []string{"sealed.recipients 1"}},
		{"signed-not-encrypted-then-fixed", []step{{embargoed: bytes.Replace(sealedTo(teamKeys...), []byte("BEGIN PGP MESSAGE"), []byte("BEGIN PGP SIGNATURE"), 1)}, {embargoed: sealedTo(teamKeys...)}}, []string{"sealed.format 1"}},
		{"policy-unsealed-in-the-same-pull-request", []step{{"policy.yaml": unsealPolicy}, {embargoed: plain}, {"roles/ambassadors.yaml": append(bytes.Clone(main["roles/ambassadors.yaml"]), "# note\n"...)}}, []string{"sealed.required 1"}},
		{"misspelt-list", []step{{embargoed: bytes.Replace(plain, []byte("list: linux-distros"), []byte("list: linux-distro"), 1)}, {embargoed: sealedTo(teamKeys...)}}, []string{"sealed.required 1"}},
		{"not-yaml", []step{{embargoed: []byte("title: [Use-after-free\n")}, {embargoed: sealedTo(teamKeys...)}}, []string{"sealed.required 1"}},
		{"team-changed-without-reseal", []step{{embargoed: bytes.Replace(main[embargoed], []byte("ines-amazon]"), []byte("ines-amazon, mara-openwall]"), 1)}}, []string{"sealed.recipients 1"}},
		{"team-changed-and-resealed", []step{{embargoed: bytes.Replace(main[embargoed], []byte("ines-amazon]"), []byte("ines-amazon, mara-openwall]"), 1)}, {embargoed: nil}}, nil},
		{"unrelated-change", []step{{"issues/2026/EMB-2026-0003.yaml": bytes.Replace(main["issues/2026/EMB-2026-0003.yaml"], []byte("deployment:"), []byte("# seen\ndeployment:"), 1)}, {"roles/ambassadors.yaml": append(bytes.Clone(main["roles/ambassadors.yaml"]), "# note\n"...)}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRepo(t)
			base := r.commit(main)
			cur, parent := main, base
			var commits []plumbing.Hash
			for i, s := range tc.steps {
				for p, data := range s {
					if data == nil { // seal what the previous step wrote, to the team of its state
						var err error
						prev := cur[p]
						if strings.Contains(string(prev), "\nsealed: |") {
							prevPlain, err := Open(p, prev, keyDecrypter{testKey(t, st, "dana-debian")})
							if err != nil {
								t.Fatal(err)
							}
							prev = prevPlain
						}
						if data, _, err = Record(load(t, writeDir(t, cur)), p, prev, demoNow); err != nil {
							t.Fatalf("step %d: %v", i+1, err)
						}
					}
					cur = with(cur, p, data)
				}
				parent = r.commit(cur, parent)
				commits = append(commits, parent)
			}
			got := summary(r.history(base, commits...))
			if !slices.Equal(got, tc.want) {
				t.Errorf("findings %v, want %v:\n%s", got, tc.want, describe(r.history(base, commits...)))
			}
			for _, f := range r.history(base, commits...) {
				for _, s := range secrets {
					if strings.Contains(f.Message, s) {
						t.Errorf("finding quotes %q: %s", s, f.Message)
					}
				}
				if f.Commit == commits[len(commits)-1].String() && f.Rule == RuleRequired && tc.name != "policy-unsealed-in-the-same-pull-request" {
					t.Errorf("the head was judged by History (validate does): %+v", f)
				}
			}
		})
	}
}

// TestHistoryMergeOfMain: a pull request that merges the moving main branch
// is judged for what it brings, not for what main brought.
func TestHistoryMergeOfMain(t *testing.T) {
	dir := sealedExample(t)
	main := files(t, dir)
	r := newRepo(t)
	base0 := r.commit(main)
	// main moves on: a record of a list that is not sealed, in plain text
	unsealedPolicy := regexp.MustCompile(`(?m)^    sealed: true.*\n`).ReplaceAll(main["policy.yaml"], nil)
	mainNext := with(with(main, "policy.yaml", unsealedPolicy), embargoed, mustOpenExample(t))
	base1 := r.commit(mainNext, base0)
	pr1 := r.commit(with(main, "roles/ambassadors.yaml", append(bytes.Clone(main["roles/ambassadors.yaml"]), "# note\n"...)), base0)
	merged := with(mainNext, "roles/ambassadors.yaml", append(bytes.Clone(main["roles/ambassadors.yaml"]), "# note\n"...))
	pr2 := r.commit(merged, pr1, base1)
	pr3 := r.commit(with(merged, "roles/tasks.yaml", append(bytes.Clone(main["roles/tasks.yaml"]), "# note\n"...)), pr2)
	if fs := r.history(base1, pr1, pr2, pr3); len(fs) > 0 {
		t.Errorf("the merge of main was blamed for main's records:\n%s", describe(fs))
	}
	// An evil merge that writes plain text main never had is judged.
	evil := with(merged, embargoed, bytes.Replace(mustOpenExample(t), []byte("severity: high"), []byte("severity: critical"), 1))
	pr2e := r.commit(evil, pr1, base0)
	pr3e := r.commit(with(main, "roles/tasks.yaml", main["roles/tasks.yaml"]), pr2e)
	if got := summary(r.history(base0, pr1, pr2e, pr3e)); !slices.Equal(got, []string{"sealed.required 1"}) {
		t.Errorf("evil merge: findings %v, want one sealed.required", got)
	}
}

// summary counts findings by rule: "rule n".
func summary(fs []finding.Finding) []string {
	n := map[string]int{}
	for _, f := range fs {
		n[f.Rule]++
	}
	var out []string
	for _, r := range slices.Sorted(maps.Keys(n)) {
		out = append(out, r+" "+string(rune('0'+n[r])))
	}
	return out
}

func describe(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.File + ": " + f.Rule + ": " + f.Message + "\n")
	}
	return b.String()
}

// writeDir writes files into a new folder, for Record to read a state from.
func writeDir(t *testing.T, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	for p, data := range files {
		writeFile(t, dir, p, data)
	}
	return dir
}
