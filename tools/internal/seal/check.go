package seal

import (
	"fmt"
	"strings"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/parallel"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/rules"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

// Rule IDs (docs/formats.md, "Sealed records"), from the registry.
const (
	RuleRequired   = rules.SealedRequired
	RuleRecipients = rules.SealedRecipients
	RuleFormat     = rules.SealedFormat
)

// Check runs sealed.required, sealed.format and sealed.recipients over every
// issue record of st at now. It needs no private key: a sealed message is
// judged by its packets. The rules that read private fields (a reason for
// each extension, CVEs claimed twice, who informed whom) cannot see inside a
// sealed record; `embargo seal` and `embargo edit` run them on the plaintext
// before sealing.
func Check(st *state.State, now time.Time, out *finding.List) {
	checkPolicy(st, out)
	var ix *index
	for _, f := range st.Issues {
		if f.Issue != nil && f.Issue.Sealed != "" {
			ix = newIndex(st) // once, and only when something is sealed
			break
		}
	}
	parallel.For(len(st.Issues), func(i int) {
		if isf := st.Issues[i]; isf.Issue != nil {
			checkIssue(st, ix, isf, now, out)
		}
	})
}

// checkPolicy reports sealed_recipients that name nobody.
func checkPolicy(st *state.State, out *finding.List) {
	if st.Policy == nil || st.PolicyDoc == nil {
		return
	}
	for name, l := range st.Policy.Lists {
		for i, id := range l.SealedRecipients {
			if _, ok := st.People[id]; !ok {
				report(out, st.PolicyDoc, fmt.Sprintf("/lists/%s/sealed_recipients/%d", name, i), false, "ref.unknown",
					"sealed_recipients of list %s names %q, who is not a person listed in any members/*.yaml", name, id)
			}
		}
	}
}

// ListSealed reports whether records of list must be sealed under policy.
func ListSealed(p *records.Policy, list string) bool {
	return p != nil && p.Lists[list].Sealed
}

// MustSeal reports whether a record of this status, on a sealed list, must
// keep its private fields sealed: while it is embargoed.
func MustSeal(status string) bool { return status == records.StatusEmbargoed }

func checkIssue(st *state.State, ix *index, isf *state.IssueFile, now time.Time, out *finding.List) {
	is, f := isf.Issue, &isf.File
	plain := PlainFields(is)
	switch {
	case is.Sealed != "" && len(plain) > 0:
		report(out, f, pointer(plain[0]), true, RuleRequired,
			"%s in plain text beside the sealed part; a sealed record keeps every private field sealed: run embargo edit %s to move them in, and count them as seen by whoever can read the repository", fieldList(plain), is.ID)
	case is.Sealed == "" && len(plain) > 0 && MustSeal(is.Status) && ListSealed(st.Policy, is.List):
		report(out, f, pointer(plain[0]), true, RuleRequired,
			"an embargoed record of the sealed list %s holds %s in plain text; seal it before it is committed (embargo seal %s): plain text in history cannot be taken back", is.List, fieldList(plain), f.Path)
	}
	if is.Sealed == "" {
		return
	}
	m, err := pgp.ReadMessage([]byte(is.Sealed))
	if err != nil {
		report(out, f, "/"+Field, false, RuleFormat, "%v; seal the record again with embargo seal (or embargo edit %s)", err, is.ID)
		return
	}
	for _, msg := range ix.judge(st, TeamOf(st, is), m, now) {
		report(out, f, "/"+Field, false, RuleRecipients, "%s", msg)
	}
}

// report adds an error at ptr of f: at the key of the field when atKey.
func report(out *finding.List, f *state.File, ptr string, atKey bool, rule, format string, args ...any) {
	line, col := 1, 1
	if doc := f.Doc(); doc != nil {
		if atKey {
			line, col = doc.KeyPos(ptr)
		} else {
			line, col = doc.Pos(ptr)
		}
	}
	out.Add(finding.Finding{Rule: rule, Severity: finding.Error, File: f.Path, Line: line, Column: col, Message: fmt.Sprintf(format, args...)})
}

// pointer turns a field name of PlainFields into a JSON pointer.
func pointer(field string) string {
	if rest, ok := strings.CutPrefix(field, "extensions["); ok {
		i, _, _ := strings.Cut(rest, "]")
		return "/extensions/" + i + "/" + ExtensionReason
	}
	return "/" + field
}

// fieldList names fields for a message: "title, summary and cves".
func fieldList(fields []string) string {
	if len(fields) == 1 {
		return fields[0]
	}
	return strings.Join(fields[:len(fields)-1], ", ") + " and " + fields[len(fields)-1]
}
