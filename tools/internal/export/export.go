// Package export turns the repository into the subscriber data of the
// encrypted mailing lists that re-encrypt list mail to each subscriber: an
// armored keyring, the Linux kernel remail's list.yaml, and the schleuder-cli
// commands that bring a schleuder list in line. The repository is the source
// of truth; the list servers follow it. The package never prints.
package export

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/armor"

	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

// ErrUnknownList is returned for a list that policy.yaml does not define.
var ErrUnknownList = errors.New("unknown list")

// Subscriber is one person who receives a list's mail: a person of an active
// member that receives the list.
type Subscriber struct {
	Person, Member, Name, Email string
	Keys                        []Key // the person's usable keys, in the order listed
}

// Key is one usable public key: parsed, named by its fingerprint, and neither
// expired, revoked nor weak at the time of the export.
type Key struct {
	Fingerprint string
	Path        string // members/keys/<FPR>.asc
	Armored     []byte // the key file as committed
	CanEncrypt  bool   // has a key valid for encryption (list servers encrypt to it)
}

// Skip says what was left out and why.
type Skip struct {
	Person, Fingerprint, Reason string
}

// Subscribers returns the subscribers of list at now, sorted by person id,
// and what was left out: keys that are missing, unreadable, expired, revoked or
// weak, and people left without a usable key. Key files are read from src
// (the state's own source). The error wraps ErrUnknownList for an unknown list.
func Subscribers(st *state.State, src source.Source, list string, now time.Time) ([]Subscriber, []Skip, error) {
	if st.Policy == nil {
		return nil, nil, fmt.Errorf("policy.yaml does not load; run 'embargo validate'")
	}
	if _, ok := st.Policy.Lists[list]; !ok {
		return nil, nil, fmt.Errorf("list %q is not defined in policy.yaml: %w", list, ErrUnknownList)
	}
	var subs []Subscriber
	var skips []Skip
	for _, mf := range st.Members {
		m := mf.Member
		if m == nil || m.Status != "active" || !slices.Contains(m.Lists, list) {
			continue
		}
		for _, p := range m.People {
			s := Subscriber{Person: p.ID, Member: m.ID, Name: p.Name, Email: p.Email}
			for _, fpr := range p.Keys {
				k, why := usableKey(st, src, fpr, now)
				if why != "" {
					skips = append(skips, Skip{p.ID, fpr, why})
					continue
				}
				s.Keys = append(s.Keys, k)
			}
			if len(s.Keys) == 0 {
				skips = append(skips, Skip{Person: p.ID, Reason: "no usable key; the person is left out"})
				continue
			}
			subs = append(subs, s)
		}
	}
	slices.SortFunc(subs, func(a, b Subscriber) int { return strings.Compare(a.Person, b.Person) })
	return subs, skips, nil
}

// usableKey returns the key fpr, or why it cannot be used.
func usableKey(st *state.State, src source.Source, fpr string, now time.Time) (Key, string) {
	kf := st.Keys[fpr]
	switch {
	case kf == nil:
		return Key{}, "key file " + state.KeysDir + "/" + fpr + ".asc is missing"
	case kf.Key == nil:
		return Key{}, fmt.Sprintf("key file does not parse: %v", kf.Err)
	case kf.Key.Fingerprint != fpr:
		return Key{}, "the key file holds key " + kf.Key.Fingerprint
	}
	for _, p := range pgp.CheckKey(kf.Key, now) {
		if p.Severity == pgp.SeverityError {
			return Key{}, p.Message
		}
	}
	data, err := src.Read(kf.Path)
	if err != nil {
		return Key{}, fmt.Sprintf("cannot read the key file: %v", err)
	}
	return Key{Fingerprint: fpr, Path: kf.Path, Armored: data, CanEncrypt: pgp.CanEncrypt(kf.Key, now)}, ""
}

// AllKeys returns every usable key of subs once, in subscriber order.
func AllKeys(subs []Subscriber) []Key {
	seen := map[string]bool{}
	var out []Key
	for _, s := range subs {
		for _, k := range s.Keys {
			if !seen[k.Fingerprint] {
				seen[k.Fingerprint] = true
				out = append(out, k)
			}
		}
	}
	return out
}

// Keyring writes keys as one armored PUBLIC KEY BLOCK: the binary packets of
// each key file, as committed, one after the other (what gpg --import reads).
func Keyring(w io.Writer, keys []Key) error {
	var body bytes.Buffer
	for _, k := range keys {
		block, err := armor.Decode(bytes.NewReader(k.Armored))
		if err != nil {
			return fmt.Errorf("%s: %v", k.Path, err)
		}
		if _, err := io.Copy(&body, block.Body); err != nil {
			return fmt.Errorf("%s: %v", k.Path, err)
		}
	}
	aw, err := armor.Encode(w, "PGP PUBLIC KEY BLOCK", nil)
	if err != nil {
		return err
	}
	if _, err := aw.Write(body.Bytes()); err != nil {
		return err
	}
	if err := aw.Close(); err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n")
	return err
}
