package pgp

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestGnuPGInterop checks keys and signatures made by real GnuPG: an Ed25519
// primary key that signs, then a signing subkey (with its cross-signature).
func TestGnuPGInterop(t *testing.T) {
	gpg, err := exec.LookPath("gpg")
	if err != nil {
		t.Skip("gpg is not on PATH; skipping the GnuPG interoperability test")
	}
	home, err := os.MkdirTemp("", "gpg") // short path: the agent socket lives here
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if gpgconf, err := exec.LookPath("gpgconf"); err == nil {
			kill := exec.Command(gpgconf, "--kill", "all")
			kill.Env = append(os.Environ(), "GNUPGHOME="+home)
			kill.Run()
		}
		os.RemoveAll(home)
	})
	run := func(args ...string) []byte {
		t.Helper()
		cmd := exec.Command(gpg, append([]string{"--batch", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", ""}, args...)...)
		cmd.Env = append(os.Environ(), "GNUPGHOME="+home)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("gpg %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
		}
		return out
	}
	run("--quick-gen-key", "Interop Test <interop@example.org>", "ed25519", "sign", "1y")
	var fpr string
	for _, line := range strings.Split(string(run("--list-keys", "--with-colons")), "\n") {
		if f := strings.Split(line, ":"); f[0] == "fpr" && fpr == "" {
			fpr = f[9]
		}
	}
	file := filepath.Join(home, "payload")
	if err := os.WriteFile(file, payload, 0o600); err != nil {
		t.Fatal(err)
	}

	check := func(name, signWith string, bySubkey bool) {
		t.Run(name, func(t *testing.T) {
			pub := run("--armor", "--export", fpr)
			sig := run("--detach-sign", "--armor", "-u", signWith, "-o", "-", file)
			k, err := ParseKeyFile(pub)
			if err != nil {
				t.Fatalf("ParseKeyFile: %v\n%s", err, pub)
			}
			if k.Fingerprint != fpr {
				t.Errorf("Fingerprint = %s, gpg says %s", k.Fingerprint, fpr)
			}
			now := time.Now().Add(time.Minute)
			for _, p := range CheckKey(k, now) {
				t.Errorf("CheckKey: %+v", p)
			}
			got, err := VerifyDetached([]*Key{k}, payload, sig, now)
			if err != nil {
				t.Fatalf("VerifyDetached: %v\n%s", err, sig)
			}
			if got.Fingerprint != fpr {
				t.Errorf("signed by %s, want %s", got.Fingerprint, fpr)
			}
			if primary := got.SignerKeyID == fpr[len(fpr)-16:]; primary == bySubkey {
				t.Errorf("SignerKeyID = %s; want a subkey: %v", got.SignerKeyID, bySubkey)
			}
			if _, err := VerifyDetached([]*Key{k}, append(bytes.Clone(payload), '\n'), sig, now); err == nil {
				t.Error("VerifyDetached accepted an altered payload")
			}
		})
	}
	check("primary key", fpr+"!", false)
	run("--quick-add-key", fpr, "ed25519", "sign", "1y")
	check("signing subkey", fpr, true)
}
