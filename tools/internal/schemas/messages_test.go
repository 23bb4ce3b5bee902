package schemas

import (
	"strings"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/yamldoc"
)

// TestMessagesCarryNoValue: a violation's message says what the schema asks
// for and where, never the value in the file, whatever the keyword; unknown
// keys are named in shared records and not in private (issue) ones.
func TestMessagesCarryNoValue(t *testing.T) {
	set, err := Compiled()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, kind, doc, want string
	}{
		{"format", Member, "contact: zqx-not-an-address", "/contact: value is not valid 'email'"},
		{"format-private", Issue, "reporter: {email: zqx-not-an-address}", "/reporter/email: value is not valid 'email'"},
		{"pattern", Issue, "handler: ZQX Handler", "does not match pattern"},
		{"enum", Issue, "status: zqx", `value must be one of "draft"`},
		{"type", Issue, "title: [zqx]", "expected string, but got array"},
		{"min-length", Issue, `title: ""`, "length must be >= 1"},
		{"unique", Issue, "cves: [CVE-2026-12345zqx, CVE-2026-12345zqx]", "/cves: "},
		{"unknown-key-private", Issue, "zqx@example.net: 1", "/: unknown key; remove it"},
		{"unknown-key-nested", Issue, "reporter: {name: x, zqx: 1}", "/reporter: unknown key; remove it"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := yamldoc.Parse("x.yaml", []byte(tc.doc+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			var all []string
			for _, f := range set.Validate(tc.kind, doc, doc.Value()) {
				all = append(all, f.Message)
				if strings.Contains(strings.ToLower(f.Message), "zqx") {
					t.Errorf("message quotes the value: %s", f.Message)
				}
			}
			if !strings.Contains(strings.Join(all, "\n"), tc.want) {
				t.Errorf("no message with %q:\n%s", tc.want, strings.Join(all, "\n"))
			}
		})
	}
	// A shared record names the unknown key: it is a field name, not a secret.
	doc, _ := yamldoc.Parse("m.yaml", []byte("sevrity: high\n"))
	fs := set.Validate(Member, doc, doc.Value())
	if len(fs) == 0 || !strings.Contains(fs[len(fs)-1].Message+fs[0].Message, "unknown key 'sevrity'") {
		t.Errorf("member: %v", fs)
	}
}

// TestApplicationShapes: a member's application is a URL or the structured
// record, and a mistake in either is reported against the shape it has, not
// also as "expected string" or "expected object" from the other.
func TestApplicationShapes(t *testing.T) {
	set, err := Compiled()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ doc, want string }{
		{"application: https://lists.example.org/a/1", ""},
		{"application: {organisation: X, domains: [x.example], alias: security@x.example}", ""},
		{"application: ftp://lists.example.org/a/1", "/application: does not match pattern"},
		{"application: {organization: X}", "/application: unknown key 'organization'"},
		{"application: {domains: [Not_A_Domain]}", "/application/domains/0: does not match pattern"},
		{"application: {evidence: {user: zqx}}", "/application/evidence/user: does not match pattern"},
		{"application: [x]", "/application: expected string or object, but got array"},
	} {
		doc, err := yamldoc.Parse("m.yaml", []byte(tc.doc+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range set.Validate(Member, doc, doc.Value()) {
			if strings.HasPrefix(f.Message, "/application") {
				got = append(got, f.Message)
			}
		}
		all := strings.Join(got, "\n")
		switch {
		case tc.want == "" && len(got) > 0:
			t.Errorf("%s: %v", tc.doc, got)
		case tc.want != "" && !strings.Contains(all, tc.want):
			t.Errorf("%s: %v, want a message with %q", tc.doc, got, tc.want)
		case strings.Contains(all, "but got object") || strings.Contains(all, "but got string"):
			t.Errorf("%s: the other shape's complaint: %v", tc.doc, got)
		}
	}
}
