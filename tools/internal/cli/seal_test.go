package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"
	"github.com/embargo-tool/embargo/tools/internal/exampledata/unsealed"
)

const sealedIssue = "issues/2026/EMB-2026-0004.yaml"

// The example's people by fingerprint: the team of EMB-2026-0004 (handler,
// response team, coordinators) and two members off it.
var (
	teamFprs = map[string]string{
		"dana-debian":    "F34780682F10345BC720C9114288E35D0F0140B0",
		"rui-redhat":     "4426B4B59B6B3B96A5E3B593D1D2770D1F2B9C3C",
		"ines-amazon":    "04C4538861EFF5378E9D657A89CB262634C9ADCD",
		"mara-openwall":  "E3FF104586BC655B5C275DD20BAA8B33A8912437",
		"tomas-openwall": "59E836661B35D313BF2EA12F4813675A72C482A5",
	}
	offTeamFprs = map[string]string{
		"greta-suse": "34B7BBC4B6B1CD29CDC7FAD29CD0BC2C5BB0E317",
		"eli-debian": "00F09190A736E71F59D6F5ECF923CF5353286C53",
	}
)

// gpgHome is a throwaway GnuPG home holding the TEST private keys given.
// Without gpg the test is skipped, unless EMBARGO_REQUIRE_GPG=1.
type gpgHome struct {
	t    *testing.T
	dir  string
	path string // the gpg binary
}

func newGPGHome(t *testing.T, fprs ...string) *gpgHome {
	t.Helper()
	gpg, err := exec.LookPath("gpg")
	if err != nil {
		if os.Getenv("EMBARGO_REQUIRE_GPG") == "1" {
			t.Fatal("gpg is not on PATH, and EMBARGO_REQUIRE_GPG=1 requires the GnuPG tests")
		}
		t.Skip("gpg is not on PATH: skipping (set EMBARGO_REQUIRE_GPG=1 to make it mandatory)")
	}
	dir, err := os.MkdirTemp("", "gpg") // short: the agent's socket lives here
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o700)
	h := &gpgHome{t: t, dir: dir, path: gpg}
	t.Cleanup(func() {
		kill := exec.Command("gpgconf", "--kill", "all")
		kill.Env = h.env()
		_ = kill.Run()
		os.RemoveAll(dir)
	})
	for _, fpr := range fprs {
		if _, stderr, err := h.run(nil, "--import", filepath.Join(exampledata.Root(t), "examples", "testkeys", fpr+".key")); err != nil {
			t.Fatalf("gpg --import: %v\n%s", err, stderr)
		}
	}
	return h
}

func (h *gpgHome) env() []string { return append(os.Environ(), "GNUPGHOME="+h.dir, "LC_ALL=C") }

// program is the --gpg-program value that uses this home.
func (h *gpgHome) program() string { return h.path + " --homedir " + h.dir }

func (h *gpgHome) run(stdin []byte, args ...string) (stdout []byte, stderr string, err error) {
	cmd := exec.Command(h.path, append([]string{"--batch", "--no-tty"}, args...)...)
	cmd.Env = h.env()
	cmd.Stdin = bytes.NewReader(stdin)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	out, err := cmd.Output()
	return out, errb.String(), err
}

// sealedPart returns the armored message of a sealed record file.
func sealedPart(t *testing.T, dir string) []byte {
	t.Helper()
	is, err := decode(sealedIssue, readRepoFile(t, dir, sealedIssue))
	if err != nil {
		t.Fatal(err)
	}
	if is.Sealed == "" {
		t.Fatalf("%s is not sealed", sealedIssue)
	}
	return []byte(is.Sealed)
}

