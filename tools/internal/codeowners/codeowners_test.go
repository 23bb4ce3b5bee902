package codeowners_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/codeowners"
	"github.com/embargo-tool/embargo/tools/internal/exampledata"
	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

func load(t *testing.T, dir string) *state.State {
	t.Helper()
	var out finding.List
	st, err := state.Load(source.Dir{Root: dir}, &out)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range out.Sorted() {
		t.Fatalf("example does not load: %+v", f)
	}
	return st
}

// TestCommittedFileIsCurrent: the example group's .github/CODEOWNERS is what
// its policy generates (the drift check of generated files).
func TestCommittedFileIsCurrent(t *testing.T) {
	root := exampledata.Dir(t)
	want, notes := codeowners.Generate(load(t, root))
	have, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(codeowners.File)))
	if err != nil {
		t.Fatal(err)
	}
	if line, w, h := codeowners.Diff(want, have); line != 0 {
		t.Errorf("%s is stale at line %d: have %q, want %q; run go run ./tools/cmd/embargo codeowners", codeowners.File, line, h, w)
	}
	// The example leaves one coordinator without a forge account, to show the note.
	if len(notes) != 1 || !strings.Contains(notes[0], "mara-openwall has no forge account") {
		t.Errorf("notes: %q", notes)
	}
}

// TestGenerate covers how access rules become lines, on the example with its
// policy's access rules replaced.
func TestGenerate(t *testing.T) {
	cases := []struct {
		name   string
		access string
		want   []string // the non-comment lines, in order
	}{
		{
			name:   "fixed-people-and-records",
			access: "  - paths: [policy.yaml, \"roles/**\"]\n    allow: [coordinators]\n  - paths: [\"issues/**\"]\n    allow: [coordinators, issue-team]\n",
			want:   []string{"/policy.yaml @tomas-ow", "/roles/** @tomas-ow", "/issues/**"},
		},
		{
			// The narrower pattern carries the wider one's owners too (access grants
			// the union) and comes after it, whatever the policy's order.
			name:   "narrow-inside-wide",
			access: "  - paths: [docs/index.md]\n    allow: [\"person:rui-redhat\"]\n  - paths: [\"docs/**\"]\n    allow: [coordinators]\n",
			want:   []string{"/docs/** @tomas-ow", "/docs/index.md @rui-rh-sec @tomas-ow"},
		},
		{
			// A path a record-dependent rule also matches has no owner: the forge
			// cannot say "the team", so it must not demand a coordinator.
			name:   "record-rule-overrides",
			access: "  - paths: [\"members/*.yaml\"]\n    allow: [own-member]\n  - paths: [\"**\"]\n    allow: [coordinators]\n",
			want:   []string{"/** @tomas-ow", "/members/*.yaml"},
		},
		{
			name:   "same-pattern-twice",
			access: "  - paths: [Makefile]\n    allow: [coordinators]\n  - paths: [Makefile]\n    allow: [\"person:greta-suse\"]\n",
			want:   []string{"/Makefile @tomas-ow @greta-sommer"},
		},
		{
			name:   "middle-doublestar-and-blank",
			access: "  - paths: [\"docs/**/notes.md\", \"docs/release notes.md\"]\n    allow: [\"person:kofi-alpine\"]\n",
			want:   []string{"/docs/**/notes.md @kofi-apk", `/docs/release\ notes.md @kofi-apk`},
		},
		{
			// No account: the line stays, without owner, and a note says why.
			name:   "person-without-account",
			access: "  - paths: [Makefile]\n    allow: [\"person:dana-debian\"]\n",
			want:   []string{"/Makefile"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := exampledata.Copy(t)
			p := filepath.Join(dir, "policy.yaml")
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			text := string(data)
			i, j := strings.Index(text, "access:\n"), strings.Index(text, "mergers:")
			text = text[:i] + "access:\n" + tc.access + text[j:]
			if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			out, notes := codeowners.Generate(load(t, dir))
			var got []string
			for _, l := range strings.Split(string(out), "\n") {
				if l != "" && !strings.HasPrefix(l, "#") {
					got = append(got, l)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if tc.name == "person-without-account" && !strings.Contains(strings.Join(notes, "\n"), "dana-debian has no forge account") {
				t.Errorf("notes: %q", notes)
			}
		})
	}
}

// TestInactiveCoordinator: a coordinator whose member is suspended cannot
// sign, so the forge must not take their review either.
func TestInactiveCoordinator(t *testing.T) {
	dir := exampledata.Copy(t)
	p := filepath.Join(dir, "members", "openwall.yaml")
	data, _ := os.ReadFile(p)
	if err := os.WriteFile(p, []byte(strings.Replace(string(data), "status: active", "status: suspended", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	var out finding.List
	st, err := state.Load(source.Dir{Root: dir}, &out)
	if err != nil {
		t.Fatal(err)
	}
	text, _ := codeowners.Generate(st)
	if strings.Contains(string(text), "@tomas-ow") {
		t.Errorf("suspended coordinator named:\n%s", text)
	}
}

func TestDiff(t *testing.T) {
	cases := []struct {
		want, have string
		line       int
		w, h       string
	}{
		{"a\nb\n", "a\nb\n", 0, "", ""},
		{"a\nb\n", "a\nc\n", 2, "b", "c"},
		{"a\nb\n", "a\n", 2, "b", ""},
		{"a\n", "a\nb\n", 2, "", "b"},
		{"a\n", "", 1, "a", ""},
		{"a\n", "a", 2, "", ""},
	}
	for _, tc := range cases {
		line, w, h := codeowners.Diff([]byte(tc.want), []byte(tc.have))
		if line != tc.line || w != tc.w || h != tc.h {
			t.Errorf("Diff(%q, %q) = %d %q %q, want %d %q %q", tc.want, tc.have, line, w, h, tc.line, tc.w, tc.h)
		}
	}
}
