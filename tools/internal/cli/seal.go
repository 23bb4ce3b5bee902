package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/config"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/report"
	"github.com/embargo-tool/embargo/tools/internal/rules"
	"github.com/embargo-tool/embargo/tools/internal/schemas"
	"github.com/embargo-tool/embargo/tools/internal/seal"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
	"github.com/embargo-tool/embargo/tools/internal/validate"
)

// The verbs of sealed records (docs/guides/sealed-records.md): seal and
// unseal rewrite record files, show prints one in plain text, edit opens one
// in an editor. Only gpg decrypts: the tool never reads a private key.
func init() {
	commands["seal"] = runSeal
	commands["unseal"] = runUnseal
	commands["show"] = runShow
	commands["edit"] = runEdit
}

// gpgEnv names the environment variable that names the gpg program.
const gpgEnv = "EMBARGO_GPG_PROGRAM"

// sealFlags are the flags the sealed-record verbs share.
type sealFlags struct {
	repo, now, gpg string
	force          bool
}

func (s *sealFlags) register(fs *flag.FlagSet, force string) {
	fs.StringVar(&s.repo, "repo", ".", "the policy repository (its working tree)")
	fs.StringVar(&s.now, "now", "", "the time to check and seal at (RFC 3339); default: now")
	fs.StringVar(&s.gpg, "gpg-program", "", "the gpg that decrypts (default: $"+gpgEnv+", git config gpg.program, gpg)")
	if force != "" {
		fs.BoolVar(&s.force, "force", false, force)
	}
}

// decrypter is the user's gpg: --gpg-program, then EMBARGO_GPG_PROGRAM, then
// git's gpg.program of the repository (local, then global), then gpg.
func (s *sealFlags) decrypter(e *env) seal.GPG {
	prog := s.gpg
	if prog == "" {
		prog = os.Getenv(gpgEnv)
	}
	if prog == "" {
		if repo, err := source.OpenRepo(s.repo); err == nil {
			for _, scope := range []config.Scope{config.LocalScope, config.GlobalScope} {
				if c, err := repo.ConfigScoped(scope); err == nil {
					if p := c.Raw.Section("gpg").Option("program"); p != "" {
						prog = p
						break
					}
				}
			}
		}
	}
	return seal.GPG{Program: prog, Stderr: e.stderr}
}

