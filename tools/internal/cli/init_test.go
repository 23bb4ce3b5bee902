package cli

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
)

// Example founders, by their TEST keys.
const (
	fprMara  = "E3FF104586BC655B5C275DD20BAA8B33A8912437"
	fprTomas = "59E836661B35D313BF2EA12F4813675A72C482A5"
)

// initGroup runs embargo init in dir with the two example coordinators as founders.
func initGroup(t *testing.T, dir string) (int, string, string) {
	t.Helper()
	keys := filepath.Join(exampledata.Dir(t), "members", "keys")
	return run("init", "--dir", dir, "--group", "ex.example.org", "--name", "Example lists",
		"--list", "linux-distros,hw:hardware", "--member", "openwall", "--member-name", "Openwall", "--kind", "distro",
		"--contact", "security@openwall.example.org",
		"--founder", "mara-openwall="+filepath.Join(keys, fprMara+".asc"),
		"--founder", "tomas-openwall="+filepath.Join(keys, fprTomas+".asc"), demoNow)
}

// signAcceptance signs person's acceptance statement with the TEST key fpr
// and puts it into the record with `embargo sign acceptance --attach`.
func signAcceptance(t *testing.T, dir, person, fpr string) {
	t.Helper()
	code, text, stderr := run("statement", "acceptance", "--repo", dir, "--person", person)
	if code != ExitOK {
		t.Fatalf("statement acceptance %s: exit %d: %s", person, code, stderr)
	}
	data, err := os.ReadFile(filepath.Join(exampledata.Root(t), "examples", "testkeys", fpr+".key"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := pgp.ReadSigner(data)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := s.SignDetached([]byte(text), time.Date(2026, 11, 20, 11, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), person+".asc")
	os.WriteFile(file, sig, 0o644)
	if code, _, stderr := run("sign", "acceptance", "--repo", dir, "--person", person, "--attach", file, demoNow); code != ExitOK {
		t.Fatalf("sign acceptance %s: exit %d: %s", person, code, stderr)
	}
}

// TestInitStartsAGroup: init writes a group with no example data that
// validates clean once the founders' acceptances are in, says what comes
// next, and never writes over a group.
func TestInitStartsAGroup(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "group")
	code, stdout, stderr := initGroup(t, dir)
	if code != ExitOK {
		t.Fatalf("init: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"policy.yaml", "roles/coordinators.yaml", "members/openwall.yaml", "members/keys/" + fprMara + ".asc", ".github/CODEOWNERS"} {
		if !strings.Contains(stdout, filepath.Join(dir, filepath.FromSlash(want))) {
			t.Errorf("init did not list %s:\n%s", want, stdout)
		}
	}
	for _, want := range []string{"embargo sign acceptance --person mara-openwall --gpg", "embargo sign acceptance --person tomas-openwall --gpg",
		"commit -S", "founders: " + fprMara + "," + fprTomas, "git tag embargo-verified"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("next steps lack %q:\n%s", want, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "issues")); err == nil {
		t.Error("init wrote issues: a new group has no example data")
	}
	policy, _ := os.ReadFile(filepath.Join(dir, "policy.yaml"))
	if !strings.Contains(string(policy), "group: ex.example.org") || !strings.Contains(string(policy), "  hw:\n") || strings.Contains(string(policy), "distros:\n    description: Operating") {
		t.Errorf("policy.yaml does not hold the lists chosen:\n%s", policy)
	}
	code, stdout, _ = run("validate", "--repo", dir, demoNow)
	if code != ExitFindings || strings.Count(stdout, "error: member.acceptance") != 2 || strings.Count(stdout, ": error: ") != 2 || strings.Contains(stdout, ": warning: ") {
		t.Fatalf("before the acceptances, validate should report exactly the two missing acceptances: exit %d\n%s", code, stdout)
	}
	signAcceptance(t, dir, "mara-openwall", fprMara)
	signAcceptance(t, dir, "tomas-openwall", fprTomas)
	code, stdout, stderr = run("validate", "--repo", dir, demoNow)
	if code != ExitOK || strings.Contains(stdout, ": error: ") || strings.Contains(stdout, ": warning: ") {
		t.Fatalf("the founded group does not validate clean: exit %d\n%s%s", code, stdout, stderr)
	}
	// A second init refuses and changes nothing.
	before, _ := os.ReadFile(filepath.Join(dir, "members", "openwall.yaml"))
	code, _, stderr = initGroup(t, dir)
	after, _ := os.ReadFile(filepath.Join(dir, "members", "openwall.yaml"))
	if code != ExitUsage || !strings.Contains(stderr, "already holds a group's records") || string(before) != string(after) {
		t.Errorf("init over a group: exit %d\n%s", code, stderr)
	}
}

func TestInitRefusesBadInput(t *testing.T) {
	keys := filepath.Join(exampledata.Dir(t), "members", "keys")
	mara := "mara-openwall=" + filepath.Join(keys, fprMara+".asc")
	base := []string{"init", "--group", "ex.example.org", "--name", "Ex", "--member", "ow", "--member-name", "OW", "--kind", "distro", "--contact", "s@ow.example"}
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"no-founder":      {[]string{"--list", "distros"}, "init needs at least one --founder"},
		"bad-template":    {[]string{"--list", "x:nosuch", "--founder", mara}, `no template "nosuch"`},
		"founder-form":    {[]string{"--list", "distros", "--founder", "mara"}, "is not ID=KEY"},
		"private-key":     {[]string{"--list", "distros", "--founder", "mara=" + filepath.Join(exampledata.Root(t), "examples", "testkeys", fprMara+".key")}, "private key"},
		"same-key-twice":  {[]string{"--list", "distros", "--founder", mara, "--founder", "other=" + filepath.Join(keys, fprMara+".asc")}, "is given for both"},
		"missing-keyfile": {[]string{"--list", "distros", "--founder", "mara=/no/such.asc"}, "cannot read key /no/such.asc"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			code, stdout, stderr := run(append(append(append([]string{}, base...), "--dir", dir), tc.args...)...)
			if code != ExitUsage || !strings.Contains(stderr, tc.want) || stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant %q", code, stdout, stderr, tc.want)
			}
			if strings.HasSuffix(strings.SplitN(stderr, "\n", 2)[0], "invalid value") {
				t.Errorf("the message ends in the error's kind: %s", stderr)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("a refused init wrote %d entries", len(entries))
			}
		})
	}
}

