package cli

import (
	"time"

	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/seal"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
	"github.com/embargo-tool/embargo/tools/internal/timeline"
)

// timelineSealed says which disclosed records stay out of the timeline
// because they are still sealed, and with --unseal decrypts every sealed
// record through the user's gpg for the leak guard (timeline.Options). The
// timeline itself never reads a sealed field.
func timelineSealed(e *env, s *sealFlags, rev string, st *state.State, now time.Time, unseal bool) (timeline.Options, error) {
	var opt timeline.Options
	for _, f := range st.Issues {
		if is := f.Issue; is != nil && is.Sealed != "" && is.Status == records.StatusDisclosed {
			e.warnf("%s is disclosed but still sealed: not published; its handler unseals it (embargo unseal %s) and commits it", is.ID, f.Path)
		}
	}
	if !unseal {
		return opt, nil
	}
	var src source.Source = source.Dir{Root: s.repo}
	if rev != "" {
		t, err := source.AtRevision(s.repo, rev)
		if err != nil {
			return opt, usagef("give a branch, tag or commit id that exists in the repository", "%v", err)
		}
		src = t
	}
	gpg := s.decrypter(e)
	opt.Unsealed = map[string]*records.Issue{}
	for _, f := range st.Issues {
		if f.Issue == nil || f.Issue.Sealed == "" {
			continue
		}
		data, err := src.Read(f.Path)
		if err != nil {
			return opt, err
		}
		plain, err := seal.Open(f.Path, data, gpg)
		if err != nil {
			return opt, usagef("--unseal needs a key that can read every sealed record (a coordinator's); without it the guard checks their ids only", "%v", err)
		}
		is, err := decode(f.Path, plain)
		if err != nil {
			return opt, err
		}
		opt.Unsealed[f.Path] = is
	}
	return opt, nil
}
