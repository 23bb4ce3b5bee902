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

// Row 29: a key whose expiry was extended after it signed keeps its old
// commits valid, as in GnuPG. The commit is made by the real git commit -S
// with the real gpg, both at faked clocks: a key made on 2024-01-01 for one
// year signs on 2024-06-01; on 2025-06-01 its owner extends it with
// gpg --quick-set-expire (which replaces the self-signature) and the
// renewed key file is merged.
func TestRow29RenewedKeyKeepsItsCommits(t *testing.T) {
	t.Parallel()
	needTools(t)
	created, signed, renewed := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	checked := renewed.Add(24 * time.Hour)

	f := newFixture(t)
	g := newGitGPG(t, f)
	g.gpgAt(created, "--quick-gen-key", "Renee Renewal TEST KEY <renee@example.org>", "ed25519", "sign", "1y")
	fpr := ""
	for _, line := range strings.Split(g.gpgAt(created, "--with-colons", "--list-keys"), "\n") {
		if fs := strings.Split(line, ":"); fs[0] == "fpr" && fpr == "" {
			fpr = fs[9]
		}
	}
	oldKey := g.gpgAt(created, "--armor", "--export", fpr)
	renee := &signer{name: "renee-debian", fpr: fpr, pub: []byte(oldKey)}
	added := f.addPerson("debian", "renee-debian", renee)
	f.mustKnow(added, renee, "renee-debian")

	// renee-debian corrects her name in her member's record, signed by git
	// and gpg on 2024-06-01.
	g.run("git", "reset", "--quiet", "--hard", added.String())
	mf := "members/debian.yaml"
	if err := os.WriteFile(filepath.Join(f.dir, mf), []byte(strings.Replace(g.read(mf), "name: New Person", "name: Renee Renewal", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	g.run("git", "add", "--", mf)
	g.gitAt(signed, "-c", "user.name=renee-debian", "-c", "user.email=renee@example.org",
		"-c", "user.signingkey="+fpr, "commit", "-S", "--quiet", "-m", "renee-debian: my name")
	signedCommit := plumbing.NewHash(strings.TrimSpace(g.run("git", "rev-parse", "HEAD")))
	f.reopen()

	// 2025-06-01: the key is renewed and the coordinators merge the new key file.
	g.gpgAt(renewed, "--quick-set-expire", fpr, "1y")
	newKey := g.gpgAt(renewed, "--armor", "--export", fpr)
	if newKey == oldKey {
		t.Fatal("the renewal did not change the exported key")
	}
	withNewKey := f.commit(spec{parents: []plumbing.Hash{added}, signer: mara(t), msg: "renee-debian renewed her key",
		files: map[string]string{"members/keys/" + fpr + ".asc": newKey}})
	f.mustKnow(withNewKey, renee, "renee-debian")

	opt := verify.Options{Now: checked}
	check := func(t *testing.T, base plumbing.Hash, wants ...want) {
		t.Helper()
		got, err := verify.Range(f.repo, base, signedCommit, opt)
		if err != nil {
			t.Fatal(err)
		}
		expect(t, got, wants...)
	}
	t.Run("renewed key file at the base: accepted", func(t *testing.T) {
		check(t, withNewKey)
	})
	t.Run("old key file at the base: expired now, valid when it signed", func(t *testing.T) {
		check(t, added, want{rule: "sig.key-expired", commit: signedCommit,
			text: "was valid when the signature was made (2024-06-01T00:00:00Z) but expired at 2024-12-31T00:00:00Z and is expired now"})
	})
	t.Run("git verify-commit agrees", func(t *testing.T) {
		g.gpgAt(checked, "--import", writeFile(t, newKey))
		_, out := g.gitAt(checked, "verify-commit", "--raw", signedCommit.String())
		if !strings.Contains(out, "[GNUPG:] GOODSIG ") {
			t.Errorf("git verify-commit does not call it good:\n%s", out)
		}
	})
}

// gpgAt runs gpg in g's home with its clock frozen at at.
func (g *gitGPG) gpgAt(at time.Time, args ...string) string {
	g.t.Helper()
	all := append([]string{"--batch", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", "",
		"--faked-system-time", at.UTC().Format("20060102T150405") + "!"}, args...)
	out, _ := g.runEnv(nil, "gpg", all...)
	return out
}

// gitAt runs git with its dates at at and with a gpg whose clock is frozen
// at at (a wrapper script given as gpg.program); it returns stdout and
// stderr, where verify-commit --raw writes gpg's status lines.
func (g *gitGPG) gitAt(at time.Time, args ...string) (stdout, stderr string) {
	g.t.Helper()
	wrapper := filepath.Join(g.home, "gpg-at-"+at.UTC().Format("20060102T150405"))
	script := "#!/bin/sh\nexec gpg --faked-system-time " + at.UTC().Format("20060102T150405") + "! \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		g.t.Fatal(err)
	}
	stamp := at.UTC().Format(time.RFC3339)
	env := []string{"GIT_AUTHOR_DATE=" + stamp, "GIT_COMMITTER_DATE=" + stamp}
	return g.runEnv(env, "git", append([]string{"-c", "gpg.program=" + wrapper}, args...)...)
}

// runEnv runs a command in the work tree with extra environment variables
// (which win over g's).
func (g *gitGPG) runEnv(extra []string, name string, args ...string) (stdout, stderr string) {
	g.t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = g.f.dir
	cmd.Env = append(append([]string{}, g.env...), extra...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		g.t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String(), errb.String()
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