// TestEveryVerbExplainsItself: every verb's --help has a usage line, a
// paragraph and an example, and exits 0; so do the kinds of new and sign.
func TestEveryVerbExplainsItself(t *testing.T) {
	for _, verb := range verbs() {
		for _, args := range [][]string{{verb, "--help"}, {verb, "-h"}} {
			code, stdout, stderr := run(args...)
			if code != ExitOK || stdout != "" || !strings.HasPrefix(stderr, "Usage: embargo "+verb) || !strings.Contains(stderr, "\nExample:\n    embargo "+verb) {
				t.Errorf("%v: exit %d, stdout %q\n%s", args, code, stdout, stderr)
			}
			h := helps[verb]
			if strings.Count(h.about, ". ") == 0 && !strings.HasSuffix(h.about, ".") {
				t.Errorf("%s: the description is not a paragraph: %q", verb, h.about)
			}
		}
	}
	for _, args := range [][]string{{"new", "issue", "--help"}, {"new", "member", "--help"}, {"new", "--help"}, {"sign", "acceptance", "--help"}, {"statement", "--help"}} {
		code, _, stderr := run(args...)
		if code != ExitOK || !strings.Contains(stderr, "Usage: embargo "+args[0]) || strings.Contains(stderr, "unknown") {
			t.Errorf("%v: exit %d\n%s", args, code, stderr)
		}
	}
	if _, _, stderr := run("new", "issue", "--help"); !strings.Contains(stderr, "Flags:\n") || !strings.Contains(stderr, "-title") {
		t.Errorf("new issue --help lists no flags:\n%s", stderr)
	}
}

func TestVersion(t *testing.T) {
	code, stdout, _ := run("version")
	if code != ExitOK || !strings.HasPrefix(stdout, "embargo ") || !strings.Contains(stdout, "module: github.com/embargo-tool/embargo") {
		t.Errorf("version: exit %d\n%s", code, stdout)
	}
	if _, alias, _ := run("--version"); alias != stdout {
		t.Errorf("--version differs from version:\n%s", alias)
	}
	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/embargo-tool/embargo", Version: "v1.2.0"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.time", Value: "2026-11-20T12:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	want := "embargo v1.2.0\nmodule: github.com/embargo-tool/embargo\nrevision: 0123abcd (modified)\ncommitted: 2026-11-20T12:00:00Z\ngo: go1.26.8\n"
	if got := versionText(bi, true); got != want {
		t.Errorf("versionText:\n%s\nwant\n%s", got, want)
	}
}

func TestExplain(t *testing.T) {
	code, stdout, _ := run("explain", "embargo.max")
	if code != ExitOK || !strings.Contains(stdout, "Source: docs/sources.md#openwall-embargo-length") || !strings.Contains(stdout, "How to fix: Move dates.disclosure") {
		t.Errorf("explain embargo.max: exit %d\n%s", code, stdout)
	}
	code, _, stderr := run("explain", "embargo.mx")
	if code != ExitUsage || !strings.Contains(stderr, `did you mean "embargo.max"?`) {
		t.Errorf("explain embargo.mx: exit %d\n%s", code, stderr)
	}
}

