package yamldoc

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

type inner struct {
	Name string `yaml:"name"`
	On   bool   `yaml:"on"`
}

type outer struct {
	ID       string           `yaml:"id"`
	Count    int8             `yaml:"count"`
	Tags     []string         `yaml:"tags"`
	Inner    inner            `yaml:"inner"`
	Optional *inner           `yaml:"optional"`
	Items    []inner          `yaml:"items"`
	ByName   map[string]inner `yaml:"by_name"`
	Any      any              `yaml:"any"`
	Default  string
	Skipped  string `yaml:"-"`
}

func TestDecodeValue(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       outer
		err        string // part of the expected error; "" for none
	}{
		{name: "every kind of field", yaml: `
id: a
count: 7
tags: [x, y]
inner: {name: n, on: true}
optional: {name: o}
items: [{name: i1}, {on: false}]
by_name: {k: {name: v}}
any: [1, two]
default: d
`, want: outer{ID: "a", Count: 7, Tags: []string{"x", "y"}, Inner: inner{"n", true}, Optional: &inner{Name: "o"},
			Items: []inner{{Name: "i1"}, {}}, ByName: map[string]inner{"k": {Name: "v"}}, Any: []any{jsonNumber("1"), "two"}, Default: "d"}},
		{name: "null leaves the zero value", yaml: "id: ~\noptional: null\n", want: outer{}},
		{name: "empty document", yaml: "{}\n", want: outer{}},
		{name: "number where a string belongs", yaml: "id: 12\n", err: "/id: cannot store json.Number in string"},
		{name: "string where a bool belongs", yaml: "inner: {on: 'yes'}\n", err: "/inner/on: cannot store string in bool"},
		{name: "overflow", yaml: "count: 300\n", err: "/count: 300 does not fit int8"},
		{name: "key without a field", yaml: "inner: {colour: red}\n", err: `/inner: no field for key "colour"`},
		{name: "skipped field is not a key", yaml: "Skipped: x\n", err: `no field for key "Skipped"`},
		{name: "mapping where a list belongs", yaml: "tags: {a: b}\n", err: "/tags: cannot store map[string]interface {} in []string"},
		{name: "list item of the wrong kind", yaml: "items: [x]\n", err: "/items/0: cannot store string in yamldoc.inner"},
		{name: "scalar document", yaml: "just text\n", err: "/: cannot store string in yamldoc.outer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Parse("t.yaml", []byte(strings.TrimPrefix(tc.yaml, "\n")))
			if err != nil {
				t.Fatal(err)
			}
			var got outer
			err = DecodeValue(doc.Value(), &got)
			switch {
			case tc.err == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Fatalf("error %v, want one containing %q", err, tc.err)
			case tc.err == "" && !reflect.DeepEqual(got, tc.want):
				t.Fatalf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestDecodeValueNeedsAPointer(t *testing.T) {
	var o outer
	if err := DecodeValue(map[string]any{}, o); err == nil {
		t.Fatal("decoding into a non-pointer succeeded")
	}
	if err := DecodeValue(map[string]any{}, (*outer)(nil)); err == nil {
		t.Fatal("decoding into a nil pointer succeeded")
	}
}

func jsonNumber(s string) any { return json.Number(s) }
