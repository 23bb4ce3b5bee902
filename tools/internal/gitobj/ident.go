package gitobj

import (
	"bytes"
	"errors"
	"strconv"
	"time"
)

// Signature is the identity and time of an author or committer line.
// When carries the line's own time zone: a fixed zone whose name is the
// original "+hhmm"/"-hhmm" text (so "-0000" stays distinguishable from "+0000").
type Signature struct {
	Name  string
	Email string
	When  time.Time
}

// parseIdent parses the value of an author or committer header, which must be
// exactly `Name <email> <unix-seconds> <+hhmm|-hhmm>` as git writes it: a
// non-empty name without surrounding spaces, one space, the e-mail in angle
// brackets, one space, a decimal timestamp without sign or leading zeros,
// one space and a four-digit zone offset.
func parseIdent(v []byte) (Signature, error) {
	lt := bytes.IndexByte(v, '<')
	if lt < 0 {
		return Signature{}, errors.New("missing email")
	}
	if lt < 2 || v[lt-1] != ' ' {
		return Signature{}, errors.New("missing name or space before email")
	}
	name := v[:lt-1]
	if name[0] == ' ' || name[len(name)-1] == ' ' {
		return Signature{}, errors.New("name has surrounding spaces")
	}
	if !identText(name) {
		return Signature{}, errors.New("bad character in name")
	}
	rest := v[lt+1:]
	gt := bytes.IndexByte(rest, '>')
	if gt < 0 {
		return Signature{}, errors.New("unterminated email")
	}
	email := rest[:gt]
	if !identText(email) {
		return Signature{}, errors.New("bad character in email")
	}
	rest = rest[gt+1:]
	if len(rest) == 0 || rest[0] != ' ' {
		return Signature{}, errors.New("missing space before date")
	}
	secs, zone, ok := bytes.Cut(rest[1:], []byte{' '})
	if !ok {
		return Signature{}, errors.New("missing time zone")
	}
	sec, err := parseSeconds(secs)
	if err != nil {
		return Signature{}, err
	}
	loc, err := parseZone(zone)
	if err != nil {
		return Signature{}, err
	}
	return Signature{
		Name:  string(name),
		Email: string(email),
		When:  time.Unix(sec, 0).In(loc),
	}, nil
}

// identText reports whether b holds no angle brackets and no control bytes.
func identText(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c == 0x7f || c == '<' || c == '>' {
			return false
		}
	}
	return true
}

// parseSeconds parses a canonical non-negative decimal Unix time.
func parseSeconds(b []byte) (int64, error) {
	if len(b) == 0 || len(b) > 19 || (b[0] == '0' && len(b) > 1) {
		return 0, errors.New("bad date")
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, errors.New("bad date")
		}
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return 0, errors.New("bad date")
	}
	return n, nil
}

// parseZone parses "+hhmm" or "-hhmm" (minutes below 60) into a fixed zone
// named by the original text.
func parseZone(b []byte) (*time.Location, error) {
	if len(b) != 5 || (b[0] != '+' && b[0] != '-') {
		return nil, errors.New("bad time zone")
	}
	for _, c := range b[1:] {
		if c < '0' || c > '9' {
			return nil, errors.New("bad time zone")
		}
	}
	hh := int(b[1]-'0')*10 + int(b[2]-'0')
	mm := int(b[3]-'0')*10 + int(b[4]-'0')
	if mm >= 60 {
		return nil, errors.New("bad time zone")
	}
	off := hh*3600 + mm*60
	if b[0] == '-' {
		off = -off
	}
	return time.FixedZone(string(b), off), nil
}
