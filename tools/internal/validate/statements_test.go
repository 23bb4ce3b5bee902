package validate_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"
	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
	"github.com/embargo-tool/embargo/tools/internal/statement"
)

// Fingerprints of example people whose TEST keys sign in these tests.
const (
	fprMara = "E3FF104586BC655B5C275DD20BAA8B33A8912437" // openwall, vouched for debian
	fprDana = "F34780682F10345BC720C9114288E35D0F0140B0" // debian
)

// testSigner reads the TEST private key of an example person.
func testSigner(t testing.TB, fpr string) *pgp.Signer {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(exampledata.Root(t), "examples", "testkeys", fpr+".key"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := pgp.ReadSigner(data)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// policyValue loads dir's policy.yaml in the JSON data model.
func policyValue(t testing.TB, dir string) any {
	t.Helper()
	var out finding.List
	st, err := state.Load(source.Dir{Root: dir}, &out)
	if err != nil || st.PolicyDoc == nil || st.PolicyDoc.Doc() == nil {
		t.Fatalf("policy.yaml of %s does not load: %v %v", dir, err, out.Sorted())
	}
	return st.PolicyDoc.Doc().Value()
}

// signAs replaces the armored signature at path of file with one by fpr's
// TEST key over the text that text builds from dir's policy.
func signAs(file, path, fpr string, text func(policy any) string) mutator {
	return func(t testing.TB, dir string) {
		sig, err := testSigner(t, fpr).SignDetached([]byte(text(policyValue(t, dir))), time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		q, _ := json.Marshal(string(sig))
		set(file, path, string(q))(t, dir)
	}
}

// The statements of debian as the example has them.
func danaAcceptance() statement.Acceptance {
	return statement.Acceptance{Person: "dana-debian", Member: "debian", Key: fprDana, Lists: []string{"distros", "linux-distros"}}
}

func debianVouch() statement.Vouch {
	return statement.Vouch{Member: "debian", Lists: []string{"distros", "linux-distros"}, People: []string{"dana-debian", "eli-debian"}, Voucher: "mara-openwall"}
}

var (
	v1Acceptance = signAs(debian, "people.0.acceptance", fprDana, func(p any) string { return danaAcceptance().ForPolicy(p).LegacyText() })
	v1Vouch      = signAs(debian, "vouch.signature", fprMara, func(p any) string { return debianVouch().ForPolicy(p).LegacyText() })
)

func legacyUntil(day string) mutator {
	return set("policy.yaml", "statements", "{legacy_until: "+day+"}")
}

// statementFindings keeps the member.acceptance and member.vouch findings.
func statementFindings(fs []finding.Finding) []finding.Finding {
	var out []finding.Finding
	for _, f := range fs {
		if f.Rule == "member.acceptance" || f.Rule == "member.vouch" {
			out = append(out, f)
		}
	}
	return out
}

// TestStatementVersions: a version-1 statement, signed before statements
// named the group and the terms, counts with a warning until the date the
// policy sets, and is an error after it or without it; a version-2 one counts.
func TestStatementVersions(t *testing.T) {
	type want struct {
		rule string
		sev  finding.Severity
		file string
		text string
	}
	tests := []struct {
		name   string
		mutate []mutator
		want   []want
	}{
		{"version 2 (the example)", nil, nil},
		{"version 2 signed again", []mutator{signAs(debian, "people.0.acceptance", fprDana, func(p any) string { return danaAcceptance().ForPolicy(p).Text() })}, nil},
		{"version-1 acceptance within the grace date", []mutator{v1Acceptance, legacyUntil("2026-12-31")}, []want{
			{"member.acceptance", finding.Warning, debian, `acceptance of "dana-debian" is a version-1 statement, which names neither the group nor the terms of its lists, which still counts until the end of 2026-12-31`}}},
		{"version-1 acceptance on the last day of grace", []mutator{v1Acceptance, legacyUntil("2026-11-20")}, []want{
			{"member.acceptance", finding.Warning, debian, "still counts until the end of 2026-11-20"}}},
		{"version-1 acceptance after the grace date", []mutator{v1Acceptance, legacyUntil("2026-11-19")}, []want{
			{"member.acceptance", finding.Error, debian, "which no longer counts since the end of 2026-11-19 (UTC; statements.legacy_until in policy.yaml); sign the output of `embargo statement acceptance --person dana-debian`"}}},
		{"version-1 acceptance without a grace date", []mutator{v1Acceptance}, []want{
			{"member.acceptance", finding.Error, debian, "policy.yaml sets no statements.legacy_until"}}},
		{"version-1 vouch within the grace date", []mutator{v1Vouch, legacyUntil("2027-01-31")}, []want{
			{"member.vouch", finding.Warning, debian, "vouch by mara-openwall is a version-1 statement, which names neither the group nor the lists, which still counts until the end of 2027-01-31"}}},
		{"version-1 vouch without a grace date", []mutator{v1Vouch}, []want{
			{"member.vouch", finding.Error, debian, "sets no statements.legacy_until"}}},
		{"a grace date changes no version-2 statement", []mutator{legacyUntil("2027-01-31")}, nil},
		{"version-1 acceptance over other lists", []mutator{signAs(debian, "people.0.acceptance", fprDana, func(p any) string {
			a := danaAcceptance()
			a.Lists = []string{"distros"}
			return a.ForPolicy(p).LegacyText()
		}), legacyUntil("2027-01-31")}, []want{
			{"member.acceptance", finding.Error, debian, "the signature does not match the statement"}}},
		{"no group", []mutator{del("policy.yaml", "group")}, []want{
			{"member.acceptance", finding.Error, "policy.yaml", "policy.yaml names no group"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyExample(t)
			for _, m := range tt.mutate {
				m(t, dir)
			}
			got := statementFindings(check(t, dir, demoNow))
			if len(got) != len(tt.want) {
				t.Fatalf("%d statement findings, want %d:\n%s", len(got), len(tt.want), render(got))
			}
			for i, w := range tt.want {
				f := got[i]
				if f.Rule != w.rule || f.Severity != w.sev || f.File != w.file || !strings.Contains(f.Message, w.text) {
					t.Errorf("finding %d:\n%s\nwant %s %s in %s saying %q", i, render([]finding.Finding{f}), w.sev, w.rule, w.file, w.text)
				}
			}
		})
	}
}

// TestStatementsBindGroupAndTerms: a statement signed for another group does
// not count (row 35 of docs/threat-model.md); a change to one list's terms
// calls for new acceptances from the people on that list, and nobody else;
// edits outside what people accept call for none.
func TestStatementsBindGroupAndTerms(t *testing.T) {
	// Who is on which list, and who signs what, as the example has it.
	var out finding.List
	st, err := state.Load(source.Dir{Root: repoRoot(t)}, &out)
	if err != nil {
		t.Fatal(err)
	}
	var everyone, hardware []string
	vouches := 0
	for _, mf := range st.Members {
		m := mf.Member
		if m.Status == "removed" {
			continue
		}
		if !m.Founding {
			vouches++
		}
		for _, p := range m.People {
			everyone = append(everyone, p.ID)
			if slices.Contains(m.Lists, "hardware") {
				hardware = append(hardware, p.ID)
			}
		}
	}
	sort.Strings(everyone)
	sort.Strings(hardware)
	if len(hardware) == 0 || len(hardware) == len(everyone) {
		t.Fatalf("the example no longer has people on and off the hardware list: %v", hardware)
	}

	tests := []struct {
		name        string
		mutate      []mutator
		acceptances []string // people whose acceptance no longer verifies
		vouches     int      // vouches that no longer verify
	}{
		{"another group, same ids", []mutator{set("policy.yaml", "group", "other-group.example.net")}, everyone, vouches},
		{"another policy version", []mutator{set("policy.yaml", "version", `"2027-1"`)}, everyone, 0},
		{"the hardware list's terms", []mutator{set("policy.yaml", "lists.hardware.preferred_embargo", "60d")}, hardware, 0},
		{"the hardware list's description", []mutator{set("policy.yaml", "lists.hardware.description", "Hardware issues")}, hardware, 0},
		{"the group's display name", []mutator{set("policy.yaml", "name", "Renamed lists")}, nil, 0},
		{"access rules", []mutator{set("policy.yaml", "access.1.paths", `[README.md, "*.md", "docs/**"]`)}, nil, 0},
		{"publication settings", []mutator{set("policy.yaml", "publication.title", "Another title")}, nil, 0},
		{"mergers", []mutator{set("policy.yaml", "mergers", "["+fprMara+"]")}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyExample(t)
			for _, m := range tt.mutate {
				m(t, dir)
			}
			var people []string
			gotVouches := 0
			for _, f := range statementFindings(check(t, dir, demoNow)) {
				if f.Severity != finding.Error || !strings.Contains(f.Message, "the signature does not match the statement") {
					t.Errorf("unexpected finding: %s", render([]finding.Finding{f}))
					continue
				}
				if f.Rule == "member.vouch" {
					gotVouches++
					continue
				}
				people = append(people, strings.Split(f.Message, `"`)[1])
			}
			sort.Strings(people)
			if !slices.Equal(people, tt.acceptances) {
				t.Errorf("acceptances that no longer verify: %v\nwant %v", people, tt.acceptances)
			}
			if gotVouches != tt.vouches {
				t.Errorf("%d vouches no longer verify, want %d", gotVouches, tt.vouches)
			}
		})
	}
}

// TestRenewedKeyAcceptanceGnuPG is row 29 of docs/threat-model.md for a signed statement,
// with the real gpg: a key made on 2024-01-01 for one year signs a person's
// acceptance on 2024-06-01; on 2025-06-01 its owner extends it with
// gpg --quick-set-expire and the new key file replaces the old one. The
// acceptance still counts; with the old key file, validate says why not.
func TestRenewedKeyAcceptanceGnuPG(t *testing.T) {
	if _, err := exec.LookPath("gpg"); err != nil {
		if os.Getenv("EMBARGO_REQUIRE_GPG") == "1" {
			t.Fatal("gpg is not on PATH, and EMBARGO_REQUIRE_GPG=1 requires the GnuPG tests")
		}
		t.Skip("gpg is not on PATH: skipping (set EMBARGO_REQUIRE_GPG=1 to make it mandatory)")
	}
	home, err := os.MkdirTemp("", "gpg") // short: the agent socket lives here
	if err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "GNUPGHOME="+home, "LC_ALL=C")
	t.Cleanup(func() {
		kill := exec.Command("gpgconf", "--kill", "all")
		kill.Env = env
		_ = kill.Run()
		os.RemoveAll(home)
	})
	if err := os.Chmod(home, 0o700); err != nil {
		t.Fatal(err)
	}
	gpgAt := func(at time.Time, args ...string) string {
		t.Helper()
		cmd := exec.Command("gpg", append([]string{"--batch", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", "",
			"--faked-system-time", at.Format("20060102T150405") + "!"}, args...)...)
		cmd.Env = env
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("gpg %v: %v\n%s", args, err, stderr.String())
		}
		return string(out)
	}
	created, signed, renewed := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	checked := renewed.Add(24 * time.Hour)

	gpgAt(created, "--quick-gen-key", "Renee Renewal TEST KEY <renee@openwall.example.org>", "ed25519", "sign", "1y")
	fpr := ""
	for _, line := range strings.Split(gpgAt(created, "--with-colons", "--list-keys"), "\n") {
		if f := strings.Split(line, ":"); f[0] == "fpr" && fpr == "" {
			fpr = f[9]
		}
	}
	oldKey := gpgAt(created, "--armor", "--export", fpr)

	// renee-openwall joins openwall, a founding member (no vouch to sign
	// again); her acceptance is the text embargo statement acceptance prints.
	dir := copyExample(t)
	a := statement.Acceptance{Person: "renee-openwall", Member: "openwall", Key: fpr, Lists: []string{"distros", "hardware", "linux-distros"}}
	text := a.ForPolicy(policyValue(t, dir)).Text()
	textFile := filepath.Join(home, "statement.txt")
	if err := os.WriteFile(textFile, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	sig := gpgAt(signed, "--armor", "--detach-sign", "--digest-algo", "SHA256", "-u", fpr, "-o", "-", textFile)
	person := "  - id: renee-openwall\n    name: Renee Renewal\n    email: renee@openwall.example.org\n" +
		"    keys: [" + fpr + "]\n    acceptance: |\n" + indent(sig, "      ")
	replace("members/openwall.yaml", "people:\n", "people:\n"+person)(t, dir)

	gpgAt(renewed, "--quick-set-expire", fpr, "1y")
	newKey := gpgAt(renewed, "--armor", "--export", fpr)
	keyFile := "members/keys/" + fpr + ".asc"

	about := func(fs []finding.Finding) []finding.Finding {
		var out []finding.Finding
		for _, f := range fs {
			if strings.Contains(f.Message, "renee-openwall") || f.File == keyFile {
				out = append(out, f)
			}
		}
		return out
	}
	t.Run("renewed key file: the old acceptance counts", func(t *testing.T) {
		write(keyFile, newKey)(t, dir)
		if got := about(check(t, dir, checked)); len(got) != 0 {
			t.Errorf("findings about the renewed key's acceptance:\n%s", render(got))
		}
	})
	t.Run("old key file: expired now, valid when it signed", func(t *testing.T) {
		write(keyFile, oldKey)(t, dir)
		got := about(check(t, dir, checked))
		var acc []finding.Finding
		for _, f := range got {
			if f.Rule == "member.acceptance" {
				acc = append(acc, f)
			}
		}
		want := "was valid when the signature was made (2024-06-01T00:00:00Z) but expired at 2024-12-31T00:00:00Z and is expired now (2025-06-02T00:00:00Z)"
		if len(acc) != 1 || !strings.Contains(acc[0].Message, want) || !strings.Contains(acc[0].Message, "renew the key (gpg --quick-set-expire "+fpr+" 1y)") {
			t.Errorf("want one member.acceptance error saying %q and how to renew; got:\n%s", want, render(got))
		}
	})
}

func indent(s, prefix string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(s, "\n") {
		if strings.TrimSpace(l) != "" {
			b.WriteString(prefix)
		}
		b.WriteString(l)
	}
	return b.String()
}

// recordAccepted writes what a person's acceptance names (accepted:), from
// dir's policy as it is when the mutator runs, as `embargo sign` records it.
func recordAccepted(file string, person int, a statement.Acceptance) mutator {
	return func(t testing.TB, dir string) {
		a := a.ForPolicy(policyValue(t, dir))
		q, _ := json.Marshal(map[string]string{"version": a.PolicyVersion, "terms": a.Terms})
		set(file, "people."+strconv.Itoa(person)+".accepted", string(q))(t, dir)
	}
}
