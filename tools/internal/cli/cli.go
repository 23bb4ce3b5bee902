// Package cli implements the embargo command line. Output rules: results go to
// stdout; everything else goes to stderr as `embargo: error: ...`, `embargo:
// warning: ...` or `embargo: hint: ...`, lower-case, without a trailing period.
// Exit codes: 0 no error findings, 1 error findings, 2 the command could not run.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/records"
)

// Exit codes (a contract: README.md).
const (
	ExitOK       = 0
	ExitFindings = 1
	ExitUsage    = 2
)

const usage = `embargo keeps a disclosure group's embargo records, members and roles honest.

Usage:
    embargo validate  [--repo DIR] [--rev REV] [--now TIME] [--format text|json|github|sarif|gitlab]
    embargo verify    [--repo DIR] (--base REV [--head REV] [--fast-forward] | --all --trust FPR[,FPR]) [--now TIME] [--format ...]
    embargo check     [--repo DIR] [--base REV] [--head REV] [--now TIME] [--format ...]
    embargo approve   [--repo DIR] [--base REV] [--now TIME] [--dry-run]
    embargo pre-receive [--repo DIR] [--protect REF[,REF]] [--other-refs check|allow|refuse] [--trust FPR[,FPR]] [--timeout DUR]
    embargo timeline  [--repo DIR] [--rev REV] [--now TIME] [--unseal [--gpg-program P]] --out DIR
    embargo status    [--repo DIR] [--rev REV] [--now TIME] [--within DUR] [--notify] [--format text|json|markdown] [--ical FILE]
    embargo init      --group NAME --name TITLE --list L[:TEMPLATE][,...] --member ID --member-name NAME --kind K [--contact ADDR]
                      --founder ID=KEY [--founder ID=KEY ...] [--base-url URL] [--dir DIR] [--now TIME]
    embargo new issue --list L --title T [--severity S] [--handler PERSON] [--repo DIR] [--now TIME]
    embargo new member --id ID --name NAME --kind K --list L[,L] [--contact ADDR] [--repo DIR] [--now TIME]
                      --person ID --person-name NAME --email ADDR (--key FPR[,FPR] | --key-file FILE)
    embargo person add --member M --id ID --name NAME --email ADDR (--key FPR[,FPR] | --key-file FILE) [--repo DIR]
    embargo key add   FILE [--person ID] [--repo DIR]
    embargo fmt       [--repo DIR] [--check] [FILE...]
    embargo export-keys --list L [--repo DIR] [--now TIME]
    embargo export remail --list L --out DIR [--repo DIR] [--now TIME]
    embargo export schleuder --list L --current FILE [--address LIST@HOST] [--repo DIR] [--now TIME]
    embargo statement acceptance --person ID [--repo DIR]
    embargo statement vouch --member ID --voucher ID [--repo DIR]
    embargo statement teammate --person ID --voucher ID [--repo DIR]
    embargo statement terms --person ID [--repo DIR]
    embargo sign      acceptance --person ID | vouch --member ID --voucher ID | teammate --person ID --voucher ID
                      (--gpg | --attach FILE) [--repo DIR] [--now TIME]
    embargo codeowners [--repo DIR] [--rev REV] [--out FILE|-] [--check]
    embargo seal      [--repo DIR] [--now TIME] [--gpg-program P] [--force] FILE...
    embargo unseal    [--repo DIR] [--gpg-program P] [--force] FILE
    embargo show      [--repo DIR] [--rev REV] [--gpg-program P] ID
    embargo edit      [--repo DIR] [--now TIME] [--gpg-program P] ID
    embargo who-can   PATH [--rev REV] [--repo DIR]
    embargo explain   RULE
    embargo rules
    embargo demo      [--repo DIR] [--dir DIR] [--now TIME] [--out DIR]
    embargo version

Times are RFC 3339 with an offset, e.g. 2026-11-20T12:00:00Z.
'embargo VERB --help' says what a verb does, with an example.
Exit status: 0 no errors (warnings allowed), 1 error findings, 2 could not run.
`

