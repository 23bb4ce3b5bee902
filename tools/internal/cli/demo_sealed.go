package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/embargo-tool/embargo/tools/internal/demo"
)

// demoSealed shows the demo's sealed record read with stock gpg: by its
// handler, with her TEST key in a throwaway keyring, and by a member off its
// team, who cannot. CI needs neither: validate judged the record with no key.
// Without gpg the step is skipped with a note.
func demoSealed(e *env, exampleDir, demoDir string, failed *bool) error {
	fmt.Fprintf(e.stdout, "\n== the sealed record %s, read with stock gpg --decrypt (validate above needed no key)\n", demo.SealedIssue)
	gpg, err := exec.LookPath("gpg")
	if err != nil {
		fmt.Fprintf(e.stdout, "gpg is not installed: skipping this step (apt-get install gnupg)\n")
		return nil
	}
	data, err := os.ReadFile(filepath.Join(demoDir, filepath.FromSlash(demo.SealedIssue)))
	if err != nil {
		return err
	}
	is, err := decode(demo.SealedIssue, data)
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "embargo-demo-gpg-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	msg := filepath.Join(work, "sealed.asc")
	if err := os.WriteFile(msg, []byte(is.Sealed), 0o600); err != nil {
		return err
	}
	for _, who := range []struct {
		person, fpr string
		reads       bool
	}{
		{"dana-debian, its handler", demo.ReaderKey, true},
		{"greta-suse, a member off its team", demo.OutsiderKey, false},
	} {
		fmt.Fprintf(e.stdout, "$ gpg --decrypt sealed.asc      # as %s, her TEST key in a throwaway GNUPGHOME\n", who.person)
		out, stderr, err := gpgAs(gpg, filepath.Join(exampleDir, "examples", "testkeys", who.fpr+".key"), msg)
		switch {
		case err == nil && who.reads:
			for _, line := range strings.Split(string(out), "\n") {
				if strings.HasPrefix(line, "title: ") {
					fmt.Fprintf(e.stdout, "%s\n(... the record's other private fields)\n", line)
				}
			}
			fmt.Fprintf(e.stdout, "-> decrypted, as expected\n")
		case err != nil && !who.reads:
			for _, line := range strings.Split(stderr, "\n") {
				if strings.Contains(line, "decryption failed") {
					fmt.Fprintf(e.stdout, "%s\n", line)
				}
			}
			fmt.Fprintf(e.stdout, "-> cannot read it, as expected\n")
		default:
			*failed = true
			fmt.Fprintf(e.stdout, "-> UNEXPECTED: gpg %v\n%s", err, stderr)
		}
	}
	return nil
}

// gpgAs imports one TEST key into a new GNUPGHOME and decrypts file there.
func gpgAs(gpg, key, file string) (stdout []byte, stderr string, err error) {
	home, err := os.MkdirTemp("", "gpg") // short: the agent's socket lives here
	if err != nil {
		return nil, "", err
	}
	defer func() {
		kill := exec.Command("gpgconf", "--kill", "all")
		kill.Env = append(os.Environ(), "GNUPGHOME="+home)
		_ = kill.Run()
		os.RemoveAll(home)
	}()
	run := func(args ...string) ([]byte, string, error) {
		cmd := exec.Command(gpg, append([]string{"--batch", "--no-tty"}, args...)...)
		cmd.Env = append(os.Environ(), "GNUPGHOME="+home, "LC_ALL=C")
		var errb bytes.Buffer
		cmd.Stderr = &errb
		out, err := cmd.Output()
		return out, errb.String(), err
	}
	if _, stderr, err := run("--import", key); err != nil {
		return nil, stderr, err
	}
	return run("--decrypt", file)
}
