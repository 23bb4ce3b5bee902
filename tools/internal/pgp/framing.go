package pgp

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
)

// Armor block types.
const (
	publicKeyType  = "PGP PUBLIC KEY BLOCK"
	privateKeyType = "PGP PRIVATE KEY BLOCK"
	signatureType  = "PGP SIGNATURE"
)

var (
	armorBegin = []byte("-----BEGIN ")
	armorEnd   = []byte("-----END ")
	armorTail  = []byte("-----")
)

// errManyBlocks marks input holding more than one armored block.
var errManyBlocks = errors.New("more than one armored block")

// isArmored reports whether data looks like armor rather than binary packets:
// whether it holds an armor header line anywhere. Junk before the header then
// fails the strict framing of dearmor instead of being parsed as packets.
func isArmored(data []byte) bool {
	return bytes.Contains(data, armorBegin)
}

// dearmor checks that data is exactly one armored block of type want, with
// nothing around it but whitespace, and returns its decoded body (at most limit
// bytes). The framing is checked line by line before the armor package
// decodes it, because armor.Decode skips junk before a block and ignores
// everything after the checksum line. An error wrapping errManyBlocks means
// more than one block.
func dearmor(data []byte, want string, limit int) ([]byte, error) {
	text := bytes.Trim(data, " \t\r\n")
	lines := bytes.Split(text, []byte("\n"))
	for i, l := range lines {
		lines[i] = bytes.TrimRight(l, " \t\r")
	}
	begins, ends := 0, 0
	for _, l := range lines {
		if bytes.HasPrefix(l, armorBegin) {
			begins++
		}
		if bytes.HasPrefix(l, armorEnd) {
			ends++
		}
	}
	if begins > 1 || ends > 1 {
		return nil, fmt.Errorf("%w (found %d)", errManyBlocks, max(begins, ends))
	}
	first, last := lines[0], lines[len(lines)-1]
	if !bytes.HasPrefix(first, armorBegin) || !bytes.HasSuffix(first, armorTail) || len(first) <= len(armorBegin)+len(armorTail) {
		return nil, errors.New("data does not start with an armor header line")
	}
	got := string(first[len(armorBegin) : len(first)-len(armorTail)])
	if got != want {
		return nil, fmt.Errorf("armored block is %q, want %q", got, want)
	}
	if string(last) != "-----END "+want+"-----" {
		return nil, fmt.Errorf("armored block does not end with the line \"-----END %s-----\", or data follows it", want)
	}
	// Armor headers, then one empty line, then base64 lines, then an
	// optional checksum line right before the end line.
	i := 1
	for ; i < len(lines)-1 && len(lines[i]) > 0; i++ {
		if !bytes.Contains(lines[i], []byte(": ")) {
			return nil, errors.New("armor header line without \"key: value\", or no empty line before the data")
		}
	}
	if i >= len(lines)-1 {
		return nil, errors.New("armored block has no data")
	}
	body := lines[i+1 : len(lines)-1]
	if len(body) == 0 {
		return nil, errors.New("armored block has no data")
	}
	for j, l := range body {
		switch {
		case len(l) == 0:
			return nil, errors.New("empty line inside armored data")
		case l[0] == '=' && (j != len(body)-1 || len(l) != 5):
			return nil, errors.New("misplaced checksum line inside armored data")
		case len(l) > 96:
			return nil, errors.New("armored line too long")
		}
	}
	block, err := armor.Decode(bytes.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("decoding armor: %v", err)
	}
	if block.Type != want {
		return nil, fmt.Errorf("armored block is %q, want %q", block.Type, want)
	}
	out, err := io.ReadAll(io.LimitReader(block.Body, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("decoding armor: %v", err)
	}
	if len(out) > limit {
		return nil, fmt.Errorf("armored data is larger than %d bytes", limit)
	}
	if len(out) == 0 {
		return nil, errors.New("armored block has no data")
	}
	return out, nil
}

// rawPacket is one OpenPGP packet as framed by its header.
type rawPacket struct {
	tag  int
	body []byte // packet contents
	all  []byte // header and contents
}

// Packet tags used here (RFC 9580 §5).
const (
	tagSignature     = 2
	tagSecretKey     = 5
	tagPublicKey     = 6
	tagSecretSubkey  = 7
	tagMarker        = 10
	tagUserID        = 13
	tagPublicSubkey  = 14
	tagUserAttribute = 17
	tagPadding       = 21
)

// splitPackets frames data into packets by their headers alone, so that
// packets the library would skip silently (unknown or unsupported ones)
// are still seen and counted. Partial body lengths, which only data packets
// may use, are refused.
func splitPackets(data []byte) ([]rawPacket, error) {
	var out []rawPacket
	for len(data) > 0 {
		start := data
		b := data[0]
		data = data[1:]
		if b&0x80 == 0 {
			return nil, fmt.Errorf("packet %d: bad packet tag byte 0x%02x", len(out)+1, b)
		}
		var tag, n int
		if b&0x40 == 0 { // legacy format
			tag = int(b&0x3f) >> 2
			switch b & 3 {
			case 0, 1, 2:
				size := 1 << (b & 3)
				if len(data) < size {
					return nil, fmt.Errorf("packet %d: truncated header", len(out)+1)
				}
				for _, c := range data[:size] {
					n = n<<8 | int(c)
				}
				data = data[size:]
			case 3: // indeterminate length: the rest of the data
				n = len(data)
			}
		} else {
			tag = int(b & 0x3f)
			if len(data) < 1 {
				return nil, fmt.Errorf("packet %d: truncated header", len(out)+1)
			}
			switch c := int(data[0]); {
			case c < 192:
				n, data = c, data[1:]
			case c < 224:
				if len(data) < 2 {
					return nil, fmt.Errorf("packet %d: truncated header", len(out)+1)
				}
				n, data = (c-192)<<8+int(data[1])+192, data[2:]
			case c == 255:
				if len(data) < 5 {
					return nil, fmt.Errorf("packet %d: truncated header", len(out)+1)
				}
				u := uint32(data[1])<<24 | uint32(data[2])<<16 | uint32(data[3])<<8 | uint32(data[4])
				if uint64(u) > uint64(len(data)) {
					return nil, fmt.Errorf("packet %d: length %d beyond the end of the data", len(out)+1, u)
				}
				n, data = int(u), data[5:]
			default:
				return nil, fmt.Errorf("packet %d: partial body length not allowed here", len(out)+1)
			}
		}
		if n < 0 || n > len(data) {
			return nil, fmt.Errorf("packet %d: length %d beyond the end of the data", len(out)+1, n)
		}
		hdr := len(start) - len(data)
		out = append(out, rawPacket{tag: tag, body: data[:n], all: start[:hdr+n]})
		data = data[n:]
	}
	return out, nil
}
