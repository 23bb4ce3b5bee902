// Package finding defines the findings that checks report: data, never Go errors.
// A finding says which rule failed, where (file, line, column, commit) and how to fix it.
package finding

import (
	"cmp"
	"slices"
	"sync"
)

// Severity is "error" (fails the check) or "warning" (does not).
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Finding is one problem found in the repository.
type Finding struct {
	Rule        string   `json:"rule"`
	Severity    Severity `json:"severity"`
	File        string   `json:"file"`
	Line        int      `json:"line"`
	Column      int      `json:"column"`
	Message     string   `json:"message"`
	Commit      string   `json:"commit,omitempty"`
	Fingerprint string   `json:"fingerprint,omitempty"`
}

// List collects findings; it is safe for concurrent use.
type List struct {
	mu    sync.Mutex
	items []Finding
}

// Add records f.
func (l *List) Add(f Finding) {
	l.mu.Lock()
	l.items = append(l.items, f)
	l.mu.Unlock()
}

// AddAll records every finding of fs.
func (l *List) AddAll(fs []Finding) {
	l.mu.Lock()
	l.items = append(l.items, fs...)
	l.mu.Unlock()
}

// Sorted returns the findings ordered by file, line, column, rule and message,
// so that output is deterministic whatever order checks ran in.
func (l *List) Sorted() []Finding {
	l.mu.Lock()
	out := slices.Clone(l.items)
	l.mu.Unlock()
	Sort(out)
	return out
}

// Sort orders findings deterministically.
func Sort(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Commit, b.Commit),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// Count returns the number of errors and warnings in fs.
func Count(fs []Finding) (errors, warnings int) {
	for _, f := range fs {
		if f.Severity == Error {
			errors++
		} else {
			warnings++
		}
	}
	return errors, warnings
}
