package yamldoc

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// DecodeValue stores v, a value in the JSON data model as Value returns it, into
// the struct that out points to, matching keys to fields by their yaml tags.
//
// Records are decoded after their schema passed, so v already has the shape of
// out; decoding from v skips what (*yaml.Node).Decode does again for every
// scalar (resolving its tag, parsing timestamps) and costs a fifth as much.
// Any mismatch between v and out is an error, never a silent zero value:
// it means a schema and its Go type disagree.
//
// A type that decodes itself (Unmarshaler) is given a function that decodes v
// into another Go value, as yaml.v3 gives it one over the node.
func DecodeValue(v any, out any) error {
	rv := reflect.ValueOf(out)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("decode into %T: need a non-nil pointer", out)
	}
	return decodeInto(v, rv.Elem(), "")
}

func decodeInto(v any, out reflect.Value, at string) error {
	if v == nil {
		out.SetZero()
		return nil
	}
	switch out.Kind() {
	case reflect.Pointer:
		if out.IsNil() {
			out.Set(reflect.New(out.Type().Elem()))
		}
		return decodeInto(v, out.Elem(), at)
	case reflect.Interface:
		if out.NumMethod() == 0 {
			out.Set(reflect.ValueOf(v))
			return nil
		}
	case reflect.String:
		if s, ok := v.(string); ok {
			out.SetString(s)
			return nil
		}
	case reflect.Bool:
		if b, ok := v.(bool); ok {
			out.SetBool(b)
			return nil
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n, ok := v.(json.Number); ok {
			i, err := n.Int64()
			if err != nil || out.OverflowInt(i) {
				return fmt.Errorf("%s: %s does not fit %s", pointerOrRoot(at), n, out.Type())
			}
			out.SetInt(i)
			return nil
		}
	case reflect.Slice:
		if s, ok := v.([]any); ok {
			out.Set(reflect.MakeSlice(out.Type(), len(s), len(s)))
			for i, e := range s {
				if err := decodeInto(e, out.Index(i), fmt.Sprintf("%s/%d", at, i)); err != nil {
					return err
				}
			}
			return nil
		}
	case reflect.Map:
		if m, ok := v.(map[string]any); ok && out.Type().Key().Kind() == reflect.String {
			out.Set(reflect.MakeMapWithSize(out.Type(), len(m)))
			for k, e := range m {
				elem := reflect.New(out.Type().Elem()).Elem()
				if err := decodeInto(e, elem, at+"/"+k); err != nil {
					return err
				}
				out.SetMapIndex(reflect.ValueOf(k).Convert(out.Type().Key()), elem)
			}
			return nil
		}
	case reflect.Struct:
		if out.CanAddr() {
			if u, ok := out.Addr().Interface().(Unmarshaler); ok {
				if err := u.UnmarshalYAML(func(x any) error { return DecodeValue(v, x) }); err != nil {
					return fmt.Errorf("%s: %w", pointerOrRoot(at), err)
				}
				return nil
			}
		}
		if m, ok := v.(map[string]any); ok {
			fields := Fields(out.Type())
			for k, e := range m {
				i, known := fields[k]
				if !known {
					return fmt.Errorf("%s: no field for key %q in %s", pointerOrRoot(at), k, out.Type())
				}
				if err := decodeInto(e, out.Field(i), at+"/"+k); err != nil {
					return err
				}
			}
			return nil
		}
	}
	return fmt.Errorf("%s: cannot store %T in %s", pointerOrRoot(at), v, out.Type())
}

// Unmarshaler is yaml.v3's older unmarshaler interface, which yaml.v3 still
// honours: a struct type whose value may take more than one shape (a URL or a
// mapping, say) implements it once and reads the same from both decoders.
type Unmarshaler interface {
	UnmarshalYAML(unmarshal func(any) error) error
}

func pointerOrRoot(at string) string {
	if at == "" {
		return "/"
	}
	return at
}

// fieldIndex caches Fields per struct type.
var fieldIndex sync.Map // reflect.Type -> map[string]int

// Fields maps each yaml key of struct type t to the index of its field, the way
// yaml.v3 matches them: by the yaml tag, else the lower-cased field name.
func Fields(t reflect.Type) map[string]int {
	if f, ok := fieldIndex.Load(t); ok {
		return f.(map[string]int)
	}
	f := map[string]int{}
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = strings.ToLower(sf.Name) // yaml.v3's default key
		}
		f[name] = i
	}
	fieldIndex.Store(t, f)
	return f
}
