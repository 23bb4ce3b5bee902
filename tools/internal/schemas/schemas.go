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
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/embargo-tool/embargo/schema"
	"github.com/embargo-tool/embargo/tools/internal/finding"
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
		return []finding.Finding{{Rule: "schema", Severity: finding.Error, File: doc.File, Line: 1, Column: 1,
			Message: fmt.Sprintf("no schema for file kind %q", kind)}}
	}
	err := sch.Validate(v)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []finding.Finding{{Rule: "schema", Severity: finding.Error, File: doc.File, Line: 1, Column: 1, Message: err.Error()}}
	}
	var out []finding.Finding
	seen := map[string]bool{}
	for _, leaf := range leaves(ve) {
		f := toFinding(doc, leaf)
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
)

func toFinding(doc *yamldoc.Doc, ve *jsonschema.ValidationError) finding.Finding {
	loc := ve.InstanceLocation
	line, col := doc.Pos(loc)
	msg := ve.Message
	if m := unknownKeys.FindStringSubmatch(msg); m != nil {
		keys := quoted.FindAllStringSubmatch(m[1], -1)
		if len(keys) > 0 {
			line, col = doc.KeyPos(loc + "/" + keys[0][1])
		}
		msg = "unknown key " + m[1] + "; remove it or check its spelling against docs/formats.md"
	}
	path := loc
	if path == "" {
		path = "/"
	}
	return finding.Finding{Rule: "schema", Severity: finding.Error, File: doc.File, Line: line, Column: col,
		Message: fmt.Sprintf("%s: %s", path, strings.TrimSpace(msg))}
}
