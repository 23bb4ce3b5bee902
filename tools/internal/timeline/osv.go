package timeline

// OSVSchemaVersion is the OSV schema version the records follow.
const OSVSchemaVersion = "1.6.0"

// OSV is one record of the Open Source Vulnerability format
// (https://ossf.github.io/osv-schema/), as far as this group can fill it.
type OSV struct {
	SchemaVersion    string          `json:"schema_version"`
	ID               string          `json:"id"`
	Modified         string          `json:"modified"`
	Published        string          `json:"published"`
	Aliases          []string        `json:"aliases,omitempty"`
	Summary          string          `json:"summary,omitempty"`
	Details          string          `json:"details,omitempty"`
	Affected         []OSVAffected   `json:"affected,omitempty"`
	References       []OSVReference  `json:"references,omitempty"`
	Credits          []OSVCredit     `json:"credits,omitempty"`
	DatabaseSpecific OSVDatabaseInfo `json:"database_specific"`
}

// OSVAffected names a product without an OSV package: OSV requires an ecosystem
// from its registry whenever a package is given, and a list's products belong to none.
type OSVAffected struct {
	DatabaseSpecific PublicAffected `json:"database_specific"`
}

// OSVReference is one link.
type OSVReference struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// OSVCredit credits the reporter, with consent only.
type OSVCredit struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// OSVDatabaseInfo holds what OSV has no field for.
type OSVDatabaseInfo struct {
	List        string   `json:"list"`
	Severity    string   `json:"severity"`
	Notified    string   `json:"notified,omitempty"`
	Disclosure  string   `json:"disclosure,omitempty"`
	EmbargoDays *float64 `json:"embargo_days,omitempty"`
	Extensions  int      `json:"extensions"`
	URL         string   `json:"url"`
}

// osvFor returns the OSV record of is, or nil when it has neither CVEs nor affected
// products. Modified is the latest public event: disclosure or exploit publication.
func osvFor(is *PublicIssue) *OSV {
	if len(is.CVEs) == 0 && len(is.Affected) == 0 {
		return nil
	}
	modified := is.disclosed
	if is.exploitPub.After(modified) {
		modified = is.exploitPub
	}
	o := &OSV{
		SchemaVersion: OSVSchemaVersion,
		ID:            is.ID,
		Modified:      stamp(modified),
		Published:     stamp(is.disclosed),
		Aliases:       is.CVEs,
		Summary:       is.Title,
		Details:       is.Summary,
		DatabaseSpecific: OSVDatabaseInfo{List: is.List, Severity: is.Severity, Notified: is.Dates.Notified,
			Disclosure: is.Dates.Disclosure, EmbargoDays: is.EmbargoDays, Extensions: is.Extensions, URL: is.URL},
	}
	for _, a := range is.Affected {
		o.Affected = append(o.Affected, OSVAffected{DatabaseSpecific: a})
	}
	if is.PublicPosting != "" {
		o.References = append(o.References, OSVReference{Type: "ADVISORY", URL: is.PublicPosting})
	}
	if is.ExploitPosting != "" && is.ExploitPosting != is.PublicPosting {
		o.References = append(o.References, OSVReference{Type: "EVIDENCE", URL: is.ExploitPosting})
	}
	if is.URL != "" && is.URL[0] != '#' {
		o.References = append(o.References, OSVReference{Type: "WEB", URL: is.URL})
	}
	if is.Credit != "" {
		o.Credits = []OSVCredit{{Name: is.Credit, Type: "REPORTER"}}
	}
	return o
}
