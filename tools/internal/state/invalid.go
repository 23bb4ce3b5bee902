package state

import (
	"path"
	"strings"

	"github.com/embargo-tool/embargo/tools/internal/schemas"
)

// InvalidIDs are the ids that member files declare although they failed a layer
// (YAML syntax, schema or decoding). Such a file is reported once, by its own
// finding, and its typed record stays nil: it grants nothing, and People,
// MembersByID and Keys, which the verifier reads for trust, never include what it
// declares. The rules read InvalidIDs only to hold back the findings that would
// repeat that one mistake in other files ("handler ... is not a person listed in
// any members/*.yaml"), so that one mistake gives one finding.
//
// Only member files need this: a policy.yaml that fails leaves Policy nil, and
// the rules then check nothing against its lists; no record refers to an issue
// by its id; a key file that fails keeps its entry in Keys (with Err).
type InvalidIDs struct {
	Members map[string]string // member id -> the member file that failed
	People  map[string]string // person id -> the member file that failed
	Keys    map[string]string // fingerprint a person of that file lists -> the file
	// Unread are member files whose YAML did not parse: what they declare is
	// unknown, so any person or key may be theirs.
	Unread []string
}

// Declares reports whether id is a member or person id that a member file which
// failed a layer declares, or may declare (Unread).
func (ids *InvalidIDs) Declares(id string) bool {
	if len(ids.Unread) > 0 {
		return true
	}
	_, m := ids.Members[id]
	_, p := ids.People[id]
	return m || p
}

// ListsKey reports whether fpr may be listed by a person of a member file that
// failed a layer.
func (ids *InvalidIDs) ListsKey(fpr string) bool {
	_, ok := ids.Keys[fpr]
	return ok || len(ids.Unread) > 0
}

// noteInvalid records what the member file f, which failed a layer, declares.
// A file whose syntax failed (doc nil) gives its member id from its name only.
func (st *State) noteInvalid(kind string, f *File) {
	if kind != schemas.Member {
		return
	}
	ids := &st.Invalid
	if ids.Members == nil {
		ids.Members, ids.People, ids.Keys = map[string]string{}, map[string]string{}, map[string]string{}
	}
	ids.Members[strings.TrimSuffix(path.Base(f.Path), ".yaml")] = f.Path
	doc := f.Doc()
	if doc == nil {
		ids.Unread = append(ids.Unread, f.Path)
		return
	}
	// The generic value: whatever of the record is still readable, typed or not.
	root, _ := doc.Value().(map[string]any)
	if id, ok := root["id"].(string); ok {
		ids.Members[id] = f.Path
	}
	people, _ := root["people"].([]any)
	for _, p := range people {
		p, _ := p.(map[string]any)
		if id, ok := p["id"].(string); ok {
			ids.People[id] = f.Path
		}
		keys, _ := p["keys"].([]any)
		for _, k := range keys {
			if fpr, ok := k.(string); ok {
				// As the key file would be named, had the schema let it be.
				ids.Keys[strings.ToUpper(strings.ReplaceAll(fpr, " ", ""))] = f.Path
			}
		}
	}
}