// env is what a command needs from the outside world, so tests can drive Run directly.
type env struct {
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer
}

type command func(e *env, args []string) error

// commands maps each verb to its implementation; files of more verbs add
// themselves in an init function.
var commands = map[string]command{
	"validate":  runValidate,
	"verify":    runVerify,
	"check":     runCheck,
	"demo":      runDemo,
	"statement": runStatement,
	"rules":     runRules,
}

// usageError means the command could not run because of how it was called (exit 2).
type usageError struct{ msg, hint string }

func (e *usageError) Error() string { return e.msg }

func usagef(hint, format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...), hint: hint}
}

// errFindings means the command ran and reported error findings (exit 1).
var errFindings = errors.New("error findings")

// Run runs the command line args (without the program name) and returns the
// exit code; standard input is the process's.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return RunWithInput(ctx, args, os.Stdin, stdout, stderr)
}

// RunWithInput is Run reading standard input from stdin.
func RunWithInput(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	if args[0] == "--version" || args[0] == "-version" {
		args = []string{"version"}
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "embargo: error: unknown command %q\n", args[0])
		if s := suggest(args[0]); s != "" {
			fmt.Fprintf(stderr, "embargo: hint: did you mean %q?\n", s)
		}
		fmt.Fprintf(stderr, "embargo: hint: run 'embargo --help' for the list of commands\n")
		return ExitUsage
	}
	if len(args) > 1 && kindVerbs[args[0]] && wantsHelp(args[1:2]) {
		// Before the verb reads a kind or flags: `new --help` is help, not a kind.
		writeHelp(stderr, helpKey(args), nil)
		return ExitOK
	}
	err := runSafely(cmd, &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}, args[1:])
	var ue *usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, errFindings):
		return ExitFindings
	case errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "embargo: error: %s\n", ue.msg)
		if ue.hint != "" {
			fmt.Fprintf(stderr, "embargo: hint: %s\n", ue.hint)
		}
		return ExitUsage
	default:
		fmt.Fprintf(stderr, "embargo: error: %v\n", err)
		return ExitUsage
	}
}

// runSafely turns a panic anywhere below into an error (exit 2): the check
// fails closed with a message instead of a stack trace.
func runSafely(cmd command, e *env, args []string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v; nothing was passed — please report this with the command line", r)
		}
	}()
	return cmd(e, args)
}

func suggest(name string) string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if strings.HasPrefix(n, name) || strings.HasPrefix(name, n) || levenshtein(n, name) <= 2 {
			return n
		}
	}
	return ""
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// newFlags makes a flag set that reports errors as usage errors, not by exiting.
func newFlags(e *env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("embargo "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parse parses args, turning flag errors into usage errors with a hint.
func parse(fs *flag.FlagSet, e *env, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			writeHelp(e.stderr, strings.TrimPrefix(fs.Name(), "embargo "), fs)
			return err
		}
		return usagef("run '"+fs.Name()+" --help' for its flags", "%v", err)
	}
	if fs.NArg() > 0 {
		return usagef("flags start with --; run '"+fs.Name()+" --help'", "unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// parseNow reads --now; empty means the wall clock (read here, in the CLI, only).
func parseNow(s string) (time.Time, error) {
	if s == "" {
		return time.Now().UTC(), nil
	}
	t, err := records.ParseInstant(s)
	if err != nil {
		return time.Time{}, usagef("write it like 2026-11-20T12:00:00Z", "--now %q is not an RFC 3339 time with an offset", s)
	}
	return t, nil
}

func checkFormat(f string, allowed []string) error {
	for _, a := range allowed {
		if f == a {
			return nil
		}
	}
	return usagef("use one of: "+strings.Join(allowed, ", "), "unknown --format %q", f)
}

func checkRepo(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return usagef("point --repo at the policy repository's top folder", "cannot read repository %s: %v", dir, errors.Unwrap(err))
	}
	if !fi.IsDir() {
		return usagef("point --repo at the policy repository's top folder", "repository %s is not a folder", dir)
	}
	return nil
}
