package export

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// ErrDuplicateEmail means two subscribers share an e-mail address, which a
// remail subscriber map (keyed by address) cannot hold.
var ErrDuplicateEmail = errors.New("e-mail address used twice")

// Remail file names. The tool writes only these two: never remail's base
// remail.yaml (it holds the lists' private keys) nor its tracking.yaml.
const (
	RemailListFile = "list.yaml"
	RemailKeysFile = "keys.asc"
)

// RemailEntry is one subscriber of a remail list.
type RemailEntry struct {
	Email, Name, Fingerprint string
	Person                   string
}

// RemailEntries picks, for each subscriber, the first usable key with a v4
// (40 hex digit) fingerprint, which remail requires, and returns the entries
// sorted by e-mail address, with what was left out. Two subscribers with one
// address are an error wrapping ErrDuplicateEmail.
func RemailEntries(subs []Subscriber) ([]RemailEntry, []Key, []Skip, error) {
	var out []RemailEntry
	var keys []Key
	var skips []Skip
	seen := map[string]string{}
	for _, s := range subs {
		i := slices.IndexFunc(s.Keys, func(k Key) bool { return len(k.Fingerprint) == 40 })
		if i < 0 {
			skips = append(skips, Skip{Person: s.Person, Reason: "no v4 key (remail needs a 40-hex-digit fingerprint); the person is left out"})
			continue
		}
		addr := strings.ToLower(s.Email)
		if prev, dup := seen[addr]; dup {
			return nil, nil, nil, fmt.Errorf("%s and %s both use %s: %w", prev, s.Person, s.Email, ErrDuplicateEmail)
		}
		seen[addr] = s.Person
		out = append(out, RemailEntry{Email: s.Email, Name: s.Name, Fingerprint: s.Keys[i].Fingerprint, Person: s.Person})
		keys = append(keys, s.Keys[i])
	}
	slices.SortFunc(out, func(a, b RemailEntry) int { return strings.Compare(strings.ToLower(a.Email), strings.ToLower(b.Email)) })
	slices.SortFunc(keys, func(a, b Key) int { return strings.Compare(a.Fingerprint, b.Fingerprint) })
	return out, keys, skips, nil
}

// RemailList renders remail's per-list configuration (Documentation/remail in
// the kernel tree, "List configuration items"): a subscribers map keyed by
// e-mail address, each entry with name, fingerprint and enabled: True.
func RemailList(list string, now time.Time, entries []RemailEntry) ([]byte, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "# remail list.yaml for the subscribers of list %s, written by `embargo export remail`\n", list)
	fmt.Fprintf(&b, "# from the embargo repository at %s. Do not edit: change members/ in the\n", now.UTC().Format(time.RFC3339))
	b.WriteString("# repository and export again. Import keys.asc into the list's keyring.\n")
	if len(entries) == 0 {
		b.WriteString("subscribers: {}\n")
		return []byte(b.String()), nil
	}
	b.WriteString("subscribers:\n")
	for _, e := range entries {
		fmt.Fprintf(&b, "  %s:\n    name: %s\n    fingerprint: %s\n    enabled: True\n", scalar(e.Email), scalar(strings.Join(strings.Fields(e.Name), " ")), e.Fingerprint)
	}
	return []byte(b.String()), nil
}

// scalar writes s as a YAML scalar, quoted only when it must be.
func scalar(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil {
		return fmt.Sprintf("%q", s)
	}
	return strings.TrimSuffix(string(out), "\n")
}
