package pgp

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"

	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/embargo-tool/embargo/tools/internal/plural"
)

// Key is one parsed public key (one OpenPGP entity).
type Key struct {
	Fingerprint string          // upper-case hex of the primary key fingerprint (40 hex for v4, 64 for v6)
	Entity      *openpgp.Entity // v2 entity
	Created     time.Time       // creation time of the primary key, in UTC
	UserIDs     []string        // sorted

	packets []byte // the key's binary packets, for Copy
}

// Copy returns the same key with an Entity of its own, parsed again from the
// same packets (see KeyCopies). A Key not read by ParseKeyFile is returned as
// it is.
func (k *Key) Copy() *Key {
	if k.packets == nil {
		return k
	}
	e, err := parseEntity(k.packets)
	if err != nil {
		return k // it parsed once; it parses again, but never fail over a copy
	}
	c := *k
	c.Entity = e
	return &c
}

// ParseKeyFile reads one armored public key file, such as
// members/keys/<FPR>.asc. It fails with an error wrapping ErrKeyFile unless
// data holds exactly one armored PUBLIC KEY BLOCK with exactly one v4 or v6
// key, no secret key material, no unknown critical packets, and nothing
// around the armor but whitespace. Data larger than MaxKeyFileSize is
// refused. ParseKeyFile checks structure only; CheckKey judges the key.
func ParseKeyFile(data []byte) (k *Key, err error) {
	defer func() {
		if r := recover(); r != nil {
			k, err = nil, fmt.Errorf("%w: internal error while reading the key: %v", ErrKeyFile, r)
		}
	}()
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return nil, fmt.Errorf("%w: empty key file", ErrKeyFile)
	case len(data) > MaxKeyFileSize:
		return nil, fmt.Errorf("%w: key file is larger than %d bytes", ErrKeyFile, MaxKeyFileSize)
	case !isArmored(data):
		return nil, fmt.Errorf("%w: not an armored public key block; export with gpg --armor --export <fingerprint>", ErrKeyFile)
	}
	if bytes.Contains(data, []byte("-----BEGIN "+privateKeyType+"-----")) {
		return nil, fmt.Errorf("%w: key file contains a private key; export the public key only (gpg --armor --export <fingerprint>)", ErrKeyFile)
	}
	body, err := dearmor(data, publicKeyType, MaxKeyFileSize)
	if errors.Is(err, errManyBlocks) {
		return nil, fmt.Errorf("%w: key file holds more than one armored block; keep exactly one key per file", ErrKeyFile)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyFile, err)
	}
	e, err := parseEntity(body)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyFile, err)
	}
	ids := make([]string, 0, len(e.Identities))
	for name := range e.Identities {
		ids = append(ids, name)
	}
	slices.Sort(ids)
	return &Key{
		Fingerprint: fingerprint(e.PrimaryKey),
		Entity:      e,
		Created:     e.PrimaryKey.CreationTime.UTC(),
		UserIDs:     ids,
		packets:     body,
	}, nil
}

// parseEntity reads exactly one public key entity from binary packets.
func parseEntity(body []byte) (*openpgp.Entity, error) {
	pkts, err := splitPackets(body)
	if err != nil {
		return nil, err
	}
	keys := 0
	for i, p := range pkts {
		switch p.tag {
		case tagSecretKey, tagSecretSubkey:
			return nil, errors.New("key file contains secret key material; export the public key only (gpg --armor --export <fingerprint>)")
		case tagPublicKey:
			keys++
		case tagSignature, tagUserID, tagPublicSubkey, tagUserAttribute, tagMarker, tagPadding:
		default:
			if p.tag < 40 { // tags 40 to 63 are non-critical and may be ignored
				return nil, fmt.Errorf("packet %d has unexpected type %d for a public key", i+1, p.tag)
			}
		}
	}
	if len(pkts) == 0 || pkts[0].tag != tagPublicKey {
		return nil, errors.New("key data does not start with a public key packet")
	}
	if keys != 1 {
		return nil, fmt.Errorf("key file holds %s; keep exactly one key per file", plural.Of(keys, "key"))
	}
	// Parse the primary key packet alone first: ReadEntity would skip an
	// unsupported one and report something less clear.
	p, err := packet.Read(bytes.NewReader(pkts[0].all))
	if err != nil {
		return nil, fmt.Errorf("reading the primary key: %v", err)
	}
	pk, ok := p.(*packet.PublicKey)
	if !ok {
		return nil, errors.New("key data does not start with a public key packet")
	}
	if pk.Version != 4 && pk.Version != 6 {
		return nil, fmt.Errorf("version %d keys are not supported; use a v4 or v6 key", pk.Version)
	}
	e, err := openpgp.ReadEntity(packet.NewReader(bytes.NewReader(body)))
	if err != nil {
		return nil, fmt.Errorf("reading the key: %v", err)
	}
	if e.PrivateKey != nil {
		return nil, errors.New("key file contains secret key material")
	}
	if err := checkSize(e.PrimaryKey, "primary key"); err != nil {
		return nil, err
	}
	for _, s := range e.Subkeys {
		if s.PrivateKey != nil {
			return nil, errors.New("key file contains secret key material")
		}
		if err := checkSize(s.PublicKey, "subkey "+keyID(s.PublicKey.KeyId)); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// Upper bounds on key sizes: arithmetic on larger numbers (up to 65535 bits
// in a packet) would let a crafted key stall every check.
const (
	maxRSABits = 16384 // the largest RSA key GnuPG makes (--enable-large-rsa)
	maxDLBits  = 4096  // DSA and ElGamal; refused anyway, but parsed and judged
)

// checkSize refuses keys too large to handle in bounded time.
func checkSize(pk *packet.PublicKey, what string) error {
	limit := 0
	switch pk.PubKeyAlgo {
	case packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSASignOnly, packet.PubKeyAlgoRSAEncryptOnly:
		limit = maxRSABits
	case packet.PubKeyAlgoDSA, packet.PubKeyAlgoElGamal:
		limit = maxDLBits
	default:
		return nil // fixed-size curves and schemes
	}
	bits, err := pk.BitLength()
	if err != nil {
		return fmt.Errorf("%s: %v", what, err)
	}
	if int(bits) > limit {
		return fmt.Errorf("%s has %d bits, more than the %d this tool accepts", what, bits, limit)
	}
	return nil
}

// fingerprint formats a key's fingerprint as upper-case hex.
func fingerprint(pk *packet.PublicKey) string {
	return strings.ToUpper(hex.EncodeToString(pk.Fingerprint))
}

// keyID formats a key id as 16 upper-case hex digits.
func keyID(id uint64) string {
	return fmt.Sprintf("%016X", id)
}
