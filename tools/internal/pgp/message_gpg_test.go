package pgp

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// try runs gpg like at and returns its output and error instead of failing.
func (g *fakedGPG) try(stdin []byte, args ...string) ([]byte, error) {
	all := append([]string{"--batch", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", "",
		"--faked-system-time", now0.UTC().Format("20060102T150405") + "!"}, args...)
	cmd := exec.Command("gpg", all...)
	cmd.Env = g.env()
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, &gpgError{err: err, stderr: stderr.String()}
	}
	return out, nil
}

type gpgError struct {
	err    error
	stderr string
}

func (e *gpgError) Error() string { return e.err.Error() + ": " + e.stderr }

// TestGnuPGReadsSealedMessages: what Encrypt writes, GnuPG decrypts with
// the recipient's key, and with another key it fails; gpg --list-packets
// names the same recipients ReadMessage does. What GnuPG encrypts (to a key
// GnuPG made), ReadMessage reads and the owner decrypts.
func TestGnuPGReadsSealedMessages(t *testing.T) {
	ed, rsa := edSigner(t), rsaSigner(t)
	outsider, err := NewSigner(AlgoEd25519, "Out Sider", "out@example.org", t0)
	if err != nil {
		t.Fatal(err)
	}
	msg := mustEncrypt(t, sealedText, signerKey(t, ed), signerKey(t, rsa))
	m, err := ReadMessage(msg)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*Signer{ed, rsa} {
		g := newFakedGPG(t)
		g.at(now0, "--import", writeTemp(t, mustArmored(t, s.PrivateArmored)))
		plain, err := g.try(msg, "--decrypt")
		if err != nil || !bytes.Equal(plain, sealedText) {
			t.Errorf("gpg --decrypt as %s: %q, %v", s.Fingerprint(), plain, err)
		}
		packets := string(g.at(now0, "--list-packets", writeTemp(t, msg)))
		for _, r := range m.Recipients {
			if !strings.Contains(packets, "keyid "+r.String()) {
				t.Errorf("gpg --list-packets does not name %s:\n%s", r, packets)
			}
		}
		if n := strings.Count(packets, ":pubkey enc packet:"); n != len(m.Recipients) {
			t.Errorf("gpg lists %d recipients, ReadMessage %d", n, len(m.Recipients))
		}
		if strings.Contains(packets, ":compressed packet:") || strings.Count(packets, " tag=18 ") != 1 || !strings.Contains(packets, "mdc_method: 2") {
			t.Errorf("want one integrity-protected packet and no compression:\n%s", packets)
		}
	}
	g := newFakedGPG(t)
	g.at(now0, "--import", writeTemp(t, mustArmored(t, outsider.PrivateArmored)))
	if plain, err := g.try(msg, "--decrypt"); err == nil || bytes.Contains(plain, []byte("frobnicate")) {
		t.Errorf("an outsider's gpg decrypted the message: %q", plain)
	}

	// The other way round: gpg makes a key and encrypts to it.
	g.at(now0, "--quick-gen-key", "Made By GnuPG <gnupg@example.org>", "ed25519", "sign", "never")
	var fpr string
	for _, line := range strings.Split(string(g.at(now0, "--with-colons", "--list-keys", "gnupg@example.org")), "\n") {
		if f := strings.Split(line, ":"); f[0] == "fpr" && fpr == "" {
			fpr = f[9]
		}
	}
	g.at(now0, "--quick-add-key", fpr, "cv25519", "encr", "never")
	gpgMsg := g.at(now0, "--armor", "--output", "-", "--encrypt", "--recipient", fpr, "--cipher-algo", "AES256", writeTemp(t, sealedText))
	gm, err := ReadMessage(gpgMsg)
	if err != nil {
		t.Fatalf("ReadMessage of gpg's message: %v\n%s", err, gpgMsg)
	}
	k, err := ParseKeyFile(g.at(now0, "--armor", "--export", fpr))
	if err != nil {
		t.Fatal(err)
	}
	if len(gm.Recipients) != 1 || gm.Recipients[0].KeyID != encryptionSubkeyID(t, k) {
		t.Errorf("gpg's message names %+v, want the cv25519 subkey of %s", gm.Recipients, fpr)
	}
	ours := mustEncrypt(t, sealedText, k)
	if plain, err := g.try(ours, "--decrypt"); err != nil || !bytes.Equal(plain, sealedText) {
		t.Errorf("gpg --decrypt with its own key: %q, %v", plain, err)
	}
}