// parseArgs parses flags that may stand before or after the positional
// arguments (`embargo seal FILE --now T`), and returns the positionals.
func parseArgs(fs *flag.FlagSet, e *env, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				writeHelp(e.stderr, strings.TrimPrefix(fs.Name(), "embargo "), fs)
				return nil, err
			}
			return nil, usagef("run '"+fs.Name()+" --help' for its flags", "%v", err)
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// recordPath turns a file argument into a path of the repository layout.
func recordPath(repo, file string) (string, error) {
	absRepo, err := filepath.Abs(repo)
	if err != nil {
		return "", err
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(abs); err != nil && !filepath.IsAbs(file) {
		// a path relative to the repository, given from elsewhere
		if _, err2 := os.Stat(filepath.Join(absRepo, file)); err2 == nil {
			abs = filepath.Join(absRepo, file)
		}
	}
	rel, err := filepath.Rel(absRepo, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", usagef("give a record file of the repository, such as issues/2026/EMB-2026-0004.yaml", "%s is not inside the repository %s", file, repo)
	}
	rel = filepath.ToSlash(rel)
	if _, _, ok := state.IssuePathParts(rel); !ok {
		return "", usagef("records are issues/<YYYY>/EMB-<YYYY>-<NNNN>.yaml", "%s is not an issue record", file)
	}
	return rel, nil
}

var issueIDRe = regexp.MustCompile(`^EMB-([0-9]{4})-[0-9]{4,}$`)

// idPath turns an issue id (or a record path) into its record path.
func idPath(repo, id string) (string, error) {
	if m := issueIDRe.FindStringSubmatch(id); m != nil {
		return "issues/" + m[1] + "/" + id + ".yaml", nil
	}
	if strings.HasSuffix(id, ".yaml") {
		return recordPath(repo, id)
	}
	return "", usagef("give an issue id such as EMB-2026-0004", "%q is not an issue id", id)
}

// overlay is a source whose files at some paths are replaced: the working
// tree with a record as it would be written, so the rules judge it before
// anything is written.
type overlay struct {
	source.Source
	files map[string][]byte
}

func (o overlay) Read(p string) ([]byte, error) {
	if d, ok := o.files[p]; ok {
		return d, nil
	}
	return o.Source.Read(p)
}

// judgeRecord loads the working tree with data at path, runs every rule, and
// returns the state and the findings that stop sealing it (see stopping).
func judgeRecord(repo, path string, data []byte, now time.Time) (*state.State, []finding.Finding, error) {
	var out finding.List
	st, err := state.Load(overlay{source.Dir{Root: repo}, map[string][]byte{path: data}}, &out)
	if err != nil {
		return nil, nil, err
	}
	validate.Check(st, now, &out)
	return st, stopping(path, out.Sorted()), nil
}

// refuse prints the findings that stop a record from being sealed.
func refuse(e *env, path string, fs []finding.Finding) {
	report.Write(e.stderr, "text", fs)
	sayError(e, "%s has errors (above): not sealed; fix them and run the command again", path)
}

// writeRecord replaces the file at path by data in one step (a new file
// renamed over it), so a record is never left half-written.
func writeRecord(repo, path string, data []byte) error {
	full := filepath.Join(repo, filepath.FromSlash(path))
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(full); err == nil {
		mode = fi.Mode().Perm()
	}
	return replaceFile(full, data, mode)
}

// decode reads a record file through the layers of validate.
func decode(path string, data []byte) (*records.Issue, error) {
	rec, err := state.Decode(schemas.Issue, path, data)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return rec.(*records.Issue), nil
}

// runSeal seals records in the working tree: a plain record is judged by
// every rule, then its private fields are encrypted to its team; a sealed
// one is decrypted through gpg and sealed again to its current team.
func runSeal(e *env, args []string) error {
	fs := newFlags(e, "seal")
	var s sealFlags
	s.register(fs, "seal a sealed record again even when its recipients are its team already")
	files, err := parseArgs(fs, e, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("name the records: embargo seal issues/2026/EMB-2026-0004.yaml", "seal needs at least one FILE")
	}
	now, err := parseNow(s.now)
	if err != nil {
		return err
	}
	if err := checkRepo(s.repo); err != nil {
		return err
	}
	var paths []string
	for _, f := range files {
		p, err := recordPath(s.repo, f)
		if err != nil {
			return err
		}
		paths = append(paths, p)
	}
	failed := false
	tree := &treeJudgement{repo: s.repo, now: now}
	for _, p := range paths {
		if err := sealOne(e, &s, tree, p, now); err != nil {
			if !errors.Is(err, errFindings) {
				sayError(e, "%v", err)
			}
			failed = true
		}
	}
	if failed {
		return errFindings
	}
	return nil
}

// treeJudgement runs every rule over the working tree once, for all the
// plain records of one `seal`.
type treeJudgement struct {
	repo string
	now  time.Time
	done bool
	st   *state.State
	fs   []finding.Finding
	err  error
}

// of returns the state and the findings that stop sealing path as it is on disk.
func (j *treeJudgement) of(path string, data []byte) (*state.State, []finding.Finding, error) {
	if !j.done {
		j.done = true
		var out finding.List
		if j.st, j.err = state.Load(source.Dir{Root: j.repo}, &out); j.err == nil {
			validate.Check(j.st, j.now, &out)
			j.fs = out.Sorted()
		}
	}
	if j.err != nil {
		return nil, nil, j.err
	}
	return j.st, stopping(path, j.fs), nil
}

// stopping keeps the findings that stop sealing the record at path: its
// errors, except the sealed rules (sealing is what they ask for) and the
// clock's (a late record may still be sealed).
func stopping(path string, fs []finding.Finding) []finding.Finding {
	var stop []finding.Finding
	for _, f := range fs {
		if f.File == path && f.Severity == finding.Error && !strings.HasPrefix(f.Rule, "sealed.") && !rules.ClockOnlyFinding(f) {
			stop = append(stop, f)
		}
	}
	return stop
}

// warnComments says which comments a sealed record keeps in plain text.
func warnComments(e *env, path string, sealed []byte) {
	if lines := seal.PlainComments(path, sealed); len(lines) > 0 {
		var at []string
		for _, l := range lines {
			at = append(at, fmt.Sprint(l))
		}
		e.warnf("%s keeps comments in plain text, by the keys on lines %s: only comments on private fields are sealed; move anything private into notes", path, strings.Join(at, ", "))
	}
}

func sealOne(e *env, s *sealFlags, tree *treeJudgement, path string, now time.Time) error {
	data, err := os.ReadFile(filepath.Join(s.repo, filepath.FromSlash(path)))
	if err != nil {
		return err
	}
	is, err := decode(path, data)
	if err != nil {
		return err
	}
	plain := data
	if is.Sealed != "" {
		st, _, err := judgeRecord(s.repo, path, data, now)
		if err != nil {
			return err
		}
		if !s.force {
			if team, ok := seal.UpToDate(st, path, data, now); ok {
				fmt.Fprintf(e.stdout, "%s is sealed to its team already: %s\n", path, strings.Join(team.People, ", "))
				return nil
			}
		}
		if plain, err = seal.Open(path, data, s.decrypter(e)); err != nil {
			return err
		}
	}
	st, stop, err := tree.of(path, plain)
	if is.Sealed != "" {
		st, stop, err = judgeRecord(s.repo, path, plain, now)
	}
	if err != nil {
		return err
	}
	if len(stop) > 0 {
		refuse(e, path, stop)
		return errFindings
	}
	out, team, err := seal.Record(st, path, plain, now)
	if err != nil {
		return err
	}
	if err := writeRecord(s.repo, path, out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "sealed %s to %s\n", path, strings.Join(team.People, ", "))
	warnComments(e, path, out)
	return nil
}

// runUnseal writes a sealed record back in plain text, for disclosure.
func runUnseal(e *env, args []string) error {
	fs := newFlags(e, "unseal")
	var s sealFlags
	s.register(fs, "unseal an embargoed record of a sealed list too (its plain text must not be committed)")
	files, err := parseArgs(fs, e, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return usagef("name one record: embargo unseal issues/2026/EMB-2026-0004.yaml", "unseal needs exactly one FILE")
	}
	if err := checkRepo(s.repo); err != nil {
		return err
	}
	path, err := recordPath(s.repo, files[0])
	if err != nil {
		return err
	}
	data, err := os.ReadFile(filepath.Join(s.repo, filepath.FromSlash(path)))
	if err != nil {
		return err
	}
	is, err := decode(path, data)
	if err != nil {
		return err
	}
	if is.Sealed == "" {
		return usagef("", "%s is not sealed", path)
	}
	var p records.Policy
	if st, err := state.LoadParts(source.Dir{Root: s.repo}, &finding.List{}, state.PolicyFile); err == nil && st.Policy != nil {
		p = *st.Policy
	}
	if seal.MustSeal(is.Status) && seal.ListSealed(&p, is.List) && !s.force {
		return usagef("set status: disclosed first, read it with 'embargo show "+is.ID+"', or pass --force",
			"%s is embargoed on the sealed list %s: its plain text must not be committed", path, is.List)
	}
	plain, err := seal.Open(path, data, s.decrypter(e))
	if err != nil {
		return err
	}
	if err := writeRecord(s.repo, path, plain); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "unsealed %s\n", path)
	return nil
}

