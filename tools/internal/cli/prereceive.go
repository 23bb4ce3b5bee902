package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/gitobj"
	"github.com/embargo-tool/embargo/tools/internal/gittree"
	"github.com/embargo-tool/embargo/tools/internal/report"
	"github.com/embargo-tool/embargo/tools/internal/seal"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
	"github.com/embargo-tool/embargo/tools/internal/verify"
)

func init() { commands["pre-receive"] = runPreReceive }

// preReceiveLimits bound what the hook reads from git.
const (
	maxRefUpdates = 10_000
	maxLineLen    = 4096
)

var refUpdateRe = regexp.MustCompile(`^([0-9a-f]{40}) ([0-9a-f]{40}) (refs/[^\x00-\x20\x7f]+)$`)

// otherRefModes say what the hook does with refs that are not protected.
var otherRefModes = []string{"check", "allow", "refuse"}

// runPreReceive is git's pre-receive hook in a bare repository: it reads
// "<old> <new> <ref>" lines and refuses the whole push (exit 1) when any
// update fails. Protected branches get what the protected branch's CI runs
// (verify --fast-forward: no deletion, no rewrite, every new commit judged by
// the state before its landing); other refs are judged as pull requests
// against the first protected branch. It reads the pushed objects where git
// keeps them until the hook accepts (the quarantine) and writes nothing.
// Anything it cannot decide — an unreadable object, a timeout, a panic —
// refuses the push.
func runPreReceive(e *env, args []string) error {
	fs := newFlags(e, "pre-receive")
	repoDir := fs.String("repo", "", "the bare repository (default: $GIT_DIR, else the current folder)")
	protect := fs.String("protect", "refs/heads/main", "comma-separated protected refs: no deletion, no rewrite, every commit judged as on main")
	other := fs.String("other-refs", "check", "other refs: check (judged as a pull request against the first protected ref), allow or refuse")
	trust := fs.String("trust", "", "fingerprints trusted to sign the root commit, to accept the first push of a protected branch (a full audit)")
	nowFlag := fs.String("now", "", "the time to check at (RFC 3339); default: now")
	timeout := fs.Duration("timeout", 60*time.Second, "refuse the push when the check takes longer")
	if err := parse(fs, e, args); err != nil {
		return err
	}
	protected := splitList(*protect)
	switch {
	case len(protected) == 0:
		return usagef("name at least one protected ref, e.g. --protect refs/heads/main", "--protect is empty")
	case !slices.Contains(otherRefModes, *other):
		return usagef("use one of: "+strings.Join(otherRefModes, ", "), "unknown --other-refs %q", *other)
	case *timeout <= 0:
		return usagef("give a positive duration, e.g. --timeout 60s", "--timeout %s", *timeout)
	}
	for _, r := range protected {
		if !strings.HasPrefix(r, "refs/") {
			return usagef("give full ref names, e.g. refs/heads/main", "--protect %q is not a full ref name", r)
		}
	}
	anchors, err := parseTrust(*trust)
	if err != nil {
		return err
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		return err
	}
	updates, err := readRefUpdates(e.stdin)
	if err != nil {
		return err
	}
	dir := *repoDir
	if dir == "" {
		dir = os.Getenv("GIT_DIR")
	}
	if dir == "" {
		dir = "."
	}
	repo, err := source.OpenRepoWith(dir, quarantine(dir))
	if err != nil {
		return fmt.Errorf("%v; refusing the push", err)
	}
	h := &hook{repo: repo, protected: protected, other: *other, anchors: anchors, now: now}

	// The judgement runs beside a timer; a panic in it is an error too.
	type result struct {
		verdicts []verdict
		err      error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if p := recover(); p != nil {
				r.err = fmt.Errorf("internal error: %v", p)
			}
			done <- r
		}()
		r.verdicts, r.err = h.judge(updates)
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(*timeout):
		return fmt.Errorf("the check did not finish within %s; refusing the push (raise --timeout if the server is slow)", *timeout)
	}
	if r.err != nil {
		return fmt.Errorf("%v; refusing the push", r.err)
	}
	var refused []string
	for _, v := range r.verdicts {
		if len(v.findings) == 0 {
			continue
		}
		fmt.Fprintf(e.stdout, "%s:\n", v.ref)
		if err := report.Write(e.stdout, "text", v.findings); err != nil {
			return err
		}
		if errs, _ := finding.Count(v.findings); errs > 0 {
			refused = append(refused, v.ref)
		}
	}
	if len(refused) > 0 {
		fmt.Fprintf(e.stderr, "embargo: error: push refused: %s; nothing was updated\n", strings.Join(refused, ", "))
		return errFindings
	}
	return nil
}

