package pgp

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// fakedGPG runs the real gpg in a throwaway home, at a faked clock.
type fakedGPG struct {
	t    *testing.T
	home string
}

// newFakedGPG skips the test when gpg is missing, unless EMBARGO_REQUIRE_GPG=1.
func newFakedGPG(t *testing.T) *fakedGPG {
	t.Helper()
	if _, err := exec.LookPath("gpg"); err != nil {
		if os.Getenv("EMBARGO_REQUIRE_GPG") == "1" {
			t.Fatal("gpg is not on PATH, and EMBARGO_REQUIRE_GPG=1 requires the GnuPG tests")
		}
		t.Skip("gpg is not on PATH: skipping (set EMBARGO_REQUIRE_GPG=1 to make it mandatory)")
	}
	home, err := os.MkdirTemp("", "gpg") // short path: the agent socket lives here
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(home, 0o700); err != nil {
		t.Fatal(err)
	}
	g := &fakedGPG{t: t, home: home}
	t.Cleanup(func() {
		kill := exec.Command("gpgconf", "--kill", "all")
		kill.Env = g.env()
		_ = kill.Run()
		os.RemoveAll(home)
	})
	return g
}

func (g *fakedGPG) env() []string { return append(os.Environ(), "GNUPGHOME="+g.home, "LC_ALL=C") }

// at runs gpg with its clock frozen at t.
func (g *fakedGPG) at(t time.Time, args ...string) []byte {
	g.t.Helper()
	all := append([]string{"--batch", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", "",
		"--faked-system-time", t.UTC().Format("20060102T150405") + "!"}, args...)
	cmd := exec.Command("gpg", all...)
	cmd.Env = g.env()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		g.t.Fatalf("gpg %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out
}

// fingerprints lists the primary and subkey fingerprints gpg knows, in order.
func (g *fakedGPG) fingerprints(at time.Time) []string {
	var out []string
	for _, line := range strings.Split(string(g.at(at, "--with-colons", "--list-keys")), "\n") {
		if f := strings.Split(line, ":"); f[0] == "fpr" {
			out = append(out, f[9])
		}
	}
	return out
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestGnuPGRenewedKeyKeepsItsSignatures is row 29 of docs/threat-model.md with the real gpg,
// for a statement (a detached signature, as members sign acceptances and
// vouches): a key made on 2024-01-01 for one year signs on 2024-06-01; on
// 2025-06-01 its owner extends it with gpg --quick-set-expire, which
// replaces the self-signature, and exports the key again. The old signature
// stays valid, as gpg says too. The same for a signing subkey renewed with
// --quick-set-expire FPR 1y SUBKEY-FPR (and the primary key with it).
func TestGnuPGRenewedKeyKeepsItsSignatures(t *testing.T) {
	created, signed, renewed := date(2024, 1, 1), date(2024, 6, 1), date(2025, 6, 1)
	checked := date(2025, 6, 2)
	statement := []byte("embargo acceptance statement (any text: the signature is what counts)\n")

	for _, tc := range []struct {
		name    string
		subkey  bool
		renewed [][]string // the arguments of each --quick-set-expire after the fingerprint
	}{
		{"primary key", false, [][]string{{"1y"}}},
		// Naming a subkey renews that subkey only (gpg 2.2's '*' skips
		// subkeys that have expired): the primary key is renewed first.
		{"signing subkey", true, [][]string{{"1y"}, {"1y", "SUBKEY"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newFakedGPG(t)
			if tc.subkey {
				g.at(created, "--quick-gen-key", "Renewal Test <renew@example.org>", "ed25519", "cert", "1y")
				fpr := g.fingerprints(created)[0]
				g.at(created, "--quick-add-key", fpr, "ed25519", "sign", "1y")
			} else {
				g.at(created, "--quick-gen-key", "Renewal Test <renew@example.org>", "ed25519", "sign", "1y")
			}
			fprs := g.fingerprints(created)
			fpr := fprs[0]
			file := filepath.Join(g.home, "statement.txt")
			if err := os.WriteFile(file, statement, 0o600); err != nil {
				t.Fatal(err)
			}
			sig := g.at(signed, "--armor", "--detach-sign", "--digest-algo", "SHA256", "-u", fpr, "-o", "-", file)
			oldKey := mustParse(t, g.at(signed, "--armor", "--export", fpr))
			for _, args := range tc.renewed {
				args = slices.Clone(args)
				for i := range args {
					if args[i] == "SUBKEY" {
						args[i] = fprs[1]
					}
				}
				g.at(renewed, append([]string{"--quick-set-expire", fpr}, args...)...)
			}
			newKeyFile := g.at(renewed, "--armor", "--export", fpr)
			newKey := mustParse(t, newKeyFile)

			// gpg itself keeps only the new self-signature (or binding).
			if n := bytes.Count(g.at(renewed, "--list-packets", "--", writeTemp(t, newKeyFile)), []byte("sigclass 0x13")); n != 1 {
				t.Fatalf("the renewed key holds %d user id self-signatures, want 1 (gpg replaces it)", n)
			}

			// gpg calls it good (GOODSIG, not EXPKEYSIG) ...
			sigFile := writeTemp(t, sig)
			if status := g.at(checked, "--status-fd", "1", "--verify", sigFile, file); !bytes.Contains(status, []byte("[GNUPG:] GOODSIG ")) {
				t.Fatalf("gpg does not call the old signature good after the renewal:\n%s", status)
			}
			// ... and so does the tool.
			got, err := VerifyDetached([]*Key{newKey}, statement, sig, checked)
			if err != nil {
				t.Fatalf("the renewed key refuses its own old signature: %v", err)
			}
			if !got.Created.Equal(signed) || got.Fingerprint != fpr {
				t.Errorf("VerifyDetached = %+v, want a signature by %s at %s", got, fpr, signed)
			}
			if primary := got.SignerKeyID == fpr[len(fpr)-16:]; primary == tc.subkey {
				t.Errorf("SignerKeyID = %s; signed by a subkey: %v", got.SignerKeyID, tc.subkey)
			}
			if ps := CheckKey(newKey, checked); len(ps) != 0 {
				t.Errorf("CheckKey(renewed key) = %+v", ps)
			}

			// The key file before the renewal: the signature was good when
			// made, but the key is expired now; the message says so.
			_, err = VerifyDetached([]*Key{oldKey}, statement, sig, checked)
			checkSentinel(t, err, ErrKeyExpired)
			if !strings.Contains(err.Error(), "was valid when the signature was made") || !strings.Contains(err.Error(), "expired now") {
				t.Errorf("old key file: %v; want it to say the key was valid then and is expired now", err)
			}
			// The renewed key, once its new expiry has passed too.
			_, err = VerifyDetached([]*Key{newKey}, statement, sig, date(2026, 7, 1))
			checkSentinel(t, err, ErrKeyExpired)
			// An altered statement still fails as a bad signature, not as a key problem.
			_, err = VerifyDetached([]*Key{newKey}, append(bytes.Clone(statement), '!'), sig, checked)
			checkSentinel(t, err, ErrBadSignature)
		})
	}
}

func writeTemp(t *testing.T, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "key.asc")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
