package schemas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/embargo-tool/embargo/schema"
	"github.com/embargo-tool/embargo/tools/internal/yamldoc"
)

func TestInlineDefs(t *testing.T) {
	defs := map[string]any{
		"id":        map[string]any{"type": "string", "pattern": "^[a-z]+$", "description": "id"},
		"member_id": map[string]any{"$ref": "#/$defs/id", "description": "member"},
		"object":    map[string]any{"type": "object", "properties": map[string]any{"a": map[string]any{}}},
	}
	inlineDefs(map[string]any{"$defs": defs}, defs)
	ref := func(name string) string { return defsURL + "#/$defs/" + name }
	for _, tc := range []struct {
		name      string
		in, want  map[string]any
		wantAsRef bool
	}{
		{name: "simple definition is inlined, the sibling's description wins",
			in:   map[string]any{"$ref": ref("id"), "description": "handler"},
			want: map[string]any{"type": "string", "pattern": "^[a-z]+$", "description": "handler"}},
		{name: "chain of definitions is flattened",
			in:   map[string]any{"$ref": ref("member_id")},
			want: map[string]any{"type": "string", "pattern": "^[a-z]+$", "description": "member"}},
		{name: "same assertion beside the $ref is no conflict",
			in:   map[string]any{"$ref": ref("id"), "type": "string"},
			want: map[string]any{"type": "string", "pattern": "^[a-z]+$", "description": "id"}},
		{name: "a different assertion beside the $ref keeps the $ref",
			in:   map[string]any{"$ref": ref("id"), "pattern": "^x"},
			want: map[string]any{"$ref": ref("id"), "pattern": "^x"}},
		{name: "a definition with structure keeps the $ref",
			in:   map[string]any{"$ref": ref("object"), "additionalProperties": false},
			want: map[string]any{"$ref": ref("object"), "additionalProperties": false}},
		{name: "references elsewhere are left alone",
			in:   map[string]any{"$ref": "#/$defs/local"},
			want: map[string]any{"$ref": "#/$defs/local"}},
		{name: "data in const and enum is not a schema",
			in:   map[string]any{"const": map[string]any{"$ref": ref("id")}, "enum": []any{map[string]any{"$ref": ref("id")}}},
			want: map[string]any{"const": map[string]any{"$ref": ref("id")}, "enum": []any{map[string]any{"$ref": ref("id")}}}},
		{name: "nested schemas are inlined too",
			in:   map[string]any{"properties": map[string]any{"x": map[string]any{"items": map[string]any{"$ref": ref("id")}}}},
			want: map[string]any{"properties": map[string]any{"x": map[string]any{"items": map[string]any{"type": "string", "pattern": "^[a-z]+$", "description": "id"}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inlineDefs(tc.in, defs)
			if !reflect.DeepEqual(tc.in, tc.want) {
				t.Fatalf("got  %v\nwant %v", tc.in, tc.want)
			}
		})
	}
}

// TestInlinedSchemasJudgeLikeTheFiles validates every example record, and many
// broken variants of each, against the compiled (flattened) schemas and against
// the schema files as written: both must find the same violations.
func TestInlinedSchemasJudgeLikeTheFiles(t *testing.T) {
	flat, err := Compiled()
	if err != nil {
		t.Fatal(err)
	}
	asWritten := compileAsWritten(t)
	compared := 0
	for glob, kind := range exampleKinds {
		files, _ := filepath.Glob(glob)
		for _, p := range files {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := yamldoc.Parse(p, data)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range variants(doc.Value()) {
				a, b := violations(flat.byKind[kind].Validate(v)), violations(asWritten[kind].Validate(v))
				if !reflect.DeepEqual(a, b) {
					t.Fatalf("%s variant %d: flattened schema says %v, schema file says %v", p, i, a, b)
				}
				compared++
			}
		}
	}
	if compared < 1000 {
		t.Fatalf("only %d documents compared", compared)
	}
}

func compileAsWritten(t *testing.T) map[string]*jsonschema.Schema {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	c.LoadURL = func(u string) (io.ReadCloser, error) { return nil, fmt.Errorf("no network: %s", u) }
	names, _ := filepath.Glob("../../../schema/*.schema.json")
	for _, n := range names {
		f, err := os.Open(n)
		if err != nil {
			t.Fatal(err)
		}
		err = c.AddResource(schema.BaseURL+filepath.Base(n), f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	out := map[string]*jsonschema.Schema{}
	for _, k := range []string{Issue, Member, Policy, Coordinators, Tasks, Ambassadors} {
		s, err := c.Compile(schema.BaseURL + k + ".schema.json")
		if err != nil {
			t.Fatal(err)
		}
		out[k] = s
	}
	return out
}

// variants returns v and copies of it with one scalar replaced by something
// wrong: an empty string, a bad identifier, a number, a bool, null.
func variants(v any) []any {
	out := []any{v}
	data, _ := json.Marshal(v)
	n := 0
	countScalars(v, &n)
	for i := range n {
		for _, bad := range []any{"", "Not An Id!", json.Number("42"), true, nil, map[string]any{}} {
			var c any
			d := json.NewDecoder(bytes.NewReader(data))
			d.UseNumber()
			_ = d.Decode(&c)
			k := 0
			out = append(out, replaceScalar(c, i, &k, bad))
		}
	}
	return out
}

func countScalars(v any, n *int) {
	switch v := v.(type) {
	case map[string]any:
		for _, c := range v {
			countScalars(c, n)
		}
	case []any:
		for _, c := range v {
			countScalars(c, n)
		}
	default:
		*n++
	}
}

// replaceScalar replaces the target-th scalar (in a stable order) by bad.
func replaceScalar(v any, target int, k *int, bad any) any {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for key := range v {
			keys = append(keys, key)
		}
		sort.Strings(keys)
		for _, key := range keys {
			v[key] = replaceScalar(v[key], target, k, bad)
		}
		return v
	case []any:
		for i := range v {
			v[i] = replaceScalar(v[i], target, k, bad)
		}
		return v
	}
	*k++
	if *k-1 == target {
		return bad
	}
	return v
}

// violations lists "<instance location>: <message>" of every leaf error.
func violations(err error) []string {
	var ve *jsonschema.ValidationError
	if err == nil || !errors.As(err, &ve) {
		return nil
	}
	var out []string
	for _, leaf := range leaves(ve) {
		out = append(out, leaf.InstanceLocation+": "+leaf.Message)
	}
	sort.Strings(out)
	return out
}
