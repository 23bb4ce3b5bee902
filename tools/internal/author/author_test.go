package author

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
	"github.com/embargo-tool/embargo/tools/internal/validate"
)

var demoNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// copyExample copies the bundled example's records into a fresh folder.
func copyExample(t testing.TB) string {
	t.Helper()
	return exampledata.Copy(t)
}

func loadState(t testing.TB, dir string) *state.State {
	t.Helper()
	var out finding.List
	st, err := state.Load(source.Dir{Root: dir}, &out)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// findings validates dir at the demo clock and returns the rule ids found in file.
func findings(t testing.TB, dir, file string) []string {
	t.Helper()
	var out finding.List
	st, err := state.Load(source.Dir{Root: dir}, &out)
	if err != nil {
		t.Fatal(err)
	}
	validate.Check(st, demoNow, &out)
	var rules []string
	for _, f := range out.Sorted() {
		if f.File == file {
			rules = append(rules, f.Rule+" "+string(f.Severity))
		}
	}
	sort.Strings(rules)
	return rules
}

func TestNextIssueID(t *testing.T) {
	root := repoRoot(t)
	st := loadState(t, root)
	for year, want := range map[int]string{2026: "EMB-2026-0008", 2025: "EMB-2025-0008", 2027: "EMB-2027-0001"} {
		if got, err := NextIssueID(root, st, year); err != nil || got != want {
			t.Errorf("NextIssueID(%d) = %s, %v; want %s", year, got, err, want)
		}
	}
	// A stray higher number anywhere under issues/ is taken into account, and
	// numbers past 9999 keep their digits.
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "issues", "2026"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "issues", "2026", "EMB-2026-12345.yaml"), nil, 0o644)
	if got, _ := NextIssueID(dir, nil, 2026); got != "EMB-2026-12346" {
		t.Errorf("got %s", got)
	}
	if got, _ := NextIssueID(t.TempDir(), nil, 2026); got != "EMB-2026-0001" {
		t.Errorf("empty repository: got %s", got)
	}
}

// TestNewIssueValidates: a record made by `new issue` has no findings at all,
// is fmt-clean, and the next call takes the next id.
func TestNewIssueValidates(t *testing.T) {
	dir := copyExample(t)
	spec := IssueSpec{List: "linux-distros", Title: "Heap overflow: in the \"frobnicator\" # parser", Handler: "dana-debian", Now: demoNow}
	rel, err := NewIssue(dir, loadState(t, dir), spec)
	if err != nil {
		t.Fatal(err)
	}
	if rel != "issues/2026/EMB-2026-0008.yaml" {
		t.Fatalf("path %s", rel)
	}
	if got := findings(t, dir, rel); len(got) != 0 {
		t.Errorf("findings for the new issue: %v", got)
	}
	data, _ := os.ReadFile(filepath.Join(dir, rel))
	for _, want := range []string{"id: EMB-2026-0008\n", "status: draft\n", "tlp: TLP:AMBER+STRICT\n", "severity: medium\n",
		"  reported: 2026-11-20T12:00:00Z\n", "handler: dana-debian\n", "response_team: [dana-debian]\n", "# summary: |\n",
		"linux-distros embargoes medium, high, critical"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("new issue lacks %q:\n%s", want, data)
		}
	}
	if out, err := Format(rel, data); err != nil || string(out) != string(data) {
		t.Errorf("new issue is not fmt-clean (%v):\n%s", err, out)
	}
	st := loadState(t, dir)
	if is := st.Issues[len(st.Issues)-1].Issue; is == nil || is.Title != spec.Title {
		t.Errorf("title did not survive quoting: %+v", is)
	}
	// A new year starts its own folder and numbering.
	spec.Now = time.Date(2027, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))
	if rel, err := NewIssue(dir, st, spec); err != nil || rel != "issues/2027/EMB-2027-0001.yaml" {
		t.Errorf("new year: %s, %v", rel, err)
	}
	if rel, err := NewIssue(dir, loadState(t, dir), IssueSpec{List: "distros", Title: "t", Severity: "low", Handler: "kofi-alpine", Now: demoNow}); err != nil || rel != "issues/2026/EMB-2026-0009.yaml" {
		t.Errorf("second issue: %s, %v", rel, err)
	}
}

