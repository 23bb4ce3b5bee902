package state

import (
	"encoding/json"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/embargo-tool/embargo/schema"
	"github.com/embargo-tool/embargo/tools/internal/exampledata"
	"github.com/embargo-tool/embargo/tools/internal/schemas"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/synth"
	"github.com/embargo-tool/embargo/tools/internal/yamldoc"
)

// TestDecodeValueMatchesYAMLDecode decodes every record of the bundled example
// and of a generated repository both ways — the fast path from the checked value
// and yaml.v3's own Node.Decode — and requires the same typed record.
func TestDecodeValueMatchesYAMLDecode(t *testing.T) {
	gen := t.TempDir()
	if _, err := synth.Generate(gen, synth.Config{Seed: 7, Members: 6, Issues: 60, Now: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	set, err := schemas.Compiled()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, root := range []string{exampledata.Dir(t), gen} {
		src := source.Dir{Root: root}
		entries, err := src.List(exampledata.Parts...)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			kind, ok := kindOf(e.Path)
			if !ok || kind == "key" {
				continue
			}
			data, err := src.Read(e.Path)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := yamldoc.Parse(e.Path, data)
			if err != nil {
				t.Fatalf("%s: %v", e.Path, err)
			}
			value := doc.Value()
			if fs := set.Validate(kind, doc, value); len(fs) > 0 {
				t.Fatalf("%s: the example must pass its schema: %v", e.Path, fs)
			}
			fast, slow := newRecord(kind), newRecord(kind)
			if err := yamldoc.DecodeValue(value, fast); err != nil {
				t.Fatalf("%s: %v", e.Path, err)
			}
			if err := doc.Root.Decode(slow); err != nil {
				t.Fatalf("%s: %v", e.Path, err)
			}
			if !reflect.DeepEqual(fast, slow) {
				t.Errorf("%s: decoded records differ\nfast: %+v\nyaml: %+v", e.Path, fast, slow)
			}
			checked++
		}
	}
	if checked < 80 {
		t.Fatalf("only %d records compared", checked)
	}
}

// TestSchemasMatchRecordTypes walks each record schema beside its Go type: every
// property a schema allows must have a field to decode into (or decoding a valid
// record would fail), and every field must be a property some schema allows (or
// it could never be filled).
func TestSchemasMatchRecordTypes(t *testing.T) {
	docs := map[string]map[string]any{}
	names, _ := fs.Glob(schema.Files, "*.schema.json")
	for _, n := range names {
		data, _ := fs.ReadFile(schema.Files, n)
		var d map[string]any
		if err := json.Unmarshal(data, &d); err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		docs[n] = d
	}
	for _, kind := range []string{schemas.Issue, schemas.Member, schemas.Policy, schemas.Coordinators, schemas.Tasks, schemas.Ambassadors} {
		w := &schemaWalker{t: t, docs: docs, seen: map[string]bool{}}
		file := kind + ".schema.json"
		typ := reflect.TypeOf(newRecord(kind)).Elem()
		w.walk(file, docs[file], typ, kind)
		w.allFieldsSeen(typ, kind)
	}
}

type schemaWalker struct {
	t    *testing.T
	docs map[string]map[string]any
	seen map[string]bool // "<type>.<key>" for every struct field a schema names
}

func (w *schemaWalker) walk(file string, s map[string]any, typ reflect.Type, at string) {
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if ref, ok := s["$ref"].(string); ok {
		refFile, ptr, _ := strings.Cut(strings.TrimPrefix(ref, schema.BaseURL), "#")
		if refFile == "" {
			refFile = file
		}
		target := w.docs[refFile]
		for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
			target, _ = target[tok].(map[string]any)
		}
		if target == nil {
			w.t.Fatalf("%s: unresolved $ref %s", at, ref)
		}
		w.walk(refFile, target, typ, at)
	}
	for _, key := range []string{"allOf", "anyOf", "oneOf"} {
		subs, _ := s[key].([]any)
		for _, sub := range subs {
			w.walk(file, sub.(map[string]any), typ, at)
		}
	}
	for _, key := range []string{"if", "then", "else"} {
		if sub, ok := s[key].(map[string]any); ok {
			w.walk(file, sub, typ, at)
		}
	}
	want := map[string]reflect.Kind{"string": reflect.String, "boolean": reflect.Bool, "array": reflect.Slice, "integer": reflect.Int}
	// A struct that decodes itself (records.Application) takes other shapes too.
	selfDecoding := typ.Kind() == reflect.Struct && reflect.PointerTo(typ).Implements(reflect.TypeFor[yamldoc.Unmarshaler]())
	if ty, ok := s["type"].(string); ok {
		if k, ok := want[ty]; ok && typ.Kind() != k && typ.Kind() != reflect.Interface && !selfDecoding {
			w.t.Errorf("%s: schema type %s, Go type %s", at, ty, typ)
		}
		if ty == "object" && typ.Kind() != reflect.Struct && typ.Kind() != reflect.Map && typ.Kind() != reflect.Interface {
			w.t.Errorf("%s: schema type object, Go type %s", at, typ)
		}
	}
	if props, ok := s["properties"].(map[string]any); ok {
		if typ.Kind() != reflect.Struct {
			w.t.Errorf("%s: schema has properties, Go type %s is no struct", at, typ)
			return
		}
		fields := yamldoc.Fields(typ)
		for name, sub := range props {
			i, ok := fields[name]
			if !ok {
				w.t.Errorf("%s: schema property %q has no field in %s", at, name, typ)
				continue
			}
			w.seen[typ.String()+"."+name] = true
			w.walk(file, sub.(map[string]any), typ.Field(i).Type, at+"."+name)
		}
	}
	if items, ok := s["items"].(map[string]any); ok && typ.Kind() == reflect.Slice {
		w.walk(file, items, typ.Elem(), at+"[]")
	}
	if ap, ok := s["additionalProperties"].(map[string]any); ok {
		if typ.Kind() != reflect.Map {
			w.t.Errorf("%s: schema allows any key, Go type %s is no map", at, typ)
			return
		}
		w.walk(file, ap, typ.Elem(), at+".*")
	}
}

// allFieldsSeen reports struct fields, reachable from typ, that no schema names.
func (w *schemaWalker) allFieldsSeen(typ reflect.Type, at string) {
	for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Map {
		typ = typ.Elem()
	}
	if typ.Kind() != reflect.Struct {
		return
	}
	for name, i := range yamldoc.Fields(typ) {
		f := typ.Field(i)
		if !w.seen[typ.String()+"."+name] {
			w.t.Errorf("%s: field %s.%s (%q) is in no schema", at, typ, f.Name, name)
			continue
		}
		w.allFieldsSeen(f.Type, at+"."+name)
	}
}
