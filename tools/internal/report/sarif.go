package report

import (
	"encoding/json"
	"io"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/rules"
)

// SARIF 2.1.0 (OASIS), the subset code-scanning views read: one run, the rule
// registry as the driver's rules, one result per finding.
const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	// InformationURI is where the tool's rules are documented.
	InformationURI = "https://github.com/embargo-tool/embargo"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string            `json:"id"`
	ShortDescription     sarifText         `json:"shortDescription"`
	DefaultConfiguration sarifRuleConfig   `json:"defaultConfiguration"`
	Properties           map[string]string `json:"properties,omitempty"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID     string            `json:"ruleId"`
	RuleIndex  *int              `json:"ruleIndex,omitempty"`
	Level      string            `json:"level"`
	Message    sarifText         `json:"message"`
	Locations  []sarifLocation   `json:"locations,omitempty"`
	Properties map[string]string `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// SARIF writes a SARIF 2.1.0 log with one run. Findings with a file get a
// physical location (the repository-relative path, line and column). Findings
// about a whole commit are anchored at policy.yaml, line 1 — where the rules
// that refuse them live — because code-scanning services reject a whole log
// when one result has no location; the commit is in properties.
func SARIF(w io.Writer, fs []finding.Finding) error { return sarif(w, fs, rules.All) }

func sarif(w io.Writer, fs []finding.Finding, registry []rules.Rule) error {
	driver := sarifDriver{Name: "embargo", InformationURI: InformationURI, Rules: []sarifRule{}}
	index := map[string]int{}
	for i, r := range registry {
		index[r.ID] = i
		driver.Rules = append(driver.Rules, sarifRule{
			ID:                   r.ID,
			ShortDescription:     sarifText{r.Doc},
			DefaultConfiguration: sarifRuleConfig{sarifLevel(r.Severity)},
			Properties:           map[string]string{"source": r.Source},
		})
	}
	results := make([]sarifResult, 0, len(fs))
	for _, f := range fs {
		msg := context(f) + f.Message
		if f.File == "" && f.Commit != "" {
			msg = "commit " + short(f.Commit) + ": " + msg
		}
		r := sarifResult{RuleID: f.Rule, Level: sarifLevel(f.Severity), Message: sarifText{msg}}
		if i, ok := index[f.Rule]; ok {
			r.RuleIndex = &i
		}
		file, line, col := f.File, f.Line, f.Column
		if file == "" {
			file, line, col = "policy.yaml", 1, 1
		}
		loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: file}}}
		if line > 0 {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: line, StartColumn: max(col, 0)}
		}
		r.Locations = []sarifLocation{loc}
		if f.Commit != "" || f.Fingerprint != "" {
			r.Properties = map[string]string{}
			if f.Commit != "" {
				r.Properties["commit"] = f.Commit
			}
			if f.Fingerprint != "" {
				r.Properties["fingerprint"] = f.Fingerprint
			}
		}
		results = append(results, r)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{{Tool: sarifTool{driver}, Results: results}}})
}

func sarifLevel(s finding.Severity) string {
	if s == finding.Warning {
		return "warning"
	}
	return "error"
}
