package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"

	"github.com/embargo-tool/embargo/tools/internal/pgp"
)

// copyRecords copies the bundled example's records into a fresh folder.
func copyRecords(t *testing.T) string {
	t.Helper()
	return exampledata.Copy(t)
}

// TestNewIssueCLI: the new record lands in the right folder with the next id,
// and the repository still validates exactly as before.
func TestNewIssueCLI(t *testing.T) {
	dir := copyRecords(t)
	code, stdout, stderr := run("new", "issue", "--repo", dir, "--list", "linux-distros", "--title", "Heap overflow in frob", "--handler", "dana-debian", demoNow)
	want := filepath.Join(dir, "issues", "2026", "EMB-2026-0008.yaml") + "\n"
	if code != ExitOK || stdout != want {
		t.Fatalf("exit %d, stdout %q, want %q\n%s", code, stdout, want, stderr)
	}
	code, stdout, _ = run("validate", "--repo", dir, demoNow)
	if code != ExitOK || !strings.HasSuffix(stdout, "0 errors, 5 warnings in 4 files\n") || strings.Contains(stdout, "EMB-2026-0008") {
		t.Errorf("validate after new issue: exit %d\n%s", code, stdout)
	}
	if code, stdout, _ := run("fmt", "--check", "--repo", dir); code != ExitOK || stdout != "" {
		t.Errorf("the new issue is not fmt-clean: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = run("new", "issue", "--repo", dir, "--list", "distros", "--title", "Second", "--handler", "kofi-alpine", "--severity", "high", demoNow)
	if code != ExitOK || !strings.HasSuffix(stdout, "EMB-2026-0009.yaml\n") {
		t.Errorf("second issue: exit %d %s", code, stdout)
	}
}

// TestNewMemberCLI: a member with its first person and imported key validates
// but for the two findings only its people can fix.
func TestNewMemberCLI(t *testing.T) {
	dir := copyRecords(t)
	s, keyFile := joKeyFile(t)
	code, stdout, stderr := run("new", "member", "--repo", dir, "--id", "acme", "--name", "Acme Corp", "--kind", "vendor",
		"--list", "hardware", "--contact", "security@acme.example", "--person", "jo-acme", "--person-name", "Jo Acme",
		"--email", "jo@acme.example", "--key-file", keyFile, demoNow)
	keyPath := filepath.Join(dir, "members", "keys", s.Fingerprint()+".asc")
	if code != ExitOK || stdout != keyPath+"\n"+filepath.Join(dir, "members", "acme.yaml")+"\n" {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = run("validate", "--repo", dir, demoNow)
	var acme []string
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(l, "members/acme.yaml") || strings.HasPrefix(l, "members/keys/"+s.Fingerprint()) {
			acme = append(acme, l)
		}
	}
	if code != ExitFindings || len(acme) != 2 ||
		!strings.Contains(stdout, "error: member.vouch: member \"acme\" has no vouch") || !strings.Contains(stdout, "error: member.acceptance: person \"jo-acme\" has no signed acceptance") {
		t.Errorf("validate after new member: exit %d, new-member findings %q\n%s", code, acme, stdout)
	}
}

func TestFmtCLI(t *testing.T) {
	// The bundled example is fmt-clean.
	if code, stdout, stderr := run("fmt", "--check", "--repo", repoRoot(t)); code != ExitOK || stdout != "" || stderr != "" {
		t.Fatalf("fmt --check on the example: exit %d\n%s%s", code, stdout, stderr)
	}
	dir := copyRecords(t)
	p := filepath.Join(dir, "roles", "tasks.yaml")
	orig, _ := os.ReadFile(p)
	messy := strings.Replace(string(orig), "  - id: T2\n", "\n\n  - id:    T2   \n", 1)
	os.WriteFile(p, []byte(messy), 0o644)
	code, stdout, stderr := run("fmt", "--check", "--repo", dir)
	if code != ExitFindings || stdout != p+"\n" || !strings.Contains(stderr, "embargo: hint: run 'embargo fmt'") {
		t.Fatalf("--check: exit %d\n%s%s", code, stdout, stderr)
	}
	if data, _ := os.ReadFile(p); string(data) != messy {
		t.Fatal("--check changed the file")
	}
	if code, stdout, _ := run("fmt", "--repo", dir); code != ExitOK || stdout != p+"\n" {
		t.Fatalf("fmt: exit %d\n%s", code, stdout)
	}
	want := strings.Replace(string(orig), "  - id: T2\n", "\n  - id: T2\n", 1) // one blank line stays
	if data, _ := os.ReadFile(p); string(data) != want {
		t.Errorf("formatted:\n%s", data)
	}
	if code, stdout, _ := run("fmt", "--check", p); code != ExitOK || stdout != "" {
		t.Errorf("second run: exit %d\n%s", code, stdout)
	}
	bad := filepath.Join(dir, "members", "bad.yaml")
	os.WriteFile(bad, []byte("id: x\nid: y\n"), 0o644)
	code, _, stderr = run("fmt", bad)
	if code != ExitFindings || !strings.Contains(stderr, "embargo: error: "+bad+":2:1: duplicate key") {
		t.Errorf("bad file: exit %d\n%s", code, stderr)
	}
}

// TestFmtKeepsMeaning: the files fmt once changed in meaning or style, or
// never settled on, are fmt-clean as they are; a valid file fmt cannot lay
// out without losing something is left alone and passes --check.
func TestFmtKeepsMeaning(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"flow-timestamp.yaml": "informed:\n  - {who: upstream, at: 2026-11-19T09:00:00Z, by: dana-debian}\n",
		"literal.yaml":        "acceptance: |\n  trailing spaces  \n  emoji 😀\n",
		"folded.yaml":         "summary: >\n  folded\n    more indented\n  back\n",
		"crlf.yaml":           "# a comment\r\nid: x\r\n# another\r\nname: y\r\n",
	}
	var paths []string
	for name, text := range files {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o644)
		paths = append(paths, p)
	}
	for _, args := range [][]string{append([]string{"fmt", "--check"}, paths...), append([]string{"fmt"}, paths...)} {
		if code, stdout, stderr := run(args...); code != ExitOK || stdout != "" || stderr != "" {
			t.Errorf("%v: exit %d\n%s%s", args[:2], code, stdout, stderr)
		}
	}
	for name, text := range files {
		if data, _ := os.ReadFile(filepath.Join(dir, name)); string(data) != text {
			t.Errorf("%s changed:\n%q", name, data)
		}
	}
	odd := filepath.Join(dir, "odd.yaml")
	os.WriteFile(odd, []byte("lists: [ # a comment the YAML parser drops\n]\n"), 0o644)
	for _, args := range [][]string{{"fmt", "--check", odd}, {"fmt", odd}} {
		code, stdout, stderr := run(args...)
		if code != ExitOK || stdout != "" || !strings.Contains(stderr, "embargo: warning: "+odd+": formatting would lose a comment") {
			t.Errorf("%v: exit %d\n%s%s", args, code, stdout, stderr)
		}
	}
	if data, _ := os.ReadFile(odd); string(data) != "lists: [ # a comment the YAML parser drops\n]\n" {
		t.Errorf("odd.yaml changed: %q", data)
	}
}

