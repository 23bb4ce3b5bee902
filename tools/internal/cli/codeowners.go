package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/embargo-tool/embargo/tools/internal/codeowners"
	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

func init() { commands["codeowners"] = runCodeOwners }

// runCodeOwners writes the forge's CODEOWNERS from policy.yaml access and the
// coordinators' forge accounts, or with --check says whether the committed
// one is current (exit 1 when not).
func runCodeOwners(e *env, args []string) error {
	flags := newFlags(e, "codeowners")
	repo := flags.String("repo", ".", "the policy repository")
	rev := flags.String("rev", "", "generate from this git revision instead of the working tree")
	out := flags.String("out", state.CodeOwnersFile, "the file to write, relative to --repo; - for standard output")
	check := flags.Bool("check", false, "write nothing: exit 1 if the file differs from what would be written")
	if err := parse(flags, e, args); err != nil {
		return err
	}
	if *rev != "" && !*check && *out != "-" {
		return usagef("add --check to compare, or --out - to print", "--rev reads a commit, so it cannot write the file into it")
	}
	if err := checkRepo(*repo); err != nil {
		return err
	}
	var loadFindings finding.List
	st, err := loadAt(*repo, *rev, &loadFindings)
	if err != nil {
		return err
	}
	want, notes := codeowners.Generate(st)
	if want == nil {
		warnLoad(e, loadFindings.Sorted())
		return usagef("run 'embargo validate' and fix policy.yaml", "policy.yaml did not load; there is nothing to generate CODEOWNERS from")
	}
	for _, n := range notes {
		e.warnf("%s", n)
	}
	switch {
	case *out == "-":
		_, err := e.stdout.Write(want)
		return err
	case *check:
		var have []byte
		if st.CodeOwners != nil && *out == state.CodeOwnersFile {
			if st.CodeOwners.Err != nil {
				return st.CodeOwners.Err
			}
			have = st.CodeOwners.Data
		} else if have, err = os.ReadFile(filepath.Join(*repo, filepath.FromSlash(*out))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if line, w, h := codeowners.Diff(want, have); line != 0 {
			fmt.Fprintf(e.stderr, "embargo: error: %s is out of date: line %d is %q, want %q\n", *out, line, h, w)
			e.hintf("run 'embargo codeowners' and commit the result")
			return errFindings
		}
		return nil
	}
	p := filepath.Join(*repo, filepath.FromSlash(*out))
	if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, want) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(p, want, 0o644); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, *out)
	return nil
}

// loadAt loads the state at rev (the working tree when rev is empty) without
// running the rules.
func loadAt(repo, rev string, out *finding.List) (*state.State, error) {
	var src source.Source = source.Dir{Root: repo}
	if rev != "" {
		t, err := source.AtRevision(repo, rev)
		if err != nil {
			return nil, usagef("give a branch, tag or commit id that exists in the repository", "%v", err)
		}
		src = t
	}
	return state.Load(src, out)
}
