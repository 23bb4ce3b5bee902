package pgp

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Sealed messages (docs/formats.md, "Sealed records") are read here without
// a private key: ReadMessage checks the framing of one encrypted OpenPGP
// message and returns who it is encrypted to, so CI can judge a sealed record
// with an empty keyring.

// messageType is the armor type of an encrypted message.
const messageType = "PGP MESSAGE"

// MaxMessageSize bounds one armored sealed message; a record is at most
// 1 MiB, so its sealed part is smaller still.
const MaxMessageSize = 1 << 20

// maxRecipients bounds the public-key packets of one message.
const maxRecipients = 256

// Sentinel errors of ReadMessage. Every error it returns wraps exactly one.
var (
	// ErrMessage: not one well-formed, encrypted OpenPGP message in the form
	// RFC 9580 gives it: bad armor, armor headers, unknown or misplaced
	// packets, trailing data.
	ErrMessage = errors.New("malformed sealed message")
	// ErrNotEncrypted: a signed, compressed or literal message, which anyone
	// can read.
	ErrNotEncrypted = errors.New("message is not encrypted")
	// ErrUnprotected: encrypted without integrity protection (the
	// Symmetrically Encrypted Data packet, tag 9), which an attacker can
	// alter undetected.
	ErrUnprotected = errors.New("encryption without integrity protection")
	// ErrPassphrase: a session key also encrypted with a passphrase, which
	// opens the message to whoever knows it.
	ErrPassphrase = errors.New("message opens with a passphrase")
	// ErrWeakCipher: a cipher other than AES-256 where the message shows it,
	// or a withdrawn public-key algorithm for a recipient.
	ErrWeakCipher = errors.New("weak or unexpected cipher")
)

// Packet tags of messages (RFC 9580 §5).
const (
	tagPKESK       = 1
	tagOnePassSig  = 4
	tagSKESK       = 3
	tagCompressed  = 8
	tagSED         = 9
	tagLiteral     = 11
	tagSEIPD       = 18
	tagOCBGnuPG    = 20 // GnuPG's own AEAD packet, not RFC 9580
	cipherAES256   = 9
	pkAlgoRSA      = 1
	pkAlgoECDH     = 18
	pkAlgoX25519   = 25
	pkAlgoX448     = 26
	aeadModeEAX    = 1
	aeadModeGCM    = 3
	maxChunkSizeV2 = 16 // RFC 9580 §5.13.2: chunk size octets above 16 are invalid
)

// Recipient is one public-key encrypted session key packet of a message:
// whom the message is encrypted to.
type Recipient struct {
	KeyID       uint64 // the (sub)key id; 0 for an anonymous recipient or a v6 packet
	Fingerprint string // upper-case hex of the (sub)key fingerprint, v6 packets only
	Algorithm   packet.PublicKeyAlgorithm
}

// Anonymous reports whether the packet hides its recipient (a wildcard key
// id): nobody can tell who can read the message.
func (r Recipient) Anonymous() bool { return r.KeyID == 0 && r.Fingerprint == "" }

// String names the recipient key: its fingerprint or 16-digit key id.
func (r Recipient) String() string {
	switch {
	case r.Fingerprint != "":
		return r.Fingerprint
	case r.KeyID != 0:
		return keyID(r.KeyID)
	}
	return "an anonymous recipient"
}

// Message is what ReadMessage learns of a sealed message without decrypting it.
type Message struct {
	Recipients []Recipient
	// Version of the Symmetrically Encrypted and Integrity Protected Data
	// packet: 1 (CFB with a modification detection code) or 2 (AEAD).
	Version int
	// Cipher is the symmetric cipher where the message shows it (version 2,
	// or X25519/X448 recipients); 0 when only a recipient can see it.
	Cipher packet.CipherFunction
}

