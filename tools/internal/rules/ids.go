package rules

// ID is a rule's stable identifier, the value of finding.Finding.Rule. It is
// an alias of string, so that code that still spells an ID as a literal keeps
// compiling; the registry test (ids_test.go) holds every ID the code can
// emit, literal or constant, to the registry, so a misspelt or unregistered
// ID fails the build's tests rather than reaching a report.
type ID = string

// The registered rules, one constant per row of All.
const (
	YAMLSyntax        ID = "yaml.syntax"
	FileType          ID = "file.type"
	Schema            ID = "schema"
	IDFilename        ID = "id.filename"
	IDDuplicate       ID = "id.duplicate"
	RefUnknown        ID = "ref.unknown"
	DatesOrder        ID = "dates.order"
	DatesRequired     ID = "dates.required"
	DatesTimezone     ID = "dates.timezone"
	EmbargoMax        ID = "embargo.max"
	EmbargoPreferred  ID = "embargo.preferred"
	EmbargoMin        ID = "embargo.min"
	EmbargoSeverity   ID = "embargo.severity"
	EmbargoProposed   ID = "embargo.proposed"
	EmbargoOverdue    ID = "embargo.overdue"
	DisclosurePosting ID = "disclosure.posting"
	ExploitsDeadline  ID = "exploits.deadline"
	ExtensionReason   ID = "extension.reason"
	MemberVouch       ID = "member.vouch"
	MemberContact     ID = "member.contact"
	MemberAcceptance  ID = "member.acceptance"
	KeyFile           ID = "key.file"
	KeyStrength       ID = "key.strength"
	KeyExpiry         ID = "key.expiry"
	RoleTask          ID = "role.task"
	AccessRule        ID = "access.rule"
	SigMissing        ID = "sig.missing"
	SigInvalid        ID = "sig.invalid"
	SigUnknownKey     ID = "sig.unknown-key"
	SigKeyExpired     ID = "sig.key-expired"
	SigKeyRevoked     ID = "sig.key-revoked"
	SigWeak           ID = "sig.weak"
	SigUnauthorized   ID = "sig.unauthorized"
	SigMerge          ID = "sig.merge"
	SigNoncanonical   ID = "sig.noncanonical"
	SigRange          ID = "sig.range"
	SigThreshold      ID = "sig.threshold"
	ExtensionApprover ID = "extension.approver"
	SealedRequired    ID = "sealed.required"
	SealedRecipients  ID = "sealed.recipients"
	SealedFormat      ID = "sealed.format"
	CodeownersStale   ID = "codeowners.stale"
	MemberApplication ID = "member.application"
	DeploymentStated  ID = "deployment.stated"
	TeamObjection     ID = "team.objection"
	NoticeAdvance     ID = "notice.advance"
	AffectedVersions  ID = "affected.versions"
)

// Registered reports whether id is a rule of the registry.
func Registered(id ID) bool {
	_, ok := Lookup(id)
	return ok
}
