package export

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/plural"
)

// Subscription is one line of a schleuder list's current subscriptions, as
// `schleuder-cli subscriptions list LIST` prints them.
type Subscription struct {
	Email, Fingerprint string // Fingerprint is "" for N/A
	Admin              bool
}

// MaxSubscriptions bounds the lines ParseSubscriptions reads.
const MaxSubscriptions = 100_000

var (
	fprRe    = regexp.MustCompile(`^([0-9A-F]{40}|[0-9A-F]{64})$`)
	addrRe   = regexp.MustCompile(`^[^@\s]+@[^@\s]+$`)
	shellRe  = regexp.MustCompile(`^[A-Za-z0-9@%+=:,./_-]+$`)
	listAddr = regexp.MustCompile(`^[^@\s'"]+@[^@\s'"]+$`)
)

// ParseSubscriptions reads one subscription per line: `email fingerprint`,
// separated by spaces or tabs, optionally followed by `admin` and schleuder's
// "Delivery disabled!" note. The fingerprint may be N/A, carry a 0x prefix or
// spaces between groups of four. Blank lines and lines starting with # are
// skipped. Errors name the line.
func ParseSubscriptions(r io.Reader) ([]Subscription, error) {
	var out []Subscription
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), 64*1024)
	seen := map[string]int{}
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if len(out) >= MaxSubscriptions {
			return nil, fmt.Errorf("line %d: more than %d subscriptions", n, MaxSubscriptions)
		}
		f := strings.Fields(line)
		s := Subscription{Email: f[0]}
		if !addrRe.MatchString(s.Email) {
			return nil, fmt.Errorf("line %d: %q is not an e-mail address; write `email fingerprint` per line", n, s.Email)
		}
		rest := f[1:]
		var fpr []string
		for len(rest) > 0 && rest[0] != "admin" && !strings.EqualFold(rest[0], "delivery") {
			fpr, rest = append(fpr, rest[0]), rest[1:]
		}
		s.Admin = len(rest) > 0 && rest[0] == "admin"
		switch u := strings.TrimPrefix(strings.ToUpper(strings.Join(fpr, "")), "0X"); {
		case u == "" || u == "N/A":
		case fprRe.MatchString(u):
			s.Fingerprint = u
		default:
			return nil, fmt.Errorf("line %d: %q is not a full fingerprint (40 or 64 hex digits) or N/A", n, strings.Join(fpr, " "))
		}
		key := strings.ToLower(s.Email)
		if prev, dup := seen[key]; dup {
			return nil, fmt.Errorf("line %d: %s is already subscribed on line %d", n, s.Email, prev)
		}
		seen[key] = n
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Change is one step of a schleuder plan.
type Change struct {
	Op          string // "add", "rekey", "remove", "keep" (an admin not in the repository)
	Email       string
	Fingerprint string // the key to use (add, rekey) or the current one (remove, keep)
	Old         string // rekey: the current fingerprint
	KeyPath     string // add, rekey: the key file to import
	Person      string
	Member      string
}

// Plan is what brings a schleuder list in line with the repository.
type Plan struct {
	Changes   []Change
	Unchanged int
}

// SchleuderPlan compares the subscribers (each with the first usable key)
// with the current subscriptions. E-mail addresses compare case-insensitively.
// A current subscription the repository does not know is removed, unless it is
// a list admin: those are kept and listed, to be removed by hand if meant.
func SchleuderPlan(subs []Subscriber, current []Subscription) Plan {
	var p Plan
	cur := map[string]Subscription{}
	for _, s := range current {
		cur[strings.ToLower(s.Email)] = s
	}
	want := map[string]bool{}
	for _, s := range subs {
		k := s.Keys[0]
		addr := strings.ToLower(s.Email)
		want[addr] = true
		c, ok := cur[addr]
		switch {
		case !ok:
			p.Changes = append(p.Changes, Change{Op: "add", Email: s.Email, Fingerprint: k.Fingerprint, KeyPath: k.Path, Person: s.Person, Member: s.Member})
		case c.Fingerprint != k.Fingerprint:
			p.Changes = append(p.Changes, Change{Op: "rekey", Email: c.Email, Fingerprint: k.Fingerprint, Old: c.Fingerprint, KeyPath: k.Path, Person: s.Person, Member: s.Member})
		default:
			p.Unchanged++
		}
	}
	for _, c := range current {
		if want[strings.ToLower(c.Email)] {
			continue
		}
		op := "remove"
		if c.Admin {
			op = "keep"
		}
		p.Changes = append(p.Changes, Change{Op: op, Email: c.Email, Fingerprint: c.Fingerprint})
	}
	order := map[string]int{"add": 0, "rekey": 1, "remove": 2, "keep": 3}
	slices.SortStableFunc(p.Changes, func(a, b Change) int {
		if d := order[a.Op] - order[b.Op]; d != 0 {
			return d
		}
		return strings.Compare(strings.ToLower(a.Email), strings.ToLower(b.Email))
	})
	return p
}

