package validate

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/plural"
	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

const (
	pReported   = "/dates/reported"
	pNotified   = "/dates/notified"
	pProposed   = "/dates/proposed"
	pDisclosure = "/dates/disclosure"
	pDisclosed  = "/dates/disclosed"
)

func (c *checker) issueDates(isf *state.IssueFile) {
	is, f := isf.Issue, &isf.File
	t, bad := c.times(isf)
	has := func(p string) bool { _, ok := t[p]; return ok }
	// given: the field is there, parsed or reported as unparsable already.
	given := func(p string) bool { return has(p) || bad[p] }

	switch is.Status {
	case records.StatusEmbargoed:
		for _, p := range []string{pNotified, pDisclosure} {
			if !given(p) {
				c.addKey(f, "/dates", "dates.required", finding.Error, "an embargoed issue needs %s: when the list was told and the agreed public date", dotted(p))
			}
		}
		if !given(pProposed) {
			c.addKey(f, "/dates", "embargo.proposed", finding.Error, "an embargoed issue needs dates.proposed: the date and time the reporter first proposed for disclosure")
		}
	case records.StatusDisclosed:
		if !given(pDisclosed) {
			c.addKey(f, "/dates", "dates.required", finding.Error, "a disclosed issue needs dates.disclosed: when it became public")
		}
	}
	// A disclosure recorded in the future is an event that has not happened:
	// dates.order, as for any date that contradicts another, here the clock of
	// the check. Left alone it would let status: disclosed with a date a month
	// ahead stop embargo.overdue while the timeline keeps the issue unpublished.
	if has(pDisclosed) && t[pDisclosed].After(c.now) {
		c.errorf(f, pDisclosed, "dates.order", "dates.disclosed is %s after the time of this check; record it once the issue is public, and until then keep status embargoed and the agreed date in dates.disclosure", roundDur(t[pDisclosed].Sub(c.now)))
	}

	before := func(later, earlier, what string) {
		if has(later) && has(earlier) && t[later].Before(t[earlier]) {
			c.errorf(f, later, "dates.order", "%s is before %s; %s", dotted(later), dotted(earlier), what)
		}
	}
	before(pNotified, pReported, "the list cannot be told before the report arrived")
	before(pProposed, pReported, "the proposed date cannot precede the report")
	before(pDisclosure, pNotified, "the public date must come after the list was told")
	before(pDisclosed, pNotified, "an issue cannot go public before the list was told; fix whichever date is wrong")
	before(pDisclosed, pReported, "an issue cannot go public before it was reported")
	c.extensionChain(isf, t)

	lp, ok := c.listPolicy(is.List)
	if !ok {
		return
	}
	c.processes(isf, lp, t, bad)
	if (is.Status == records.StatusEmbargoed || is.Status == records.StatusDisclosed) && has(pNotified) && has(pDisclosure) {
		c.embargoLength(f, lp, t[pDisclosure].Sub(t[pNotified]), len(is.Extensions))
	}
	if is.Status == records.StatusEmbargoed {
		if !slices.Contains(lp.EmbargoSeverities, is.Severity) {
			c.errorf(f, "/severity", "embargo.severity", "list %s does not embargo %s-severity issues (it embargoes %v); make the issue public now or correct the severity", is.List, is.Severity, lp.EmbargoSeverities)
		}
		if has(pDisclosure) && c.now.After(t[pDisclosure].Add(lp.disclosureGrace)) {
			c.errorf(f, pDisclosure, "embargo.overdue", "the embargo ended %s ago (grace %s) and the issue is still embargoed; disclose it (status: disclosed, dates.disclosed) or record an agreed extension", roundDur(c.now.Sub(t[pDisclosure])), records.FormatDuration(lp.disclosureGrace))
		}
	}
	if is.Status == records.StatusDisclosed && has(pDisclosed) {
		disclosed := t[pDisclosed]
		if is.PublicPosting == "" && c.now.After(disclosed.Add(lp.postingGrace)) {
			c.addKey(f, "/status", "disclosure.posting", finding.Error, "disclosed %s ago and no public_posting; add the URL of the mandatory public posting (e.g. oss-security)", roundDur(c.now.Sub(disclosed)))
		}
		if is.Exploits.Shared {
			deadline := disclosed.Add(lp.exploitDelay)
			pub, published := t["/exploits/published"]
			switch {
			case bad["/exploits/published"]: // reported as unparsable; nothing more to say
			case published && pub.After(deadline):
				c.errorf(f, "/exploits/published", "exploits.deadline", "the exploit shared with the list went public %s after disclosure; the policy allows %s", roundDur(pub.Sub(disclosed)), records.FormatDuration(lp.exploitDelay))
			case !published && c.now.After(deadline):
				c.addKey(f, "/exploits", "exploits.deadline", finding.Error, "an exploit was shared with the list and is not public %s after disclosure; post it and set exploits.published and exploits.posting", records.FormatDuration(lp.exploitDelay))
			}
		}
	}
	for i, e := range is.Extensions {
		ptr := fmt.Sprintf("/extensions/%d", i)
		var missing []string
		if e.Reason == "" && is.Sealed == "" { // a sealed record keeps its reasons sealed
			missing = append(missing, "reason")
		}
		if e.RequestedBy == "" {
			missing = append(missing, "requested_by")
		}
		if len(e.ApprovedBy) == 0 {
			missing = append(missing, "approved_by")
		}
		if len(missing) > 0 {
			c.addKey(f, ptr, "extension.reason", finding.Error, "extension %d lacks %v; every extension records why, who asked and who approved", i+1, missing)
		}
		if (lp.TechnicalExtensionsOnly || lp.MaxEmbargo == "") && e.ReasonKind != "technical" {
			c.addKey(f, ptr, "extension.reason", finding.Error, "list %s has no fixed cap, so extensions need a technical reason (reason_kind: technical); a conference talk or other non-technical reason is not enough", is.List)
		}
	}
}

