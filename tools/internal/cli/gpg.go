package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// The tool never handles private keys: where a command signs or exports
// through GnuPG, it runs the user's own gpg (GNUPGHOME and gpg-agent as
// configured, hardware tokens included) and reads only what gpg prints.

// gpgProgram is the gpg to run; EMBARGO_GPG may name another (gpg2, a wrapper).
func gpgProgram() string {
	if p := os.Getenv("EMBARGO_GPG"); p != "" {
		return p
	}
	return "gpg"
}

// gpgExport returns the armored public key of fpr from the user's keyring.
func gpgExport(fpr string) ([]byte, error) {
	out, err := runGPG(nil, "--batch", "--armor", "--export-options", "export-minimal", "--export", fpr)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(out)) == 0 {
		return nil, usagef("import the key first (gpg --import KEY.asc), or give its exported file instead", "gpg has no public key %s", fpr)
	}
	return out, nil
}

// gpgSign returns an armored detached signature over text by key fpr, made by
// the user's gpg with SHA-256 (the digest statements are checked with).
func gpgSign(fpr string, text []byte) ([]byte, error) {
	return runGPG(text, "--batch", "--yes", "--armor", "--detach-sign", "--digest-algo", "SHA256", "--local-user", fpr+"!", "--output", "-")
}

func runGPG(stdin []byte, args ...string) ([]byte, error) {
	prog := gpgProgram()
	if _, err := exec.LookPath(prog); err != nil {
		return nil, usagef("install GnuPG (apt-get install gnupg), or sign elsewhere and use --attach FILE", "%s is not installed", prog)
	}
	cmd := exec.Command(prog, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("%s %s failed: %s", prog, args[len(args)-1], lastLine(stderr.String()))
		}
		return nil, err
	}
	return stdout.Bytes(), nil
}

// lastLine is gpg's last line of complaint, which says what went wrong.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) == 0 || lines[len(lines)-1] == "" {
		return "no message"
	}
	return strings.TrimPrefix(lines[len(lines)-1], "gpg: ")
}
