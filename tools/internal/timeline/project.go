package timeline

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

// PublicIssue is the public projection of one lifted embargo. It is built field by
// field from the allowlist (README.md, Publication) and is the only form of an issue that the
// renderers see.
type PublicIssue struct {
	ID             string           `json:"id"`
	List           string           `json:"list"`
	Status         string           `json:"status"`
	Severity       string           `json:"severity"`
	CVEs           []string         `json:"cves"`
	Affected       []PublicAffected `json:"affected"`
	Dates          PublicDates      `json:"dates"`
	EmbargoDays    *float64         `json:"embargo_days,omitempty"`
	Extensions     int              `json:"extensions"`
	PublicPosting  string           `json:"public_posting,omitempty"`
	ExploitPosting string           `json:"exploit_posting,omitempty"`
	Title          string           `json:"title,omitempty"`
	Summary        string           `json:"summary,omitempty"`
	Credit         string           `json:"credit,omitempty"`
	URL            string           `json:"url"`

	disclosed   time.Time     // disclosure time: dates.disclosed, else dates.disclosure
	exploitPub  time.Time     // zero unless published at or before now
	embargo     time.Duration // valid when EmbargoDays != nil
	lateExploit bool          // for the statistics only; never serialized
}

// PublicAffected is one affected product and its free-text version range,
// with its OSV package and affected commits where the record names them.
type PublicAffected struct {
	Product  string         `json:"product"`
	Versions string         `json:"versions,omitempty"`
	Package  *PublicPackage `json:"package,omitempty"`
	Git      *PublicGit     `json:"git,omitempty"`
}

// PublicPackage is an affected product as an OSV package.
type PublicPackage struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	Purl      string `json:"purl,omitempty"`
}

// PublicGit is the affected commits of a product's repository.
type PublicGit struct {
	Repo         string `json:"repo"`
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
}

// PublicDates are the public dates of an issue, RFC 3339 in UTC. Disclosed is the
// disclosure time (dates.disclosed, or the agreed dates.disclosure when the actual
// time was not recorded).
type PublicDates struct {
	Notified         string `json:"notified,omitempty"`
	Disclosure       string `json:"disclosure,omitempty"`
	Disclosed        string `json:"disclosed"`
	ExploitPublished string `json:"exploit_published,omitempty"`
}

// WithdrawnIssue is all that is published of a withdrawn issue, and only with
// publication.withdrawn: list.
type WithdrawnIssue struct {
	ID     string `json:"id"`
	List   string `json:"list"`
	Status string `json:"status"`
}

// Withdrawn modes of policy.yaml publication.withdrawn.
const (
	WithdrawnOmit = "omit"
	WithdrawnList = "list"
)

// projection is the classified state: what is published, and how.
type projection struct {
	policy    *records.Policy
	now       time.Time
	base      string // publication.base_url, ending in "/"
	issues    []*PublicIssue
	withdrawn []WithdrawnIssue
}

// project classifies every issue of st at now and builds the public types.
func project(st *state.State, now time.Time) *projection {
	p := &projection{policy: st.Policy, now: now.UTC(), base: baseURL(st.Policy.Publication.BaseURL)}
	listMode := st.Policy.Publication.Withdrawn == WithdrawnList
	for _, f := range st.Issues {
		is := f.Issue
		switch at, ok := disclosureTime(is); {
		case is == nil:
		case is.Sealed != "":
			// A sealed record is never published, and its sealed field never
			// read: at disclosure the handler unseals it (embargo unseal).
		case ok && is.Status == records.StatusDisclosed && !at.After(p.now):
			p.issues = append(p.issues, p.publicIssue(is, at))
		case is.Status == records.StatusWithdrawn && listMode:
			p.withdrawn = append(p.withdrawn, WithdrawnIssue{ID: is.ID, List: is.List, Status: records.StatusWithdrawn})
		}
	}
	slices.SortStableFunc(p.issues, func(a, b *PublicIssue) int {
		return cmp.Or(a.disclosed.Compare(b.disclosed), strings.Compare(a.ID, b.ID))
	})
	slices.SortStableFunc(p.withdrawn, func(a, b WithdrawnIssue) int { return strings.Compare(a.ID, b.ID) })
	return p
}

