// Package records defines the typed form of the repository's YAML files (see
// docs/formats.md). Values are decoded only after a file passed its schema, so the
// types can be plain; timestamps stay strings until the rules parse them, because a
// missing offset is a finding (dates.timezone), not a decoding error.
package records

// Issue is one embargo record, issues/<YYYY>/<ID>.yaml.
type Issue struct {
	ID            string      `yaml:"id"`
	List          string      `yaml:"list"`
	Status        string      `yaml:"status"`
	Title         string      `yaml:"title"`
	Summary       string      `yaml:"summary"`
	Severity      string      `yaml:"severity"`
	TLP           string      `yaml:"tlp"`
	Reporter      Reporter    `yaml:"reporter"`
	Handler       string      `yaml:"handler"`
	ResponseTeam  []string    `yaml:"response_team"`
	Dates         Dates       `yaml:"dates"`
	Extensions    []Extension `yaml:"extensions"`
	PublicPosting string      `yaml:"public_posting"`
	Exploits      Exploits    `yaml:"exploits"`
	CVEs          []string    `yaml:"cves"`
	Affected      []Affected  `yaml:"affected"`
	Informed      []Informed  `yaml:"informed"`
	Leaks         []Leak      `yaml:"leaks"`
	Deployment    Deployment  `yaml:"deployment"`
	Experts       []Expert    `yaml:"experts"`
	Public        Public      `yaml:"public"`
	Notes         string      `yaml:"notes"`
	// Sealed is the private fields above, encrypted to the record's team: one
	// armored OpenPGP message (docs/formats.md, "Sealed records"). A sealed
	// record holds none of them in plain text.
	Sealed string `yaml:"sealed"`
}

// Issue statuses.
const (
	StatusDraft     = "draft"
	StatusEmbargoed = "embargoed"
	StatusDisclosed = "disclosed"
	StatusWithdrawn = "withdrawn"
)

// Reporter is private; it leaves the repository only as Public.Credit.
type Reporter struct {
	Name          string `yaml:"name"`
	Email         string `yaml:"email"`
	CreditConsent bool   `yaml:"credit_consent"`
}

// Dates are the timestamps of an issue's life, as written.
type Dates struct {
	Reported   string `yaml:"reported"`
	Notified   string `yaml:"notified"`
	Proposed   string `yaml:"proposed"`
	Disclosure string `yaml:"disclosure"`
	Disclosed  string `yaml:"disclosed"`
}

// Extension moves the disclosure date.
type Extension struct {
	At          string   `yaml:"at"`
	From        string   `yaml:"from"`
	To          string   `yaml:"to"`
	Reason      string   `yaml:"reason"`
	ReasonKind  string   `yaml:"reason_kind"`
	RequestedBy string   `yaml:"requested_by"`
	ApprovedBy  []string `yaml:"approved_by"`
}

// Exploits records whether an exploit was shared with the list and when it went public.
type Exploits struct {
	Shared    bool   `yaml:"shared"`
	Published string `yaml:"published"`
	Posting   string `yaml:"posting"`
}

// Affected is one affected product.
type Affected struct {
	Product  string    `yaml:"product"`
	Versions string    `yaml:"versions"`
	Package  *Package  `yaml:"package"`
	Git      *GitRange `yaml:"git"`
}

// Package names an affected product as an OSV package: its ecosystem and
// its name there (and optionally its package URL).
type Package struct {
	Ecosystem string `yaml:"ecosystem"`
	Name      string `yaml:"name"`
	Purl      string `yaml:"purl"`
}

// GitRange is the affected commits of a product's git repository: full
// commit ids; Introduced "" means from the first commit.
type GitRange struct {
	Repo         string `yaml:"repo"`
	Introduced   string `yaml:"introduced"`
	Fixed        string `yaml:"fixed"`
	LastAffected string `yaml:"last_affected"`
}

// Informed records who learned of the issue, when and from whom.
type Informed struct {
	Who string `yaml:"who"`
	At  string `yaml:"at"`
	By  string `yaml:"by"`
}

// Leak records a breach of the embargo.
type Leak struct {
	Detected string `yaml:"detected"`
	What     string `yaml:"what"`
	ToWhom   string `yaml:"to_whom"`
	Steps    string `yaml:"steps"`
}

// Deployment says whether members may deploy fixes during the embargo.
// Permitted is nil when the record does not say (deployment.stated wants it
// said on lists with deployment_permission).
type Deployment struct {
	Permitted    *bool  `yaml:"permitted"`
	Restrictions string `yaml:"restrictions"`
}

