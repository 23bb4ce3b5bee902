package gitpack

import (
	"bytes"
	"compress/zlib"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"
)

// ReadLoose reads loose object id from objectsDir (objectsDir/xx/yyyy…), as
// git writes it: a zlib stream of "<type> <size>\x00<content>". It refuses an
// unknown type, a size that disagrees with the content or exceeds
// MaxObjectSize (ErrTooLarge), and content that does not hash to id
// (ErrCorrupt). A missing file is ErrNotFound. The pre-receive hook reads
// the objects of a push from git's quarantine folder with it.
func ReadLoose(objectsDir string, id [hashLen]byte) (plumbing.ObjectType, []byte, error) {
	name := hex.EncodeToString(id[:])
	f, err := os.Open(filepath.Join(objectsDir, name[:2], name[2:]))
	if errors.Is(err, fs.ErrNotExist) {
		return plumbing.InvalidObject, nil, ErrNotFound
	}
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	defer f.Close()
	z, err := zlib.NewReader(f)
	if err != nil {
		return plumbing.InvalidObject, nil, corrupt("loose object %s: %v", name, err)
	}
	defer z.Close()
	// The header is at most a type name, a 20-digit size and a NUL.
	head := make([]byte, 0, 32)
	buf := make([]byte, 1)
	for {
		if _, err := io.ReadFull(z, buf); err != nil {
			return plumbing.InvalidObject, nil, corrupt("loose object %s: header: %v", name, err)
		}
		if buf[0] == 0 {
			break
		}
		if len(head) == cap(head) {
			return plumbing.InvalidObject, nil, corrupt("loose object %s: header too long", name)
		}
		head = append(head, buf[0])
	}
	typName, sizeText, ok := bytes.Cut(head, []byte{' '})
	typ, err := plumbing.ParseObjectType(string(typName))
	if !ok || err != nil || !typ.Valid() || typ == plumbing.OFSDeltaObject || typ == plumbing.REFDeltaObject {
		return plumbing.InvalidObject, nil, corrupt("loose object %s: bad header %q", name, head)
	}
	size, err := strconv.ParseUint(string(sizeText), 10, 64)
	if err != nil || strconv.FormatUint(size, 10) != string(sizeText) {
		return plumbing.InvalidObject, nil, corrupt("loose object %s: bad size %q", name, sizeText)
	}
	if size > MaxObjectSize {
		return plumbing.InvalidObject, nil, ErrTooLarge
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(z, data); err != nil {
		return plumbing.InvalidObject, nil, corrupt("loose object %s: %v", name, err)
	}
	// Reading on to the end checks the stream's checksum too.
	if n, err := io.Copy(io.Discard, io.LimitReader(z, 1)); n != 0 || err != nil {
		return plumbing.InvalidObject, nil, corrupt("loose object %s: more data than its size, or a bad checksum (%v)", name, err)
	}
	if got := hashObject(byte(typ), data); got != id {
		return plumbing.InvalidObject, nil, corrupt("loose object %s hashes to %x", name, got)
	}
	return typ, data, nil
}
