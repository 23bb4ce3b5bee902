// Package state loads a whole repository state — policy, roles, members, keys and
// issues — from a source (working tree or git tree), in layers: YAML syntax, then
// schema, then typed records. A file that fails a layer is reported and left out of
// the next, so one mistake does not cascade into dozens of findings.
package state

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/parallel"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/rules"
	"github.com/embargo-tool/embargo/tools/internal/schemas"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/yamldoc"
)

// Well-known paths.
const (
	PolicyFile       = "policy.yaml"
	CoordinatorsFile = "roles/coordinators.yaml"
	TasksFile        = "roles/tasks.yaml"
	AmbassadorsFile  = "roles/ambassadors.yaml"
	KeysDir          = "members/keys"
	// CodeOwnersFile is the forge's CODEOWNERS, generated from the policy by
	// `embargo codeowners`; it is not a record, only compared with what the
	// policy says (rule codeowners.stale).
	CodeOwnersFile = ".github/CODEOWNERS"
)

// File is one loaded YAML file. Doc() is nil when the syntax failed; the typed
// record (in the wrapping struct) is nil when the schema failed.
type File struct {
	Path string
	doc  *docRef
}

// docRef holds a file's node tree, or the text to build it again. The tree of an
// issue weighs about fifteen times its text and only files with a finding need
// positions, so issue trees are dropped once decoded and rebuilt on demand: that
// keeps 10,000 records from filling the heap the garbage collector must scan.
type docRef struct {
	once sync.Once
	text []byte // set when doc was dropped
	doc  *yamldoc.Doc
}

// Doc returns the file's parsed document, or nil when its syntax failed.
func (f *File) Doc() *yamldoc.Doc {
	if f.doc == nil {
		return nil
	}
	f.doc.once.Do(func() {
		if f.doc.doc == nil {
			// The text parsed once already; parsing is deterministic.
			f.doc.doc, _ = yamldoc.Parse(f.Path, f.doc.text)
			f.doc.text = nil
		}
	})
	return f.doc.doc
}

// IssueFile is one issue record.
type IssueFile struct {
	File
	Issue *records.Issue
}

// MemberFile is one member record.
type MemberFile struct {
	File
	Member *records.Member
}

// KeyFile is one members/keys/<FPR>.asc; Key is nil when it did not parse.
type KeyFile struct {
	Path string
	Key  *pgp.Key
	Err  error
}

// PersonRef locates a person: which member lists them, at which index.
type PersonRef struct {
	Member *MemberFile
	Index  int
}

// Person returns the referenced person record.
func (r PersonRef) Person() *records.Person { return &r.Member.Member.People[r.Index] }

// State is everything the rules and the verifier need from one repository state.
type State struct {
	Source       string
	Policy       *records.Policy
	PolicyDoc    *File
	Coordinators *records.Coordinators
	Tasks        *records.Tasks
	Ambassadors  *records.Ambassadors
	RoleDocs     map[string]*File // by path
	Members      []*MemberFile
	Issues       []*IssueFile
	Keys         map[string]*KeyFile // by fingerprint from the file name
	People       map[string]PersonRef
	MembersByID  map[string]*MemberFile
	// Invalid holds the ids of member files that failed a layer, for the rules'
	// reference checks only; never read it for trust (see InvalidIDs).
	Invalid    InvalidIDs
	CodeOwners *RawFile // CodeOwnersFile; nil when there is none
	// Read counts the record and key files Load took up, by kind (the
	// schemas kinds and KeyKind), those with findings included: what a run
	// says it validated.
	Read map[string]int
}

// KeyKind is the kind of a key file in State.Read.
const KeyKind = "key"

// RawFile is a file kept as bytes, not parsed as a record; Err says why it
// could not be read (too large, say).
type RawFile struct {
	Path string
	Data []byte
	Err  error
}

var (
	issuePathRe  = regexp.MustCompile(`^issues/([0-9]{4})/(EMB-[0-9]{4}-[0-9]{4,})\.yaml$`)
	memberPathRe = regexp.MustCompile(`^members/([a-z0-9][a-z0-9-]*)\.yaml$`)
	keyPathRe    = regexp.MustCompile(`^members/keys/([0-9A-F]{40}|[0-9A-F]{64})\.asc$`)
)

