// Package report renders findings: text for people, JSON as the canonical stream,
// and GitHub Actions workflow commands for annotations. Findings arrive sorted.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/embargo-tool/embargo/tools/internal/finding"
)

// Formats lists the names Write accepts.
var Formats = []string{"text", "json", "github"}

// Write renders fs in format to w.
func Write(w io.Writer, format string, fs []finding.Finding) error {
	switch format {
	case "text":
		return Text(w, fs)
	case "json":
		return JSON(w, fs)
	case "github":
		return GitHub(w, fs)
	}
	return fmt.Errorf("unknown format %q", format)
}

// Text writes one finding per line, `file:line:col: severity: rule: message`,
// then a one-line summary.
func Text(w io.Writer, fs []finding.Finding) error {
	files := map[string]bool{}
	for _, f := range fs {
		files[f.File] = true
		if _, err := fmt.Fprintf(w, "%s:%d:%d: %s: %s: %s%s\n", f.File, f.Line, f.Column, f.Severity, f.Rule, context(f), f.Message); err != nil {
			return err
		}
	}
	errs, warns := finding.Count(fs)
	_, err := fmt.Fprintf(w, "%s, %s in %s\n", plural(errs, "error"), plural(warns, "warning"), plural(len(files), "file"))
	return err
}

func context(f finding.Finding) string {
	var parts []string
	if f.Commit != "" {
		parts = append(parts, "commit "+short(f.Commit))
	}
	if f.Fingerprint != "" && f.Commit != "" {
		parts = append(parts, "key "+f.Fingerprint)
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, ", ") + ": "
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// JSON writes {"findings": [...]} (an empty list, never null).
func JSON(w io.Writer, fs []finding.Finding) error {
	if fs == nil {
		fs = []finding.Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Findings []finding.Finding `json:"findings"`
	}{fs})
}

// GitHub writes workflow commands (::error file=...,line=...,col=...,title=RULE::message).
func GitHub(w io.Writer, fs []finding.Finding) error {
	for _, f := range fs {
		level := "error"
		if f.Severity == finding.Warning {
			level = "warning"
		}
		_, err := fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d,title=%s::%s\n", level,
			escapeProp(f.File), f.Line, f.Column, escapeProp(f.Rule), escapeData(context(f)+f.Message))
		if err != nil {
			return err
		}
	}
	return nil
}

// Escaping as the Actions toolkit does it, so a message cannot inject a command.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
