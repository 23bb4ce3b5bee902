package seal

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/embargo-tool/embargo/tools/internal/pgp"
)

// DefaultGPG is the program GPG runs when none is configured.
const DefaultGPG = "gpg"

// Errors of GPG.Decrypt.
var (
	// ErrNoGPG: the configured program cannot be started.
	ErrNoGPG = errors.New("cannot run gpg")
	// ErrNotDecrypted: gpg could not decrypt the message (not a recipient,
	// no key, a card not present, a wrong PIN).
	ErrNotDecrypted = errors.New("gpg could not decrypt the sealed part")
	// ErrWeakMessage: gpg decrypted a message that was not encrypted with
	// AES-256 or not integrity-protected; its plaintext is not used.
	ErrWeakMessage = errors.New("the sealed part is not AES-256 with an integrity check")
)

// GPG decrypts sealed messages through the user's own gpg, as git signs
// through gpg.program: the private key stays with gpg, its agent or a
// hardware key, and this tool never reads it. The message goes to gpg's
// standard input and the plaintext comes back from its standard output,
// never through a file; gpg's own messages (which key, the PIN prompt's
// errors) go to Stderr.
type GPG struct {
	Program string    // default DefaultGPG; may hold arguments, as git's gpg.program may not
	Stderr  io.Writer // gpg's messages; nil discards them
	Env     []string  // the environment; nil inherits this process's
}

// Decrypt runs `gpg --batch --status-fd 3 --decrypt` on msg and returns the
// plaintext, at most pgp.MaxMessageSize bytes. It needs gpg's status lines
// to say the decryption succeeded, with AES-256 and an integrity check
// (DECRYPTION_INFO, GOODMDC or an AEAD mode, DECRYPTION_OKAY); anything else
// is an error and the plaintext is dropped. Errors wrap ErrNoGPG,
// ErrNotDecrypted or ErrWeakMessage.
func (g GPG) Decrypt(msg []byte) ([]byte, error) {
	fields := strings.Fields(g.Program)
	if len(fields) == 0 {
		fields = []string{DefaultGPG}
	}
	statusR, statusW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer statusR.Close()
	args := append(fields[1:], "--batch", "--no-tty", "--status-fd", "3", "--decrypt")
	cmd := exec.Command(fields[0], args...)
	cmd.Stdin = bytes.NewReader(msg)
	out := &limitedBuffer{limit: pgp.MaxMessageSize}
	cmd.Stdout = out
	cmd.Stderr = g.Stderr
	cmd.Env = g.Env
	cmd.ExtraFiles = []*os.File{statusW}
	if err := cmd.Start(); err != nil {
		statusW.Close()
		return nil, fmt.Errorf("%w %q: %v; install GnuPG, or name your gpg with --gpg-program, EMBARGO_GPG_PROGRAM or git config gpg.program", ErrNoGPG, fields[0], err)
	}
	statusW.Close() // gpg holds its own copy
	var status []string
	sc := bufio.NewScanner(statusR)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "[GNUPG:] "); ok {
			status = append(status, rest)
		}
	}
	waitErr := cmd.Wait()
	plain := out.Bytes()
	if err := judgeStatus(status, waitErr, out.over); err != nil {
		clear(plain)
		return nil, err
	}
	return plain, nil
}

// judgeStatus reads gpg's status lines of one decryption.
func judgeStatus(status []string, waitErr error, tooLarge bool) error {
	has := func(word string) (string, bool) {
		for _, s := range status {
			if k, rest, _ := strings.Cut(s, " "); k == word {
				return rest, true
			}
		}
		return "", false
	}
	if tooLarge {
		return fmt.Errorf("%w: the plaintext is larger than %d bytes", ErrNotDecrypted, pgp.MaxMessageSize)
	}
	if _, failed := has("DECRYPTION_FAILED"); failed || waitErr != nil {
		why := "you are not among its recipients, or your key (or its card) is not available"
		if _, ok := has("NO_SECKEY"); !ok {
			why = "see gpg's messages above"
		}
		return fmt.Errorf("%w: %s", ErrNotDecrypted, why)
	}
	if _, ok := has("DECRYPTION_OKAY"); !ok {
		return fmt.Errorf("%w: gpg did not report a successful decryption", ErrNotDecrypted)
	}
	info, ok := has("DECRYPTION_INFO")
	f := strings.Fields(info)
	if !ok || len(f) < 2 {
		return fmt.Errorf("%w: gpg did not say how the message was encrypted", ErrWeakMessage)
	}
	if f[1] != "9" { // AES-256 (RFC 9580 §9.3)
		return fmt.Errorf("%w: symmetric algorithm %s", ErrWeakMessage, f[1])
	}
	_, goodMDC := has("GOODMDC")
	aead := len(f) > 2 && f[2] != "0"
	if _, bad := has("BADMDC"); bad || (!goodMDC && !aead) {
		return fmt.Errorf("%w: no integrity check passed", ErrWeakMessage)
	}
	return nil
}

// limitedBuffer keeps at most limit bytes and notes when more came.
type limitedBuffer struct {
	bytes.Buffer
	limit int
	over  bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.limit {
		b.over = true
		return len(p), nil // keep reading, so gpg is not stopped by a broken pipe
	}
	return b.Buffer.Write(p)
}
