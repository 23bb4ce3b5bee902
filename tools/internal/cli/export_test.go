package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"
)

func TestExportCLI(t *testing.T) {
	root := repoRoot(t)
	code, stdout, stderr := run("export-keys", "--repo", root, "--list", "linux-distros", demoNow)
	if code != ExitOK || strings.Count(stdout, "-----BEGIN PGP PUBLIC KEY BLOCK-----") != 1 || !strings.HasSuffix(stdout, "-----END PGP PUBLIC KEY BLOCK-----\n") {
		t.Errorf("export-keys: exit %d\n%s%s", code, stdout, stderr)
	}
	// The example's test keys have encryption subkeys (sealed records are
	// encrypted to them); a sign-only key gets a warning that a list server
	// cannot encrypt to it.
	if strings.Contains(stderr, "no encryption subkey") {
		t.Errorf("an encryption warning for the example's keys:\n%s", stderr)
	}
	signOnly := exampledata.Copy(t)
	old, err := os.ReadFile(filepath.Join("testdata", "dana-sign-only.asc"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(signOnly, "members", "keys", "F34780682F10345BC720C9114288E35D0F0140B0.asc"), old, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, stderr := run("export-keys", "--repo", signOnly, "--list", "linux-distros", demoNow); !strings.Contains(stderr, "embargo: warning: key F34780682F10345BC720C9114288E35D0F0140B0 of dana-debian has no encryption subkey") {
		t.Errorf("no encryption warning for a sign-only key:\n%s", stderr)
	}

	out := filepath.Join(t.TempDir(), "lists", "linux-distros")
	code, stdout, stderr = run("export", "remail", "--repo", root, "--list", "linux-distros", "--out", out, demoNow)
	if code != ExitOK || stdout != filepath.Join(out, "list.yaml")+"\n"+filepath.Join(out, "keys.asc")+"\n" {
		t.Fatalf("export remail: exit %d\n%s%s", code, stdout, stderr)
	}
	entries, _ := os.ReadDir(out)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"keys.asc", "list.yaml"}) {
		t.Errorf("remail folder holds %v; only list.yaml and keys.asc may be written", names)
	}
	golden, _ := os.ReadFile(filepath.Join(exampledata.Root(t), "tools", "internal", "export", "testdata", "remail-list.yaml.golden"))
	if got, _ := os.ReadFile(filepath.Join(out, "list.yaml")); string(got) != string(golden) {
		t.Errorf("list.yaml differs from the export package's golden file:\n%s", got)
	}

	cur := filepath.Join(t.TempDir(), "current.txt")
	os.WriteFile(cur, []byte("dana@debian.example.org F34780682F10345BC720C9114288E35D0F0140B0\nold@gone.example N/A\n"), 0o644)
	code, stdout, stderr = run("export", "schleuder", "--repo", root, "--list", "linux-distros", "--current", cur, "--address", "ld@lists.example.org", demoNow)
	if code != ExitOK || !strings.Contains(stdout, "list=ld@lists.example.org\n") || !strings.Contains(stdout, `schleuder-cli subscriptions delete "$list" old@gone.example`) ||
		strings.Contains(stdout, `subscriptions new "$list" dana@`) || !strings.Contains(stdout, "# 10 to add, 0 to re-key, 1 to remove, 0 admins kept, 1 unchanged.") {
		t.Errorf("export schleuder: exit %d\n%s%s", code, stdout, stderr)
	}

	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"no-target":         {[]string{"export"}, "export needs a target"},
		"bad-target":        {[]string{"export", "mailman"}, `unknown export target "mailman"`},
		"keys-no-list":      {[]string{"export-keys", "--repo", root}, "export needs --list"},
		"keys-bad-list":     {[]string{"export-keys", "--repo", root, "--list", "nope"}, `list "nope" is not defined`},
		"remail-no-out":     {[]string{"export", "remail", "--repo", root, "--list", "distros"}, "export remail needs --out"},
		"schleuder-nocur":   {[]string{"export", "schleuder", "--repo", root, "--list", "distros"}, "export schleuder needs --current"},
		"schleuder-badcur":  {[]string{"export", "schleuder", "--repo", root, "--list", "distros", "--current", filepath.Join(root, "nope.txt")}, "cannot read --current"},
		"schleuder-badaddr": {[]string{"export", "schleuder", "--repo", root, "--list", "distros", "--current", cur, "--address", "x y"}, "is not like list@hostname"},
	} {
		if code, stdout, stderr := run(tc.args...); code != ExitUsage || !strings.Contains(stderr, tc.want) || strings.Contains(stdout, "schleuder-cli") {
			t.Errorf("%s: exit %d %q\n%s", name, code, stdout, stderr)
		}
	}
}
