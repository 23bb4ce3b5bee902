// Package report renders findings: text for people, JSON as the canonical stream,
// GitHub Actions workflow commands for annotations, SARIF 2.1.0 for code-scanning
// views and GitLab Code Quality JSON. Findings arrive sorted.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/plural"
	"github.com/embargo-tool/embargo/tools/internal/quote"
)

// Formats lists the names Write accepts.
var Formats = []string{"text", "json", "github", "sarif", "gitlab"}

// Write renders fs in format to w.
func Write(w io.Writer, format string, fs []finding.Finding) error {
	return WriteSummary(w, format, fs, nil)
}

// WriteSummary renders fs in format to w with what the run did: text says it
// in the closing line and JSON in "summary"; the other formats have no place
// for it.
func WriteSummary(w io.Writer, format string, fs []finding.Finding, s *Summary) error {
	switch format {
	case "text":
		return text(w, fs, s)
	case "json":
		return jsonReport(w, fs, s)
	case "github":
		return GitHub(w, fs)
	case "sarif":
		return SARIF(w, fs)
	case "gitlab":
		return GitLab(w, fs)
	}
	return fmt.Errorf("unknown format %q", format)
}

// Text writes one finding per line, `file:line:col: severity: rule: message`,
// then a one-line summary. A file name with anything but ordinary printable
// characters is written in double quotes with Go escapes, and messages have
// their control characters escaped (see package quote): whatever the
// repository holds, one finding is one line.
func Text(w io.Writer, fs []finding.Finding) error {
	return text(w, fs, nil)
}

// text is Text with the run's summary (nil: none) at the head of the closing
// line: "validated 40 files (...); 0 errors, 5 warnings in 4 files".
func text(w io.Writer, fs []finding.Finding, s *Summary) error {
	files, commits := map[string]bool{}, map[string]bool{}
	for _, f := range fs {
		switch {
		case f.File != "":
			files[f.File] = true
		case f.Commit != "":
			commits[f.Commit] = true
		}
		if _, err := fmt.Fprintf(w, "%s: %s: %s: %s\n", position(f), quote.Line(string(f.Severity)), quote.Line(f.Rule), quote.Line(context(f)+f.Message)); err != nil {
			return err
		}
	}
	errs, warns := finding.Count(fs)
	line := plural.Of(errs, "error") + ", " + plural.Of(warns, "warning")
	switch {
	case len(commits) > 0 && len(files) == 0:
		line += " in " + plural.Of(len(commits), "commit")
	case len(commits) > 0:
		line += " in " + plural.Of(len(files), "file") + " and " + plural.Of(len(commits), "commit")
	case len(files) > 0:
		line += " in " + plural.Of(len(files), "file")
	}
	if done := s.text(fs); done != "" {
		line = done + "; " + line
	}
	_, err := fmt.Fprintln(w, line)
	return err
}

// position is file:line:col, or a commit when the finding is about a whole commit.
func position(f finding.Finding) string {
	switch {
	case f.File != "":
		return fmt.Sprintf("%s:%d:%d", quote.Path(f.File), f.Line, f.Column)
	case f.Commit != "":
		return "commit " + quote.Line(short(f.Commit))
	}
	return "repository"
}

func context(f finding.Finding) string {
	var parts []string
	if f.Commit != "" && f.File != "" {
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

// JSON writes {"findings": [...]} (an empty list, never null).
func JSON(w io.Writer, fs []finding.Finding) error {
	return jsonReport(w, fs, nil)
}

// jsonReport is JSON with the run's summary as "summary", left out when nil.
func jsonReport(w io.Writer, fs []finding.Finding, s *Summary) error {
	if fs == nil {
		fs = []finding.Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Findings []finding.Finding `json:"findings"`
		Summary  *Summary          `json:"summary,omitempty"`
	}{fs, s})
}

// GitHub writes workflow commands (::error file=...,line=...,col=...,title=RULE::message).
// Properties and data are escaped as the Actions toolkit does it, so nothing
// can end a command or start another; the file property keeps the exact name
// (so GitHub finds the file), and the message has its control characters
// escaped like the text format's.
func GitHub(w io.Writer, fs []finding.Finding) error {
	for _, f := range fs {
		level := "error"
		if f.Severity == finding.Warning {
			level = "warning"
		}
		props := "title=" + escapeProp(f.Rule)
		if f.File != "" {
			props = fmt.Sprintf("file=%s,line=%d,col=%d,%s", escapeProp(f.File), f.Line, f.Column, props)
		}
		_, err := fmt.Fprintf(w, "::%s %s::%s\n", level, props, escapeData(quote.Line(message(f))))
		if err != nil {
			return err
		}
	}
	return nil
}

// message is a finding's message with its commit and key, for formats that
// have no field of their own for them.
func message(f finding.Finding) string {
	if f.File == "" && f.Commit != "" {
		return "commit " + short(f.Commit) + ": " + context(f) + f.Message
	}
	return context(f) + f.Message
}

// Escaping as the Actions toolkit does it, so a message cannot inject a command.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