// Load reads the state from src. Findings about files (syntax, schema, misplaced or
// non-regular files) go to out; an error means the source could not be read at all.
func Load(src source.Source, out *finding.List) (*State, error) {
	st, err := LoadParts(src, out, PolicyFile, "roles", "members", "issues")
	if err != nil {
		return nil, err
	}
	switch data, err := src.Read(CodeOwnersFile); {
	case err == nil:
		st.CodeOwners = &RawFile{Path: CodeOwnersFile, Data: data}
	case !errors.Is(err, fs.ErrNotExist):
		st.CodeOwners = &RawFile{Path: CodeOwnersFile, Err: err}
	}
	return st, nil
}

// Trust names the parts of a state that say who may sign: everything but the
// issues, so loading trust costs what the member list costs, not the archive.
var Trust = []string{PolicyFile, "roles", "members"}

// LoadParts is Load restricted to some top-level parts (files or folders).
func LoadParts(src source.Source, out *finding.List, parts ...string) (*State, error) {
	set, err := schemas.Compiled()
	if err != nil {
		return nil, err
	}
	entries, err := src.List(parts...)
	if err != nil {
		return nil, fmt.Errorf("list files of %s: %w", src.Name(), err)
	}
	st := &State{Source: src.Name(), RoleDocs: map[string]*File{}, Keys: map[string]*KeyFile{}, Read: map[string]int{}}
	type job struct {
		entry source.Entry
		kind  string
	}
	var jobs []job
	for _, e := range entries {
		if source.IsHidden(e.Path) && e.Path != PolicyFile {
			continue
		}
		if !e.Regular {
			out.Add(finding.Finding{Rule: rules.FileType, Severity: finding.Error, File: e.Path, Line: 1, Column: 1,
				Message: fmt.Sprintf("%s where a regular file belongs; replace it with the file itself", e.Kind)})
			continue
		}
		kind, ok := kindOf(e.Path)
		if !ok {
			out.Add(finding.Finding{Rule: rules.IDFilename, Severity: finding.Error, File: e.Path, Line: 1, Column: 1,
				Message: "unexpected file: " + expectedLayout(e.Path)})
			continue
		}
		jobs = append(jobs, job{e, kind})
		st.Read[kind]++
	}

	// Every core parses, validates and decodes; results go back into slots, so
	// the order stays deterministic. Git object storage is not safe for
	// concurrent use: from a git tree the files are read first, in order; from
	// the working tree each worker reads its own.
	results := make([]result, len(jobs))
	for i, j := range jobs {
		results[i] = result{file: File{Path: j.entry.Path}, kind: j.kind}
	}
	_, concurrentReads := src.(source.Dir)
	read := func(r *result) bool {
		data, err := src.Read(r.file.Path)
		if err != nil {
			out.Add(finding.Finding{Rule: rules.YAMLSyntax, Severity: finding.Error, File: r.file.Path, Line: 1, Column: 1,
				Message: "cannot read file: " + err.Error()})
			if r.kind == "key" {
				r.key = &KeyFile{Path: r.file.Path, Err: err}
			}
			return false
		}
		r.data = data
		return true
	}
	if !concurrentReads {
		for i := range results {
			if !read(&results[i]) {
				results[i].skip = true
			}
		}
	}
	parallel.For(len(results), func(i int) {
		r := &results[i]
		if r.skip || (concurrentReads && !read(r)) {
			return
		}
		parseOne(r, set, out)
	})

	for _, r := range results {
		f := r.file
		if r.kind == "key" {
			if r.key != nil {
				st.Keys[strings.TrimSuffix(path.Base(r.key.Path), ".asc")] = r.key
			}
			continue
		}
		if f.doc == nil {
			if r.kind == schemas.Policy {
				st.PolicyDoc = &f
			}
			st.noteInvalid(r.kind, &f)
			continue
		}
		if r.err != nil {
			out.Add(finding.Finding{Rule: rules.Schema, Severity: finding.Error, File: f.Path, Line: 1, Column: 1,
				Message: "cannot decode record: " + r.err.Error()})
		}
		if r.rec == nil {
			st.noteInvalid(r.kind, &f)
		}
		st.add(r.kind, &f, r.rec)
	}
	st.index()
	return st, nil
}

