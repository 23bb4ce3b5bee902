package timeline

// OSVSchemaVersion is the OSV schema version the records follow.
const OSVSchemaVersion = "1.7.5"

// OSVIDPrefix starts every OSV id: "x_" marks a local database that OSV.dev
// does not aggregate, the one id form the OSV schema leaves to a database
// without a registered prefix (https://ossf.github.io/osv-schema/#id-modified-fields).
// The id is then the record's, x_EMB-2026-0003.
const OSVIDPrefix = "x_"

// OSVID is the OSV id of the issue with the record id id.
func OSVID(id string) string { return OSVIDPrefix + id }

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

// OSVAffected is one affected product: its OSV package and version range
// where the record names a package, its GIT range where it names commits,
// and always the product and free-text versions as the record wrote them.
type OSVAffected struct {
	Package          *OSVPackage `json:"package,omitempty"`
	Ranges           []OSVRange  `json:"ranges,omitempty"`
	DatabaseSpecific OSVProduct  `json:"database_specific"`
}

// OSVPackage identifies a package in an OSV ecosystem.
type OSVPackage struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	Purl      string `json:"purl,omitempty"`
}

// OSVRange is one range of affected versions or commits.
type OSVRange struct {
	Type   string     `json:"type"` // SEMVER, ECOSYSTEM or GIT
	Repo   string     `json:"repo,omitempty"`
	Events []OSVEvent `json:"events"`
}

// OSVEvent is one event of a range; exactly one field is set.
type OSVEvent struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
}

// OSVProduct is the product as the record names it.
type OSVProduct struct {
	Product  string `json:"product"`
	Versions string `json:"versions,omitempty"`
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
		ID:            OSVID(is.ID),
		Modified:      stamp(modified),
		Published:     stamp(is.disclosed),
		Aliases:       is.CVEs,
		Summary:       is.Title,
		Details:       is.Summary,
		DatabaseSpecific: OSVDatabaseInfo{List: is.List, Severity: is.Severity, Notified: is.Dates.Notified,
			Disclosure: is.Dates.Disclosure, EmbargoDays: is.EmbargoDays, Extensions: is.Extensions, URL: is.URL},
	}
	for _, a := range is.Affected {
		o.Affected = append(o.Affected, osvAffected(a))
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

// osvAffected is the OSV form of one affected product. A package gets the
// range its versions text describes (the issue schema holds that text to the
// range syntax when a package is named); commits get a GIT range.
func osvAffected(a PublicAffected) OSVAffected {
	out := OSVAffected{DatabaseSpecific: OSVProduct{Product: a.Product, Versions: a.Versions}}
	if p := a.Package; p != nil {
		out.Package = &OSVPackage{Ecosystem: p.Ecosystem, Name: p.Name, Purl: p.Purl}
		if vr, ok := parseVersionRange(a.Versions); ok {
			out.Ranges = append(out.Ranges, vr.osv(p.Ecosystem))
		}
	}
	if g := a.Git; g != nil {
		r := OSVRange{Type: "GIT", Repo: g.Repo, Events: []OSVEvent{{Introduced: orZero(g.Introduced)}}}
		switch {
		case g.Fixed != "":
			r.Events = append(r.Events, OSVEvent{Fixed: g.Fixed})
		case g.LastAffected != "":
			r.Events = append(r.Events, OSVEvent{LastAffected: g.LastAffected})
		}
		out.Ranges = append(out.Ranges, r)
	}
	return out
}

// orZero is v, or "0" (before every version or commit) when v is empty.
func orZero(v string) string {
	if v == "" {
		return "0"
	}
	return v
}
