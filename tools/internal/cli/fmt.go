package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/embargo-tool/embargo/tools/internal/author"
	"github.com/embargo-tool/embargo/tools/internal/quote"
	"github.com/embargo-tool/embargo/tools/internal/yamldoc"
)

func init() { commands["fmt"] = runFmt }

// runFmt lays YAML records out canonically (see author.Format). It prints the
// files it rewrote, or with --check the files it would rewrite (exit 1). A
// file that does not parse is an error (exit 1); a valid file it cannot lay
// out without changing a value, type, style or comment is left as it is,
// with a warning, and does not fail --check.
func runFmt(e *env, args []string) error {
	fs := newFlags(e, "fmt")
	repo := fs.String("repo", ".", "the policy repository whose records to format when no FILE is given")
	check := fs.Bool("check", false, "change nothing: list the files that are not formatted and exit 1 if there are any")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			writeHelp(e.stderr, "fmt", fs)
			return err
		}
		return usagef("run 'embargo fmt --help' for its flags", "%v", err)
	}
	files := fs.Args()
	for _, f := range files {
		if strings.HasPrefix(f, "-") {
			return usagef("put flags before the file names: embargo fmt --check FILE...", "flag %q after a file name", f)
		}
	}
	if len(files) == 0 {
		if err := checkRepo(*repo); err != nil {
			return err
		}
		rels, err := author.RepositoryYAML(*repo)
		if err != nil {
			return err
		}
		for _, r := range rels {
			files = append(files, filepath.Join(*repo, filepath.FromSlash(r)))
		}
	}
	failed := false
	for _, path := range files {
		changed, err := fmtFile(path, *check)
		var se *yamldoc.SyntaxError
		if err != nil && !errors.As(err, &se) && errors.Is(err, author.ErrFormat) {
			// A valid file fmt cannot lay out without changing what it says
			// is left as it is, and passes --check: a pre-commit hook must
			// not block a valid record for ever.
			e.warnf("%s: %s", quote.Path(path), quote.Line(strings.TrimPrefix(err.Error(), author.ErrFormat.Error()+": ")))
			continue
		}
		if err != nil {
			if errors.As(err, &se) {
				// Say where, not what: the file may be a private record.
				fmt.Fprintf(e.stderr, "embargo: error: %s:%d:%d: %s; left alone\n", quote.Path(path), se.Line, se.Column, se.Redacted())
			} else {
				fmt.Fprintf(e.stderr, "embargo: error: %s: %s\n", quote.Path(path), quote.Line(err.Error()))
			}
			failed = true
			continue
		}
		if changed {
			fmt.Fprintln(e.stdout, quote.Path(path)) // one line per file, whatever its name
			failed = failed || *check
		}
	}
	if failed {
		if *check {
			e.hintf("run 'embargo fmt' to format them, then 'git diff' to review")
		}
		return errFindings
	}
	return nil
}

// fmtFile formats one file; it reports whether the file is (or, with check,
// would be) rewritten.
func fmtFile(path string, check bool) (bool, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return false, fmt.Errorf("%v", errors.Unwrap(err))
	}
	if !fi.Mode().IsRegular() {
		return false, errors.New("not a regular file; left alone")
	}
	if fi.Size() > yamldoc.MaxFileSize {
		return false, fmt.Errorf("larger than %d bytes; left alone", yamldoc.MaxFileSize)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return false, fmt.Errorf("%v", errors.Unwrap(err))
	}
	out, err := author.Format(path, data)
	var se *yamldoc.SyntaxError
	switch {
	case errors.As(err, &se):
		return false, se
	case err != nil:
		return false, fmt.Errorf("%w; left as it is", err)
	}
	if string(out) == string(data) || check {
		return string(out) != string(data), nil
	}
	return true, replaceFile(path, out, fi.Mode().Perm())
}

// replaceFile writes data to a temporary file beside path and renames it over
// path, so an interrupted write never leaves half a record.
func replaceFile(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