// extensionChain checks that extensions move the date forward, one after another,
// ending at the agreed disclosure date.
func (c *checker) extensionChain(isf *state.IssueFile, t map[string]time.Time) {
	f, exts := &isf.File, isf.Issue.Extensions
	for i := range exts {
		p := fmt.Sprintf("/extensions/%d/", i)
		from, okF := t[p+"from"]
		to, okT := t[p+"to"]
		if okF && okT && !to.After(from) {
			c.errorf(f, p+"to", "dates.order", "extension %d does not move the date forward (to is not after from)", i+1)
		}
		if at, ok := t[p+"at"]; ok && okF && at.After(from) {
			c.errorf(f, p+"at", "dates.order", "extension %d was agreed after the date it extends had passed; record it as overdue disclosure instead", i+1)
		}
		if i > 0 {
			prevTo, ok := t[fmt.Sprintf("/extensions/%d/to", i-1)]
			if ok && okF && !prevTo.Equal(from) {
				c.errorf(f, p+"from", "dates.order", "extension %d starts from a date other than where extension %d ended", i+1, i)
			}
		}
	}
	if n := len(exts); n > 0 {
		last, ok := t[fmt.Sprintf("/extensions/%d/to", n-1)]
		if d, okD := t[pDisclosure]; ok && okD && !last.Equal(d) {
			c.errorf(f, pDisclosure, "dates.order", "dates.disclosure differs from where the last extension moved it (extension %d); they must agree", n)
		}
	}
}

func (c *checker) embargoLength(f *state.File, lp listLimits, length time.Duration, extensions int) {
	ext := ""
	if extensions > 0 {
		ext = " (with " + plural.Of(extensions, "extension") + ")"
	}
	switch {
	case lp.MaxEmbargo != "" && length > lp.maxEmbargo:
		c.errorf(f, pDisclosure, "embargo.max", "embargo of %s%s exceeds the list's maximum of %s counted from dates.notified; move the disclosure date to at most %s after notification", roundDur(length), ext, lp.MaxEmbargo, lp.MaxEmbargo)
	case lp.PreferredEmbargo != "" && length > lp.preferredEmbargo:
		c.warnf(f, pDisclosure, "embargo.preferred", "embargo of %s%s is longer than the preferred %s", roundDur(length), ext, lp.PreferredEmbargo)
	}
	if lp.MinEmbargo != "" && length < lp.minEmbargo {
		c.warnf(f, pDisclosure, "embargo.min", "embargo of %s is shorter than the list's reasonable minimum of %s; members may not have time to prepare", roundDur(length), lp.MinEmbargo)
	}
}

// listLimits is a list's policy with its durations parsed.
type listLimits struct {
	records.ListPolicy
	maxEmbargo, preferredEmbargo, minEmbargo    time.Duration
	exploitDelay, postingGrace, disclosureGrace time.Duration
}

func (c *checker) listPolicy(name string) (listLimits, bool) {
	if c.st.Policy == nil {
		return listLimits{}, false
	}
	lp, ok := c.st.Policy.Lists[name]
	if !ok {
		return listLimits{}, false
	}
	d := func(s string) time.Duration { v, _ := records.ParseDuration(s); return v }
	return listLimits{lp, d(lp.MaxEmbargo), d(lp.PreferredEmbargo), d(lp.MinEmbargo), d(lp.ExploitDelay), d(lp.PostingGrace), d(lp.DisclosureGrace)}, true
}

// roundDur prints a duration in days and hours, the way people speak of embargoes,
// with minutes and seconds only when they are there (so "14d 1s" is not "14d").
func roundDur(d time.Duration) string {
	day := 24 * time.Hour
	days, rest := d/day, d%day
	var parts []string
	if days != 0 {
		parts = append(parts, fmt.Sprintf("%dd", days))
	}
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if n := rest / u.unit; n != 0 {
			parts = append(parts, fmt.Sprintf("%d%s", n, u.name))
			rest %= u.unit
		}
	}
	if len(parts) == 0 {
		return "0s"
	}
	return strings.Join(parts, " ")
}

// dotted turns a JSON pointer into the dotted field name people read ("dates.notified").
func dotted(ptr string) string { return strings.ReplaceAll(strings.TrimPrefix(ptr, "/"), "/", ".") }
