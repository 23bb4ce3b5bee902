package seal

import (
	"fmt"
	"slices"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/schemas"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

// Record seals the plain issue record data (at path) in state st at now: its
// private fields are encrypted to the current encryption key of every key of
// its team (TeamOf: handler, response team, coordinators, the list's
// sealed_recipients) with public keys from st only, and replaced by the
// sealed field. It returns the sealed record and the team. The message is
// read back and judged as CI judges it before it is returned.
func Record(st *state.State, path string, data []byte, now time.Time) ([]byte, Team, error) {
	rec, err := state.Decode(schemas.Issue, path, data)
	if err != nil {
		return nil, Team{}, fmt.Errorf("%s: %v", path, err)
	}
	is := rec.(*records.Issue)
	if is.Sealed != "" {
		return nil, Team{}, fmt.Errorf("%s is sealed already", path)
	}
	team := TeamOf(st, is)
	keys, err := SealingKeys(st, team, now)
	if err != nil {
		return nil, team, err
	}
	plain, private, err := Split(path, data)
	if err != nil {
		return nil, team, err
	}
	msg, err := pgp.Encrypt(private, keys, now)
	if err != nil {
		return nil, team, err
	}
	m, err := pgp.ReadMessage(msg)
	if err != nil {
		return nil, team, fmt.Errorf("the sealed message does not read back: %v", err)
	}
	if problems := newIndex(st).judge(st, team, m, now); len(problems) > 0 {
		return nil, team, fmt.Errorf("the sealed message does not fit its team: %s", problems[0])
	}
	out, err := WithSealed(path, plain, msg)
	if err != nil {
		return nil, team, err
	}
	return out, team, nil
}

// Decrypter turns a sealed message into its plaintext: the user's own gpg
// (GPG), or a test key in tests and the demo.
type Decrypter interface {
	Decrypt(msg []byte) ([]byte, error)
}

// Open decrypts the sealed record data (at path) with d and returns it in
// plain text: the record as it was before Record sealed it. The message is
// judged as CI judges it (sealed.format) before it is handed to d.
func Open(path string, data []byte, d Decrypter) ([]byte, error) {
	rec, err := state.Decode(schemas.Issue, path, data)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	is := rec.(*records.Issue)
	if is.Sealed == "" {
		return nil, fmt.Errorf("%s is not sealed", path)
	}
	if _, err := pgp.ReadMessage([]byte(is.Sealed)); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	private, err := d.Decrypt([]byte(is.Sealed))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return Merge(path, data, private)
}

// UpToDate reports whether the sealed record data is sealed to exactly its
// team in st at now, and returns that team: sealing it again would only
// change the ciphertext.
func UpToDate(st *state.State, path string, data []byte, now time.Time) (Team, bool) {
	rec, err := state.Decode(schemas.Issue, path, data)
	if err != nil {
		return Team{}, false
	}
	is := rec.(*records.Issue)
	team := TeamOf(st, is)
	m, err := pgp.ReadMessage([]byte(is.Sealed))
	if err != nil {
		return team, false
	}
	return team, len(newIndex(st).judge(st, team, m, now)) == 0
}

// Recipients lists the people a sealed message is encrypted to in st, by
// their key ids; a key nobody lists is named by its id.
func Recipients(st *state.State, msg []byte) ([]string, error) {
	m, err := pgp.ReadMessage(msg)
	if err != nil {
		return nil, err
	}
	ix := newIndex(st)
	var out []string
	for _, r := range m.Recipients {
		people := ix.owners(r)
		if len(people) == 0 {
			people = []string{"key " + r.String()}
		}
		for _, p := range people {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}