// result is one file on its way through the layers.
type result struct {
	file File
	kind string
	data []byte
	skip bool
	key  *KeyFile
	rec  any // the typed record; nil when a layer failed
	err  error
}

// parseOne runs the layers on one file: key parsing, or YAML syntax, schema and
// decoding into the record type of its kind.
func parseOne(r *result, set *schemas.Set, out *finding.List) {
	data := r.data
	r.data = nil
	if r.kind == "key" {
		k, err := pgp.ParseKeyFile(data)
		r.key = &KeyFile{Path: r.file.Path, Key: k, Err: err}
		return
	}
	// Most issue records take the fast path, which yields the same value as
	// yaml.v3 without a node tree; a file it declines, or one with a
	// finding, is parsed by yaml.v3 for its messages and positions. The
	// files trust is read from (policy, roles, members) are read by yaml.v3
	// alone: one reader for the bytes a signature decision depends on.
	var value any
	fast := false
	if r.kind == schemas.Issue {
		value, fast = yamldoc.FastValue(data)
	}
	var doc *yamldoc.Doc
	if !fast || !set.Valid(r.kind, value) {
		var err error
		if doc, err = yamldoc.Parse(r.file.Path, data); err != nil {
			se := err.(*yamldoc.SyntaxError)
			msg := se.Msg
			if r.kind == schemas.Issue {
				msg = se.Redacted() // an issue record's text stays out of messages
			}
			out.Add(finding.Finding{Rule: rules.YAMLSyntax, Severity: finding.Error, File: r.file.Path, Line: se.Line, Column: se.Column, Message: msg})
			return
		}
		value = doc.Value()
		if fs := set.Validate(r.kind, doc, value); len(fs) > 0 {
			r.file.doc = &docRef{doc: doc}
			out.AddAll(fs)
			return
		}
	}
	rec := newRecord(r.kind)
	if r.err = yamldoc.DecodeValue(value, rec); r.err == nil {
		r.rec = rec
	}
	if doc == nil || (r.kind == schemas.Issue && r.err == nil) {
		r.file.doc = &docRef{text: data} // parsed again only if a rule needs positions
	} else {
		r.file.doc = &docRef{doc: doc}
	}
}

// newRecord returns a pointer to a new record of the Go type of kind (nil for an
// unknown kind, which decoding then reports).
func newRecord(kind string) any {
	switch kind {
	case schemas.Policy:
		return new(records.Policy)
	case schemas.Coordinators:
		return new(records.Coordinators)
	case schemas.Tasks:
		return new(records.Tasks)
	case schemas.Ambassadors:
		return new(records.Ambassadors)
	case schemas.Member:
		return new(records.Member)
	case schemas.Issue:
		return new(records.Issue)
	}
	return nil
}

// add files one loaded file into the state; rec is nil when it failed a layer.
func (st *State) add(kind string, f *File, rec any) {
	switch kind {
	case schemas.Policy:
		st.PolicyDoc = f
		st.Policy, _ = rec.(*records.Policy)
	case schemas.Coordinators:
		st.RoleDocs[f.Path] = f
		st.Coordinators, _ = rec.(*records.Coordinators)
	case schemas.Tasks:
		st.RoleDocs[f.Path] = f
		st.Tasks, _ = rec.(*records.Tasks)
	case schemas.Ambassadors:
		st.RoleDocs[f.Path] = f
		st.Ambassadors, _ = rec.(*records.Ambassadors)
	case schemas.Member:
		m, _ := rec.(*records.Member)
		st.Members = append(st.Members, &MemberFile{File: *f, Member: m})
	case schemas.Issue:
		is, _ := rec.(*records.Issue)
		st.Issues = append(st.Issues, &IssueFile{File: *f, Issue: is})
	}
}

// index builds the lookup maps; the first definition of a duplicate id wins
// (the rules report the duplicate).
func (st *State) index() {
	st.People = map[string]PersonRef{}
	st.MembersByID = map[string]*MemberFile{}
	for _, m := range st.Members {
		if m.Member == nil {
			continue
		}
		if _, dup := st.MembersByID[m.Member.ID]; !dup {
			st.MembersByID[m.Member.ID] = m
		}
		for i, p := range m.Member.People {
			if _, dup := st.People[p.ID]; !dup {
				st.People[p.ID] = PersonRef{Member: m, Index: i}
			}
		}
	}
}

