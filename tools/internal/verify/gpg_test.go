package verify_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/verify"
)

// gitGPG is a work tree of a fixture driven by the real git and GnuPG.
type gitGPG struct {
	t    *testing.T
	f    *fixture
	env  []string
	home string // GNUPGHOME
}

// needTools skips the test when git or gpg is missing, unless
// EMBARGO_REQUIRE_GPG=1 asks for the interoperability test to be mandatory.
func needTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"git", "gpg"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("EMBARGO_REQUIRE_GPG") == "1" {
				t.Fatalf("%s is not on PATH, and EMBARGO_REQUIRE_GPG=1 requires the GnuPG interoperability test", tool)
			}
			t.Skipf("%s is not on PATH: skipping the GnuPG interoperability test (set EMBARGO_REQUIRE_GPG=1 to make it mandatory)", tool)
		}
	}
}

func newGitGPG(t *testing.T, f *fixture, fprs ...string) *gitGPG {
	t.Helper()
	// A short GNUPGHOME: gpg-agent's socket path must stay under ~100 bytes.
	home, err := os.MkdirTemp("", "gpg")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(home, 0o700); err != nil {
		t.Fatal(err)
	}
	g := &gitGPG{t: t, f: f, home: home}
	g.env = append(os.Environ(),
		"GNUPGHOME="+home, "HOME="+home,
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+filepath.Join(home, "gitconfig"),
		"GIT_AUTHOR_DATE=2026-11-02T10:00:00Z", "GIT_COMMITTER_DATE=2026-11-02T10:00:00Z",
		"LC_ALL=C")
	t.Cleanup(func() {
		kill := exec.Command("gpgconf", "--kill", "gpg-agent")
		kill.Env = g.env
		_ = kill.Run()
		os.RemoveAll(home)
	})
	for _, fpr := range fprs {
		g.run("gpg", "--batch", "--quiet", "--import", filepath.Join(repoRoot(t), "examples", "testkeys", fpr+".key"))
	}
	// Check out main (the fixture wrote objects and refs only).
	g.run("git", "reset", "--quiet", "--hard", "main")
	return g
}

// read returns a file of the work tree.
func (g *gitGPG) read(p string) string {
	g.t.Helper()
	b, err := os.ReadFile(filepath.Join(g.f.dir, filepath.FromSlash(p)))
	if err != nil {
		g.t.Fatal(err)
	}
	return string(b)
}

func (g *gitGPG) run(name string, args ...string) string {
	g.t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = g.f.dir
	cmd.Env = g.env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		g.t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String()
}

// commit writes files into the work tree and commits them with git commit -S
// as the key fpr (or unsigned if fpr is ""), returning the new commit id.
func (g *gitGPG) commit(fpr, who string, files map[string]string, msg string) plumbing.Hash {
	g.t.Helper()
	for p, c := range files {
		full := filepath.Join(g.f.dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			g.t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			g.t.Fatal(err)
		}
		g.run("git", "add", "--", p)
	}
	args := []string{"-c", "user.name=" + who, "-c", "user.email=" + who + "@example.org", "-c", "gpg.program=gpg"}
	if fpr != "" {
		args = append(args, "-c", "user.signingkey="+fpr, "commit", "-S")
	} else {
		args = append(args, "commit", "--no-gpg-sign")
	}
	g.run("git", append(args, "--quiet", "-m", msg)...)
	h := plumbing.NewHash(strings.TrimSpace(g.run("git", "rev-parse", "HEAD")))
	g.f.reopen() // see the objects git wrote
	return h
}

// Row 25: commits signed by real git commit -S with GnuPG are accepted when
// authorized, and refused when not.
func TestRow25GnuPGInterop(t *testing.T) {
	t.Parallel()
	needTools(t)
	f := newFixture(t)
	g := newGitGPG(t, f, fprDana, fprRui, fprGreta)
	// gpg signs at the wall clock; check at a "now" after it.
	opt := verify.Options{Now: time.Now().Add(time.Minute)}

	d := g.commit(fprDana, "dana-debian", map[string]string{issue4: g.read(issue4) + "  signed by gpg (ed25519)\n"}, "gpg ed25519")
	raw := g.run("git", "cat-file", "commit", d.String())
	if !strings.Contains(raw, "\ngpgsig -----BEGIN PGP SIGNATURE-----\n") {
		t.Fatalf("git did not sign the commit:\n%s", raw)
	}
	r := g.commit(fprRui, "rui-redhat", map[string]string{issue4: g.read(issue4) + "  signed by gpg (rsa3072)\n"}, "gpg rsa3072")
	check := func(t *testing.T, head plumbing.Hash, wants ...want) {
		t.Helper()
		got, err := verify.Range(f.repo, f.root, head, opt)
		if err != nil {
			t.Fatal(err)
		}
		expect(t, got, wants...)
	}
	check(t, r)

	t.Run("not authorized", func(t *testing.T) {
		g.run("git", "reset", "--quiet", "--hard", r.String())
		bad := g.commit(fprGreta, "greta-suse", map[string]string{issue4: g.read(issue4) + "  greta\n"}, "greta edits an issue")
		check(t, bad, want{rule: "sig.unauthorized", commit: bad, path: issue4})
	})
	t.Run("unsigned", func(t *testing.T) {
		g.run("git", "reset", "--quiet", "--hard", r.String())
		u := g.commit("", "dana-debian", map[string]string{issue4: g.read(issue4) + "  unsigned\n"}, "unsigned")
		check(t, u, want{rule: "sig.missing", commit: u})
	})
	t.Run("git verify-commit agrees", func(t *testing.T) {
		// The signatures the verifier accepted are the ones git itself checks.
		for _, h := range []plumbing.Hash{d, r} {
			g.run("git", "-c", "gpg.program=gpg", "verify-commit", h.String())
		}
	})
}