func TestAuthoringUsageErrors(t *testing.T) {
	root := repoRoot(t)
	jo := []string{"--person", "jo-acme", "--person-name", "Jo", "--email", "jo@acme.example", "--key", strings.Repeat("A", 40)}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"new-no-kind", []string{"new"}, "new needs a kind"},
		{"new-bad-kind", []string{"new", "thing"}, `unknown record kind "thing"`},
		{"issue-no-list", []string{"new", "issue", "--title", "t"}, "new issue needs --list"},
		{"issue-no-title", []string{"new", "issue", "--list", "distros"}, "new issue needs --title"},
		{"issue-unknown-list", []string{"new", "issue", "--repo", root, "--list", "nope", "--title", "t", "--handler", "dana-debian"}, `list "nope" is not defined`},
		{"issue-unknown-handler", []string{"new", "issue", "--repo", root, "--list", "distros", "--title", "t", "--handler", "nobody"}, `handler "nobody" is not a person`},
		{"issue-bad-now", []string{"new", "issue", "--list", "distros", "--title", "t", "--now", "today"}, "not an RFC 3339 time"},
		{"member-no-id", []string{"new", "member", "--name", "x"}, "new member needs --id"},
		{"member-exists", append([]string{"new", "member", "--repo", root, "--id", "debian", "--name", "D", "--kind", "distro", "--list", "distros", "--contact", "a@b.example"}, jo...), "member debian already exists"},
		{"member-half-person", []string{"new", "member", "--id", "x", "--name", "X", "--kind", "individual", "--list", "distros", "--person", "p"}, "needs its first person"},
		{"member-no-person", []string{"new", "member", "--id", "x", "--name", "X", "--kind", "individual", "--list", "distros"}, "needs its first person"},
		{"member-no-contact", append([]string{"new", "member", "--repo", root, "--id", "acme", "--name", "A", "--kind", "vendor", "--list", "distros"}, jo...), "needs a role address"},
		{"fmt-flag-after-file", []string{"fmt", "a.yaml", "--check"}, `flag "--check" after a file name`},
		{"fmt-bad-flag", []string{"fmt", "--chek"}, "flag provided but not defined"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(tc.args...)
			if code != ExitUsage || !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, "embargo: hint: ") || stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
			}
		})
	}
}

