package gitobj

import (
	"bytes"
	"encoding/hex"
	"hash"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/pjbgf/sha1cd"
)

// MaxCommitSize is the largest raw commit object ParseCommit accepts (1 MiB).
const MaxCommitSize = 1 << 20

// Commit is a strictly parsed commit object. Byte slices never alias the
// input of ParseCommit.
type Commit struct {
	Hash      plumbing.Hash // SHA-1 of "commit <len>\x00" + Raw
	Tree      plumbing.Hash
	Parents   []plumbing.Hash
	Author    Signature
	Committer Signature
	Encoding  string   // value of the encoding header, "" if absent
	MergeTags [][]byte // values of mergetag headers (embedded tag objects), lines joined with "\n"
	Message   string   // everything after the blank line that ends the headers
	SigType   SigType
	// Signature is the value of the gpgsig header with continuation lines
	// joined, each line ending in "\n", exactly as git hands it to gpg.
	Signature []byte
	// Payload is Raw without the gpgsig header and its continuation lines:
	// exactly the bytes git signs. For an unsigned commit it equals Raw.
	Payload []byte
	// Raw is the object content as given (without "commit <len>\x00").
	Raw []byte
}

// header ranks: the order in which git writes commit headers.
const (
	rankTree = iota
	rankParent
	rankAuthor
	rankCommitter
	rankEncoding
	rankMergetag
	rankSig
)

// headerRank lists every header ParseCommit accepts.
var headerRank = map[string]int{
	"tree":          rankTree,
	"parent":        rankParent,
	"author":        rankAuthor,
	"committer":     rankCommitter,
	"encoding":      rankEncoding,
	"mergetag":      rankMergetag,
	"gpgsig":        rankSig,
	"gpgsig-sha256": rankSig,
}

// ParseCommit parses raw, a commit object without its "commit <len>\x00"
// prefix, and refuses anything git would not have written: see the package
// documentation and the sentinel errors. If want is not zero the object must
// hash to it. All errors wrap one sentinel error.
func ParseCommit(raw []byte, want plumbing.Hash) (*Commit, error) {
	if len(raw) > MaxCommitSize {
		return nil, errf(ErrTooLarge, "%d bytes, limit %d", len(raw), MaxCommitSize)
	}
	id, collision := hashObject("commit", raw)
	if collision {
		return nil, errf(ErrHashMismatch, "sha-1 collision attack detected in object %s", id)
	}
	if !want.IsZero() && id != want {
		return nil, errf(ErrHashMismatch, "object hashes to %s, want %s", id, want)
	}
	end := bytes.Index(raw, []byte("\n\n"))
	if end < 0 {
		return nil, errf(ErrMalformed, "missing blank line after headers")
	}
	head := raw[:end+1] // every header line with its "\n"
	if i := bytes.IndexByte(head, 0); i >= 0 {
		return nil, errf(ErrMalformed, "nul byte in headers at offset %d", i)
	}
	if i := bytes.IndexByte(head, '\r'); i >= 0 {
		return nil, errf(ErrNonCanonical, "carriage return in headers at offset %d", i)
	}
	msg := raw[end+2:]
	if bytes.IndexByte(msg, 0) >= 0 {
		return nil, errf(ErrNonCanonical, "nul byte in message")
	}
	c := &Commit{Hash: id, Message: string(msg), Raw: bytes.Clone(raw)}
	if err := c.parseHeaders(head); err != nil {
		return nil, err
	}
	return c, nil
}

