// Package schemas compiles the embedded JSON Schemas once and validates documents
// against them, turning each violation into a finding at the offending YAML line.
package schemas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/embargo-tool/embargo/schema"
	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/rules"
	"github.com/embargo-tool/embargo/tools/internal/yamldoc"
)

// Kinds of files, each with a schema named <kind>.schema.json.
const (
	Issue        = "issue"
	Member       = "member"
	Policy       = "policy"
	Coordinators = "coordinators"
	Tasks        = "tasks"
	Ambassadors  = "ambassadors"
)

// Set is the compiled schemas, safe for concurrent use.
type Set struct {
	byKind map[string]*jsonschema.Schema
}

var (
	once     sync.Once
	compiled *Set
	errComp  error
)

// Compiled returns the schemas, compiling them on first use only.
func Compiled() (*Set, error) {
	once.Do(func() { compiled, errComp = compile() })
	return compiled, errComp
}

func compile() (*Set, error) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	c.LoadURL = func(u string) (io.ReadCloser, error) {
		return nil, fmt.Errorf("schema %s is not embedded (no network access)", u)
	}
	names, err := fs.Glob(schema.Files, "*.schema.json")
	if err != nil {
		return nil, err
	}
	docs := map[string]map[string]any{}
	for _, n := range names {
		data, err := fs.ReadFile(schema.Files, n)
		if err != nil {
			return nil, err
		}
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			return nil, fmt.Errorf("schema %s: %w", n, err)
		}
		docs[n] = doc
	}
	defs, _ := docs["defs.schema.json"]["$defs"].(map[string]any)
	inlineDefs(docs["defs.schema.json"], defs) // flatten chains (member_id -> id) first
	for _, n := range names {
		if n != "defs.schema.json" {
			inlineDefs(docs[n], defs)
		}
		flat, err := json.Marshal(docs[n])
		if err != nil {
			return nil, err
		}
		if err := c.AddResource(schema.BaseURL+n, bytes.NewReader(flat)); err != nil {
			return nil, fmt.Errorf("schema %s: %w", n, err)
		}
	}
	s := &Set{byKind: map[string]*jsonschema.Schema{}}
	for _, k := range []string{Issue, Member, Policy, Coordinators, Tasks, Ambassadors} {
		sch, err := c.Compile(schema.BaseURL + k + ".schema.json")
		if err != nil {
			return nil, fmt.Errorf("compile schema %s: %w", k, err)
		}
		s.byKind[k] = sch
	}
	return s, nil
}

// Valid reports whether v passes the schema of kind, without building
// findings: the cheap question asked of every record before Validate.
func (s *Set) Valid(kind string, v any) bool {
	sch, ok := s.byKind[kind]
	return ok && sch.Validate(v) == nil
}

