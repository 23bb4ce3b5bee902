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
	want := filepath.Join(dir, "issues", "2026", "EMB-2026-0006.yaml") + "\n"
	if code != ExitOK || stdout != want {
		t.Fatalf("exit %d, stdout %q, want %q\n%s", code, stdout, want, stderr)
	}
	code, stdout, _ = run("validate", "--repo", dir, demoNow)
	if code != ExitOK || !strings.HasSuffix(stdout, "0 errors, 5 warnings in 4 files\n") || strings.Contains(stdout, "EMB-2026-0006") {
		t.Errorf("validate after new issue: exit %d\n%s", code, stdout)
	}
	if code, stdout, _ := run("fmt", "--check", "--repo", dir); code != ExitOK || stdout != "" {
		t.Errorf("the new issue is not fmt-clean: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = run("new", "issue", "--repo", dir, "--list", "distros", "--title", "Second", "--handler", "kofi-alpine", "--severity", "high", demoNow)
	if code != ExitOK || !strings.HasSuffix(stdout, "EMB-2026-0007.yaml\n") {
		t.Errorf("second issue: exit %d %s", code, stdout)
	}
}

// TestNewMemberCLI: a member with its first person and imported key validates
// but for the two findings only its people can fix.
func TestNewMemberCLI(t *testing.T) {
	dir := copyRecords(t)
	s, err := pgp.NewSigner(pgp.AlgoEd25519, "Jo Acme", "jo@acme.example", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := s.PublicArmored()
	keyFile := filepath.Join(t.TempDir(), "jo.asc")
	os.WriteFile(keyFile, pub, 0o644)
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

func TestAuthoringUsageErrors(t *testing.T) {
	root := repoRoot(t)
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
		{"member-exists", []string{"new", "member", "--repo", root, "--id", "debian", "--name", "D", "--kind", "distro", "--list", "distros", "--contact", "a@b.example"}, "member debian already exists"},
		{"member-half-person", []string{"new", "member", "--id", "x", "--name", "X", "--kind", "individual", "--list", "distros", "--person", "p"}, "the first person needs"},
		{"member-no-contact", []string{"new", "member", "--repo", root, "--id", "acme", "--name", "A", "--kind", "vendor", "--list", "distros"}, "needs a role address"},
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
