package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/seal"
)

// runEdit opens a record in plain text in the user's editor and writes it
// back sealed to its current team. The plaintext lives in memory and, while
// the editor runs, in one file in a private folder (mode 0700) that is
// removed, folder and all, before anything is written; the record file is
// replaced in one step or not at all.
func runEdit(e *env, args []string) error {
	fs := newFlags(e, "edit")
	var s sealFlags
	s.register(fs, "")
	ids, err := parseArgs(fs, e, args)
	if err != nil {
		return err
	}
	if len(ids) != 1 {
		return usagef("name one issue: embargo edit EMB-2026-0004", "edit needs exactly one ID")
	}
	now, err := parseNow(s.now)
	if err != nil {
		return err
	}
	if err := checkRepo(s.repo); err != nil {
		return err
	}
	path, err := idPath(s.repo, ids[0])
	if err != nil {
		return err
	}
	data, err := os.ReadFile(filepath.Join(s.repo, filepath.FromSlash(path)))
	if err != nil {
		return usagef("check the id; 'embargo status' lists the open issues", "cannot read %s: %v", path, err)
	}
	is, err := decode(path, data)
	if err != nil {
		return err
	}
	wasSealed := is.Sealed != ""
	plain := data
	if wasSealed {
		if plain, err = seal.Open(path, data, s.decrypter(e)); err != nil {
			return err
		}
	}
	defer clear(plain)
	text := plain
	for {
		edited, err := editInPrivate(e, is.ID, text)
		if err != nil {
			return err
		}
		if bytes.Equal(edited, plain) {
			fmt.Fprintf(e.stdout, "%s: no change; the record is left as it was\n", path)
			return nil
		}
		stop, out, err := sealEdited(&s, path, is.ID, edited, wasSealed, now)
		if err != nil {
			return err
		}
		if len(stop) == 0 {
			if err := writeRecord(s.repo, path, out.data); err != nil {
				return err
			}
			if out.team != nil {
				fmt.Fprintf(e.stdout, "sealed %s to %s\n", path, strings.Join(out.team, ", "))
				warnComments(e, path, out.data)
			} else {
				fmt.Fprintf(e.stdout, "wrote %s (in plain text: its list does not seal it)\n", path)
			}
			return nil
		}
		report := stop
		writeFindings(e, report)
		if !askAgain(e, path) {
			sayError(e, "%s is left as it was", path)
			return errFindings
		}
		text = edited
	}
}

// edited is what sealEdited would write: the record, and the team it is sealed to.
type edited struct {
	data []byte
	team []string // nil when written in plain text
}

// sealEdited judges an edited record and seals it: always when it was
// sealed, and when its list seals it now. It returns the findings that stop it.
func sealEdited(s *sealFlags, path, id string, text []byte, wasSealed bool, now time.Time) ([]string, edited, error) {
	is, err := decode(path, text)
	if err != nil {
		return []string{err.Error()}, edited{}, nil
	}
	if is.ID != id {
		return []string{fmt.Sprintf("%s: the id must stay %s (a record does not change its id)", path, id)}, edited{}, nil
	}
	if is.Sealed != "" {
		return []string{fmt.Sprintf("%s: remove the sealed field: edit the plain text, embargo seals it", path)}, edited{}, nil
	}
	st, stop, err := judgeRecord(s.repo, path, text, now)
	if err != nil {
		return nil, edited{}, err
	}
	if len(stop) > 0 {
		var msgs []string
		for _, f := range stop {
			msgs = append(msgs, fmt.Sprintf("%s:%d:%d: %s: %s", f.File, f.Line, f.Column, f.Rule, f.Message))
		}
		return msgs, edited{}, nil
	}
	if !wasSealed && !(seal.MustSeal(is.Status) && seal.ListSealed(st.Policy, is.List)) {
		return nil, edited{data: text}, nil
	}
	out, team, err := seal.Record(st, path, text, now)
	if err != nil {
		return []string{err.Error()}, edited{}, nil
	}
	return nil, edited{data: out, team: team.People}, nil
}

func writeFindings(e *env, msgs []string) {
	for _, m := range msgs {
		fmt.Fprintf(e.stderr, "%s\n", m)
	}
}

// askAgain asks on standard input whether to edit again.
func askAgain(e *env, path string) bool {
	fmt.Fprintf(e.stderr, "embargo: %s cannot be written as edited (above). Edit it again? [y/N] ", path)
	line, _ := bufio.NewReader(e.stdin).ReadString('\n')
	return strings.EqualFold(strings.TrimSpace(line), "y")
}

// privateBase is where the private folder goes: $XDG_RUNTIME_DIR (a
// per-user folder in memory on most Linux systems) when it is there, else the
// system's temporary folder.
func privateBase() string {
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			return d
		}
	}
	return os.TempDir()
}

// editInPrivate writes text to <private folder>/<id>.yaml, runs the editor on
// it, reads it back and removes the folder (with whatever the editor left
// beside the file: swap and backup files). Interrupts wait for the editor
// and the removal.
func editInPrivate(e *env, id string, text []byte) (out []byte, err error) {
	dir, err := os.MkdirTemp(privateBase(), "embargo-edit-")
	if err != nil {
		return nil, err
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	defer removePrivate(dir)
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, err
	}
	file := filepath.Join(dir, id+".yaml")
	if err := os.WriteFile(file, text, 0o600); err != nil {
		return nil, err
	}
	editor := os.Getenv("VISUAL")
	if editor == "" {
		editor = os.Getenv("EDITOR")
	}
	if editor == "" {
		editor = "vi"
	}
	// The editor may carry arguments ("code --wait"), as git allows.
	cmd := exec.Command("/bin/sh", "-c", editor+` "$1"`, "editor", file)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	runErr := cmd.Run()
	select {
	case sig := <-sigs:
		return nil, fmt.Errorf("interrupted (%v): the record is left as it was, and the plain text removed", sig)
	default:
	}
	if runErr != nil {
		return nil, fmt.Errorf("the editor (%s) failed: %v; the record is left as it was, and the plain text removed", editor, runErr)
	}
	out, err = os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading the edited record: %v", err)
	}
	return out, nil
}

// removePrivate overwrites the files of the private folder, then removes it.
// Overwriting is best effort (journaling and copy-on-write file systems keep
// old blocks); what matters is that no file is left behind.
func removePrivate(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, en := range entries {
		p := filepath.Join(dir, en.Name())
		if fi, err := os.Lstat(p); err == nil && fi.Mode().IsRegular() {
			if f, err := os.OpenFile(p, os.O_WRONLY, 0); err == nil {
				f.Write(make([]byte, fi.Size()))
				f.Close()
			}
		}
	}
	if err := os.RemoveAll(dir); err != nil && !errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(os.Stderr, "embargo: warning: could not remove %s: %v; remove it by hand\n", dir, err)
	}
}
