package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"
)

// editor writes a shell script that plays the user's editor: it logs the
// file it is given, then runs script on it ($1), and returns its path.
func editor(t *testing.T, log, script string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "editor")
	body := "#!/bin/sh\necho \"$1\" >> " + log + "\n" + script + "\n"
	if err := os.WriteFile(p, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// runIn runs the command with stdin.
func runIn(stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = RunWithInput(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// noPlaintextLeft fails when the editor's file, its folder or anything else
// is left in the private base folder.
func noPlaintextLeft(t *testing.T, base, log string) {
	t.Helper()
	calls, _ := os.ReadFile(log)
	for _, f := range strings.Fields(string(calls)) {
		if !strings.HasPrefix(f, base) {
			t.Errorf("the plain text was written to %s, outside the private folder %s", f, base)
		}
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s is left behind", f)
		}
		if _, err := os.Stat(filepath.Dir(f)); err == nil {
			t.Errorf("%s is left behind", filepath.Dir(f))
		}
	}
	if entries, _ := os.ReadDir(base); len(entries) > 0 {
		t.Errorf("%d entries left in %s", len(entries), base)
	}
}

// TestEditRoundTrip: `embargo edit` opens the sealed record through gpg in the
// editor, seals the edit again to the team, and leaves no plain text behind
// — also when the editor fails, or the edit is refused and not retried.
func TestEditRoundTrip(t *testing.T) {
	dana := newGPGHome(t, teamFprs["dana-debian"])
	dir := exampledata.Copy(t)
	base := t.TempDir() // the private folder's parent, empty before and after
	t.Setenv("XDG_RUNTIME_DIR", base)
	t.Setenv("VISUAL", "")
	log := filepath.Join(t.TempDir(), "edited")
	args := []string{"edit", "--repo", dir, "--gpg-program", dana.program(), demoNow, "EMB-2026-0004"}

	// A good edit: a note added.
	t.Setenv("EDITOR", editor(t, log, `printf '  Second reproducer from the reporter.\n' >> "$1"`))
	code, stdout, stderr := run(args...)
	if code != ExitOK || !strings.HasPrefix(stdout, "sealed "+sealedIssue+" to ") {
		t.Fatalf("edit: exit %d\n%s%s", code, stdout, stderr)
	}
	noPlaintextLeft(t, base, log)
	if bytes.Contains(readRepoFile(t, dir, sealedIssue), []byte("Second reproducer")) {
		t.Fatal("the edit was written in plain text")
	}
	_, shown, _ := run("show", "--repo", dir, "--gpg-program", dana.program(), "EMB-2026-0004")
	if !strings.Contains(shown, "  Second reproducer from the reporter.\n") || !strings.Contains(shown, "title: Use-after-free in the ferrule") {
		t.Errorf("show after edit:\n%s", shown)
	}
	if code, out, _ := run("validate", "--repo", dir, demoNow); code != ExitOK {
		t.Errorf("validate after edit: exit %d\n%s", code, out)
	}

	sealed := readRepoFile(t, dir, sealedIssue)
	unchanged := func(what string) {
		t.Helper()
		if !bytes.Equal(readRepoFile(t, dir, sealedIssue), sealed) {
			t.Errorf("%s: the record changed", what)
		}
		noPlaintextLeft(t, base, log)
	}

	// No change: nothing written.
	t.Setenv("EDITOR", editor(t, log, "true"))
	if code, stdout, _ := run(args...); code != ExitOK || !strings.Contains(stdout, "no change") {
		t.Errorf("no change: exit %d\n%s", code, stdout)
	}
	unchanged("no change")

	// The editor fails.
	t.Setenv("EDITOR", editor(t, log, `echo "title: half-written" >> "$1"; exit 3`))
	if code, _, stderr := run(args...); code != ExitUsage || !strings.Contains(stderr, "the record is left as it was") {
		t.Errorf("failing editor: exit %d\n%s", code, stderr)
	}
	unchanged("failing editor")

	// An edit that breaks a rule, not retried.
	t.Setenv("EDITOR", editor(t, log, `sed -i 's/notified: 2026-11-16T10:00:00Z/notified: 2026-11-13T10:00:00Z/' "$1"`))
	code, _, stderr = runIn("n\n", args...)
	if code != ExitFindings || !strings.Contains(stderr, "dates.order") || !strings.Contains(stderr, "left as it was") {
		t.Errorf("bad edit: exit %d\n%s", code, stderr)
	}
	unchanged("bad edit")

	// The same, retried: the second run of the editor repairs it.
	state := filepath.Join(t.TempDir(), "runs")
	t.Setenv("EDITOR", editor(t, log, `if [ -e `+state+` ]; then sed -i 's/notified: 2026-11-13T10:00:00Z/notified: 2026-11-16T10:00:00Z/; s/^notes: |$/notes: |\n  Fixed on the second try./' "$1"; else touch `+state+`; sed -i 's/notified: 2026-11-16T10:00:00Z/notified: 2026-11-13T10:00:00Z/' "$1"; fi`))
	code, stdout, stderr = runIn("y\n", args...)
	if code != ExitOK || !strings.Contains(stdout, "sealed ") {
		t.Fatalf("retried edit: exit %d\n%s%s", code, stdout, stderr)
	}
	noPlaintextLeft(t, base, log)
	if _, shown, _ := run("show", "--repo", dir, "--gpg-program", dana.program(), "EMB-2026-0004"); !strings.Contains(shown, "Fixed on the second try.") {
		t.Errorf("the retried edit is not there:\n%s", shown)
	}

	// Someone off the team cannot edit: gpg cannot decrypt, nothing is opened.
	greta := newGPGHome(t, offTeamFprs["greta-suse"])
	sealed = readRepoFile(t, dir, sealedIssue)
	if code, _, stderr := run("edit", "--repo", dir, "--gpg-program", greta.program(), demoNow, "EMB-2026-0004"); code == ExitOK || !strings.Contains(stderr, "gpg could not decrypt") {
		t.Errorf("edit as greta-suse: exit %d\n%s", code, stderr)
	}
	unchanged("edit off the team")
}