// ReadMessage checks that data is one ASCII-armored OpenPGP message as
// `embargo seal` writes it and RFC 9580 allows for a sealed record: one or
// more public-key encrypted session keys (v3 or v6) and then one
// Symmetrically Encrypted and Integrity Protected Data packet (v1 or v2),
// with nothing before, between or after, no armor headers, no passphrase
// packet, and AES-256 wherever the message shows its cipher. It decrypts
// nothing and needs no key. Errors wrap exactly one of ErrMessage,
// ErrNotEncrypted, ErrUnprotected, ErrPassphrase and ErrWeakCipher, and never
// quote the message.
func ReadMessage(data []byte) (m *Message, err error) {
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("%w: internal error while reading it: %v", ErrMessage, r)
		}
	}()
	switch {
	case len(data) > MaxMessageSize:
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrMessage, MaxMessageSize)
	case strings.Contains(string(data), "-----BEGIN PGP SIGNED MESSAGE-----"):
		return nil, fmt.Errorf("%w: a clear-signed text, readable by anyone", ErrNotEncrypted)
	}
	body, err := dearmor(data, messageType, MaxMessageSize)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMessage, err)
	}
	if err := noArmorHeaders(data); err != nil {
		return nil, err
	}
	pkts, err := splitMessage(body)
	if err != nil {
		return nil, err
	}
	m = &Message{}
	for i, p := range pkts {
		last := i == len(pkts)-1
		switch p.tag {
		case tagPKESK:
			if len(m.Recipients) == maxRecipients {
				return nil, fmt.Errorf("%w: more than %d recipients", ErrMessage, maxRecipients)
			}
			r, v, cipher, err := readPKESK(p.body)
			if err != nil {
				return nil, fmt.Errorf("%w: recipient %d: %v", ErrMessage, len(m.Recipients)+1, err)
			}
			if err := pkAlgorithmOK(r.Algorithm); err != nil {
				return nil, err
			}
			if cipher != 0 && cipher != cipherAES256 {
				return nil, fmt.Errorf("%w: recipient %s is sent cipher %d; sealed records use AES-256", ErrWeakCipher, r, cipher)
			}
			if cipher != 0 {
				m.Cipher = packet.CipherFunction(cipher)
			}
			if want := map[int]int{3: 1, 6: 2}[v]; m.Version != 0 && m.Version != want {
				return nil, fmt.Errorf("%w: version 3 and 6 recipient packets mixed", ErrMessage)
			} else {
				m.Version = want
			}
			m.Recipients = append(m.Recipients, r)
		case tagSKESK:
			return nil, fmt.Errorf("%w: packet %d encrypts the session key with a passphrase; seal to the team's public keys only", ErrPassphrase, i+1)
		case tagSED:
			return nil, fmt.Errorf("%w: packet %d is Symmetrically Encrypted Data (tag 9), which has no integrity protection; seal again with embargo seal", ErrUnprotected, i+1)
		case tagOCBGnuPG:
			return nil, fmt.Errorf("%w: packet %d is GnuPG's own AEAD packet (tag 20), not RFC 9580; seal again with embargo seal", ErrMessage, i+1)
		case tagSignature, tagOnePassSig, tagLiteral, tagCompressed:
			if len(m.Recipients) == 0 {
				return nil, fmt.Errorf("%w: a signed or plain message, readable by anyone; seal the text with embargo seal", ErrNotEncrypted)
			}
			return nil, fmt.Errorf("%w: packet %d (type %d) stands outside the encryption", ErrMessage, i+1, p.tag)
		case tagSEIPD:
			if len(m.Recipients) == 0 {
				return nil, fmt.Errorf("%w: encrypted data without any recipient", ErrMessage)
			}
			if !last {
				return nil, fmt.Errorf("%w: data follows the encrypted packet", ErrMessage)
			}
			if err := readSEIPD(m, p.body); err != nil {
				return nil, err
			}
			return m, nil
		default:
			return nil, fmt.Errorf("%w: packet %d has type %d, which a sealed message does not hold", ErrMessage, i+1, p.tag)
		}
	}
	if len(m.Recipients) == 0 {
		return nil, fmt.Errorf("%w: no packet of a message", ErrMessage)
	}
	return nil, fmt.Errorf("%w: no encrypted data after the recipients", ErrMessage)
}

// noArmorHeaders refuses "Key: value" lines in the armor: they are plain
// text beside the ciphertext (a Comment header could repeat the title).
func noArmorHeaders(data []byte) error {
	lines := strings.Split(strings.TrimLeft(string(data), " \t\r\n"), "\n")
	if len(lines) < 2 {
		return nil // dearmor says what is wrong
	}
	if h := strings.TrimRight(lines[1], " \t\r"); h != "" {
		if strings.Contains(h, ": ") {
			return fmt.Errorf("%w: armor header lines are plain text beside the ciphertext; remove them", ErrMessage)
		}
	}
	return nil
}