// refUpdate is one line git gives the hook.
type refUpdate struct {
	old, new plumbing.Hash
	ref      string
}

func readRefUpdates(r io.Reader) ([]refUpdate, error) {
	var out []refUpdate
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, maxLineLen), maxLineLen)
	for sc.Scan() {
		m := refUpdateRe.FindStringSubmatch(sc.Text())
		if m == nil {
			return nil, usagef("run it as git's pre-receive hook, which writes \"<old> <new> <ref>\" lines", "unexpected input line %q", truncate(sc.Text(), 80))
		}
		if len(out) == maxRefUpdates {
			return nil, fmt.Errorf("more than %d ref updates in one push; refusing it", maxRefUpdates)
		}
		out = append(out, refUpdate{plumbing.NewHash(m[1]), plumbing.NewHash(m[2]), m[3]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read the ref updates: %w; refusing the push", err)
	}
	return out, nil
}

// quarantine returns the object folders of a push under review: git keeps
// the pushed objects in GIT_OBJECT_DIRECTORY (a folder under objects/) and
// names the repository's own in GIT_ALTERNATE_OBJECT_DIRECTORIES until the
// hook accepts. Folders other than the repository's own objects are read
// before it.
func quarantine(dir string) []string {
	own, _ := filepath.Abs(filepath.Join(dir, "objects"))
	var out []string
	dirs := []string{os.Getenv("GIT_OBJECT_DIRECTORY")}
	dirs = append(dirs, filepath.SplitList(os.Getenv("GIT_ALTERNATE_OBJECT_DIRECTORIES"))...)
	for _, d := range dirs {
		if d == "" {
			continue
		}
		if !filepath.IsAbs(d) {
			d = filepath.Join(dir, d)
		}
		abs, err := filepath.Abs(d)
		if err != nil || abs == own || slices.Contains(out, abs) {
			continue
		}
		out = append(out, abs)
	}
	return out
}

// hook judges the ref updates of one push.
type hook struct {
	created   map[string]plumbing.Hash // protected refs this push creates, by name
	repo      *git.Repository
	protected []string
	other     string
	anchors   []string
	now       time.Time
}

// verdict is what the hook found about one ref update.
type verdict struct {
	ref      string
	findings []finding.Finding
}

// judge judges every ref update; an error means it could not decide.
func (h *hook) judge(updates []refUpdate) ([]verdict, error) {
	// A protected branch this push creates is the base its other refs are
	// judged against (the first push of main and its tag, say): the push is
	// refused whole if that creation is.
	h.created = map[string]plumbing.Hash{}
	for _, u := range updates {
		if target, err := h.refTarget(u.ref); err == nil && slices.Contains(h.protected, target) && u.old.IsZero() && !u.new.IsZero() {
			h.created[target] = u.new
		}
	}
	var out []verdict
	for _, u := range updates {
		fs, err := h.judgeOne(u)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", u.ref, err)
		}
		out = append(out, verdict{u.ref, fs})
	}
	return out, nil
}

