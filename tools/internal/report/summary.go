package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/plural"
)

// Summary is what a run did, beside what it found: the files validate read
// and the commits verify judged. The text report opens its closing line with
// it ("verified 6 commits by dana-debian, rui-redhat; 0 errors, ...") and
// JSON carries it as "summary", so a clean run says what it checked instead
// of "0 files". A nil part is a half the command did not run.
type Summary struct {
	Validated *Validated `json:"validated,omitempty"`
	Verified  *Verified  `json:"verified,omitempty"`
}

// Validated counts the files validate read, by kind; files with findings
// count too.
type Validated struct {
	Files   int `json:"files"`
	Policy  int `json:"policy"`
	Roles   int `json:"roles"`
	Members int `json:"members"`
	Keys    int `json:"keys"`
	Issues  int `json:"issues"`
}

// Verified is what verify judged: how many commits, and the people whose
// signatures it accepted (sorted).
type Verified struct {
	Commits int      `json:"commits"`
	Signers []string `json:"signers"`
}

// text is the summary's part of the closing line, "" when there is none.
// When a signature rule (sig.*) failed, commits are "checked", not
// "verified", and the signers named are the ones accepted; an error of
// another rule (an overdue embargo in check) leaves the commits verified.
func (s *Summary) text(fs []finding.Finding) string {
	if s == nil {
		return ""
	}
	failed := slices.ContainsFunc(fs, func(f finding.Finding) bool {
		return f.Severity == finding.Error && strings.HasPrefix(f.Rule, "sig.")
	})
	var parts []string
	if v := s.Validated; v != nil {
		var kinds []string
		if v.Policy > 0 {
			kinds = append(kinds, "policy.yaml")
		}
		for _, k := range []struct {
			n    int
			word string
		}{{v.Roles, "role file"}, {v.Members, "member"}, {v.Keys, "key"}, {v.Issues, "issue"}} {
			if k.n > 0 {
				kinds = append(kinds, plural.Of(k.n, k.word))
			}
		}
		p := "validated " + plural.Of(v.Files, "file")
		if len(kinds) > 0 {
			p += " (" + strings.Join(kinds, ", ") + ")"
		}
		parts = append(parts, p)
	}
	if v := s.Verified; v != nil {
		switch {
		case !failed && len(v.Signers) > 0:
			parts = append(parts, fmt.Sprintf("verified %s by %s", plural.Of(v.Commits, "commit"), strings.Join(v.Signers, ", ")))
		case !failed:
			parts = append(parts, "verified "+plural.Of(v.Commits, "commit"))
		case len(v.Signers) > 0:
			parts = append(parts, fmt.Sprintf("checked %s, accepted the signatures of %s", plural.Of(v.Commits, "commit"), strings.Join(v.Signers, ", ")))
		default:
			parts = append(parts, fmt.Sprintf("checked %s, accepted no signature", plural.Of(v.Commits, "commit")))
		}
	}
	return strings.Join(parts, "; ")
}