// pkAlgorithmOK accepts the public-key algorithms a sealed message may use.
func pkAlgorithmOK(a packet.PublicKeyAlgorithm) error {
	switch a {
	case pkAlgoRSA, pkAlgoECDH, pkAlgoX25519, pkAlgoX448:
		return nil
	case packet.PubKeyAlgoElGamal, 20, packet.PubKeyAlgoRSAEncryptOnly:
		return fmt.Errorf("%w: a recipient key uses withdrawn algorithm %d", ErrWeakCipher, a)
	}
	return fmt.Errorf("%w: a recipient key uses public-key algorithm %d, which sealed records do not use", ErrMessage, a)
}

// readPKESK reads a public-key encrypted session key packet (RFC 9580
// §5.1): its version, recipient and, where it travels in the clear, the
// cipher (v3 packets to X25519 or X448 keys).
func readPKESK(b []byte) (r Recipient, version int, cipher byte, err error) {
	if len(b) < 1 {
		return r, 0, 0, errors.New("empty packet")
	}
	version = int(b[0])
	b = b[1:]
	switch version {
	case 3:
		if len(b) < 9 {
			return r, 0, 0, errors.New("truncated")
		}
		for _, c := range b[:8] {
			r.KeyID = r.KeyID<<8 | uint64(c)
		}
		r.Algorithm = packet.PublicKeyAlgorithm(b[8])
		b = b[9:]
	case 6:
		if len(b) < 1 {
			return r, 0, 0, errors.New("truncated")
		}
		n := int(b[0])
		b = b[1:]
		switch {
		case n == 0: // anonymous
		case n == 21 || n == 33:
			if len(b) < n {
				return r, 0, 0, errors.New("truncated")
			}
			if kv := b[0]; (kv == 4 && n != 21) || (kv == 6 && n != 33) || (kv != 4 && kv != 6) {
				return r, 0, 0, fmt.Errorf("key version %d with a %d-byte fingerprint", kv, n-1)
			}
			r.Fingerprint = strings.ToUpper(hex.EncodeToString(b[1:n]))
		default:
			return r, 0, 0, fmt.Errorf("recipient field of %d bytes", n)
		}
		b = b[n:]
		if len(b) < 1 {
			return r, 0, 0, errors.New("truncated")
		}
		r.Algorithm = packet.PublicKeyAlgorithm(b[0])
		b = b[1:]
	default:
		return r, 0, 0, fmt.Errorf("version %d; RFC 9580 has versions 3 and 6", version)
	}
	if len(b) == 0 {
		return r, 0, 0, errors.New("no encrypted session key")
	}
	if (r.Algorithm == pkAlgoX25519 || r.Algorithm == pkAlgoX448) && version == 3 {
		point := map[packet.PublicKeyAlgorithm]int{pkAlgoX25519: 32, pkAlgoX448: 56}[r.Algorithm]
		if len(b) < point+2 {
			return r, 0, 0, errors.New("truncated")
		}
		cipher = b[point+1] // after the ephemeral key and a length octet
	}
	return r, version, cipher, nil
}

// readSEIPD checks the header of the Symmetrically Encrypted and Integrity
// Protected Data packet (RFC 9580 §5.13).
func readSEIPD(m *Message, b []byte) error {
	if len(b) < 1 {
		return fmt.Errorf("%w: empty encrypted data packet", ErrMessage)
	}
	v := int(b[0])
	switch v {
	case 1:
		if len(b) < 1+16+2+22 { // prefix, check bytes, MDC packet: the least a cipher block can give
			return fmt.Errorf("%w: encrypted data too short to hold anything", ErrMessage)
		}
	case 2:
		if len(b) < 4+32+16 {
			return fmt.Errorf("%w: encrypted data too short to hold anything", ErrMessage)
		}
		if b[1] != cipherAES256 {
			return fmt.Errorf("%w: encrypted with cipher %d; sealed records use AES-256", ErrWeakCipher, b[1])
		}
		if b[2] < aeadModeEAX || b[2] > aeadModeGCM {
			return fmt.Errorf("%w: AEAD mode %d", ErrMessage, b[2])
		}
		if b[3] > maxChunkSizeV2 {
			return fmt.Errorf("%w: AEAD chunk size octet %d is above 16", ErrMessage, b[3])
		}
		m.Cipher = cipherAES256
	default:
		return fmt.Errorf("%w: encrypted data version %d; RFC 9580 has versions 1 and 2", ErrMessage, v)
	}
	if m.Version != v {
		return fmt.Errorf("%w: version %d encrypted data after version %d recipient packets", ErrMessage, v, map[int]int{1: 3, 2: 6}[m.Version])
	}
	return nil
}