// Count returns how many changes have op.
func (p Plan) Count(op string) int {
	n := 0
	for _, c := range p.Changes {
		if c.Op == op {
			n++
		}
	}
	return n
}

// Script writes the plan as a POSIX shell script of schleuder-cli commands,
// a dry run to review and then run from the repository's top folder (key files
// are imported from members/keys/). address is the schleuder list's address;
// when empty the script takes it from $SCHLEUDER_LIST.
func (p Plan) Script(w io.Writer, list, address string, now time.Time) error {
	if err := CheckAddress(address); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	fmt.Fprintf(&b, "# schleuder-cli commands that bring a schleuder list in line with list %s\n", list)
	fmt.Fprintf(&b, "# of the embargo repository at %s, written by `embargo export schleuder`.\n", now.UTC().Format(time.RFC3339))
	b.WriteString("# Dry run: nothing has been changed. Review it, then run it with sh from the\n")
	b.WriteString("# repository's top folder (the keys are imported from members/keys/).\n")
	fmt.Fprintf(&b, "# %d to add, %d to re-key, %d to remove, %s kept, %d unchanged.\n",
		p.Count("add"), p.Count("rekey"), p.Count("remove"), plural.Of(p.Count("keep"), "admin"), p.Unchanged)
	b.WriteString("set -eu\n")
	if address != "" {
		fmt.Fprintf(&b, "list=%s\n", shellQuote(address))
	} else {
		b.WriteString("list=\"${SCHLEUDER_LIST:?set SCHLEUDER_LIST to the list address, like list@hostname}\"\n")
	}
	for _, c := range p.Changes {
		b.WriteString("\n")
		email := shellQuote(c.Email)
		switch c.Op {
		case "add":
			fmt.Fprintf(&b, "# add %s (%s of %s)\n", c.Email, c.Person, c.Member)
			fmt.Fprintf(&b, "schleuder-cli keys import \"$list\" %s\n", shellQuote(c.KeyPath))
			fmt.Fprintf(&b, "schleuder-cli subscriptions new \"$list\" %s %s\n", email, c.Fingerprint)
		case "rekey":
			fmt.Fprintf(&b, "# re-key %s (%s of %s): %s -> %s\n", c.Email, c.Person, c.Member, orNA(c.Old), c.Fingerprint)
			fmt.Fprintf(&b, "schleuder-cli keys import \"$list\" %s\n", shellQuote(c.KeyPath))
			fmt.Fprintf(&b, "schleuder-cli subscriptions set \"$list\" %s fingerprint %s\n", email, c.Fingerprint)
		case "remove":
			fmt.Fprintf(&b, "# remove %s: not a person of an active member on %s\n", c.Email, list)
			fmt.Fprintf(&b, "schleuder-cli subscriptions delete \"$list\" %s\n", email)
		case "keep":
			fmt.Fprintf(&b, "# keep %s: a list admin not in the repository; to remove, run by hand:\n", c.Email)
			fmt.Fprintf(&b, "#   schleuder-cli subscriptions delete \"$list\" %s\n", email)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// CheckAddress accepts "" (the script reads $SCHLEUDER_LIST) or a list address
// like list@hostname, without spaces or quotes.
func CheckAddress(address string) error {
	if address != "" && !listAddr.MatchString(address) {
		return fmt.Errorf("list address %q is not like list@hostname", address)
	}
	return nil
}

func orNA(s string) string {
	if s == "" {
		return "N/A"
	}
	return s
}

// shellQuote quotes s for a POSIX shell when it has characters that need it.
func shellQuote(s string) string {
	if shellRe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
