package seal

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

// Team is who must be able to read one sealed record, and nobody else: its
// handler and response team, the coordinators, and the people the list's
// sealed_recipients names, all as the state the record is in says.
type Team struct {
	People []string          // person ids, sorted
	Role   map[string]string // person id -> why they are on it ("handler", ...)
}

// TeamOf returns the team of record is in state st.
func TeamOf(st *state.State, is *records.Issue) Team {
	t := Team{Role: map[string]string{}}
	add := func(id, role string) {
		if id == "" {
			return
		}
		if _, ok := t.Role[id]; !ok {
			t.Role[id] = role
			t.People = append(t.People, id)
		}
	}
	add(is.Handler, "handler")
	for _, id := range is.ResponseTeam {
		add(id, "response team")
	}
	if st.Coordinators != nil {
		for _, id := range st.Coordinators.Coordinators {
			add(id, "coordinator")
		}
	}
	if st.Policy != nil {
		for _, id := range st.Policy.Lists[is.List].SealedRecipients {
			add(id, "sealed_recipients of "+is.List)
		}
	}
	sort.Strings(t.People)
	return t
}

// Has reports whether person is on the team.
func (t Team) Has(person string) bool { _, ok := t.Role[person]; return ok }

// keysOf returns the parsed keys person lists in st (key files that failed
// to parse or are misnamed are left out: key.file reports them).
func keysOf(st *state.State, person string) []*pgp.Key {
	ref, ok := st.People[person]
	if !ok {
		return nil
	}
	var out []*pgp.Key
	for _, fpr := range ref.Person().Keys {
		if kf := st.Keys[fpr]; kf != nil && kf.Key != nil && kf.Key.Fingerprint == fpr {
			out = append(out, kf.Key)
		}
	}
	return out
}