// msgPacket is one packet of a message; data packets may be split into
// partial bodies, which are joined here.
type msgPacket struct {
	tag  int
	body []byte
}

// splitMessage frames a message into packets by their headers. Partial body
// lengths are allowed for the data packets that may use them (RFC 9580
// §4.2.1.4), whose first part must be at least 512 bytes.
func splitMessage(data []byte) ([]msgPacket, error) {
	var out []msgPacket
	for len(data) > 0 {
		if len(out) > maxRecipients+2 {
			return nil, fmt.Errorf("%w: too many packets", ErrMessage)
		}
		n := len(out) + 1
		b := data[0]
		data = data[1:]
		if b&0x80 == 0 {
			return nil, fmt.Errorf("%w: packet %d: bad packet tag byte 0x%02x", ErrMessage, n, b)
		}
		if b&0x40 == 0 { // legacy format
			tag := int(b&0x3f) >> 2
			var size int
			switch b & 3 {
			case 0, 1, 2:
				w := 1 << (b & 3)
				if len(data) < w {
					return nil, fmt.Errorf("%w: packet %d: truncated header", ErrMessage, n)
				}
				for _, c := range data[:w] {
					size = size<<8 | int(c)
				}
				data = data[w:]
			case 3:
				if !mayStream(tag) {
					return nil, fmt.Errorf("%w: packet %d: indeterminate length on a packet of type %d", ErrMessage, n, tag)
				}
				size = len(data)
			}
			if size < 0 || size > len(data) {
				return nil, fmt.Errorf("%w: packet %d: length beyond the end of the data", ErrMessage, n)
			}
			out = append(out, msgPacket{tag: tag, body: data[:size]})
			data = data[size:]
			continue
		}
		tag := int(b & 0x3f)
		var body []byte
		first := true
		for {
			if len(data) < 1 {
				return nil, fmt.Errorf("%w: packet %d: truncated header", ErrMessage, n)
			}
			c := int(data[0])
			var size int
			partial := false
			switch {
			case c < 192:
				size, data = c, data[1:]
			case c < 224:
				if len(data) < 2 {
					return nil, fmt.Errorf("%w: packet %d: truncated header", ErrMessage, n)
				}
				size, data = (c-192)<<8+int(data[1])+192, data[2:]
			case c == 255:
				if len(data) < 5 {
					return nil, fmt.Errorf("%w: packet %d: truncated header", ErrMessage, n)
				}
				u := uint64(data[1])<<24 | uint64(data[2])<<16 | uint64(data[3])<<8 | uint64(data[4])
				if u > uint64(len(data)) {
					return nil, fmt.Errorf("%w: packet %d: length beyond the end of the data", ErrMessage, n)
				}
				size, data = int(u), data[5:]
			default:
				if !mayStream(tag) {
					return nil, fmt.Errorf("%w: packet %d: partial body length on a packet of type %d", ErrMessage, n, tag)
				}
				size, data, partial = 1<<(c&0x1f), data[1:], true
				if first && size < 512 {
					return nil, fmt.Errorf("%w: packet %d: first partial body shorter than 512 bytes", ErrMessage, n)
				}
			}
			if size > len(data) {
				return nil, fmt.Errorf("%w: packet %d: length beyond the end of the data", ErrMessage, n)
			}
			body = append(body, data[:size]...)
			data = data[size:]
			first = false
			if !partial {
				break
			}
		}
		out = append(out, msgPacket{tag: tag, body: body})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no packets", ErrMessage)
	}
	return out, nil
}

// mayStream reports whether packets of tag may have partial or indeterminate
// lengths: the data packets.
func mayStream(tag int) bool {
	switch tag {
	case tagCompressed, tagSED, tagLiteral, tagSEIPD, tagOCBGnuPG:
		return true
	}
	return false
}