// publicIssue copies the allowlisted fields of is, disclosed at at.
func (p *projection) publicIssue(is *records.Issue, at time.Time) *PublicIssue {
	pub := &PublicIssue{
		ID:            is.ID,
		List:          is.List,
		Status:        records.StatusDisclosed,
		Severity:      is.Severity,
		CVEs:          append([]string{}, is.CVEs...),
		Affected:      []PublicAffected{},
		Extensions:    len(is.Extensions),
		PublicPosting: is.PublicPosting,
		Title:         strings.TrimSpace(is.Public.Title),
		Summary:       strings.TrimSpace(is.Public.Summary),
		URL:           p.base + "#" + is.ID,
		disclosed:     at,
	}
	slices.Sort(pub.CVEs)
	if is.Reporter.CreditConsent {
		pub.Credit = strings.TrimSpace(is.Public.Credit)
	}
	for _, a := range is.Affected {
		pa := PublicAffected{Product: a.Product, Versions: a.Versions}
		if a.Package != nil {
			pa.Package = &PublicPackage{Ecosystem: a.Package.Ecosystem, Name: a.Package.Name, Purl: a.Package.Purl}
		}
		if a.Git != nil {
			pa.Git = &PublicGit{Repo: a.Git.Repo, Introduced: a.Git.Introduced, Fixed: a.Git.Fixed, LastAffected: a.Git.LastAffected}
		}
		pub.Affected = append(pub.Affected, pa)
	}
	pub.Dates.Disclosed = stamp(at)
	notified, okN := parseTime(is.Dates.Notified)
	if okN {
		pub.Dates.Notified = stamp(notified)
	}
	end, okE := at, true
	if is.Dates.Disclosure != "" {
		end, okE = parseTime(is.Dates.Disclosure)
		if okE {
			pub.Dates.Disclosure = stamp(end)
		}
	}
	if okN && okE && !end.Before(notified) {
		pub.embargo = end.Sub(notified)
		d := days(pub.embargo)
		pub.EmbargoDays = &d
	}
	if ex, ok := parseTime(is.Exploits.Published); ok && !ex.After(p.now) {
		pub.exploitPub = ex
		pub.Dates.ExploitPublished = stamp(ex)
		pub.ExploitPosting = is.Exploits.Posting
	}
	pub.lateExploit = p.lateExploit(is, at)
	return pub
}

// lateExploit reports an exploit shared with the list that went public after the
// list's exploit_delay, or is not public when that delay has passed.
func (p *projection) lateExploit(is *records.Issue, disclosed time.Time) bool {
	if !is.Exploits.Shared {
		return false
	}
	lp, ok := p.policy.Lists[is.List]
	if !ok {
		return false
	}
	delay, err := records.ParseDuration(lp.ExploitDelay)
	if err != nil {
		return false
	}
	deadline := disclosed.Add(delay)
	if pub, ok := parseTime(is.Exploits.Published); ok {
		return pub.After(deadline)
	}
	return p.now.After(deadline)
}

// disclosureTime is dates.disclosed, or dates.disclosure when disclosed is absent.
func disclosureTime(is *records.Issue) (time.Time, bool) {
	if is == nil {
		return time.Time{}, false
	}
	if is.Dates.Disclosed != "" {
		return parseTime(is.Dates.Disclosed)
	}
	return parseTime(is.Dates.Disclosure)
}

// parseTime accepts only a complete RFC 3339 timestamp with an offset; anything
// else is unknown, never guessed.
func parseTime(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	t, hasOffset, err := records.ParseTime(s)
	if err != nil || !hasOffset {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// stamp writes t as RFC 3339 in UTC.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// days converts d to days, rounded to two decimals.
func days(d time.Duration) float64 { return round2(d.Hours() / 24) }

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// baseURL makes the publication URL a folder, so file names resolve below it.
func baseURL(s string) string {
	if s != "" && !strings.HasSuffix(s, "/") {
		s += "/"
	}
	return s
}
