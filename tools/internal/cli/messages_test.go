package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"
)

// TestMessagesSayItOnce: errors name the real cause first, and neither
// repeat their fix in the hint nor end in a sentinel's "invalid value".
func TestMessagesSayItOnce(t *testing.T) {
	root := repoRoot(t)
	notKey := filepath.Join(t.TempDir(), "not-a-key.asc")
	if err := os.WriteFile(notKey, []byte("hello\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name      string
		args      []string
		want      string
		forbidden []string
	}{
		{"key file that holds no key", []string{"key", "add", notKey, "--person", "dana-debian", "--repo", root},
			"embargo: error: bad key file: not an armored public key block; export with gpg --armor --export <fingerprint>\n",
			[]string{"invalid value", "hint: see docs/formats.md"}},
		{"unknown list before a missing handler", []string{"new", "issue", "--list", "no-such-list", "--title", "T", "--repo", root},
			`embargo: error: list "no-such-list" is not defined in policy.yaml`, []string{"--handler"}},
		{"negative window", []string{"status", "--within", "-3d", "--repo", root},
			`embargo: error: --within "-3d" is negative`, []string{"not a duration"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(tc.args...)
			if code != ExitUsage || stdout != "" || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, want %d and %q on stderr:\n%s%s", code, ExitUsage, tc.want, stdout, stderr)
			}
			for _, f := range tc.forbidden {
				if strings.Contains(stderr, f) {
					t.Errorf("stderr says %q:\n%s", f, stderr)
				}
			}
		})
	}
}

// TestPartialLoadWarning: the warning that a report is partial counts its
// files in words that agree with the count.
func TestPartialLoadWarning(t *testing.T) {
	dir := exampledata.Copy(t)
	for i, name := range []string{"issues/2026/EMB-2026-0098.yaml", "issues/2026/EMB-2026-0099.yaml"} {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), []byte("id: [broken\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		want := []string{"embargo: warning: 1 file did not load and was left out\n", "embargo: warning: 2 files did not load and were left out\n"}[i]
		if _, _, stderr := run("status", "--repo", dir, demoNow); !strings.Contains(stderr, want) {
			t.Errorf("want %q:\n%s", want, stderr)
		}
	}
}