// Expert is a person proposed for the response team who is not from a party
// the disclosing party listed: the disclosing party may object within the
// list's expert_objection window (team.objection).
type Expert struct {
	Person    string     `yaml:"person"`
	Proposed  string     `yaml:"proposed"`
	Joined    string     `yaml:"joined"`
	Objection *Objection `yaml:"objection"`
}

// Objection is the disclosing party's objection to a proposed expert.
type Objection struct {
	At        string `yaml:"at"`
	Withdrawn string `yaml:"withdrawn"`
}

// Public is the only free text the timeline may publish.
type Public struct {
	Title   string `yaml:"title"`
	Summary string `yaml:"summary"`
	Credit  string `yaml:"credit"`
}

// Member is one organisation or individual volunteer, members/<id>.yaml.
type Member struct {
	ID          string       `yaml:"id"`
	Name        string       `yaml:"name"`
	Kind        string       `yaml:"kind"`
	Lists       []string     `yaml:"lists"`
	Status      string       `yaml:"status"`
	Removed     *Removed     `yaml:"removed"`
	Joined      string       `yaml:"joined"`
	Contact     string       `yaml:"contact"`
	Application *Application `yaml:"application"`
	Founding    bool         `yaml:"founding"`
	Vouch       *Vouch       `yaml:"vouch"`
	People      []Person     `yaml:"people"`
}

// VouchedPeople returns the ids of the people the member's vouch names: those
// without a teammate's vouch of their own.
func (m *Member) VouchedPeople() []string {
	out := make([]string, 0, len(m.People))
	for _, p := range m.People {
		if p.Vouch == nil {
			out = append(out, p.ID)
		}
	}
	return out
}

// Application is how a member applied. On most lists it is the URL of the
// public application thread (URL set, Structured false); a list with
// require_application wants the structured record (Structured true), modelled
// on the Xen Project's pre-disclosure applications (member.application,
// docs/formats.md).
type Application struct {
	Structured   bool     `yaml:"-"`
	URL          string   `yaml:"url"`
	Organisation string   `yaml:"organisation"`
	Domains      []string `yaml:"domains"`
	Eligibility  string   `yaml:"eligibility"`
	Products     []string `yaml:"products"`
	AllProducts  bool     `yaml:"all_products"`
	Evidence     Evidence `yaml:"evidence"`
	Agreement    string   `yaml:"agreement"`
	Alias        string   `yaml:"alias"`
}

// Evidence are the links to the organisation's own public pages an
// application rests on.
type Evidence struct {
	Provider string `yaml:"provider"`
	User     string `yaml:"user"`
	Security string `yaml:"security"`
}

// UnmarshalYAML reads either form. Both readers of the repository honour this
// interface (yaml.v3 and yamldoc.DecodeValue), so they agree on the result.
func (a *Application) UnmarshalYAML(unmarshal func(any) error) error {
	var url string
	if unmarshal(&url) == nil {
		*a = Application{URL: url}
		return nil
	}
	type plain Application // without this method
	var p plain
	if err := unmarshal(&p); err != nil {
		return err
	}
	*a = Application(p)
	a.Structured = true
	return nil
}

// Removed says when and why a member left.
type Removed struct {
	At     string `yaml:"at"`
	Reason string `yaml:"reason"`
}

// Vouch is a signed statement by a person of another member.
type Vouch struct {
	By        string `yaml:"by"`
	Signature string `yaml:"signature"`
}

// Person is one individual of a member, identified by their keys' fingerprints.
type Person struct {
	ID         string   `yaml:"id"`
	Name       string   `yaml:"name"`
	Email      string   `yaml:"email"`
	Keys       []string `yaml:"keys"`
	Acceptance string   `yaml:"acceptance"`
	// Accepted says what Acceptance was signed over, so an acceptance of
	// earlier terms can still be checked during the policy's grace period.
	Accepted *Accepted `yaml:"accepted"`
	// Vouch is a teammate's vouch, for a person the member's vouch does not name.
	Vouch *Vouch `yaml:"vouch"`
	// Forge is the person's account on the group's forge, without "@": the
	// owner in a generated CODEOWNERS, the mention in reminders. A member's
	// people may set their own, so it names; it never authorizes.
	Forge string `yaml:"forge"`
}

// Accepted is the policy version and terms digest an acceptance names.
type Accepted struct {
	Version string `yaml:"version"`
	Terms   string `yaml:"terms"`
}

// Coordinators is roles/coordinators.yaml.
type Coordinators struct {
	Coordinators []string `yaml:"coordinators"`
}