// Validate checks doc, whose value (doc.Value()) is v, against the schema of kind
// and returns one finding per violation.
func (s *Set) Validate(kind string, doc *yamldoc.Doc, v any) []finding.Finding {
	sch, ok := s.byKind[kind]
	if !ok {
		return []finding.Finding{{Rule: rules.Schema, Severity: finding.Error, File: doc.File, Line: 1, Column: 1,
			Message: fmt.Sprintf("no schema for file kind %q", kind)}}
	}
	err := sch.Validate(v)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []finding.Finding{{Rule: rules.Schema, Severity: finding.Error, File: doc.File, Line: 1, Column: 1, Message: err.Error()}}
	}
	var out []finding.Finding
	seen := map[string]bool{}
	for _, leaf := range leaves(ve) {
		f := toFinding(doc, leaf, kind == Issue)
		key := fmt.Sprint(f.Line, f.Column, f.Message)
		if !seen[key] {
			seen[key] = true
			out = append(out, f)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

func leaves(ve *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return []*jsonschema.ValidationError{ve}
	}
	var out []*jsonschema.ValidationError
	for _, c := range ve.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

var (
	unknownKeys = regexp.MustCompile(`^additionalProperties ('.*') not allowed$`)
	quoted      = regexp.MustCompile(`'([^']*)'`)
	fieldName   = regexp.MustCompile(`^([a-z_]{1,40}|[0-9]{1,6})$`)
)

// toFinding turns one violation into a finding at the offending value. The
// message is built from the schema's side of the violation only — the keyword
// and what it asks for — never from the value in the file: the validator's
// own messages quote the value ("'x' is not valid 'email'"), and a finding
// about an issue record must not repeat a private field (CI logs are read by
// more people than the record's team). For issue records (private) the
// unknown keys are not named either, since a value written in the wrong
// place parses as a key ({name: Jo, jo@example.net}); the position points
// at it.
func toFinding(doc *yamldoc.Doc, ve *jsonschema.ValidationError, private bool) finding.Finding {
	loc := ve.InstanceLocation
	line, col := doc.Pos(loc)
	msg := schemaMessage(ve)
	if m := unknownKeys.FindStringSubmatch(ve.Message); m != nil && keyword(ve) == "additionalProperties" {
		keys := quoted.FindAllStringSubmatch(m[1], -1)
		if len(keys) > 0 {
			line, col = doc.KeyPos(loc + "/" + keys[0][1])
		}
		if private {
			msg = "unknown key; remove it or check its spelling against docs/formats.md"
		} else {
			msg = "unknown key " + m[1] + "; remove it or check its spelling against docs/formats.md"
		}
	}
	return finding.Finding{Rule: rules.Schema, Severity: finding.Error, File: doc.File, Line: line, Column: col,
		Message: fmt.Sprintf("%s: %s", pointer(loc, private), msg)}
}

// pointer writes the JSON pointer of a value. For private records a segment
// that is not a field name or an index is hidden; the schemas of private
// records allow no free-form keys, so this is a second lock, not the first.
func pointer(loc string, private bool) string {
	if loc == "" {
		return "/"
	}
	if !private {
		return loc
	}
	parts := strings.Split(loc, "/")
	for i, p := range parts {
		if i > 0 && !fieldName.MatchString(p) {
			parts[i] = "…"
		}
	}
	return strings.Join(parts, "/")
}

// keyword is the schema keyword a violation is about: the last segment of
// its keyword location.
func keyword(ve *jsonschema.ValidationError) string {
	k := ve.KeywordLocation
	if i := strings.LastIndexByte(k, '/'); i >= 0 {
		k = k[i+1:]
	}
	return strings.NewReplacer("~1", "/", "~0", "~").Replace(k)
}

// The shapes of the validator's messages (jsonschema v5) that carry nothing
// of the value, by keyword; for the others only the schema's part is kept.
var (
	typeMsg   = regexp.MustCompile(`^expected [a-z]+( or [a-z]+)*, but got [a-z]+$`)
	formatMsg = regexp.MustCompile(`is not valid ('[^']*')$`)
	boundMsg  = regexp.MustCompile(`^((?:length )?must be [<>]=? [0-9.e+-]+)`)
	countMsg  = regexp.MustCompile(`^(minimum|maximum) [0-9]+ (properties|items) (allowed|required), but found [0-9]+ (properties|items)$`)
	uniqueMsg = regexp.MustCompile(`^items at index [0-9]+ and [0-9]+ are equal$`)
	multMsg   = regexp.MustCompile(`not multipleOf ([0-9.e+-]+)$`)
)

// schemaMessage says what the schema asks for, without the value.
func schemaMessage(ve *jsonschema.ValidationError) string {
	msg := strings.TrimSpace(ve.Message)
	kw := keyword(ve)
	switch kw {
	case "type":
		if typeMsg.MatchString(msg) {
			return msg // type names only
		}
	case "enum", "const":
		if strings.HasPrefix(msg, "value must be ") || msg == "const failed" {
			return msg // the schema's allowed values
		}
	case "format":
		if m := formatMsg.FindStringSubmatch(msg); m != nil {
			return "value is not valid " + m[1]
		}
	case "pattern":
		switch {
		case strings.HasPrefix(msg, "does not match pattern '^[0-9]{4}-[0-9]{2}-[0-9]{2}T"):
			// The timestamp's pattern says nothing a person can act on.
			return "is not a date and time as RFC 3339 writes it; write it like 2026-11-30T10:00:00Z: a T between date and time, and Z (UTC) or an offset such as +02:00"
		case strings.HasPrefix(msg, "does not match pattern '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'"):
			return "is not a plain date; write it like 2026-11-30"
		case strings.HasPrefix(msg, "does not match pattern '"):
			return msg // the schema's pattern
		}
	case "required":
		if strings.HasPrefix(msg, "missing properties: ") {
			return msg // the schema's field names
		}
	case "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
		if m := boundMsg.FindStringSubmatch(msg); m != nil {
			return m[1] // without ", but got N"
		}
	case "minItems", "maxItems", "minProperties", "maxProperties":
		if countMsg.MatchString(msg) {
			return msg
		}
	case "uniqueItems":
		if uniqueMsg.MatchString(msg) {
			return msg
		}
	case "multipleOf":
		if m := multMsg.FindStringSubmatch(msg); m != nil {
			return "value is not a multiple of " + m[1]
		}
	case "additionalProperties":
		return "unknown key; remove it or check its spelling against docs/formats.md"
	}
	return fmt.Sprintf("value does not match the schema (keyword %s)", strings.Trim(strconv.Quote(kw), `"`))
}
