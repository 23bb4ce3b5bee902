// Command yaml2json converts YAML records to JSON files, keeping timestamps as
// the strings they were written as, so another validator can check the same
// data against the same schemas (the benchmark's comparison).
// Usage: yaml2json OUTDIR FILE.yaml...
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/embargo-tool/embargo/tools/internal/yamldoc"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: yaml2json OUTDIR FILE.yaml...")
		os.Exit(2)
	}
	out := os.Args[1]
	if err := os.MkdirAll(out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "yaml2json:", err)
		os.Exit(1)
	}
	for _, p := range os.Args[2:] {
		data, err := os.ReadFile(p)
		if err == nil {
			var doc *yamldoc.Doc
			if doc, err = yamldoc.Parse(p, data); err == nil {
				var js []byte
				if js, err = json.Marshal(doc.Value()); err == nil {
					name := strings.TrimSuffix(filepath.Base(p), ".yaml") + ".json"
					err = os.WriteFile(filepath.Join(out, name), js, 0o644)
				}
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "yaml2json:", p+":", err)
			os.Exit(1)
		}
	}
}