func readRepoFile(t *testing.T, dir, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// encryptionSubkeys asks gpg for the ids of the encryption subkeys of the
// people's public key files.
func encryptionSubkeys(t *testing.T, g *gpgHome, dir string, fprs map[string]string) []string {
	t.Helper()
	var out []string
	for _, fpr := range fprs {
		colons, stderr, err := g.run(nil, "--with-colons", "--show-keys", filepath.Join(dir, "members", "keys", fpr+".asc"))
		if err != nil {
			t.Fatalf("gpg --show-keys: %v\n%s", err, stderr)
		}
		for _, line := range strings.Split(string(colons), "\n") {
			if f := strings.Split(line, ":"); f[0] == "sub" && strings.Contains(f[11], "e") {
				out = append(out, f[4])
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestSealWithGnuPG is the contract of `embargo seal` against real gpg: the
// plain example record is sealed with public keys from the repository only;
// gpg --list-packets names exactly the encryption subkeys of its team;
// every member of the team decrypts it with stock gpg --decrypt, and
// members off the team cannot; `show` and `unseal` give back the record.
func TestSealWithGnuPG(t *testing.T) {
	dir := unsealed.Copy(t)
	plain := readRepoFile(t, dir, sealedIssue)
	code, stdout, stderr := run("seal", "--repo", dir, demoNow, filepath.Join(dir, sealedIssue))
	if code != ExitOK || stdout != "sealed "+sealedIssue+" to dana-debian, ines-amazon, mara-openwall, rui-redhat, tomas-openwall\n" {
		t.Fatalf("seal: exit %d\n%s%s", code, stdout, stderr)
	}
	// The record's header comment stays plain, and seal says so.
	if !strings.Contains(stderr, "embargo: warning: "+sealedIssue+" keeps comments in plain text, by the keys on lines 3:") {
		t.Errorf("no warning about the plain comment:\n%s", stderr)
	}
	if code, stdout, _ := run("validate", "--repo", dir, demoNow); code != ExitOK {
		t.Fatalf("validate after seal: exit %d\n%s", code, stdout)
	}
	msg := sealedPart(t, dir)

	g := newGPGHome(t)
	packets, stderr, err := g.run(msg, "--list-packets")
	if err != nil && !strings.Contains(stderr, "decryption failed") { // no key: gpg lists, then fails
		t.Fatalf("gpg --list-packets: %v\n%s", err, stderr)
	}
	var got []string
	for _, line := range strings.Split(string(packets), "\n") {
		if i := strings.Index(line, ":pubkey enc packet:"); i >= 0 {
			got = append(got, line[strings.LastIndex(line, "keyid ")+len("keyid "):])
		}
	}
	slices.Sort(got)
	if want := encryptionSubkeys(t, g, dir, teamFprs); !slices.Equal(got, want) {
		t.Errorf("gpg --list-packets names %v, want the team's encryption subkeys %v\n%s", got, want, packets)
	}
	if !strings.Contains(string(packets), "mdc_method: 2") || strings.Contains(string(packets), ":compressed packet:") {
		t.Errorf("want an integrity-protected, uncompressed message:\n%s", packets)
	}

	for person, fpr := range teamFprs {
		h := newGPGHome(t, fpr)
		out, stderr, err := h.run(msg, "--decrypt")
		if err != nil || !bytes.Contains(out, []byte("title: Use-after-free in the ferrule")) {
			t.Errorf("%s cannot decrypt with gpg: %v\n%s", person, err, stderr)
		}
	}
	for person, fpr := range offTeamFprs {
		h := newGPGHome(t, fpr)
		if out, _, err := h.run(msg, "--decrypt"); err == nil || bytes.Contains(out, []byte("ferrule")) {
			t.Errorf("%s, off the team, decrypted the record", person)
		}
	}

	dana := newGPGHome(t, teamFprs["dana-debian"])
	code, stdout, stderr = run("show", "--repo", dir, "--gpg-program", dana.program(), "EMB-2026-0004")
	if code != ExitOK || stdout != string(plain) {
		t.Errorf("show: exit %d\n%s%s", code, stdout, stderr)
	}
	greta := newGPGHome(t, offTeamFprs["greta-suse"])
	if code, stdout, stderr := run("show", "--repo", dir, "--gpg-program", greta.program(), "EMB-2026-0004"); code == ExitOK || strings.Contains(stdout, "ferrule") || !strings.Contains(stderr, "gpg could not decrypt") {
		t.Errorf("show as greta-suse: exit %d\n%s%s", code, stdout, stderr)
	}

	// Sealed to its team already: seal leaves it alone.
	before := readRepoFile(t, dir, sealedIssue)
	if code, stdout, _ := run("seal", "--repo", dir, demoNow, sealedIssue); code != ExitOK || !strings.Contains(stdout, "is sealed to its team already") || !bytes.Equal(before, readRepoFile(t, dir, sealedIssue)) {
		t.Errorf("second seal: exit %d\n%s", code, stdout)
	}
	// The team grows: seal opens it through gpg and seals it to the new team.
	os.WriteFile(filepath.Join(dir, sealedIssue), bytes.Replace(before, []byte("ines-amazon]"), []byte("ines-amazon, eli-debian]"), 1), 0o644)
	if code, _, _ := run("validate", "--repo", dir, demoNow); code != ExitFindings {
		t.Errorf("validate with a grown team: exit %d, want the sealed.recipients error", code)
	}
	code, stdout, stderr = run("seal", "--repo", dir, demoNow, "--gpg-program", dana.program(), sealedIssue)
	if code != ExitOK || !strings.Contains(stdout, "eli-debian") {
		t.Fatalf("reseal: exit %d\n%s%s", code, stdout, stderr)
	}
	eli := newGPGHome(t, offTeamFprs["eli-debian"])
	if out, stderr, err := eli.run(sealedPart(t, dir), "--decrypt"); err != nil || !bytes.Contains(out, []byte("ferrule")) {
		t.Errorf("eli-debian, now on the team, cannot decrypt: %v\n%s", err, stderr)
	}

	// unseal: refused while embargoed on a sealed list, unless --force.
	if code, _, stderr := run("unseal", "--repo", dir, "--gpg-program", dana.program(), sealedIssue); code != ExitUsage || !strings.Contains(stderr, "must not be committed") {
		t.Errorf("unseal of an embargoed record: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := run("unseal", "--repo", dir, "--gpg-program", dana.program(), "--force", sealedIssue); code != ExitOK {
		t.Fatalf("unseal --force: exit %d\n%s", code, stderr)
	}
	if got := readRepoFile(t, dir, sealedIssue); !bytes.Equal(got, bytes.Replace(plain, []byte("ines-amazon]"), []byte("ines-amazon, eli-debian]"), 1)) {
		t.Errorf("unsealed record differs from the plain one:\n%s", got)
	}
}

// TestSealRefusesRecordWithErrors: a record that breaks a rule is not
// sealed, and the message names the rule, not the record's private values.
func TestSealRefusesRecordWithErrors(t *testing.T) {
	dir := unsealed.Copy(t)
	p := filepath.Join(dir, sealedIssue)
	bad := bytes.Replace(readRepoFile(t, dir, sealedIssue), []byte("notified: 2026-11-16T10:00:00Z"), []byte("notified: 2026-11-13T10:00:00Z"), 1)
	os.WriteFile(p, bad, 0o644)
	code, stdout, stderr := run("seal", "--repo", dir, demoNow, sealedIssue)
	if code != ExitFindings || !strings.Contains(stderr, "dates.order") || !strings.Contains(stderr, "not sealed") {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
	if !bytes.Equal(readRepoFile(t, dir, sealedIssue), bad) {
		t.Error("the record was changed")
	}
	for _, s := range []string{"ferrule", "Priya", "CVE-2026-91234"} {
		if strings.Contains(stdout+stderr, s) {
			t.Errorf("output quotes %q", s)
		}
	}
	// Usage errors: no file, a file outside the layout.
	if code, _, stderr := run("seal", "--repo", dir); code != ExitUsage || !strings.Contains(stderr, "seal needs at least one FILE") {
		t.Errorf("no file: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := run("seal", "--repo", dir, filepath.Join(dir, "policy.yaml")); code != ExitUsage || !strings.Contains(stderr, "is not an issue record") {
		t.Errorf("policy.yaml: exit %d\n%s", code, stderr)
	}
}

// TestGPGProgramSettings: the gpg that decrypts is --gpg-program, else
// EMBARGO_GPG_PROGRAM, else the repository's git config gpg.program.
func TestGPGProgramSettings(t *testing.T) {
	dana := newGPGHome(t, teamFprs["dana-debian"])
	dir := exampledata.Copy(t)
	log := filepath.Join(t.TempDir(), "calls")
	wrapper := filepath.Join(t.TempDir(), "my-gpg")
	os.WriteFile(wrapper, []byte("#!/bin/sh\necho \"$0\" >> "+log+"\nexec "+dana.path+" --homedir "+dana.dir+" \"$@\"\n"), 0o755)

	t.Setenv(gpgEnv, wrapper)
	if code, stdout, stderr := run("show", "--repo", dir, "EMB-2026-0004"); code != ExitOK || !strings.Contains(stdout, "ferrule") {
		t.Fatalf("show with %s: exit %d\n%s%s", gpgEnv, code, stdout, stderr)
	}
	t.Setenv(gpgEnv, "")
	if out, err := exec.Command("git", "-C", dir, "init", "-q").CombinedOutput(); err != nil {
		t.Skipf("git init: %v\n%s", err, out)
	}
	if out, err := exec.Command("git", "-C", dir, "config", "gpg.program", wrapper).CombinedOutput(); err != nil {
		t.Fatalf("git config: %v\n%s", err, out)
	}
	if code, stdout, stderr := run("show", "--repo", dir, "EMB-2026-0004"); code != ExitOK || !strings.Contains(stdout, "ferrule") {
		t.Fatalf("show with git config gpg.program: exit %d\n%s%s", code, stdout, stderr)
	}
	calls, _ := os.ReadFile(log)
	if n := strings.Count(string(calls), wrapper); n != 2 {
		t.Errorf("the wrapper ran %d times, want 2", n)
	}
	if code, _, stderr := run("show", "--repo", dir, "--gpg-program", filepath.Join(t.TempDir(), "no-such-gpg"), "EMB-2026-0004"); code != ExitUsage || !strings.Contains(stderr, "cannot run gpg") {
		t.Errorf("a missing gpg: exit %d\n%s", code, stderr)
	}
}

// TestShowRefusesWeakCipher: a message gpg encrypted with AES-128 passes
// the packet check (version 1 hides its cipher) and is refused once gpg
// says how it was encrypted.
func TestShowRefusesWeakCipher(t *testing.T) {
	dana := newGPGHome(t, teamFprs["dana-debian"])
	dir := exampledata.Copy(t)
	record := readRepoFile(t, dir, sealedIssue)
	private, stderr, err := dana.run(sealedPart(t, dir), "--decrypt")
	if err != nil {
		t.Fatalf("gpg --decrypt: %v\n%s", err, stderr)
	}
	weak, stderr, err := dana.run(private, "--armor", "--trust-model", "always", "--cipher-algo", "AES", "--encrypt", "--recipient", teamFprs["dana-debian"])
	if err != nil {
		t.Fatalf("gpg --encrypt: %v\n%s", err, stderr)
	}
	i := bytes.Index(record, []byte("sealed: |"))
	var b bytes.Buffer
	b.Write(record[:i])
	b.WriteString("sealed: |\n")
	for _, line := range strings.SplitAfter(strings.TrimRight(string(weak), "\n"), "\n") {
		b.WriteString("  " + line)
	}
	b.WriteString("\n")
	os.WriteFile(filepath.Join(dir, sealedIssue), b.Bytes(), 0o644)
	code, stdout, stderr := run("show", "--repo", dir, "--gpg-program", dana.program(), "EMB-2026-0004")
	if code == ExitOK || strings.Contains(stdout, "ferrule") || !strings.Contains(stderr, "not AES-256") {
		t.Errorf("show of an AES-128 message: exit %d\n%s%s", code, stdout, stderr)
	}
}
