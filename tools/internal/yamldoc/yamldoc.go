// Package yamldoc reads one YAML file strictly into a node tree that remembers where
// every value stands, so that later checks can name the file, line and column.
//
// It refuses what a policy file never needs and an attacker might use: more than one
// document, anchors and aliases (no billion laughs), duplicate keys, custom tags,
// non-UTF-8 or binary input, deep nesting and oversized files.
package yamldoc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Input limits.
const (
	MaxFileSize = 1 << 20 // bytes; a policy record is a few kilobytes
	MaxDepth    = 32      // nesting levels
	MaxNodes    = 100_000 // nodes in one file
)

// Doc is one parsed YAML document.
type Doc struct {
	File string
	Root *yaml.Node // the document's top node (usually a mapping)
}

// SyntaxError is a file that cannot be read as a policy YAML document.
type SyntaxError struct {
	Line, Column int
	Msg          string
	// Plain is Msg without the text it copies from the file (a key, an
	// anchor or tag name, the parser's quote of the input); empty when Msg
	// copies nothing.
	Plain string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg) }

// Redacted is the message without any text of the file: what a finding about
// a private record may say (its position still points at the place).
func (e *SyntaxError) Redacted() string {
	if e.Plain != "" {
		return e.Plain
	}
	return e.Msg
}

func syntaxErr(line, col int, msg string) *SyntaxError {
	return &SyntaxError{Line: line, Column: col, Msg: msg}
}

var (
	yamlLine   = regexp.MustCompile(`^yaml: (?:line (\d+): )?`)
	anchorName = regexp.MustCompile(`anchor '[^']*'`)
)

// Parse reads data as one YAML document. Every refusal is a *SyntaxError.
func Parse(file string, data []byte) (doc *Doc, err error) {
	if len(data) > MaxFileSize {
		return nil, syntaxErr(1, 1, fmt.Sprintf("file is %d bytes, more than the limit of %d; split it or remove what does not belong", len(data), MaxFileSize))
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		line, col := position(data, i)
		return nil, syntaxErr(line, col, "file contains a NUL byte: binary data is not a YAML record")
	}
	if !utf8.Valid(data) {
		line, col := position(data, firstInvalidUTF8(data))
		return nil, syntaxErr(line, col, "file is not valid UTF-8; save it as UTF-8")
	}
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		return nil, syntaxErr(1, 1, "file starts with a byte order mark; save it as UTF-8 without BOM")
	}
	defer func() {
		// yaml.v3 has panicked on hostile input before; fail closed with a clear error.
		if r := recover(); r != nil {
			se := syntaxErr(1, 1, fmt.Sprintf("YAML parser failed: %v", r))
			se.Plain = "YAML parser failed on this file"
			doc, err = nil, se
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, syntaxErr(1, 1, "file is empty; it must hold one YAML mapping")
		}
		return nil, parserError(err)
	}
	var second yaml.Node
	if err := dec.Decode(&second); !errors.Is(err, io.EOF) {
		line := second.Line
		if line == 0 {
			line = 1
		}
		return nil, syntaxErr(line, 1, "more than one YAML document; keep one record per file and remove the '---' separator")
	}
	top := &root
	if top.Kind == yaml.DocumentNode && len(top.Content) == 1 {
		top = top.Content[0]
	}
	nodes := 0
	if err := checkNode(top, 1, &nodes); err != nil {
		return nil, err
	}
	return &Doc{File: file, Root: top}, nil
}

func parserError(err error) error {
	msg := err.Error()
	line := 1
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		if m[1] != "" {
			line, _ = strconv.Atoi(m[1])
		}
		msg = msg[len(m[0]):]
	}
	if te, ok := err.(*yaml.TypeError); ok && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	se := syntaxErr(line, 1, msg)
	if anchorName.MatchString(msg) {
		// The parser quotes an anchor's name: say where, not what.
		se.Plain = anchorName.ReplaceAllString(msg, "anchor")
	}
	return se
}

// checkNode walks the tree once and refuses anchors, aliases, custom tags,
// duplicate or non-scalar keys and excessive depth or size.
func checkNode(n *yaml.Node, depth int, count *int) error {
	*count++
	if *count > MaxNodes {
		return syntaxErr(n.Line, n.Column, fmt.Sprintf("more than %d YAML nodes; a record is never this large", MaxNodes))
	}
	if depth > MaxDepth {
		return syntaxErr(n.Line, n.Column, fmt.Sprintf("nesting deeper than %d levels", MaxDepth))
	}
	if n.Kind == yaml.AliasNode {
		return syntaxErr(n.Line, n.Column, "aliases (*name) are not allowed; write the value out")
	}
	if n.Anchor != "" {
		se := syntaxErr(n.Line, n.Column, "anchors (&"+n.Anchor+") are not allowed; write the value out")
		se.Plain = "anchors (&name) are not allowed; write the value out"
		return se
	}
	if n.Kind == yaml.ScalarNode && n.Style&yaml.TaggedStyle != 0 && !standardTag(n.Tag) {
		se := syntaxErr(n.Line, n.Column, "custom tag "+n.Tag+" is not allowed")
		se.Plain = "custom tags (!name) are not allowed"
		return se
	}
	if n.Kind == yaml.MappingNode {
		seen := make(map[string]int, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return syntaxErr(k.Line, k.Column, "mapping keys must be plain strings")
			}
			if prev, dup := seen[k.Value]; dup {
				se := syntaxErr(k.Line, k.Column, fmt.Sprintf("duplicate key %q (first at line %d); keep one", k.Value, prev))
				se.Plain = fmt.Sprintf("duplicate key (first at line %d); keep one", prev)
				return se
			}
			seen[k.Value] = k.Line
		}
	}
	for _, c := range n.Content {
		if err := checkNode(c, depth+1, count); err != nil {
			return err
		}
	}
	return nil
}

func standardTag(tag string) bool {
	switch tag {
	case "!!str", "!!int", "!!float", "!!bool", "!!null", "!!timestamp":
		return true
	}
	return false
}

func position(data []byte, offset int) (line, col int) {
	line = 1 + bytes.Count(data[:offset], []byte("\n"))
	col = offset - bytes.LastIndexByte(data[:offset], '\n')
	return line, col
}

func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return 0
}
