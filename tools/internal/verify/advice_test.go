package verify_test

import (
	"strings"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/finding"
)

// adviceOnce fails a finding whose message says a thing twice: a run of
// four words in two of its clauses ("sign with SHA-256 or better; sign
// with SHA-256 or better and ..."), or the words of its own rule as a prefix
// ("sig.key-expired: key expired: ..."). expect runs it on every finding the
// tests of this package see.
func adviceOnce(t testing.TB, fs []finding.Finding) {
	t.Helper()
	for _, f := range fs {
		msg := strings.ToLower(f.Message)
		if words := strings.ReplaceAll(strings.TrimPrefix(f.Rule, "sig."), "-", " "); strings.HasPrefix(msg, words+":") {
			t.Errorf("%s: the message repeats its rule: %s", f.Rule, f.Message)
		}
		seen := map[string]int{} // four-word run -> clause it was first seen in
		for i, clause := range strings.Split(msg, "; ") {
			w := strings.FieldsFunc(clause, func(r rune) bool { return strings.ContainsRune(" ,:()", r) })
			for j := 0; j+4 <= len(w); j++ {
				run := strings.Join(w[j:j+4], " ")
				if first, ok := seen[run]; ok && first != i {
					t.Errorf("%s: %q twice in: %s", f.Rule, run, f.Message)
				} else if !ok {
					seen[run] = i
				}
			}
		}
	}
}

// TestAdviceOnce holds adviceOnce to the messages it must refuse.
func TestAdviceOnce(t *testing.T) {
	for _, m := range []finding.Finding{
		{Rule: "sig.weak", Message: "signature is hashed with SHA-1; sign with SHA-256 or better; sign with SHA-256 or better and an Ed25519 key"},
		{Rule: "sig.key-expired", Message: "key expired: key X was already expired when the signature was made"},
	} {
		ft := &testing.T{}
		adviceOnce(ft, []finding.Finding{m})
		if !ft.Failed() {
			t.Errorf("adviceOnce passes %s: %s", m.Rule, m.Message)
		}
	}
	adviceOnce(t, []finding.Finding{{Rule: "sig.weak", Message: "signature is hashed with SHA-1; sign with SHA-256 or better"}})
}
