package demo

import (
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/seal"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

// The sealed record of the example (docs/formats.md, "Sealed records"):
// whose keys can read it and whose cannot, for the demo's gpg steps.
const (
	// SealedIssue is the example's sealed record.
	SealedIssue = embargoedIssue
	// ReaderKey belongs to dana-debian, its handler.
	ReaderKey = handlerKey
	// OutsiderKey belongs to greta-suse, a member off its team.
	OutsiderKey = outsiderKey
	newIssue    = "issues/2026/EMB-2026-0008.yaml"
)

// files is a source over the demo's files in memory.
type files map[string][]byte

func (f files) Name() string { return "demo files" }

func (f files) List(tops ...string) ([]source.Entry, error) {
	var out []source.Entry
	for p := range f {
		for _, top := range tops {
			if p == top || strings.HasPrefix(p, top+"/") {
				out = append(out, source.Entry{Path: p, Regular: true, Kind: "file"})
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func (f files) Read(p string) ([]byte, error) {
	if d, ok := f[p]; ok {
		return d, nil
	}
	return nil, fmt.Errorf("%s: %w", p, fs.ErrNotExist)
}

// stateOf loads the demo files as the rules see them.
func stateOf(all map[string][]byte) (*state.State, error) {
	var ignored finding.List
	return state.Load(files(all), &ignored)
}

// testKey decrypts as the holder of one of the example's TEST keys.
type testKey struct {
	s   *pgp.Signer
	now time.Time
}

func (k testKey) Decrypt(msg []byte) ([]byte, error) { return k.s.Decrypt(msg, k.now) }

// editSealed opens a sealed record with key, replaces old by new in its plain
// text, and seals it again to its team: what `embargo edit` does for a person.
func editSealed(all map[string][]byte, path string, key *pgp.Signer, now time.Time, old, new string) (map[string][]byte, error) {
	plain, err := seal.Open(path, all[path], testKey{key, now})
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	edited, err := edit(map[string][]byte{path: plain}, path, old, new)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(all))
	for k, v := range all {
		out[k] = v
	}
	out[path] = edited[path]
	st, err := stateOf(out)
	if err != nil {
		return nil, err
	}
	if out[path], _, err = seal.Record(st, path, edited[path], now); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	return out, nil
}

// newReport is a new embargoed report of the sealed linux-distros list, as a
// coordinator first writes it (fictional).
const newReport = `id: EMB-2026-0008
list: linux-distros
status: embargoed
title: Heap overflow in the tallow image library's TIFF strip decoder
summary: |
  tallow trusts the StripByteCounts of a TIFF file and copies past the end of its strip
  buffer. A crafted image crashes any program that decodes it with tallow.
severity: medium
tlp: TLP:AMBER+STRICT
reporter:
  name: Jo Falk
  email: jo@falk.example.net
  credit_consent: false
handler: mara-openwall
response_team: [mara-openwall]
dates:
  reported: 2026-11-19T08:15:00Z
  notified: 2026-11-19T15:00:00Z
  proposed: 2026-11-24T14:00:00Z
  disclosure: 2026-11-24T14:00:00Z
cves: [CVE-2026-91330]
`

// plainThenSealed commits the new report in plain text and then sealed, on
// root, signed by the coordinator: a pull request whose head is clean and
// whose history is not.
func plainThenSealed(all map[string][]byte, root plumbing.Hash, commit func(map[string][]byte, plumbing.Hash, string, string, string, string, time.Time) (plumbing.Hash, error), now, when time.Time) (plumbing.Hash, error) {
	first := make(map[string][]byte, len(all)+1)
	for k, v := range all {
		first[k] = v
	}
	first[newIssue] = []byte(newReport)
	c1, err := commit(first, root, coordinatorKey, "Mara Lindqvist", "mara@openwall.example.org",
		"EMB-2026-0008: new report for linux-distros\n", when)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	st, err := stateOf(first)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	sealed, _, err := seal.Record(st, newIssue, []byte(newReport), now)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("demo: %w", err)
	}
	second := make(map[string][]byte, len(first))
	for k, v := range first {
		second[k] = v
	}
	second[newIssue] = sealed
	return commit(second, c1, coordinatorKey, "Mara Lindqvist", "mara@openwall.example.org",
		"EMB-2026-0008: seal it (forgot to, in the first commit)\n", when.Add(10*time.Minute))
}