// parseHeaders parses the header block (lines each ending in "\n") into c
// and sets c.Payload.
func (c *Commit) parseHeaders(head []byte) error {
	seen := map[string]bool{}
	last := -1
	var cur string   // header that continuation lines extend, "" if none may
	var value []byte // value of cur, lines joined with "\n"
	sigStart, sigEnd := -1, -1
	var sha256Sig bool
	finish := func() {
		switch cur {
		case "mergetag":
			c.MergeTags = append(c.MergeTags, value)
		case "gpgsig":
			c.Signature = value
		}
		cur, value = "", nil
	}
	off := 0
	for n := 1; off < len(head); n++ {
		eol := bytes.IndexByte(head[off:], '\n')
		line := head[off : off+eol]
		start := off
		off += eol + 1
		if len(line) > 0 && line[0] == ' ' {
			if cur == "" {
				return errAt(ErrNonCanonical, n, "unexpected continuation line")
			}
			value = append(append(value, line[1:]...), '\n')
			if cur == "gpgsig" {
				sigEnd = off
			}
			continue
		}
		finish()
		if len(line) == 0 {
			return errAt(ErrMalformed, n, "empty header line")
		}
		key, val, ok := bytes.Cut(line, []byte{' '})
		rank, known := headerRank[string(key)]
		if !known {
			return errAt(ErrNonCanonical, n, "unknown header %s", quote(key))
		}
		if !ok {
			return errAt(ErrMalformed, n, "%s header without value", key)
		}
		name := string(key)
		switch {
		case rank == rankSig && (seen["gpgsig"] || seen["gpgsig-sha256"]):
			if seen[name] {
				return errAt(ErrDuplicateHeader, n, "duplicate %s header", name)
			}
			return errAt(ErrDuplicateHeader, n, "both gpgsig and gpgsig-sha256 headers")
		case name != "parent" && name != "mergetag" && seen[name]:
			return errAt(ErrDuplicateHeader, n, "duplicate %s header", name)
		case rank < last:
			return errAt(ErrNonCanonical, n, "%s header out of order", name)
		case n == 1 && rank != rankTree:
			return errAt(ErrMalformed, n, "first header is %s, not tree", name)
		}
		seen[name], last = true, rank
		if err := c.setHeader(n, name, val); err != nil {
			return err
		}
		switch name {
		case "mergetag", "gpgsig", "gpgsig-sha256":
			cur, value = name, append(bytes.Clone(val), '\n')
		}
		switch name {
		case "gpgsig":
			sigStart, sigEnd = start, off
		case "gpgsig-sha256":
			sha256Sig = true
		}
	}
	finish()
	for _, h := range []string{"tree", "author", "committer"} {
		if !seen[h] {
			return errf(ErrMalformed, "missing %s header", h)
		}
	}
	if sha256Sig {
		return errf(ErrNonCanonical, "gpgsig-sha256 header in a sha-1 commit")
	}
	c.Payload = bytes.Clone(c.Raw)
	if sigStart >= 0 {
		c.Payload = append(bytes.Clone(c.Raw[:sigStart]), c.Raw[sigEnd:]...)
		t, err := classifySignature(c.Signature)
		if err != nil {
			return err
		}
		c.SigType = t
	}
	return nil
}

// setHeader stores the value of header name found on line n.
func (c *Commit) setHeader(n int, name string, val []byte) error {
	switch name {
	case "tree", "parent":
		h, ok := parseHex(val)
		if !ok {
			return errAt(ErrMalformed, n, "bad %s hash %s", name, quote(val))
		}
		if name == "tree" {
			c.Tree = h
			return nil
		}
		for _, p := range c.Parents {
			if p == h {
				return errAt(ErrDuplicateHeader, n, "duplicate parent %s", h)
			}
		}
		c.Parents = append(c.Parents, h)
	case "author", "committer":
		s, err := parseIdent(val)
		if err != nil {
			return errAt(ErrMalformed, n, "bad %s line: %v", name, err)
		}
		if name == "author" {
			c.Author = s
		} else {
			c.Committer = s
		}
	case "encoding":
		if len(val) == 0 || !isToken(val) {
			return errAt(ErrMalformed, n, "bad encoding %s", quote(val))
		}
		c.Encoding = string(val)
	}
	return nil
}

// parseHex parses exactly 40 lower-case hex digits.
func parseHex(b []byte) (plumbing.Hash, bool) {
	var h plumbing.Hash
	if len(b) != 2*len(h) {
		return h, false
	}
	for _, c := range b {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return h, false
		}
	}
	_, err := hex.Decode(h[:], b)
	return h, err == nil
}

// isToken reports whether b is printable ASCII without spaces.
func isToken(b []byte) bool {
	for _, c := range b {
		if c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

// hashObject returns the git object id of an object of kind ("commit",
// "tree", "blob") with content raw, and whether sha1cd detected a collision
// attack.
func hashObject(kind string, raw []byte) (plumbing.Hash, bool) {
	h := sha1cd.New()
	h.Write([]byte(kind + " " + strconv.Itoa(len(raw)) + "\x00"))
	h.Write(raw)
	var id plumbing.Hash
	sum, collision := h.(collisionSummer).CollisionResistantSum(nil)
	copy(id[:], sum)
	return id, collision
}

// collisionSummer is implemented by sha1cd's digest.
type collisionSummer interface {
	hash.Hash
	CollisionResistantSum([]byte) ([]byte, bool)
}