// TestFilesOnlyWhereAsked: authoring and output commands check everything
// before they write anything, write nothing through a link, put nothing into
// the records, and print a path only once its file is written.
func TestFilesOnlyWhereAsked(t *testing.T) {
	dir := copyRecords(t)
	before := listing(t, dir)
	_, keyFile := joKeyFile(t)
	issue := []string{"new", "issue", "--repo", dir, "--list", "linux-distros", "--handler", "dana-debian"}
	member := []string{"new", "member", "--repo", dir, "--id", "acme", "--name", "Acme Corp", "--kind", "vendor", "--contact", "security@acme.example",
		"--person", "jo-acme", "--person-name", "Jo Acme", "--email", "jo@acme.example", "--key-file", keyFile}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"title-line-separator", append(issue, "--title", "a\u2028b", demoNow), "has a line break"},
		{"title-invalid-utf8", append(issue, "--title", "a\xffb", demoNow), "not valid UTF-8"},
		{"now-year-10000", append(issue, "--title", "t", "--now", "9999-12-31T23:00:00-02:00"), "not in years 1 to 9999"},
		{"member-refused-after-key", append(member, "--list", "nope", demoNow), `list "nope" is not defined`},
		{"timeline-into-members", []string{"timeline", "--repo", dir, demoNow, "--out", filepath.Join(dir, "members", "pub")}, "inside the repository's records (members)"},
		{"timeline-into-issues", []string{"timeline", "--repo", dir, demoNow, "--out", filepath.Join(dir, "issues", "2027")}, "(issues)"},
		{"remail-into-members", []string{"export", "remail", "--repo", dir, "--list", "linux-distros", demoNow, "--out", filepath.Join(dir, "members")}, "(members)"},
		{"remail-into-policy", []string{"export", "remail", "--repo", dir, "--list", "linux-distros", demoNow, "--out", filepath.Join(dir, "policy.yaml", "x")}, "(policy.yaml)"},
		{"vouch-unknown", []string{"statement", "vouch", "--repo", dir, "--member", "debian", "--voucher", "nobody"}, `voucher "nobody" is not a person`},
		{"vouch-own-member", []string{"statement", "vouch", "--repo", dir, "--member", "debian", "--voucher", "eli-debian"}, "belongs to debian itself"},
		{"vouch-newline", []string{"statement", "vouch", "--repo", dir, "--member", "debian", "--voucher", "mara-openwall\nvoucher: x"}, "is not a person"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(tc.args...)
			if code != ExitUsage || stdout != "" || !strings.Contains(stderr, tc.want) || strings.Contains(stderr, "internal error") {
				t.Errorf("exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
			}
			if after := listing(t, dir); after != before {
				t.Errorf("the refused command changed the repository")
			}
		})
	}
	// Through a link: an output folder that is a link into the records, and
	// a year folder that is a link out of the repository.
	link := filepath.Join(t.TempDir(), "public")
	os.Symlink(filepath.Join(dir, "roles"), link)
	if code, _, stderr := run("timeline", "--repo", dir, demoNow, "--out", filepath.Join(link, "out")); code != ExitUsage || !strings.Contains(stderr, "(roles)") {
		t.Errorf("timeline through a link: exit %d\n%s", code, stderr)
	}
	outside := t.TempDir()
	inYear, _ := os.ReadDir(filepath.Join(dir, "issues", "2026"))
	os.Rename(filepath.Join(dir, "issues", "2026"), filepath.Join(outside, "2026"))
	os.Symlink(filepath.Join(outside, "2026"), filepath.Join(dir, "issues", "2026"))
	code, stdout, stderr := run(append(issue, "--title", "t", demoNow)...)
	if code != ExitUsage || stdout != "" || !strings.Contains(stderr, "issues/2026 is a symbolic link") {
		t.Errorf("new issue through a link: exit %d %q\n%s", code, stdout, stderr)
	}
	if entries, _ := os.ReadDir(filepath.Join(outside, "2026")); len(entries) != len(inYear) {
		t.Errorf("a file was written outside the repository: %d entries", len(entries))
	}
	// The vouch statement for a good voucher still prints.
	if code, stdout, _ := run("statement", "vouch", "--repo", repoRoot(t), "--member", "debian", "--voucher", "mara-openwall"); code != ExitOK || !strings.Contains(stdout, "voucher: mara-openwall\n") {
		t.Errorf("good vouch: exit %d\n%s", code, stdout)
	}
}

// listing names every file and folder under dir, to see that nothing changed.
func listing(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil {
			b.WriteString(p + "\n")
		}
		return nil
	})
	return b.String()
}

// joKeyFile writes a fresh Ed25519 public key for Jo Acme to a file.
func joKeyFile(t *testing.T) (*pgp.Signer, string) {
	t.Helper()
	s, err := pgp.NewSigner(pgp.AlgoEd25519, "Jo Acme", "jo@acme.example", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := s.PublicArmored()
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "jo.asc")
	if err := os.WriteFile(keyFile, pub, 0o644); err != nil {
		t.Fatal(err)
	}
	return s, keyFile
}