// runShow prints a record in plain text, decrypting its sealed part through gpg.
func runShow(e *env, args []string) error {
	fs := newFlags(e, "show")
	var s sealFlags
	s.register(fs, "")
	rev := fs.String("rev", "", "read the record from this git revision instead of the working tree")
	ids, err := parseArgs(fs, e, args)
	if err != nil {
		return err
	}
	if len(ids) != 1 {
		return usagef("name one issue: embargo show EMB-2026-0004", "show needs exactly one ID")
	}
	if err := checkRepo(s.repo); err != nil {
		return err
	}
	path, err := idPath(s.repo, ids[0])
	if err != nil {
		return err
	}
	var src source.Source = source.Dir{Root: s.repo}
	if *rev != "" {
		t, err := source.AtRevision(s.repo, *rev)
		if err != nil {
			return usagef("give a branch, tag or commit id that exists in the repository", "%v", err)
		}
		src = t
	}
	data, err := src.Read(path)
	if err != nil {
		return usagef("check the id; 'embargo status' lists the open issues", "cannot read %s: %v", path, err)
	}
	is, err := decode(path, data)
	if err != nil {
		return err
	}
	if is.Sealed != "" {
		if data, err = seal.Open(path, data, s.decrypter(e)); err != nil {
			return err
		}
	}
	_, err = e.stdout.Write(data)
	return err
}

// sayError writes `embargo: error: ...` to stderr.
func sayError(e *env, format string, args ...any) {
	fmt.Fprintf(e.stderr, "embargo: error: "+format+"\n", args...)
}
