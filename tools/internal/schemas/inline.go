package schemas

import (
	"reflect"
	"strings"

	"github.com/embargo-tool/embargo/schema"
)

// inlineDefs replaces each "$ref" to a shared definition in defs.schema.json by
// the definition's keywords, where that changes nothing: the definition holds
// only keywords that act on the value alone (type, pattern, enum, ...), and no
// keyword beside the $ref asserts something different. In draft 2020-12 a $ref
// and its siblings both apply, so merging such keywords into one object is the
// same schema; validating it costs a fifth less, as the validator no longer
// enters a subschema (with its own bookkeeping) for every reference.
//
// The schema files keep their $refs, for editors and other validators; only the
// compiled copy is flattened. Anything this cannot prove equal stays a $ref.
func inlineDefs(doc map[string]any, defs map[string]any) {
	walkSchema(doc, func(s map[string]any) {
		for {
			ref, ok := s["$ref"].(string)
			if !ok {
				return
			}
			def := defOf(ref, defs)
			if def == nil || !mergeable(s, def) {
				return
			}
			delete(s, "$ref")
			for k, v := range def {
				if k == "$ref" {
					s[k] = defsURL + "#" + strings.TrimPrefix(v.(string), "#") // stays valid outside defs
				} else if _, set := s[k]; !set {
					s[k] = v // annotations beside the $ref (description) win
				}
			}
			// def may itself be a $ref (member_id -> id): go round again.
		}
	})
}

const defsURL = schema.BaseURL + "defs.schema.json"

// defOf returns the definition ref names in defs.schema.json, or nil.
func defOf(ref string, defs map[string]any) map[string]any {
	name, ok := strings.CutPrefix(ref, defsURL+"#/$defs/")
	if !ok {
		name, ok = strings.CutPrefix(ref, "#/$defs/") // inside defs.schema.json
	}
	if !ok {
		return nil
	}
	def, _ := defs[name].(map[string]any)
	return def
}

// valueKeywords act on the instance alone, so they mean the same wherever they
// stand; annotations assert nothing.
var (
	valueKeywords = map[string]bool{"type": true, "pattern": true, "format": true, "enum": true, "const": true,
		"minLength": true, "maxLength": true, "minimum": true, "maximum": true, "exclusiveMinimum": true,
		"exclusiveMaximum": true, "multipleOf": true, "$ref": true}
	annotations = map[string]bool{"description": true, "title": true, "$comment": true, "examples": true,
		"default": true, "deprecated": true, "readOnly": true, "writeOnly": true}
)

func mergeable(s, def map[string]any) bool {
	for k, v := range def {
		if annotations[k] {
			continue
		}
		if !valueKeywords[k] {
			return false
		}
		if _, isRef := v.(string); k == "$ref" && !isRef {
			return false
		}
		if k == "$ref" {
			continue // replaces the $ref being inlined
		}
		if mine, set := s[k]; set && !reflect.DeepEqual(mine, v) {
			return false
		}
	}
	return true
}

// walkSchema calls fn on every object of a decoded JSON document, parents first,
// but not inside values that are data rather than schemas.
func walkSchema(v any, fn func(map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		fn(v)
		for k, c := range v {
			if k != "const" && k != "enum" && k != "examples" && k != "default" {
				walkSchema(c, fn)
			}
		}
	case []any:
		for _, c := range v {
			walkSchema(c, fn)
		}
	}
}
