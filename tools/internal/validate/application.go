package validate

import (
	"fmt"
	"net"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/rules"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

// application checks a member's application against the lists it is on that
// require the structured record (require_application): the Xen Project's
// pre-disclosure applications, whose team "has no discretion" to accept one
// that lacks an item (docs/sources.md#xen-project-applications). What a
// program can see is checked here: every item there, every evidence link an
// ordinary https page on the organisation's own domains, the alias a role
// address on them. Whether a page really shows what it should stays the
// team's to read.
func (c *checker) application(mf *state.MemberFile) {
	m, f := mf.Member, &mf.File
	if c.st.Policy == nil {
		return
	}
	var lists []string
	for _, l := range m.Lists {
		if c.st.Policy.Lists[l].RequireApplication {
			lists = append(lists, l)
		}
	}
	if len(lists) == 0 {
		return
	}
	on := fmt.Sprintf("list %s requires", strings.Join(lists, ", "))
	if len(lists) > 1 {
		on = fmt.Sprintf("lists %s require", strings.Join(lists, ", "))
	}
	a := m.Application
	switch {
	case a == nil:
		c.addKey(f, "/id", rules.MemberApplication, finding.Error, "member %q has no application; %s the structured application record (docs/formats.md, Structured applications)", m.ID, on)
		return
	case !a.Structured:
		c.errorf(f, "/application", rules.MemberApplication, "the application of %q is a URL; %s the structured application record, every item in the record itself (docs/formats.md, Structured applications)", m.ID, on)
		return
	}
	var missing []string
	for _, item := range []struct {
		name  string
		given bool
	}{
		{"organisation", strings.TrimSpace(a.Organisation) != ""},
		{"domains", len(a.Domains) > 0},
		{"eligibility", strings.TrimSpace(a.Eligibility) != ""},
		{"products (or all_products: true)", len(a.Products) > 0 || a.AllProducts},
		{"evidence.provider", a.Evidence.Provider != ""},
		{"evidence.user", a.Evidence.User != ""},
		{"evidence.security", a.Evidence.Security != ""},
		{"agreement", strings.TrimSpace(a.Agreement) != ""},
		{"alias", a.Alias != ""},
	} {
		if !item.given {
			missing = append(missing, item.name)
		}
	}
	if len(missing) > 0 {
		c.addKey(f, "/application", rules.MemberApplication, finding.Error, "the application of %q lacks %s; %s every item, and its team may not accept an incomplete application", m.ID, strings.Join(missing, ", "), on)
	}
	if len(a.Products) > 0 && a.AllProducts {
		c.errorf(f, "/application/all_products", rules.MemberApplication, "the application gives both products and all_products: true; list the products that use the software only when not all do")
	}
	for _, ev := range []struct{ field, link string }{
		{"provider", a.Evidence.Provider}, {"user", a.Evidence.User}, {"security", a.Evidence.Security},
	} {
		if ev.link == "" {
			continue
		}
		if why := ordinaryPage(ev.link, a.Domains); why != "" {
			c.errorf(f, "/application/evidence/"+ev.field, rules.MemberApplication, "evidence.%s %s; it must be a current public web page of the organisation's own", ev.field, why)
		}
	}
	if a.Alias != "" {
		if why := c.personalAlias(a.Alias, a.Domains); why != "" {
			c.errorf(f, "/application/alias", rules.MemberApplication, "alias %s; the list gets one non-personal role address (security@…) that stays when people change", why)
		}
	}
}

// documentSuffixes are files, not pages: the Xen policy accepts a PDF only
// through an ordinary HTML page that links it, and no slides or videos.
var documentSuffixes = []string{".pdf", ".doc", ".docx", ".odt", ".ppt", ".pptx", ".odp", ".key", ".xls", ".xlsx", ".ods",
	".mp4", ".webm", ".mov", ".avi", ".mkv", ".swf", ".zip", ".gz", ".tgz", ".xz", ".tar"}

// ordinaryPage returns "" when link is an https page on one of domains (or a
// subdomain of one), else why not, as the end of a sentence.
func ordinaryPage(link string, domains []string) string {
	u, err := url.Parse(link)
	if err != nil || u.Host == "" {
		return "does not parse as a web address"
	}
	if u.Scheme != "https" {
		return "is not an https page"
	}
	if u.User != nil {
		return "carries a user name or password, so it is not public"
	}
	if u.Port() != "" {
		return "names a port; a public page is served on the standard one"
	}
	host := strings.ToLower(u.Hostname())
	if net.ParseIP(strings.Trim(host, "[]")) != nil {
		return "is an IP address, not one of the organisation's domains"
	}
	if !withinDomains(host, domains) {
		return fmt.Sprintf("is on %s, not on the organisation's domains (%s): link its own pages, not a blog, social media, video or slide site", host, strings.Join(domains, ", "))
	}
	if ext := strings.ToLower(path.Ext(u.Path)); slices.Contains(documentSuffixes, ext) {
		return fmt.Sprintf("links a %s file, not a web page: link the ordinary page that links it, and say which part is relevant", ext)
	}
	return ""
}

// withinDomains reports whether host is one of domains or below one.
func withinDomains(host string, domains []string) bool {
	host = strings.TrimSuffix(host, ".")
	for _, d := range domains {
		d = strings.ToLower(strings.TrimSuffix(d, "."))
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// personalAlias returns "" when alias is a role address on the organisation's
// domains, else why not: a person's own address in any member record is
// personal, and so is one outside the organisation.
func (c *checker) personalAlias(alias string, domains []string) string {
	at := strings.LastIndex(alias, "@")
	if at <= 0 || at == len(alias)-1 {
		return "is not an e-mail address"
	}
	for _, mf := range c.st.Members {
		if mf.Member == nil {
			continue
		}
		for _, p := range mf.Member.People {
			if strings.EqualFold(p.Email, alias) {
				return fmt.Sprintf("is the personal address of %s", p.ID)
			}
		}
	}
	if host := strings.ToLower(alias[at+1:]); !withinDomains(host, domains) {
		return fmt.Sprintf("is on %s, not on the organisation's domains (%s)", host, strings.Join(domains, ", "))
	}
	return ""
}
