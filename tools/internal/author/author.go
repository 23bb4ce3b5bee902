// Package author writes new records and formats existing ones, so that writing
// a record does not need the spec open: `embargo new issue` and `embargo new
// member` write skeletons with guiding comments, and Format lays YAML out the
// one canonical way (see Format). The package never prints; errors wrap the
// sentinels below so the command can turn them into hints.
package author

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Errors of NewIssue and NewMember; the returned errors wrap them (or
// ErrUnsafePath).
var (
	ErrExists  = errors.New("already exists")    // the file or id is taken
	ErrUnknown = errors.New("not in repository") // a list, person or key that does not exist
	ErrInvalid = errors.New("invalid value")     // a value the schema would refuse
)

var (
	idRe    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)
	fprRe   = regexp.MustCompile(`^([0-9A-F]{40}|[0-9A-F]{64})$`)
	emailRe = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

// q writes s as a YAML scalar: plain when that reads back as the same string,
// quoted otherwise.
func q(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil {
		return fmt.Sprintf("%q", s)
	}
	return strings.TrimSuffix(string(out), "\n")
}

// flow writes a list of simple ids as a flow sequence: [a, b].
func flow(items []string) string {
	qs := make([]string, len(items))
	for i, s := range items {
		qs[i] = q(s)
	}
	return "[" + strings.Join(qs, ", ") + "]"
}