// kindOf maps a path to its file kind ("key" for key files).
func kindOf(p string) (string, bool) {
	switch {
	case p == PolicyFile:
		return schemas.Policy, true
	case p == CoordinatorsFile:
		return schemas.Coordinators, true
	case p == TasksFile:
		return schemas.Tasks, true
	case p == AmbassadorsFile:
		return schemas.Ambassadors, true
	case memberPathRe.MatchString(p):
		return schemas.Member, true
	case keyPathRe.MatchString(p):
		return "key", true
	case issuePathRe.MatchString(p):
		return schemas.Issue, true
	case strings.HasPrefix(p, "issues/") && strings.HasSuffix(p, ".yaml"):
		// Misnamed issue files are still checked, so id.filename can say what is wrong.
		return schemas.Issue, true
	}
	return "", false
}

func expectedLayout(p string) string {
	switch {
	case strings.HasPrefix(p, "roles/"):
		return "roles/ holds only coordinators.yaml, tasks.yaml and ambassadors.yaml"
	case strings.HasPrefix(p, "members/keys/"):
		return "key files are named members/keys/<FULL-FINGERPRINT>.asc, upper-case hex"
	case strings.HasPrefix(p, "members/"):
		return "member files are named members/<member-id>.yaml (lower-case)"
	case strings.HasPrefix(p, "issues/"):
		return "issue files are named issues/<YYYY>/EMB-<YYYY>-<NNNN>.yaml"
	}
	return "not part of the repository layout"
}

// LayoutProblem says why p, a path under issues/, members/ or roles/, is not
// a path of the repository layout (and so can hold no record), or "". An
// issue's folder must be the year in its id.
func LayoutProblem(p string) string {
	switch {
	case strings.HasPrefix(p, "issues/"):
		m := issuePathRe.FindStringSubmatch(p)
		if m == nil {
			return expectedLayout(p)
		}
		if !strings.HasPrefix(m[2], "EMB-"+m[1]+"-") {
			return "the folder of an issue is the year in its id: issues/<YYYY>/EMB-<YYYY>-<NNNN>.yaml"
		}
	case strings.HasPrefix(p, "members/"), strings.HasPrefix(p, "roles/"):
		if _, ok := kindOf(p); !ok {
			return expectedLayout(p)
		}
	}
	return ""
}

// IssuePathParts returns the folder year and file id of an issue path.
func IssuePathParts(p string) (year, id string, ok bool) {
	m := issuePathRe.FindStringSubmatch(p)
	if m == nil {
		return "", strings.TrimSuffix(path.Base(p), ".yaml"), false
	}
	return m[1], m[2], true
}

// Issue reads one issue record from src through the same layers as Load (YAML
// syntax, schema, decoding). exists is false when there is no such file; rec is
// nil when the file exists but fails a layer.
func Issue(src source.Source, p string) (rec *records.Issue, exists bool) {
	data, err := src.Read(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false
	}
	if err != nil {
		return nil, true
	}
	set, err := schemas.Compiled()
	if err != nil {
		return nil, true
	}
	r := result{file: File{Path: p}, kind: schemas.Issue, data: data}
	var ignored finding.List // the findings are validate's business
	parseOne(&r, set, &ignored)
	rec, _ = r.rec.(*records.Issue)
	return rec, true
}

// Decode reads one file of the given kind (schemas.Member, schemas.Issue, ...)
// through the same layers as Load, into a new record of its type: nil, and
// the first finding's message, when a layer fails.
func Decode(kind, p string, data []byte) (any, error) {
	set, err := schemas.Compiled()
	if err != nil {
		return nil, err
	}
	r := result{file: File{Path: p}, kind: kind, data: data}
	var out finding.List
	parseOne(&r, set, &out)
	if r.rec == nil {
		if fs := out.Sorted(); len(fs) > 0 {
			return nil, fmt.Errorf("%s: %s", fs[0].Rule, fs[0].Message)
		}
		if r.err != nil {
			return nil, r.err
		}
		return nil, fmt.Errorf("%s does not hold a %s record", p, kind)
	}
	return r.rec, nil
}
