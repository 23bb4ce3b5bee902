// Package validate runs the record rules (the registry in tools/internal/rules;
// docs/sources.md, docs/formats.md) over a loaded repository state. Rules report
// findings; they never fail. The clock is a parameter: no rule reads
// the wall clock, so `--now` fixes every time-dependent result.
package validate

import (
	"fmt"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/rules"
	"github.com/embargo-tool/embargo/tools/internal/seal"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

// Check runs every rule over st at time now.
func Check(st *state.State, now time.Time, out *finding.List) {
	c := &checker{st: st, now: now, out: out}
	c.policy()
	c.roles()
	c.members()
	c.keys()
	c.issues()
	c.extensionApprovers()
	c.codeOwners()
	seal.Check(st, now, out) // sealed.*: docs/formats.md, "Sealed records"
}

type checker struct {
	st  *state.State
	now time.Time
	out *finding.List
}

// add reports a finding at the value of the JSON pointer ptr in f.
func (c *checker) add(f *state.File, ptr string, rule rules.ID, sev finding.Severity, format string, args ...any) {
	if c.heldBack(f, ptr, rule) {
		return
	}
	line, col := 1, 1
	if doc := f.Doc(); doc != nil {
		line, col = doc.Pos(ptr)
	}
	c.out.Add(finding.Finding{Rule: rule, Severity: sev, File: f.Path, Line: line, Column: col, Message: fmt.Sprintf(format, args...)})
}

// addKey reports at the key of ptr (for fields that are there but wrong as a whole).
func (c *checker) addKey(f *state.File, ptr string, rule rules.ID, sev finding.Severity, format string, args ...any) {
	if c.heldBack(f, ptr, rule) {
		return
	}
	line, col := 1, 1
	if doc := f.Doc(); doc != nil {
		line, col = doc.KeyPos(ptr)
	}
	c.out.Add(finding.Finding{Rule: rule, Severity: sev, File: f.Path, Line: line, Column: col, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) errorf(f *state.File, ptr string, rule rules.ID, format string, args ...any) {
	c.add(f, ptr, rule, finding.Error, format, args...)
}

func (c *checker) warnf(f *state.File, ptr string, rule rules.ID, format string, args ...any) {
	c.add(f, ptr, rule, finding.Warning, format, args...)
}
