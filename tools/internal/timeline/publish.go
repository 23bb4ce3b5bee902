package timeline

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

// Output file names, relative to the output folder.
const (
	TimelineFile = "timeline.json"
	IndexFile    = "index.html"
	FeedFile     = "feed.atom"
	StatsFile    = "stats.json"
	SumsFile     = "SHA256SUMS"
	OSVDir       = "osv"
)

// ErrNotEmpty is returned by Publish when the output folder already holds files.
var ErrNotEmpty = errors.New("output folder is not empty")

var errNoPolicy = errors.New("policy.yaml did not load; fix its findings before publishing")

// Timeline is timeline.json.
type Timeline struct {
	Version   int              `json:"version"`
	Generated string           `json:"generated"`
	Group     string           `json:"group"`
	Title     string           `json:"title"`
	URL       string           `json:"url,omitempty"`
	Issues    []*PublicIssue   `json:"issues"`
	Withdrawn []WithdrawnIssue `json:"withdrawn,omitempty"`
}

// Publish writes the public outputs for st at now into dir (created if missing;
// must be empty or absent). It returns the files written (slash paths relative to
// dir, sorted). The leak guard runs on the rendered bytes before anything is
// written and again on the files read back; on a hit Publish removes everything it
// wrote and returns a *LeakError wrapping ErrLeak that names the record file and the
// field, never the value. A non-empty dir gives ErrNotEmpty.
func Publish(st *state.State, now time.Time, dir string) ([]string, error) {
	return PublishWith(st, now, dir, Options{})
}

// Options change what the leak guard knows; the outputs stay the same.
type Options struct {
	// Unsealed holds sealed records in plain text, by path, decrypted by
	// someone who can (`timeline --unseal`). A sealed record is never
	// published and the timeline never reads its sealed field; with its plain
	// text here, the guard also refuses output that quotes its private
	// fields. Without, it guards only the record's id.
	Unsealed map[string]*records.Issue
}

// PublishWith is Publish with options.
func PublishWith(st *state.State, now time.Time, dir string, opt Options) ([]string, error) {
	if st == nil || st.Policy == nil {
		return nil, errNoPolicy
	}
	created, err := prepareDir(dir)
	if err != nil {
		return nil, err
	}
	files, g, err := render(st, now, opt)
	if err != nil {
		cleanup(dir, nil, created)
		return nil, err
	}
	names := sortedKeys(files)
	var written []string
	for _, name := range names {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err = os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
			err = os.WriteFile(p, files[name], 0o644)
		}
		if err != nil {
			cleanup(dir, written, created)
			return nil, fmt.Errorf("write %s: %w", name, err)
		}
		written = append(written, name)
	}
	if err := guardWritten(g, dir, names); err != nil {
		cleanup(dir, written, created)
		return nil, err
	}
	return names, nil
}

// guardWritten reads back the files written to dir and runs the leak guard on
// what is on disk, not on what was meant to be: every byte of every file.
func guardWritten(g *guard, dir string, names []string) error {
	onDisk := map[string][]byte{}
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return fmt.Errorf("read back %s: %w", name, err)
		}
		onDisk[name] = data
	}
	if leaks := g.scan(forScan(onDisk)); len(leaks) > 0 {
		return &LeakError{Leaks: leaks}
	}
	return nil
}

// Render returns the public outputs for st at now by file name, after the leak
// guard has passed them; see Publish.
func Render(st *state.State, now time.Time) (map[string][]byte, error) {
	files, _, err := render(st, now, Options{})
	return files, err
}

// render renders and guards the outputs; the guard is returned for the read-back.
func render(st *state.State, now time.Time, opt Options) (map[string][]byte, *guard, error) {
	if st == nil || st.Policy == nil {
		return nil, nil, errNoPolicy
	}
	files, err := project(st, now).render()
	if err != nil {
		return nil, nil, err
	}
	g := newGuard(st, now, skeleton(st, now), opt.Unsealed)
	if leaks := g.scan(forScan(files)); len(leaks) > 0 {
		return nil, nil, &LeakError{Leaks: leaks}
	}
	return files, g, nil
}

// render writes every output of p in memory, SHA256SUMS last.
func (p *projection) render() (map[string][]byte, error) {
	files := map[string][]byte{}
	var err error
	stats := p.stats()
	tl := Timeline{Version: 1, Generated: stamp(p.asOf()), Group: p.policy.Name, Title: p.policy.Publication.Title,
		URL: p.base, Issues: p.issues, Withdrawn: p.withdrawn}
	if tl.Issues == nil {
		tl.Issues = []*PublicIssue{}
	}
	if files[TimelineFile], err = marshal(tl); err != nil {
		return nil, err
	}
	if files[StatsFile], err = marshal(stats); err != nil {
		return nil, err
	}
	if files[FeedFile], err = p.atom(); err != nil {
		return nil, err
	}
	if files[IndexFile], err = p.html(stats); err != nil {
		return nil, err
	}
	for _, is := range p.issues {
		if o := osvFor(is); o != nil {
			if files[path.Join(OSVDir, OSVID(is.ID)+".json")], err = marshal(o); err != nil {
				return nil, err
			}
		}
	}
	var sums bytes.Buffer
	for _, name := range sortedKeys(files) {
		sum := sha256.Sum256(files[name])
		fmt.Fprintf(&sums, "%s  %s\n", hex.EncodeToString(sum[:]), name)
	}
	files[SumsFile] = sums.Bytes()
	return files, nil
}

// skeleton renders the outputs with no issue at all: their fixed text, which carries
// nothing from any record.
func skeleton(st *state.State, now time.Time) map[string][]byte {
	p := &projection{policy: st.Policy, now: now.UTC(), base: baseURL(st.Policy.Publication.BaseURL)}
	files, err := p.render()
	if err != nil {
		return nil
	}
	delete(files, SumsFile)
	return files
}

// forScan hides the digests of SHA256SUMS from the guard: they are computed from
// files it scans anyway, and hex noise could match a short hex-only string.
func forScan(files map[string][]byte) map[string][]byte {
	out := make(map[string][]byte, len(files))
	for k, v := range files {
		out[k] = v
	}
	if sums, ok := files[SumsFile]; ok {
		masked := bytes.Clone(sums)
		for _, line := range bytes.SplitAfter(masked, []byte("\n")) {
			for i := 0; i < len(line) && i < sha256.Size*2; i++ {
				line[i] = ' '
			}
		}
		out[SumsFile] = masked
	}
	return out
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// prepareDir makes sure dir exists and is empty; created says Publish made it.
func prepareDir(dir string) (created bool, err error) {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return false, fmt.Errorf("create output folder: %w", err)
		}
		return true, nil
	case err != nil:
		return false, fmt.Errorf("output folder: %w", err)
	case !fi.IsDir():
		return false, fmt.Errorf("output %s is not a folder", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false, fmt.Errorf("output folder: %w", err)
	}
	if len(entries) > 0 {
		return false, fmt.Errorf("%s: %w; give a new or empty folder", dir, ErrNotEmpty)
	}
	return false, nil
}

// cleanup removes the files written, the osv folder and dir itself if Publish made it.
func cleanup(dir string, written []string, created bool) {
	for _, name := range written {
		os.Remove(filepath.Join(dir, filepath.FromSlash(name)))
	}
	os.Remove(filepath.Join(dir, OSVDir)) // only if empty
	if created {
		os.Remove(dir)
	}
}