func (h *hook) judgeOne(u refUpdate) ([]finding.Finding, error) {
	refusal := func(msg string) []finding.Finding {
		return []finding.Finding{{Rule: "sig.range", Severity: finding.Error, Commit: u.new.String(), Message: msg}}
	}
	target, err := h.refTarget(u.ref)
	if err != nil {
		return nil, err
	}
	if slices.Contains(h.protected, target) {
		switch {
		case u.new.IsZero():
			return refusal("deleting a protected branch is refused"), nil
		case u.old.IsZero() && len(h.anchors) == 0:
			return refusal("creating a protected branch needs a full audit: install the hook with --trust FPR (the founders' fingerprints) for the first push"), nil
		case u.old.IsZero():
			head, err := gitobj.PeelToCommit(h.repo.Storer, u.new)
			if err != nil {
				return nil, err
			}
			return verify.Audit(h.repo, head, h.anchors, verify.Options{Now: h.now})
		}
		return h.withSealed(u.old, u.new, verify.Options{Now: h.now, FastForward: true})
	}
	switch {
	case strings.HasPrefix(target, "refs/replace/") && !u.new.IsZero():
		// git reads a commit through refs/replace/<id>: the server's git
		// would show another commit as main than the one judged.
		return refusal("replace refs are refused: git would read another object in place of " + strings.TrimPrefix(target, "refs/replace/")), nil
	case h.other == "allow" || (h.other == "check" && u.new.IsZero()):
		return nil, nil
	case h.other == "refuse":
		return refusal("only the protected refs (" + strings.Join(h.protected, ", ") + ") may be pushed here"), nil
	}
	var base plumbing.Hash
	if ref, err := h.repo.Reference(plumbing.ReferenceName(h.protected[0]), true); err == nil {
		base = ref.Hash()
	} else if created, ok := h.created[h.protected[0]]; ok {
		base = created
	} else {
		return refusal(fmt.Sprintf("cannot judge it: %s does not exist yet; push it first", h.protected[0])), nil
	}
	head, err := gitobj.PeelToCommit(h.repo.Storer, u.new)
	if err != nil {
		return refusal(fmt.Sprintf("%s does not name a commit: %v", u.new, err)), nil
	}
	return h.withSealed(base, head, verify.Options{Now: h.now, AllowEmpty: true})
}

// maxSymrefDepth is how many symbolic refs git follows (SYMREF_MAXDEPTH).
const maxSymrefDepth = 5

// refTarget is the ref a push of name really moves: git updates a symbolic
// ref's target (refs/heads/master -> refs/heads/main, kept after a rename)
// and hands the hook the name pushed. A symbolic ref whose target does not
// exist yet creates the target.
func (h *hook) refTarget(name string) (string, error) {
	for range maxSymrefDepth {
		ref, err := h.repo.Storer.Reference(plumbing.ReferenceName(name))
		if errors.Is(err, plumbing.ErrReferenceNotFound) {
			return name, nil
		}
		if err != nil {
			return "", fmt.Errorf("read ref %s: %w", name, err)
		}
		if ref.Type() != plumbing.SymbolicReference {
			return name, nil
		}
		name = ref.Target().String()
	}
	return "", fmt.Errorf("symbolic refs nest more than %d deep at %s", maxSymrefDepth, name)
}

// withSealed verifies base..head and runs the sealed rules on every commit
// of it, as check does: plain text of a sealed list's embargoed record that
// reaches the server would stay in its history.
func (h *hook) withSealed(base, head plumbing.Hash, opt verify.Options) ([]finding.Finding, error) {
	fs, err := verify.Range(h.repo, base, head, opt)
	if err != nil {
		return nil, err
	}
	var sealed finding.List
	if err := sealedHistory(h.repo, base, head, h.now, &sealed); err != nil {
		return nil, err
	}
	// seal.History leaves the head to validate, which the hook does not
	// run: the head's records the push touches get the sealed rules here
	// (only those, so the cost follows the push, not the archive).
	touched, known := verify.TouchedPaths(h.repo, base, head)
	parts := append([]string{}, state.Trust...)
	if !known {
		parts = append(parts, "issues")
	}
	for p := range touched {
		if strings.HasPrefix(p, "issues/") {
			parts = append(parts, p)
		}
	}
	if len(parts) == len(state.Trust) {
		return append(fs, sealed.Sorted()...), nil
	}
	tree, err := source.CommitTree(gittree.New(h.repo.Storer), head)
	if err != nil {
		return nil, err
	}
	var ignored finding.List
	st, err := state.LoadParts(tree, &ignored, parts...)
	if err != nil && !gittree.Malformed(err) {
		return nil, err
	}
	if err == nil {
		seal.Check(st, h.now, &sealed)
	}
	return append(fs, sealed.Sorted()...), nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
