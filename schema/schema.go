// Package schema embeds the JSON Schemas (draft 2020-12) of every file kind, so the
// binary and the schemas it enforces cannot drift apart.
package schema

import "embed"

// Files holds every *.schema.json of this folder.
//
//go:embed *.schema.json
var Files embed.FS

// BaseURL is the prefix of every schema's $id.
const BaseURL = "https://embargo.example/schema/"
