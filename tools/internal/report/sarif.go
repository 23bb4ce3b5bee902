package report

import (
	"encoding/json"
	"io"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/quote"
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
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

// sarifLogical names a commit: a finding about a whole commit has no file.
type sarifLogical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
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
// physical location: the repository-relative path as a URI reference (every
// character that is not plainly part of a name percent-encoded, so `#`, `?`
// and `%` stay in the name), line and column. Findings about a whole commit
// have no file, so they get no physical location but a logical one naming
// the commit (kind "commit"), which is also in the message and properties;
// they are never pinned to a file they are not about.
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
	// A finding whose rule is not in the registry is still reported, under
	// a descriptor of its own that says so: a report never drops a finding.
	// (Every ID the code emits is registered; a test holds it to that.)
	for _, f := range fs {
		if _, ok := index[f.Rule]; !ok {
			index[f.Rule] = len(driver.Rules)
			driver.Rules = append(driver.Rules, sarifRule{
				ID:                   f.Rule,
				ShortDescription:     sarifText{"a rule this version of embargo does not describe"},
				DefaultConfiguration: sarifRuleConfig{sarifLevel(f.Severity)},
				Properties:           map[string]string{"source": "unregistered"},
			})
		}
	}
	results := make([]sarifResult, 0, len(fs))
	for _, f := range fs {
		r := sarifResult{RuleID: f.Rule, Level: sarifLevel(f.Severity), Message: sarifText{message(f)}}
		if i, ok := index[f.Rule]; ok {
			r.RuleIndex = &i
		}
		switch {
		case f.File != "":
			phys := &sarifPhysical{ArtifactLocation: sarifArtifact{URI: quote.URI(f.File)}}
			if f.Line > 0 {
				phys.Region = &sarifRegion{StartLine: f.Line, StartColumn: max(f.Column, 0)}
			}
			r.Locations = []sarifLocation{{PhysicalLocation: phys}}
		case f.Commit != "":
			r.Locations = []sarifLocation{{LogicalLocations: []sarifLogical{{Name: short(f.Commit), FullyQualifiedName: f.Commit, Kind: "commit"}}}}
		}
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
