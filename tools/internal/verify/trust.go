package verify

import (
	"fmt"
	"slices"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/gittree"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

// Trust is what one repository state says about who may sign: the keys of active
// people, the coordinators, the access rules and the hosting merge keys. It is
// always read from git objects of a state the change is judged against, never from
// the change itself or the working tree.
type Trust struct {
	State   *state.State // policy, roles and members; issues are read on demand
	tree    *source.Tree
	issues  map[string]*records.Issue // by path, read from tree on demand
	Keys    []*pgp.Key                // keys of people of active members, and merger keys
	Owner   map[string]string         // fingerprint -> person id
	Mergers map[string]bool           // fingerprints named in policy.yaml mergers
	// Broken says why this state cannot authorize anything (fail closed), or "".
	Broken string
}

// TrustOf loads the trust of one state, a commit's tree read by the strict
// tree reader. A state holding a malformed tree trusts nobody (Broken).
func TrustOf(src *source.Tree) (*Trust, error) {
	var ignored finding.List // the state's own findings are validate's business
	st, err := state.LoadParts(src, &ignored, state.Trust...)
	if gittree.Malformed(err) {
		return &Trust{State: &state.State{Source: src.Desc}, Owner: map[string]string{}, Mergers: map[string]bool{},
			Broken: fmt.Sprintf("the trusted state (%s) holds a tree git rejects (%v), so no change can be authorized; repair it on the base branch first", src.Desc, err)}, nil
	}
	if err != nil {
		return nil, err
	}
	t := trustFromState(st)
	t.tree = src
	return t, nil
}

// Issue returns the record at path p in this state, or nil when there is none
// or it is invalid (strict reading: YAML syntax, schema, then decoding).
func (t *Trust) Issue(p string) (rec *records.Issue, exists bool) {
	if rec, ok := t.issues[p]; ok {
		return rec, true
	}
	if t.tree == nil {
		return nil, false
	}
	rec, exists = state.Issue(t.tree, p)
	if !exists {
		return nil, false
	}
	if t.issues == nil {
		t.issues = map[string]*records.Issue{}
	}
	t.issues[p] = rec
	return rec, true
}

func trustFromState(st *state.State) *Trust {
	t := &Trust{State: st, Owner: map[string]string{}, Mergers: map[string]bool{}}
	switch {
	case st.Policy == nil && st.PolicyDoc == nil:
		t.Broken = fmt.Sprintf("the trusted state (%s) holds no policy.yaml, so no change can be authorized: it comes from before the group was founded; the group's history starts at its founding commit, the root of main (docs/guides/start.md)", st.Source)
	case st.Policy == nil:
		t.Broken = fmt.Sprintf("policy.yaml of the trusted state (%s) is invalid, so no change can be authorized; fix it on the base branch first", st.Source)
	case st.Coordinators == nil:
		t.Broken = fmt.Sprintf("roles/coordinators.yaml of the trusted state (%s) is missing or invalid", st.Source)
	}
	// A person id defined more than once (in any member files, active or not)
	// never gains trust: neither definition may sign as that person, or a
	// member could claim a coordinator's id.
	defs := map[string]int{}
	for _, m := range st.Members {
		if m.Member != nil {
			for _, p := range m.Member.People {
				defs[p.ID]++
			}
		}
	}
	if st.Policy != nil {
		for _, fpr := range st.Policy.Mergers {
			t.Mergers[fpr] = true
		}
	}
	for _, m := range st.Members {
		if m.Member == nil || m.Member.Status != "active" {
			continue
		}
		for _, p := range m.Member.People {
			if defs[p.ID] != 1 {
				continue // a duplicate person id never gains trust
			}
			for _, fpr := range p.Keys {
				if t.Mergers[fpr] {
					// A merge key signs as nobody, whoever lists it: its
					// fingerprint is public, and a merge it signed would
					// count as that person's approval.
					continue
				}
				if _, taken := t.Owner[fpr]; taken {
					t.Owner[fpr] = "" // a key listed twice belongs to nobody
					continue
				}
				t.Owner[fpr] = p.ID
			}
		}
	}
	fprs := make([]string, 0, len(st.Keys))
	for fpr := range st.Keys {
		fprs = append(fprs, fpr)
	}
	slices.Sort(fprs)
	for _, fpr := range fprs {
		kf := st.Keys[fpr]
		if kf.Key == nil || kf.Key.Fingerprint != fpr {
			continue // a broken or misnamed key file trusts nobody
		}
		if t.Owner[fpr] != "" || t.Mergers[fpr] {
			t.Keys = append(t.Keys, kf.Key)
		}
	}
	return t
}

// IsCoordinator reports whether person is a coordinator in this state.
func (t *Trust) IsCoordinator(person string) bool {
	return t.State.Coordinators != nil && slices.Contains(t.State.Coordinators.Coordinators, person)
}

// MemberOf returns the member id of an active person, or "".
func (t *Trust) MemberOf(person string) string {
	ref, ok := t.State.People[person]
	if !ok || ref.Member.Member.Status != "active" {
		return ""
	}
	return ref.Member.Member.ID
}
