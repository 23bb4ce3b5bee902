package cli

import (
	"bytes"
	"os"
	"strings"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/plural"
	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
	"github.com/embargo-tool/embargo/tools/internal/status"
)

func init() { commands["status"] = runStatus }

// runStatus lists what needs a person soon; exit 1 when something is overdue.
// It is where overdue work is enforced: `check` fails only the changes that
// touch a late record, while the daily reminder runs this and tells the
// people concerned (docs/guides/ci-admin.md, "Clock findings").
func runStatus(e *env, args []string) error {
	fs := newFlags(e, "status")
	repo := fs.String("repo", ".", "the policy repository")
	rev := fs.String("rev", "", "report on this git revision instead of the working tree (e.g. origin/main)")
	nowFlag := fs.String("now", "", "the time to report at (RFC 3339); default: now")
	withinFlag := fs.String("within", "72h", "how far ahead to look: hours (72h), minutes (90m), days (3d) or weeks (2w)")
	format := fs.String("format", "text", "output format: text, json or markdown")
	notify := fs.Bool("notify", false, "only what is overdue or due within --within, with the people concerned: the daily reminder's text")
	ical := fs.String("ical", "", "also write the disclosure date of every active embargo to this iCalendar file (ids, lists and dates only)")
	if err := parse(fs, e, args); err != nil {
		return err
	}
	if *ical != "" {
		if err := checkICalFile(*repo, *ical); err != nil {
			return err
		}
	}
	if err := checkFormat(*format, status.Formats); err != nil {
		return err
	}
	within, err := parseWithin(*withinFlag)
	if err != nil {
		return err
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		return err
	}
	if err := checkRepo(*repo); err != nil {
		return err
	}
	var out finding.List
	var src source.Source = source.Dir{Root: *repo}
	if *rev != "" {
		t, err := source.AtRevision(*repo, *rev)
		if err != nil {
			return usagef("give a branch, tag or commit id that exists in the repository", "--rev: %v", err)
		}
		src = t
	}
	st, err := state.Load(src, &out)
	if err != nil {
		return err
	}
	warnLoad(e, out.Sorted())
	r := status.Compute(st, now, within)
	if *ical != "" {
		if err := writeICal(*ical, r, st); err != nil {
			return err
		}
	}
	if *notify {
		r = r.Due()
	}
	if err := status.Write(e.stdout, *format, r); err != nil {
		return err
	}
	if r.Overdue() {
		return errFindings
	}
	return nil
}

// parseWithin reads a look-ahead window: a policy duration (3d) or a Go duration (72h, 1h30m).
func parseWithin(s string) (time.Duration, error) {
	abs, negative := strings.CutPrefix(s, "-")
	d, err := records.ParseDuration(abs)
	if err != nil {
		d, err = time.ParseDuration(abs)
	}
	switch {
	case err != nil:
		return 0, usagef("write it like 72h, 3d, 2w or 90m", "--within %q is not a duration", s)
	case negative && d > 0:
		return 0, usagef("status looks ahead from --now: give a positive window, e.g. 72h", "--within %q is negative", s)
	}
	return d, nil
}

// warnLoad says on stderr that some files did not load, so a report built from
// the rest is known to be partial.
func warnLoad(e *env, fs []finding.Finding) {
	files := map[string]bool{}
	for _, f := range fs {
		if f.Severity == finding.Error {
			files[f.File] = true
		}
	}
	if len(files) > 0 {
		e.warnf("%s left out", plural.Words(len(files), "file did not load and was", "files did not load and were"))
		e.hintf("run 'embargo validate' to see why")
	}
}

// checkICalFile refuses an --ical path inside the records or one that is
// there and not a regular file, before anything is read.
func checkICalFile(repo, file string) error {
	if err := checkOutside("--ical", "disclosures.ics", repo, file); err != nil {
		return err
	}
	if fi, err := os.Lstat(file); err == nil && !fi.Mode().IsRegular() {
		return usagef("remove it or pick another --ical file", "--ical %s exists and is not a regular file", file)
	}
	return nil
}

// writeICal replaces file with the calendar of r's disclosure dates.
func writeICal(file string, r *status.Report, st *state.State) error {
	group := ""
	if st.Policy != nil {
		group = st.Policy.Group
	}
	var b bytes.Buffer
	if err := status.ICal(&b, r, group); err != nil {
		return err
	}
	return replaceFile(file, b.Bytes(), 0o644)
}