func TestNewIssueRefuses(t *testing.T) {
	dir := copyExample(t)
	st := loadState(t, dir)
	ok := IssueSpec{List: "linux-distros", Title: "t", Handler: "dana-debian", Now: demoNow}
	cases := []struct {
		name string
		edit func(*IssueSpec)
		want error
	}{
		{"unknown-list", func(s *IssueSpec) { s.List = "nope" }, ErrUnknown},
		{"unknown-handler", func(s *IssueSpec) { s.Handler = "nobody" }, ErrUnknown},
		{"suspended-handler", func(s *IssueSpec) { s.Handler = "ola-kestrel" }, ErrInvalid},
		{"bad-severity", func(s *IssueSpec) { s.Severity = "urgent" }, ErrInvalid},
		{"empty-title", func(s *IssueSpec) { s.Title = " " }, ErrInvalid},
		{"multi-line-title", func(s *IssueSpec) { s.Title = "a\nb" }, ErrInvalid},
		{"line-separator-title", func(s *IssueSpec) { s.Title = "a\u2028b" }, ErrInvalid},
		{"paragraph-separator-title", func(s *IssueSpec) { s.Title = "a\u2029b" }, ErrInvalid},
		{"next-line-title", func(s *IssueSpec) { s.Title = "a\u0085b" }, ErrInvalid},
		{"invalid-utf8-title", func(s *IssueSpec) { s.Title = "a\xffb" }, ErrInvalid},
		{"escape-title", func(s *IssueSpec) { s.Title = "a\x1b[31mb" }, ErrInvalid},
		{"year-10000", func(s *IssueSpec) { s.Now = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, ErrInvalid},
		{"year-0", func(s *IssueSpec) { s.Now = time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC) }, ErrInvalid},
	}
	before := tree(t, dir)
	for _, tc := range cases {
		spec := ok
		tc.edit(&spec)
		if _, err := NewIssue(dir, st, spec); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	if after := tree(t, dir); after != before {
		t.Errorf("a refused issue changed the repository")
	}
	// Titles that YAML writes in its own way still read back exactly.
	for _, title := range []string{"emoji 😀 and ZWJ 👩‍💻", "ends with a space ", "'quoted'", "- dash", "null", "2026-01-01", "@at", "a: b # c", "ü\u00a0nbsp"} {
		spec := ok
		spec.Title = title
		rel, err := NewIssue(dir, loadState(t, dir), spec)
		if err != nil {
			t.Errorf("title %q: %v", title, err)
			continue
		}
		var found bool
		for _, isf := range loadState(t, dir).Issues {
			if isf.Path == rel && isf.Issue != nil {
				found = isf.Issue.Title == title
			}
		}
		if !found {
			t.Errorf("title %q does not read back", title)
		}
	}
	old, _ := os.ReadFile(filepath.Join(dir, "issues/2026/EMB-2026-0001.yaml"))
	if err := writeNew(dir, "issues/2026/EMB-2026-0001.yaml", []byte("x")); !errors.Is(err, ErrExists) {
		t.Errorf("overwrite: %v", err)
	}
	if now, _ := os.ReadFile(filepath.Join(dir, "issues/2026/EMB-2026-0001.yaml")); string(now) != string(old) {
		t.Error("an existing record was changed")
	}
}

// TestWriteRefusesLinks: a record is never written through a symbolic link,
// wherever the link is on the way from the repository root, and a refused
// write leaves nothing behind: not the file, not a temporary file, not a
// folder it created.
func TestWriteRefusesLinks(t *testing.T) {
	outside := t.TempDir()
	cases := []struct {
		name string
		link string // the path made a symbolic link to outside
		run  func(dir string) error
	}{
		{"issues-year", "issues/2026", func(dir string) error {
			_, err := NewIssue(dir, loadState(t, dir), IssueSpec{List: "distros", Title: "t", Handler: "dana-debian", Now: demoNow})
			return err
		}},
		{"issues", "issues", func(dir string) error {
			_, err := NewIssue(dir, loadState(t, dir), IssueSpec{List: "distros", Title: "t", Handler: "dana-debian", Now: demoNow})
			return err
		}},
		{"members", "members", func(dir string) error {
			return writeNew(dir, "members/acme.yaml", []byte("id: acme\n"))
		}},
		{"member-keys", "members/keys", func(dir string) error {
			st := loadState(t, dir)
			_, err := NewMember(dir, st, MemberSpec{ID: "acme", Name: "Acme", Kind: "vendor", Lists: []string{"hardware"}, Contact: "security@acme.example", Now: demoNow,
				Person: &PersonSpec{ID: "jo-acme", Name: "Jo Acme", Email: "jo@acme.example", Import: [][]byte{testKey(t, "jo@acme.example")}}})
			return err
		}},
		{"the-file-itself", "issues/2026/EMB-2026-0099.yaml", func(dir string) error {
			return writeNew(dir, "issues/2026/EMB-2026-0099.yaml", []byte("x"))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyExample(t)
			target := filepath.Join(outside, tc.name)
			if fi, err := os.Stat(filepath.Join(dir, tc.link)); err == nil && fi.IsDir() {
				if err := os.Rename(filepath.Join(dir, tc.link), target); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Symlink(target, filepath.Join(dir, tc.link)); err != nil {
				t.Fatal(err)
			}
			before, beforeOut := tree(t, dir), tree(t, outside)
			if err := tc.run(dir); !errors.Is(err, ErrUnsafePath) {
				t.Errorf("err = %v, want ErrUnsafePath", err)
			}
			if tree(t, dir) != before || tree(t, outside) != beforeOut {
				t.Errorf("the refused write left something behind")
			}
		})
	}
}

// testKey makes a fresh Ed25519 public key, created before the demo clock.
func testKey(t testing.TB, email string) []byte {
	t.Helper()
	s, err := pgp.NewSigner(pgp.AlgoEd25519, "New Person", email, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := s.PublicArmored()
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

// TestNewMemberValidates: a member made by `new member` with its first person
// draws exactly the findings only its people can fix: no vouch yet and no
// signed acceptance yet. Nothing about the schema, ids, keys or references.
func TestNewMemberValidates(t *testing.T) {
	dir := copyExample(t)
	pub := testKey(t, "jo@acme.example")
	spec := MemberSpec{ID: "acme", Name: "Acme Corp", Kind: "vendor", Lists: []string{"linux-distros", "distros"},
		Contact: "security@acme.example", Now: demoNow,
		Person: &PersonSpec{ID: "jo-acme", Name: "Jo Acme", Email: "jo@acme.example", Import: [][]byte{pub}}}
	written, err := NewMember(dir, loadState(t, dir), spec)
	if err != nil {
		t.Fatal(err)
	}
	fpr := spec.Person.Keys[0]
	rel := "members/acme.yaml"
	if strings.Join(written, " ") != "members/keys/"+fpr+".asc "+rel {
		t.Fatalf("written %v", written)
	}
	want := []string{"member.acceptance error", "member.vouch error"}
	if got := findings(t, dir, rel); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("findings for the new member: %v, want exactly %v", got, want)
	}
	if got := findings(t, dir, "members/keys/"+fpr+".asc"); len(got) != 0 {
		t.Errorf("findings for the imported key: %v", got)
	}
	data, _ := os.ReadFile(filepath.Join(dir, rel))
	for _, w := range []string{"status: active\n", "joined: 2026-11-20\n", "lists: [distros, linux-distros]\n", "founding: false\n",
		"embargo statement vouch --member acme", "embargo statement acceptance --person"} {
		if !strings.Contains(string(data), w) {
			t.Errorf("new member lacks %q:\n%s", w, data)
		}
	}
	if out, err := Format(rel, data); err != nil || string(out) != string(data) {
		t.Errorf("new member is not fmt-clean (%v):\n%s", err, out)
	}
	// Never overwritten; the id and the person id are taken now.
	spec.Person = &PersonSpec{ID: "jo-acme", Name: "Jo Acme", Email: "jo@acme.example", Import: [][]byte{pub}}
	if _, err := NewMember(dir, loadState(t, dir), spec); !errors.Is(err, ErrExists) {
		t.Errorf("second time: %v", err)
	}
	spec.ID = "acme2"
	spec.Person = &PersonSpec{ID: "jo-acme", Name: "Jo Acme", Email: "jo@acme.example", Import: [][]byte{pub}}
	if _, err := NewMember(dir, loadState(t, dir), spec); !errors.Is(err, ErrExists) {
		t.Errorf("person id reused: %v", err)
	}
	// The same key file already there is not written again; other content
	// under its name is not replaced.
	other := testKey(t, "kim@acme.example")
	spec.Person = &PersonSpec{ID: "kim-acme", Name: "Kim Acme", Email: "kim@acme.example", Import: [][]byte{other}}
	keyFile := filepath.Join(dir, "members", "keys", fingerprint(t, other)+".asc")
	os.WriteFile(keyFile, append([]byte("\n"), other...), 0o644)
	if _, err := NewMember(dir, loadState(t, dir), spec); !errors.Is(err, ErrExists) {
		t.Errorf("different file content: %v", err)
	}
	os.WriteFile(keyFile, other, 0o644)
	spec.Person = &PersonSpec{ID: "kim-acme", Name: "Kim Acme", Email: "kim@acme.example", Import: [][]byte{other}}
	if written, err := NewMember(dir, loadState(t, dir), spec); err != nil || strings.Join(written, " ") != "members/acme2.yaml" {
		t.Errorf("same key file again: %v, %v", written, err)
	}
}

func fingerprint(t testing.TB, armored []byte) string {
	t.Helper()
	k, err := pgp.ParseKeyFile(armored)
	if err != nil {
		t.Fatal(err)
	}
	return k.Fingerprint
}

func TestNewMemberRefuses(t *testing.T) {
	dir := copyExample(t)
	st := loadState(t, dir)
	existing := "F34780682F10345BC720C9114288E35D0F0140B0" // dana-debian's
	fresh := testKey(t, "jo@acme.example")
	person := func() *PersonSpec {
		return &PersonSpec{ID: "jo-acme", Name: "Jo Acme", Email: "jo@acme.example", Import: [][]byte{fresh}}
	}
	base := MemberSpec{ID: "acme", Name: "Acme", Kind: "vendor", Lists: []string{"hardware"}, Contact: "security@acme.example", Now: demoNow}
	cases := []struct {
		name string
		edit func(*MemberSpec)
		want error
	}{
		{"no-person", func(s *MemberSpec) { s.Person = nil }, ErrInvalid},
		{"existing-member", func(s *MemberSpec) { s.ID = "debian" }, ErrExists},
		{"bad-id", func(s *MemberSpec) { s.ID = "Acme" }, ErrInvalid},
		{"bad-kind", func(s *MemberSpec) { s.Kind = "company" }, ErrInvalid},
		{"unknown-list", func(s *MemberSpec) { s.Lists = []string{"nope"} }, ErrUnknown},
		{"twice-list", func(s *MemberSpec) { s.Lists = []string{"hardware", "hardware"} }, ErrInvalid},
		{"no-contact", func(s *MemberSpec) { s.Contact = "" }, ErrInvalid},
		{"bad-contact", func(s *MemberSpec) { s.Contact = "security" }, ErrInvalid},
		{"name-separator", func(s *MemberSpec) { s.Name = "Acme\u2028Corp" }, ErrInvalid},
		{"name-invalid-utf8", func(s *MemberSpec) { s.Name = "Acme\xff" }, ErrInvalid},
		{"year-10000", func(s *MemberSpec) { s.Now = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, ErrInvalid},
		{"person-taken", func(s *MemberSpec) {
			s.Person = &PersonSpec{ID: "dana-debian", Name: "D", Email: "d@acme.example", Keys: []string{existing}}
		}, ErrExists},
		{"key-taken", func(s *MemberSpec) {
			s.Person = &PersonSpec{ID: "jo-acme", Name: "J", Email: "j@acme.example", Keys: []string{existing}}
		}, ErrExists},
		{"key-missing", func(s *MemberSpec) {
			s.Person = &PersonSpec{ID: "jo-acme", Name: "J", Email: "j@acme.example", Keys: []string{strings.Repeat("A", 40)}}
		}, ErrUnknown},
		{"bad-fingerprint", func(s *MemberSpec) {
			s.Person = &PersonSpec{ID: "jo-acme", Name: "J", Email: "j@acme.example", Keys: []string{"ABCD"}}
		}, ErrInvalid},
		{"bad-key", func(s *MemberSpec) {
			s.Person = &PersonSpec{ID: "jo-acme", Name: "J", Email: "j@acme.example", Import: [][]byte{[]byte("not a key")}}
		}, ErrInvalid},
	}
	before := tree(t, dir)
	for _, tc := range cases {
		spec := base
		spec.Person = person()
		tc.edit(&spec)
		if _, err := NewMember(dir, st, spec); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
		// A refused member leaves nothing behind, not even its key file.
		if after := tree(t, dir); after != before {
			t.Fatalf("%s: the refused member changed the repository:\n%s", tc.name, after)
		}
	}
}

// tree lists every path under dir with its size, to see that nothing changed.
func tree(t testing.TB, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %d %v\n", strings.TrimPrefix(p, dir), fi.Size(), fi.Mode())
		return nil
	})
	return b.String()
}