// TestWhoCan asks the demo repository who may change what, as the check would.
func TestWhoCan(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	if code, _, stderr := run("demo", "--repo", exampledata.Root(t), "--dir", dir, demoNow, "--out", filepath.Join(t.TempDir(), "public")); code != ExitOK {
		t.Fatalf("demo: exit %d\n%s", code, stderr)
	}
	for _, tc := range []struct{ path, want string }{
		{"issues/2026/EMB-2026-0004.yaml", "issue-team (access rule 5, issues/**): dana-debian, ines-amazon, rui-redhat — the issue's handler and response team"},
		{"members/debian.yaml", "own-member (access rule 3, members/*.yaml): dana-debian, eli-debian"},
		{"members/keys/" + "F34780682F10345BC720C9114288E35D0F0140B0.asc", "key-owner (access rule 4, members/keys/*.asc): dana-debian"},
		{"policy.yaml", "coordinators (access rule 1, policy.yaml): mara-openwall, tomas-openwall"},
		{"roles/coordinators.yaml", "and a change lands only when 2 of mara-openwall, tomas-openwall sign for the result (access rule 6, roles/**, threshold 2; embargo approve)"},
		{"members/openwall.yaml", "and a change lands only when 2 of mara-openwall, tomas-openwall sign for the result (access rule 7, members/openwall.yaml, threshold 2"},
		{"issues/2026/EMB-2026-0099.yaml", "issue-team (access rule 5, issues/**): a new issue: the person it names as handler"},
		{"issues/notes.txt", "nobody: not a record path"},
		{"README", "nobody: no access rule"},
	} {
		code, stdout, stderr := run("who-can", tc.path, "--repo", dir, "--rev", "main")
		if code != ExitOK || !strings.Contains(stdout, tc.want) {
			t.Errorf("who-can %s: exit %d\n%s%s\nwant %q", tc.path, code, stdout, stderr, tc.want)
		}
	}
	if code, _, stderr := run("who-can", "--repo", dir); code != ExitUsage || !strings.Contains(stderr, "who-can needs a PATH") {
		t.Errorf("who-can without a path: exit %d\n%s", code, stderr)
	}
}

// TestSignRefusesAWrongSignature: a signature over another text is refused
// and nothing is written.
func TestSignRefusesAWrongSignature(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "group")
	if code, _, stderr := initGroup(t, dir); code != ExitOK {
		t.Fatal(stderr)
	}
	data, _ := os.ReadFile(filepath.Join(exampledata.Root(t), "examples", "testkeys", fprMara+".key"))
	s, _ := pgp.ReadSigner(data)
	sig, _ := s.SignDetached([]byte("something else\n"), time.Date(2026, 11, 20, 11, 0, 0, 0, time.UTC))
	file := filepath.Join(t.TempDir(), "sig.asc")
	os.WriteFile(file, sig, 0o644)
	before, _ := os.ReadFile(filepath.Join(dir, "members", "openwall.yaml"))
	code, _, stderr := run("sign", "acceptance", "--repo", dir, "--person", "mara-openwall", "--attach", file, demoNow)
	after, _ := os.ReadFile(filepath.Join(dir, "members", "openwall.yaml"))
	if code != ExitUsage || !strings.Contains(stderr, "does not verify over the acceptance statement") || string(before) != string(after) {
		t.Errorf("exit %d\n%s", code, stderr)
	}
}

// TestStatusAtRevisionAndWeeks: status reads a git revision, and --within
// takes weeks.
func TestStatusAtRevisionAndWeeks(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	if code, _, stderr := run("demo", "--repo", exampledata.Root(t), "--dir", dir, demoNow, "--out", filepath.Join(t.TempDir(), "public")); code != ExitOK {
		t.Fatalf("demo: %s", stderr)
	}
	os.Remove(filepath.Join(dir, "issues", "2026", "EMB-2026-0004.yaml")) // the working tree no longer has it; main does
	code, stdout, stderr := run("status", "--repo", dir, "--rev", "main", "--within", "2w", demoNow)
	if code != ExitOK || !strings.Contains(stdout, "EMB-2026-0004") {
		t.Errorf("status --rev main --within 2w: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, stdout, _ := run("status", "--repo", dir, "--within", "2w", demoNow); strings.Contains(stdout, "EMB-2026-0004") {
		t.Errorf("status of the working tree shows a record it does not hold:\n%s", stdout)
	}
}
