package timeline

import (
	"regexp"
	"strings"
)

// versionRangeRe reads a record's versions text as one range: ">= FIRST",
// "< FIXED", "<= LAST", or ">= FIRST" with either upper bound after a comma.
// It accepts exactly what the issue schema's pattern for the versions of an
// affected package accepts (TestVersionRangeAgreesWithSchema, FuzzVersionRange).
var versionRangeRe = regexp.MustCompile(`^(?:>= ?(` + versionChars + `)(?:, ?(<=?) ?(` + versionChars + `))?|(<=?) ?(` + versionChars + `))$`)

// versionChars is one version: Debian epochs and tildes, semantic versions
// with pre-releases and build metadata, dotted numbers.
const versionChars = `[0-9A-Za-z][0-9A-Za-z.+~:_-]*`

// versionRange is a versions text as OSV events: introduced ("0" without a
// lower bound) and the fixed or last affected version.
type versionRange struct {
	introduced, fixed, lastAffected string
}

func parseVersionRange(s string) (versionRange, bool) {
	m := versionRangeRe.FindStringSubmatch(s)
	if m == nil {
		return versionRange{}, false
	}
	vr := versionRange{introduced: "0"}
	op, upper := m[2], m[3]
	if m[1] != "" {
		vr.introduced = m[1]
	} else {
		op, upper = m[4], m[5]
	}
	switch op {
	case "<":
		vr.fixed = upper
	case "<=":
		vr.lastAffected = upper
	}
	return vr, true
}

// osv is the range in ecosystem: SEMVER where the ecosystem's versions are
// semantic versions and these are (Go's without their "v"), else ECOSYSTEM.
func (vr versionRange) osv(ecosystem string) OSVRange {
	base, _, _ := strings.Cut(ecosystem, ":")
	typ := "ECOSYSTEM"
	if semverEcosystems[base] {
		if base == "Go" {
			vr = versionRange{strings.TrimPrefix(vr.introduced, "v"), strings.TrimPrefix(vr.fixed, "v"), strings.TrimPrefix(vr.lastAffected, "v")}
		}
		if (vr.introduced == "0" || isSemver(vr.introduced)) && (vr.fixed == "" || isSemver(vr.fixed)) && (vr.lastAffected == "" || isSemver(vr.lastAffected)) {
			typ = "SEMVER"
		}
	}
	r := OSVRange{Type: typ, Events: []OSVEvent{{Introduced: vr.introduced}}}
	switch {
	case vr.fixed != "":
		r.Events = append(r.Events, OSVEvent{Fixed: vr.fixed})
	case vr.lastAffected != "":
		r.Events = append(r.Events, OSVEvent{LastAffected: vr.lastAffected})
	}
	return r
}

// semverEcosystems are the OSV ecosystems whose package managers require
// semantic versions (SemVer 2.0). The OSV schema asks for ECOSYSTEM ranges
// where an ecosystem only recommends them.
var semverEcosystems = map[string]bool{"crates.io": true, "Go": true, "npm": true, "Hex": true, "Pub": true, "SwiftURL": true}

// semverRe is SemVer 2.0.0 (https://semver.org): MAJOR.MINOR.PATCH without
// leading zeros, then an optional pre-release of dot-separated identifiers
// (numeric ones without leading zeros) and optional build metadata.
var semverRe = regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)` +
	`(-(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)(\.(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*)?` +
	`(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`)

func isSemver(v string) bool { return semverRe.MatchString(v) }
