package cli

import (
	"path/filepath"
	"strings"
)

// recordParts are the parts of the repository that hold records (and git's
// own folder): an output folder inside one of them would mix generated files
// into the records, and validate would fail on them.
var recordParts = []string{"issues", "members", "roles", "schema", "policy.yaml", ".git"}

// checkOutside refuses an output folder (or file) inside the records of
// repo, whether named directly or reached through symbolic links: both paths
// are compared with every link resolved, as far as they exist. example is a
// good value for the hint.
func checkOutside(flagName, example, repo, out string) error {
	r, err := resolved(repo)
	if err != nil {
		return err
	}
	o, err := resolved(out)
	if err != nil {
		return err
	}
	for _, part := range recordParts {
		p := filepath.Join(r, part)
		if o == p || strings.HasPrefix(o, p+string(filepath.Separator)) {
			return usagef("write it outside issues/, members/, roles/, schema/ and policy.yaml, e.g. "+flagName+" "+example,
				"%s %s is inside the repository's records (%s); generated files there would break validate", flagName, out, part)
		}
	}
	return nil
}

// resolved returns the absolute form of p with every symbolic link of the
// part that exists resolved; the rest, still to be created, is appended as is.
func resolved(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	var rest []string
	for cur := abs; ; cur = filepath.Dir(cur) {
		// A part that does not exist yet, or sits below a file, is taken as
		// written; the first part that resolves decides where it all is.
		if real, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(append([]string{real}, rest...)...), nil
		}
		if filepath.Dir(cur) == cur {
			return abs, nil
		}
		rest = append([]string{filepath.Base(cur)}, rest...)
	}
}
