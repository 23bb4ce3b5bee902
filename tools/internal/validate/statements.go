package validate

import (
	"errors"
	"fmt"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/statement"
)

// statementPolicy is what policy.yaml says about signed statements, read once.
type statementPolicy struct {
	group string
	value any // policy.yaml in the JSON data model, for statement.TermsOf
	// legacyUntil is the first instant at which version-1 statements no
	// longer count (the day after statements.legacy_until, UTC); zero when
	// the policy sets no valid date.
	legacyUntil time.Time
	legacyDay   string // statements.legacy_until as written
}

// statementPolicy reads the group and the grace date of version-1 statements,
// reporting a missing group once, on policy.yaml. The schema keeps group optional, so that an older policy.yaml
// still loads (and its trust still works) while the group is added.
func (c *checker) statementPolicy() statementPolicy {
	var sp statementPolicy
	p, f := c.st.Policy, c.st.PolicyDoc
	if p == nil || f == nil {
		return sp
	}
	sp.group = p.Group
	if doc := f.Doc(); doc != nil {
		sp.value = doc.Value()
	}
	if p.Group == "" {
		c.addKey(f, "/version", "member.acceptance", finding.Error,
			"policy.yaml names no group: acceptance and vouch statements name the group they are signed for, so that they count in no other group; "+
				"add group: <a name only your group uses, such as a domain name it controls>, then have the statements signed again")
	}
	// The schema checks that the date is a calendar date; one that still
	// does not parse counts as none: version-1 statements are errors.
	if d := p.Statements.LegacyUntil; d != "" {
		if day, err := time.Parse(time.DateOnly, d); err == nil {
			sp.legacyUntil, sp.legacyDay = day.AddDate(0, 0, 1), d
		}
	}
	return sp
}

// verifyStatement checks sig over the version-2 text of a statement and,
// when it does not match that text, over the version-1 text: legacy reports
// a good version-1 signature. Errors are those of pgp.VerifyDetached for
// the version-2 text.
func (c *checker) verifyStatement(keys []*pgp.Key, v2, v1, sig string) (legacy bool, err error) {
	_, err = pgp.VerifyDetached(keys, []byte(v2), []byte(sig), c.now)
	if err == nil || !errors.Is(err, pgp.ErrBadSignature) {
		return false, err
	}
	if _, err1 := pgp.VerifyDetached(keys, []byte(v1), []byte(sig), c.now); err1 == nil {
		return true, nil
	}
	return false, err
}

// legacyVerdict says whether a good version-1 statement still counts (a
// warning) or no longer does (an error), and why.
func (sp statementPolicy) legacyVerdict(now time.Time) (finding.Severity, string) {
	switch {
	case sp.legacyUntil.IsZero():
		return finding.Error, "which does not count: policy.yaml sets no statements.legacy_until to accept version-1 statements for a while"
	case now.Before(sp.legacyUntil):
		return finding.Warning, fmt.Sprintf("which still counts until the end of %s (UTC; statements.legacy_until in policy.yaml)", sp.legacyDay)
	}
	return finding.Error, fmt.Sprintf("which no longer counts since the end of %s (UTC; statements.legacy_until in policy.yaml)", sp.legacyDay)
}

// acceptance builds both versions of a person's acceptance.
func (sp statementPolicy) acceptance(a statement.Acceptance) (v2, v1 string) {
	a = a.ForPolicy(sp.value)
	return a.Text(), a.LegacyText()
}

// vouch builds both versions of a vouch.
func (sp statementPolicy) vouch(v statement.Vouch) (v2, v1 string) {
	v = v.ForPolicy(sp.value)
	return v.Text(), v.LegacyText()
}

// reason says why a statement's signature failed, in words for a member
// record, and what to do about it other than signing the statement again
// (""). names says what the statement names, and so changes with.
func reason(err error, fpr, names string) (why, fix string) {
	renew := fmt.Sprintf("renew the key (gpg --quick-set-expire %s 1y) and export it again to members/keys/%s.asc", fpr, fpr)
	switch {
	case errors.Is(err, pgp.ErrBadSignature):
		return "the signature does not match the statement (was it made over another text? the statement names " + names + ", and changes with them)", ""
	case errors.Is(err, pgp.ErrUnknownKey):
		return "it was made by another key", ""
	case errors.Is(err, pgp.ErrKeyExpired):
		return err.Error(), renew + "; a signature made while the key was expired must also be made again"
	case errors.Is(err, pgp.ErrKeyRevoked):
		return err.Error(), "sign with the key that replaces it, listed first under keys"
	}
	return err.Error(), ""
}
