package cli

import (
	"errors"
	"fmt"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/plural"
	"github.com/embargo-tool/embargo/tools/internal/rules"
	"github.com/embargo-tool/embargo/tools/internal/timeline"
)

func init() { commands["timeline"] = runTimeline }

// runTimeline writes the public record of every lifted embargo. It refuses to
// publish from records with errors (see publicationErrors), and the leak guard
// refuses any output that quotes a private field.
func runTimeline(e *env, args []string) error {
	fs := newFlags(e, "timeline")
	repo := fs.String("repo", ".", "the policy repository")
	rev := fs.String("rev", "", "publish from this git revision instead of the working tree")
	nowFlag := fs.String("now", "", "the time to publish at (RFC 3339); default: now")
	out := fs.String("out", "", "the folder to write (new or empty)")
	var sealed sealFlags
	unseal := fs.Bool("unseal", false, "decrypt the sealed records through your gpg so the leak guard also refuses copies of their private fields")
	fs.StringVar(&sealed.gpg, "gpg-program", "", "with --unseal: the gpg that decrypts (default: $"+gpgEnv+", git config gpg.program, gpg)")
	if err := parse(fs, e, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("name the output folder: --out public/", "timeline needs --out")
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		return err
	}
	if err := checkRepo(*repo); err != nil {
		return err
	}
	if err := checkOutside("--out", "public/", *repo, *out); err != nil {
		return err
	}
	var findings finding.List
	st, err := validateAt(*repo, *rev, now, &findings)
	if err != nil {
		return err
	}
	fsOut := findings.Sorted()
	if blocking, late := publicationErrors(fsOut, timeline.Publishes(st, now)); blocking > 0 {
		if err := emit(e, "text", fsOut); err != nil && !errors.Is(err, errFindings) {
			return err
		}
		fmt.Fprintln(e.stderr, "embargo: error: not publishing: the records have errors (above); fix them first")
		return errFindings
	} else if len(late) > 0 {
		e.warnf("publishing despite %s", clockSummary(late, "the timeline does not publish"))
		e.hintf("'embargo status' lists them; the daily reminder enforces them")
	}
	sealed.repo = *repo
	opt, err := timelineSealed(e, &sealed, *rev, st, now, *unseal)
	if err != nil {
		return err
	}
	files, err := timeline.PublishWith(st, now, *out, opt)
	var leak *timeline.LeakError
	switch {
	case errors.As(err, &leak):
		fmt.Fprintf(e.stderr, "embargo: error: %v\n", err)
		fmt.Fprintln(e.stderr, "embargo: hint: a public field quotes a private one; nothing was published")
		return errFindings
	case errors.Is(err, timeline.ErrNotEmpty):
		return usagef("give a new or empty folder: old files would mix with the new ones", "%s is not empty", *out)
	case err != nil:
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s to %s\n", plural.Of(len(files), "file"), *out)
	return nil
}

// publicationErrors counts the error findings that hold publication back, and
// returns apart the ones that do not: clock-only findings (rules.ClockOnlyFinding)
// on records the timeline does not publish. A late embargo or an expired key
// says nothing false about what is published; any other error — a record that
// does not parse, a broken date, a duplicate id — might hide a status or a date
// that decides what is still secret, so it stops publication.
func publicationErrors(fs []finding.Finding, published map[string]bool) (blocking int, late []finding.Finding) {
	for _, f := range fs {
		switch {
		case f.Severity != finding.Error:
		case f.File != "" && !published[f.File] && rules.ClockOnlyFinding(f):
			late = append(late, f)
		default:
			blocking++
		}
	}
	return blocking, late
}
