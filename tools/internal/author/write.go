package author

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/embargo-tool/embargo/tools/internal/schemas"
	"github.com/embargo-tool/embargo/tools/internal/yamldoc"
)

// ErrUnsafePath means a file would be written through a symbolic link or
// where a folder belongs: the repository's layout is not what it seems, and
// a record written there could land outside the repository.
var ErrUnsafePath = errors.New("unsafe path")

// newFile is one file an authoring command writes. Every file of a command is
// checked before the first is written (see writeAll).
type newFile struct {
	rel  string // slash-separated, relative to the repository root
	data []byte
}

// writeAll writes files in order, each with writeNew, and returns their
// paths. If one cannot be written, the ones already written are removed
// again: a command writes all its files or none.
func writeAll(root string, files []newFile) ([]string, error) {
	var written []string
	for _, f := range files {
		if err := writeNew(root, f.rel, f.data); err != nil {
			for _, w := range written {
				removeNew(root, w)
			}
			return nil, err
		}
		written = append(written, f.rel)
	}
	return written, nil
}

// writeNew writes data to root/rel, never over an existing file, never
// through a symbolic link, and never half: every folder from the root down
// must be a real folder (missing ones are created), the data goes to a
// temporary file in the same folder first and is then linked into place,
// which fails if the name is taken. Folders it created are removed again
// when the write fails.
func writeNew(root, rel string, data []byte) (err error) {
	if !fs.ValidPath(rel) || rel == "." {
		return fmt.Errorf("%s is not a path inside the repository: %w", rel, ErrUnsafePath)
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return err
	}
	defer r.Close()
	var created []string
	defer func() {
		if err != nil {
			for i := len(created) - 1; i >= 0; i-- {
				r.Remove(created[i]) // only empty folders go
			}
		}
	}()
	dir := path.Dir(rel)
	if dir != "." {
		parts := strings.Split(dir, "/")
		for i := range parts {
			p := strings.Join(parts[:i+1], "/")
			fi, err := r.Lstat(p)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				if err := r.Mkdir(p, 0o755); err != nil {
					return err
				}
				created = append(created, p)
			case err != nil:
				return err
			case fi.Mode()&fs.ModeSymlink != 0:
				return fmt.Errorf("%s is a symbolic link; a record is written only into real folders of the repository: %w", p, ErrUnsafePath)
			case !fi.IsDir():
				return fmt.Errorf("%s is not a folder: %w", p, ErrUnsafePath)
			}
		}
	}
	if fi, err := r.Lstat(rel); err == nil {
		if fi.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("%s is a symbolic link: %w", rel, ErrUnsafePath)
		}
		return fmt.Errorf("%s %w; it is never overwritten", rel, ErrExists)
	}
	var nonce [6]byte
	rand.Read(nonce[:])
	tmp := path.Join(dir, "."+path.Base(rel)+".new-"+hex.EncodeToString(nonce[:]))
	f, err := r.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	defer r.Remove(tmp)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := r.Link(tmp, rel); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s %w; it is never overwritten", rel, ErrExists)
		}
		return err
	}
	return nil
}

// removeNew removes a file writeAll wrote, and its folder when that is now
// empty (a new year's folder).
func removeNew(root, rel string) {
	r, err := os.OpenRoot(root)
	if err != nil {
		return
	}
	defer r.Close()
	r.Remove(rel)
	r.Remove(path.Dir(rel))
}

// text checks a one-line free-text value given on the command line: not
// empty, valid UTF-8, and without control characters or line and paragraph
// separators, which YAML would turn into something else (U+2028 reads back
// as a line break, a C1 control or invalid byte as !!binary).
func text(what, s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return fmt.Errorf("%s is empty: %w", what, ErrInvalid)
	case !utf8.ValidString(s):
		return fmt.Errorf("%s is not valid UTF-8: %w", what, ErrInvalid)
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			if r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' {
				return fmt.Errorf("%s has a line break; keep it to one line: %w", what, ErrInvalid)
			}
			return fmt.Errorf("%s has the control character %U; remove it: %w", what, r, ErrInvalid)
		}
	}
	return nil
}

// checkRecord reads a record an authoring command is about to write through
// the same layers as validate (YAML syntax, the schema of kind, decoding into
// rec) and returns an error wrapping ErrInvalid if any refuses it: nothing
// is written that validate would reject for its form. The caller then
// compares rec with what it was told, so that no value changed on the way.
func checkRecord(kind, rel string, data []byte, rec any) error {
	doc, err := yamldoc.Parse(rel, data)
	if err != nil {
		return fmt.Errorf("the new record would not parse (%v): %w", err, ErrInvalid)
	}
	set, err := schemas.Compiled()
	if err != nil {
		return err
	}
	v := doc.Value()
	if fs := set.Validate(kind, doc, v); len(fs) > 0 {
		return fmt.Errorf("the new record would fail its schema: %s: %w", fs[0].Message, ErrInvalid)
	}
	if err := yamldoc.DecodeValue(v, rec); err != nil {
		return fmt.Errorf("the new record would not decode (%v): %w", err, ErrInvalid)
	}
	return nil
}

// readsBack reports a value that did not survive being written as YAML.
func readsBack(what, got, want string) error {
	if got != want {
		return fmt.Errorf("%s would not read back as given: %w", what, ErrInvalid)
	}
	return nil
}
