package pgp

import (
	"bytes"
	"crypto/rsa"
	_ "embed"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// A DSA-2048 key and a signature by it over dsaPayload, made with
// gpg --quick-gen-key ... dsa2048 and gpg --detach-sign --armor.
var (
	//go:embed testdata/dsa2048.asc
	dsaKeyFile []byte
	//go:embed testdata/dsa2048.sig
	dsaSignature []byte
	dsaPayload   = []byte("dsa payload\n")
	dsaNow       = time.Unix(1795311059, 0).Add(day24) // a day after the key was made
)

// rearmor armors binary data as blockType.
func rearmor(blockType string, bin []byte) []byte {
	var buf bytes.Buffer
	w, _ := armor.Encode(&buf, blockType, nil)
	w.Write(bin)
	w.Close()
	return buf.Bytes()
}

func TestParseKeyFileGood(t *testing.T) {
	tests := []struct {
		name    string
		signer  func(testing.TB) *Signer
		fprLen  int
		version int
		userID  string
	}{
		{"ed25519 v4", edSigner, 40, 4, "Ed Four <ed4@example.org>"},
		{"ed25519 v6", ed6Signer, 64, 6, "Ed Six <ed6@example.org>"},
		{"rsa3072", rsaSigner, 40, 4, "Rsa Big <rsa@example.org>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.signer(t)
			data, err := s.PublicArmored()
			if err != nil {
				t.Fatal(err)
			}
			k, err := ParseKeyFile(data)
			if err != nil {
				t.Fatal(err)
			}
			if len(k.Fingerprint) != tt.fprLen || k.Fingerprint != strings.ToUpper(k.Fingerprint) {
				t.Errorf("Fingerprint = %q, want %d upper-case hex digits", k.Fingerprint, tt.fprLen)
			}
			if k.Fingerprint != s.Fingerprint() {
				t.Errorf("Fingerprint = %s, signer says %s", k.Fingerprint, s.Fingerprint())
			}
			if v := k.Entity.PrimaryKey.Version; v != tt.version {
				t.Errorf("key version = %d, want %d", v, tt.version)
			}
			if !k.Created.Equal(t0) {
				t.Errorf("Created = %v, want %v", k.Created, t0)
			}
			if !slices.Equal(k.UserIDs, []string{tt.userID}) {
				t.Errorf("UserIDs = %q, want [%q]", k.UserIDs, tt.userID)
			}
			// CRLF line ends and surrounding whitespace are fine.
			crlf := append([]byte("\n \n"), bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))...)
			if _, err := ParseKeyFile(append(crlf, "\r\n\t\n"...)); err != nil {
				t.Errorf("CRLF key file: %v", err)
			}
		})
	}
}

func TestParseKeyFileBad(t *testing.T) {
	ed, ed6 := edSigner(t), ed6Signer(t)
	pub, _ := ed.PublicArmored()
	pub6, _ := ed6.PublicArmored()
	priv, err := ed.PrivateArmored()
	if err != nil {
		t.Fatal(err)
	}
	sig, _ := ed.SignDetached(payload, t0)
	tests := []struct {
		name string
		data []byte
		want string // part of the message
	}{
		{"empty", nil, "empty"},
		{"whitespace", []byte(" \n\t\n"), "empty"},
		{"garbage", []byte("hello, this is not a key\n"), "not an armored"},
		{"binary", unarmor(t, pub), "not an armored"},
		{"two keys in one block", rearmor(publicKeyType, append(unarmor(t, pub), unarmor(t, pub6)...)), "2 keys"},
		{"two armored blocks", append(append([]byte{}, pub...), pub6...), "more than one armored block"},
		{"same key twice", append(append([]byte{}, pub...), pub...), "more than one armored block"},
		{"secret key", priv, "private key"},
		{"public and secret key", append(bytes.Clone(pub), priv...), "private key"},
		{"secret key labelled public", rearmor(publicKeyType, unarmor(t, priv)), "secret key material"},
		{"signature block", sig, "PGP SIGNATURE"},
		{"trailing junk", append(append([]byte{}, pub...), "junk\n"...), "does not end"},
		{"leading junk", append([]byte("junk\n"), pub...), "does not start"},
		{"junk after checksum", bytes.Replace(pub, []byte("\n-----END"), []byte("\n=AAAA\n-----END"), 1), "checksum"},
		{"empty armored block", []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n-----END PGP PUBLIC KEY BLOCK-----\n"), "no data"},
		{"bad base64", []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!!\n-----END PGP PUBLIC KEY BLOCK-----\n"), "armor"},
		{"truncated", rearmor(publicKeyType, unarmor(t, pub)[:40]), "beyond the end"},
		{"too big", append(append([]byte{}, pub...), bytes.Repeat([]byte(" "), MaxKeyFileSize)...), "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseKeyFile(tt.data)
			if err == nil {
				t.Fatalf("ParseKeyFile accepted it: %s", k.Fingerprint)
			}
			checkSentinel(t, err, ErrKeyFile)
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestParseKeyFileDSA(t *testing.T) {
	k, err := ParseKeyFile(dsaKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	if k.Fingerprint != "1A34BA32945BEEDE047E465ACA44874E46ABB58A" {
		t.Errorf("Fingerprint = %s", k.Fingerprint)
	}
}

func TestCheckSize(t *testing.T) {
	huge := new(big.Int).Lsh(big.NewInt(1), maxRSABits) // maxRSABits+1 bits
	tests := []struct {
		name string
		bits int
		ok   bool
	}{
		{"rsa 16384", maxRSABits, true},
		{"rsa 16385", maxRSABits + 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := new(big.Int).Rsh(huge, uint(maxRSABits+1-tt.bits))
			n.SetBit(n, 0, 1)
			pk := packet.NewRSAPublicKey(t0, &rsa.PublicKey{N: n, E: 65537})
			if err := checkSize(pk, "key"); (err == nil) != tt.ok {
				t.Errorf("checkSize(%d bits) = %v", tt.bits, err)
			}
		})
	}
}