// Tasks is roles/tasks.yaml.
type Tasks struct {
	Tasks []Task `yaml:"tasks"`
}

// Task is one contributing-back task.
type Task struct {
	ID          string `yaml:"id"`
	Kind        string `yaml:"kind"`
	Description string `yaml:"description"`
	Primary     string `yaml:"primary"`
	Backup      string `yaml:"backup"`
}

// Vacant is the backup of a task nobody has taken.
const Vacant = "vacant"

// Ambassadors is roles/ambassadors.yaml.
type Ambassadors struct {
	Ambassadors []Ambassador `yaml:"ambassadors"`
}

// Ambassador is the process ambassador of one organisation.
type Ambassador struct {
	Member string `yaml:"member"`
	Person string `yaml:"person"`
}

// Policy is policy.yaml.
type Policy struct {
	Version     string                `yaml:"version"`
	Group       string                `yaml:"group"` // names the group in signed statements
	Name        string                `yaml:"name"`
	Lists       map[string]ListPolicy `yaml:"lists"`
	Access      []AccessRule          `yaml:"access"`
	Mergers     []string              `yaml:"mergers"`
	Publication Publication           `yaml:"publication"`
	Statements  StatementPolicy       `yaml:"statements"`
	Extensions  ExtensionPolicy       `yaml:"extensions"`
}

// StatementPolicy says how long version-1 statements (without group and
// terms) still count: LegacyUntil is a plain date, "" for not at all.
type StatementPolicy struct {
	LegacyUntil string `yaml:"legacy_until"`
	// AcceptanceGrace is the last day (a plain date) on which an acceptance
	// of earlier terms still counts, "" for not at all.
	AcceptanceGrace string `yaml:"acceptance_grace"`
}

// ExtensionPolicy says who may approve an extension.
type ExtensionPolicy struct {
	Approvers string `yaml:"approvers"` // not-requester (""), coordinators or any
}

// ListPolicy holds one list's limits; durations as written ("14d").
type ListPolicy struct {
	Description             string   `yaml:"description"`
	MaxEmbargo              string   `yaml:"max_embargo"`
	PreferredEmbargo        string   `yaml:"preferred_embargo"`
	MinEmbargo              string   `yaml:"min_embargo"`
	ExploitDelay            string   `yaml:"exploit_delay"`
	PostingGrace            string   `yaml:"posting_grace"`
	DisclosureGrace         string   `yaml:"disclosure_grace"`
	EmbargoSeverities       []string `yaml:"embargo_severities"`
	TechnicalExtensionsOnly bool     `yaml:"technical_extensions_only"`
	// Sealed lists keep the private fields of their embargoed records
	// encrypted to each record's team (docs/formats.md, "Sealed records").
	Sealed bool `yaml:"sealed"`
	// SealedRecipients are people who receive every sealed record of the
	// list besides its team and the coordinators.
	SealedRecipients []string `yaml:"sealed_recipients"`
	// The written processes a list may switch on (docs/sources.md).
	RequireApplication      bool             `yaml:"require_application"`       // member.application
	DeploymentPermission    string           `yaml:"deployment_permission"`     // deployment.stated: "", coordinators or handler
	RequireAffectedVersions bool             `yaml:"require_affected_versions"` // affected.versions
	AdvanceNotices          []string         `yaml:"advance_notices"`           // notice.advance: durations before disclosure
	ExpertObjection         *ExpertObjection `yaml:"expert_objection"`          // team.objection
}

// ExpertObjection is how long a disclosing party has to object to an expert,
// in working days (Monday to Friday, UTC, less Holidays: plain dates).
type ExpertObjection struct {
	WorkingDays int      `yaml:"working_days"`
	Holidays    []string `yaml:"holidays"`
}

// Who may sign a change to an issue's deployment on a list with deployment_permission.
const (
	DeploymentByCoordinators = "coordinators"
	DeploymentByHandler      = "handler"
)

// AccessRule says who may sign changes to the paths it matches.
type AccessRule struct {
	Paths []string `yaml:"paths"`
	Allow []string `yaml:"allow"`
	// Threshold is how many distinct allowed people must sign for the final
	// content of the paths (0 or 1: the signer of the change alone).
	Threshold int `yaml:"threshold"`
}

// Publication configures the public timeline.
type Publication struct {
	Title     string `yaml:"title"`
	BaseURL   string `yaml:"base_url"`
	Author    string `yaml:"author"`
	Withdrawn string `yaml:"withdrawn"`
}