// SealingKeys returns the keys a record of team is encrypted to at now:
// every key of every team member that can encrypt. A person who is not in
// members/, or none of whose keys can encrypt, is an error naming them:
// sealing without them would lock them out of their own record.
func SealingKeys(st *state.State, team Team, now time.Time) ([]*pgp.Key, error) {
	var keys []*pgp.Key
	var problems []string
	for _, id := range team.People {
		if _, ok := st.People[id]; !ok {
			problems = append(problems, fmt.Sprintf("%s (%s) is not a person in members/", id, team.Role[id]))
			continue
		}
		n := 0
		for _, k := range keysOf(st, id) {
			if pgp.CanEncrypt(k, now) {
				keys = append(keys, k)
				n++
			}
		}
		if n == 0 {
			problems = append(problems, fmt.Sprintf("%s (%s) has no key that can encrypt; they add an encryption subkey (gpg --quick-add-key FINGERPRINT cv25519 encr) and update members/keys/", id, team.Role[id]))
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("cannot seal: %s", strings.Join(problems, "; "))
	}
	return keys, nil
}

// index says whose key a recipient packet names: every key file of a state,
// by the ids and fingerprints of its primary key and subkeys, with the
// primary fingerprint of the key file.
type index struct {
	byID  map[uint64][]string // -> primary fingerprints
	byFpr map[string][]string
	owner map[string][]string // primary fingerprint -> people who list it
}

func newIndex(st *state.State) *index {
	ix := &index{byID: map[uint64][]string{}, byFpr: map[string][]string{}, owner: map[string][]string{}}
	for _, m := range st.Members {
		if m.Member == nil {
			continue
		}
		for _, p := range m.Member.People {
			for _, fpr := range p.Keys {
				ix.owner[fpr] = append(ix.owner[fpr], p.ID)
			}
		}
	}
	fprs := make([]string, 0, len(st.Keys))
	for fpr := range st.Keys {
		fprs = append(fprs, fpr)
	}
	sort.Strings(fprs)
	for _, fpr := range fprs {
		kf := st.Keys[fpr]
		if kf.Key == nil || kf.Key.Fingerprint != fpr {
			continue // key.file reports it; a misnamed file names nobody's key
		}
		ids, subFprs := pgp.KeyIDs(kf.Key)
		for i := range ids {
			ix.byID[ids[i]] = appendNew(ix.byID[ids[i]], fpr)
			ix.byFpr[subFprs[i]] = appendNew(ix.byFpr[subFprs[i]], fpr)
		}
	}
	return ix
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// keyFiles returns the primary fingerprints of the key files holding the key
// r names.
func (ix *index) keyFiles(r pgp.Recipient) []string {
	if r.Fingerprint != "" {
		return ix.byFpr[r.Fingerprint]
	}
	return ix.byID[r.KeyID]
}

// owners returns the people whose key r names.
func (ix *index) owners(r pgp.Recipient) []string {
	var out []string
	for _, fpr := range ix.keyFiles(r) {
		for _, p := range ix.owner[fpr] {
			out = appendNew(out, p)
		}
	}
	return out
}

// shared reports whether one of the key files is listed by more than one person.
func (ix *index) shared(files []string) bool {
	for _, fpr := range files {
		if len(ix.owner[fpr]) > 1 {
			return true
		}
	}
	return false
}

// brokenKeys reports whether some key of st cannot be read: a key file that
// does not parse or holds another key than its name, or one a person lists
// that is missing. Its key.file finding is the one to fix; a recipient no
// readable key file names may be that key.
func brokenKeys(st *state.State) bool {
	for fpr, kf := range st.Keys {
		if kf.Key == nil || kf.Key.Fingerprint != fpr {
			return true
		}
	}
	for _, ref := range st.People {
		for _, fpr := range ref.Person().Keys {
			if st.Keys[fpr] == nil {
				return true
			}
		}
	}
	return len(st.Invalid.Unread) > 0 || len(st.Invalid.Keys) > 0
}

// judge compares the recipients of m with team and returns what is wrong,
// one message each: a recipient off the team (a leak), a hidden or unknown
// recipient, a team member who cannot read it. Messages name people and key
// ids, never the record's private values.
//
// One mistake, one finding: when the team or the keys cannot be known
// because a file they come from failed (roles/coordinators.yaml, policy.yaml,
// a member file, a key file), that file's own finding is the one to fix, and
// what it would echo here is held back.
func (ix *index) judge(st *state.State, team Team, m *pgp.Message, now time.Time) []string {
	if st.Coordinators == nil || st.Policy == nil {
		return nil // the team cannot be known; the failed file is reported
	}
	var out []string
	covered := map[string]bool{}
	for _, r := range m.Recipients {
		if r.Anonymous() {
			out = append(out, "one recipient is hidden (a wildcard key id), so nobody can tell who can read the record; seal it again with embargo seal, which names every recipient")
			continue
		}
		files, people := ix.keyFiles(r), ix.owners(r)
		if ix.shared(files) {
			// A key listed by two people is key.file's error to fix; who
			// holds it is not known until then.
			for _, p := range people {
				covered[p] = true
			}
			continue
		}
		var off []string
		for _, p := range people {
			if team.Has(p) {
				covered[p] = true
			} else {
				off = append(off, p)
			}
		}
		switch {
		case len(files) == 0:
			if !brokenKeys(st) {
				out = append(out, fmt.Sprintf("recipient key %s is in no key file of members/keys: someone outside the group can read the record; seal it again to its team only (embargo seal), and treat the record as leaked to that key's holder", r))
			}
		case len(people) == 0:
			if !slices.ContainsFunc(files, st.Invalid.ListsKey) {
				out = append(out, fmt.Sprintf("recipient key %s belongs to key file %s, which no person lists: seal the record again to its team only (embargo seal), and treat it as leaked to that key's holder", r, files[0]))
			}
		case len(off) > 0:
			out = append(out, fmt.Sprintf("recipient key %s belongs to %s, who is not on this record's team (handler, response team, coordinators%s): seal it again to its team only (embargo seal), and treat the record as leaked to them", r, strings.Join(off, ", "), extraNote(team)))
		}
	}
	for _, p := range team.People {
		ref, known := st.People[p]
		if covered[p] || !known {
			continue // an unknown person is ref.unknown, or their member file failed
		}
		canEncrypt, unreadable := false, false
		for _, fpr := range ref.Person().Keys {
			kf := st.Keys[fpr]
			if kf == nil || kf.Key == nil || kf.Key.Fingerprint != fpr {
				unreadable = true
				continue
			}
			canEncrypt = canEncrypt || pgp.CanEncrypt(kf.Key, now)
		}
		switch {
		case canEncrypt:
			out = append(out, fmt.Sprintf("%s (%s) is not among the recipients and cannot read the record; seal it again to the current team (embargo seal, or embargo edit)", p, team.Role[p]))
		case !unreadable:
			out = append(out, fmt.Sprintf("%s (%s) is not among the recipients and has no key that can encrypt; they add an encryption subkey (gpg --quick-add-key FINGERPRINT cv25519 encr) to their key file, then the record is sealed again", p, team.Role[p]))
		}
	}
	return out
}

// extraNote mentions sealed_recipients when the list has any.
func extraNote(team Team) string {
	for _, r := range team.Role {
		if strings.HasPrefix(r, "sealed_recipients") {
			return ", the list's sealed_recipients"
		}
	}
	return ""
}
