package timeline

import (
	"time"

	"github.com/embargo-tool/embargo/tools/internal/state"
)

// Publishes returns the paths of the issue records Publish would put into the
// public outputs at now, in any form: disclosed records, and withdrawn ones
// when the policy lists them. It uses the same selection as Publish, so a
// caller deciding which findings may hold publication back cannot disagree
// with what is published. Two files with one id are both counted.
func Publishes(st *state.State, now time.Time) map[string]bool {
	out := map[string]bool{}
	if st == nil || st.Policy == nil {
		return out
	}
	p := project(st, now)
	ids := map[string]bool{}
	for _, is := range p.issues {
		ids[is.ID] = true
	}
	for _, w := range p.withdrawn {
		ids[w.ID] = true
	}
	for _, f := range st.Issues {
		if f.Issue != nil && ids[f.Issue.ID] {
			out[f.Path] = true
		}
	}
	return out
}
