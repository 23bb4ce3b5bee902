package author

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/schemas"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

// Issue defaults.
const (
	DefaultSeverity = "medium"
	DefaultTLP      = "TLP:AMBER+STRICT"
)

// Severities are the values of an issue's severity.
var Severities = []string{"low", "medium", "high", "critical"}

// IssueSpec is what `embargo new issue` is told.
type IssueSpec struct {
	List     string
	Title    string
	Severity string // DefaultSeverity when empty
	Handler  string // a person id of an active member
	Now      time.Time
}

// CheckList returns an error wrapping ErrUnknown unless list is defined in
// the state's policy.yaml.
func CheckList(st *state.State, list string) error {
	if st.Policy == nil {
		return fmt.Errorf("policy.yaml does not load, so the list cannot be checked: %w", ErrUnknown)
	}
	if _, ok := st.Policy.Lists[list]; !ok {
		return fmt.Errorf("list %q is not defined in policy.yaml: %w", list, ErrUnknown)
	}
	return nil
}

// NewIssue writes issues/<YYYY>/<ID>.yaml for a new draft issue under root and
// returns its slash-separated path. The id is the next free one of now's year
// (see NextIssueID); dates.reported is now. st is the repository's state, for
// checking the list and the handler. Everything is checked before anything
// is written, the record itself through the same layers as validate, and the
// file is written atomically into real folders (see writeNew). Errors wrap
// ErrUnknown, ErrInvalid, ErrExists or ErrUnsafePath.
func NewIssue(root string, st *state.State, spec IssueSpec) (string, error) {
	if spec.Severity == "" {
		spec.Severity = DefaultSeverity
	}
	if err := text("the title", spec.Title); err != nil {
		return "", err
	}
	if !slices.Contains(Severities, spec.Severity) {
		return "", fmt.Errorf("severity %q is not one of %s: %w", spec.Severity, strings.Join(Severities, ", "), ErrInvalid)
	}
	if err := CheckList(st, spec.List); err != nil {
		return "", err
	}
	lp := st.Policy.Lists[spec.List]
	ref, ok := st.People[spec.Handler]
	if !ok {
		return "", fmt.Errorf("handler %q is not a person in members/: %w", spec.Handler, ErrUnknown)
	}
	if s := ref.Member.Member.Status; s != "active" {
		return "", fmt.Errorf("handler %q belongs to member %s, which is %s: %w", spec.Handler, ref.Member.Member.ID, s, ErrInvalid)
	}
	now := spec.Now.UTC().Truncate(time.Second)
	if y := now.Year(); y < 1 || y > 9999 {
		return "", fmt.Errorf("the time %s is not in years 1 to 9999, the ones a record can hold: %w", spec.Now.Format(time.RFC3339), ErrInvalid)
	}
	id, err := NextIssueID(root, st, now.Year())
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	err = issueTemplate.Execute(&b, map[string]any{
		"ID": id, "List": spec.List, "Title": q(spec.Title), "Severity": spec.Severity, "TLP": DefaultTLP,
		"Handler": spec.Handler, "Team": flow([]string{spec.Handler}), "Now": now.Format(time.RFC3339),
		"Embargoes": strings.Join(lp.EmbargoSeverities, ", "), "Year": now.Year(),
	})
	if err != nil {
		return "", err
	}
	rel := fmt.Sprintf("issues/%04d/%s.yaml", now.Year(), id)
	data, err := Format(rel, b.Bytes())
	if err != nil {
		return "", fmt.Errorf("internal error: the new record does not format: %v", err)
	}
	var rec records.Issue
	if err := checkRecord(schemas.Issue, rel, data, &rec); err != nil {
		return "", err
	}
	for _, v := range [][3]string{
		{"the id", rec.ID, id}, {"the list", rec.List, spec.List}, {"the title", rec.Title, spec.Title},
		{"the severity", rec.Severity, spec.Severity}, {"the handler", rec.Handler, spec.Handler},
		{"the time", rec.Dates.Reported, now.Format(time.RFC3339)},
	} {
		if err := readsBack(v[0], v[1], v[2]); err != nil {
			return "", err
		}
	}
	if _, err := writeAll(root, []newFile{{rel, data}}); err != nil {
		return "", err
	}
	return rel, nil
}

// NextIssueID returns EMB-<year>-<NNNN>, one more than the highest number of
// that year in use: in the names of files under issues/ and in the ids of the
// loaded records (st may be nil). Numbers have at least four digits.
func NextIssueID(root string, st *state.State, year int) (string, error) {
	re := regexp.MustCompile(fmt.Sprintf(`^EMB-%04d-([0-9]{4,})$`, year))
	highest := 0
	note := func(id string) {
		if m := re.FindStringSubmatch(id); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil && n > highest {
				highest = n
			}
		}
	}
	dir := filepath.Join(root, "issues")
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			if p == dir && os.IsNotExist(err) {
				return filepath.SkipDir
			}
			return err
		}
		if !d.IsDir() {
			note(strings.TrimSuffix(d.Name(), ".yaml"))
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	if st != nil {
		for _, isf := range st.Issues {
			if isf.Issue != nil {
				note(isf.Issue.ID)
			}
		}
	}
	return fmt.Sprintf("EMB-%04d-%04d", year, highest+1), nil
}

var issueTemplate = template.Must(template.New("issue").Parse(`# Embargo record written by ` + "`embargo new issue`" + ` at {{.Now}}.
# Fill in what the comments ask for, run ` + "`embargo fmt`" + ` and ` + "`embargo validate`" + `, and
# propose it in a signed pull request. title, summary, reporter, informed and
# notes are private: they never leave this repository. Only the public block is
# published, and only once the embargo has lifted.
id: {{.ID}}
list: {{.List}}
# draft until the issue is posted to the list; then embargoed (fill in
# dates.notified, dates.proposed and dates.disclosure); at the end disclosed
# (dates.disclosed and public_posting) or withdrawn.
status: draft
title: {{.Title}}
# summary: |
#   What is wrong, what it affects and how it is triggered.
# low | medium | high | critical; {{.List}} embargoes {{.Embargoes}}
severity: {{.Severity}}
# TLP:RED | TLP:AMBER+STRICT | TLP:AMBER | TLP:GREEN | TLP:CLEAR
tlp: {{.TLP}}
# reporter:
#   name: Jo Researcher
#   email: jo@example.net
#   credit_consent: false
# the person who handles the issue; the handler and the response team may edit
# this record
handler: {{.Handler}}
response_team: {{.Team}}
dates:
  reported: {{.Now}}
  # notified: when the list was first told; the embargo clock starts here
  # proposed: the reporter's first proposed public date and time
  # disclosure: the agreed public date and time
# cves: [CVE-{{.Year}}-NNNNN]
# affected:
#   - product: example
#     versions: "< 1.2.3"
# informed:
#   - {who: upstream maintainers, at: {{.Now}}, by: {{.Handler}}}
# public:
#   title: the title the public timeline shows once the embargo lifts
#   summary: |
#     What the public may read.
#   credit: Jo Researcher
`))
