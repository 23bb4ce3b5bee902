package pgp

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

var sealedText = []byte("title: Heap overflow in frobnicate\nreporter: {name: Jo Researcher}\n")

// messageSentinels are the errors ReadMessage may wrap, one at a time.
var messageSentinels = []error{ErrMessage, ErrNotEncrypted, ErrUnprotected, ErrPassphrase, ErrWeakCipher}

func countMessageSentinels(err error) int {
	n := 0
	for _, s := range messageSentinels {
		if errors.Is(err, s) {
			n++
		}
	}
	return n
}

func mustEncrypt(t testing.TB, plain []byte, keys ...*Key) []byte {
	t.Helper()
	msg, err := Encrypt(plain, keys, now0)
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

// encryptionSubkeyID is the id of the subkey Encrypt picks for k.
func encryptionSubkeyID(t testing.TB, k *Key) uint64 {
	t.Helper()
	pub, ok := encryptionKey(k, now0)
	if !ok {
		t.Fatalf("%s cannot encrypt", k.Fingerprint)
	}
	return pub.KeyId
}

// TestEncryptReadDecrypt seals to v4 Ed25519, RSA and v6 keys: ReadMessage
// names exactly the encryption subkeys, every recipient decrypts, an
// outsider cannot.
func TestEncryptReadDecrypt(t *testing.T) {
	ed, rsa, ed6 := edSigner(t), rsaSigner(t), ed6Signer(t)
	outsider, err := NewSigner(AlgoEd25519, "Out Sider", "out@example.org", t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		signers []*Signer
		version int
	}{
		{"v4-ed25519-and-rsa", []*Signer{ed, rsa}, 1},
		{"mixed-with-v6", []*Signer{ed, ed6}, 1},
		{"v6-only", []*Signer{ed6}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var keys []*Key
			var want []uint64
			for _, s := range tc.signers {
				k := signerKey(t, s)
				keys = append(keys, k, k) // listed twice, used once
				want = append(want, encryptionSubkeyID(t, k))
			}
			msg := mustEncrypt(t, sealedText, keys...)
			m, err := ReadMessage(msg)
			if err != nil {
				t.Fatalf("ReadMessage: %v\n%s", err, msg)
			}
			if m.Version != tc.version {
				t.Errorf("version %d, want %d", m.Version, tc.version)
			}
			var got []uint64
			for _, r := range m.Recipients {
				id := r.KeyID
				if r.Fingerprint != "" { // v6 packets name the fingerprint; its key id is known too
					for _, k := range keys {
						ids, fprs := KeyIDs(k)
						if i := slices.Index(fprs, r.Fingerprint); i >= 0 {
							id = ids[i]
						}
					}
				}
				got = append(got, id)
			}
			if !slices.Equal(got, want) {
				t.Errorf("recipients %x, want %x", got, want)
			}
			for _, s := range tc.signers {
				plain, err := s.Decrypt(msg, now0)
				if err != nil || !bytes.Equal(plain, sealedText) {
					t.Errorf("%s: Decrypt = %q, %v", s.Fingerprint(), plain, err)
				}
			}
			if _, err := outsider.Decrypt(msg, now0); err == nil {
				t.Error("an outsider decrypted the message")
			}
			if bytes.Contains(msg, []byte("frobnicate")) || bytes.Contains(unarmor(t, msg), []byte("frobnicate")) {
				t.Error("the plaintext shows in the message")
			}
		})
	}
}

func TestEncryptRefusesKeyWithoutEncryption(t *testing.T) {
	e := newEd(t) // go-crypto adds an encryption subkey; drop it
	e.Subkeys = nil
	k := pubKey(t, e)
	_, err := Encrypt(sealedText, []*Key{signerKey(t, edSigner(t)), k}, now0)
	if !errors.Is(err, ErrCannotEncrypt) || !strings.Contains(err.Error(), k.Fingerprint) {
		t.Fatalf("Encrypt = %v, want ErrCannotEncrypt naming %s", err, k.Fingerprint)
	}
	if _, err := Encrypt(sealedText, nil, now0); err == nil {
		t.Fatal("Encrypt to nobody succeeded")
	}
}

// packetBytes frames body as one new-format packet of tag.
func packetBytes(tag int, body []byte) []byte {
	out := []byte{0xC0 | byte(tag)}
	switch n := len(body); {
	case n < 192:
		out = append(out, byte(n))
	case n < 8384:
		n -= 192
		out = append(out, byte(n>>8)+192, byte(n))
	default:
		out = append(out, 255, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(out, body...)
}

// firstPacketLen returns the length of the first packet (header and body) of bin.
func firstPacketLen(t testing.TB, bin []byte) int {
	t.Helper()
	pkts, err := splitMessage(bin)
	if err != nil {
		t.Fatal(err)
	}
	return len(bin) - len(bytes.TrimPrefix(bin, packetBytes(pkts[0].tag, pkts[0].body)))
}

func TestReadMessageBad(t *testing.T) {
	ed, ed6 := signerKey(t, edSigner(t)), signerKey(t, ed6Signer(t))
	good := mustEncrypt(t, sealedText, ed)
	bin := unarmor(t, good)
	pkesk := bin[:firstPacketLen(t, bin)]
	seipd := bin[len(pkesk):]

	var signed bytes.Buffer
	w, err := openpgp.Sign(&signed, []*openpgp.Entity{edSigner(t).entity}, nil, signConfig(t0))
	if err != nil {
		t.Fatal(err)
	}
	w.Write(sealedText)
	w.Close()

	var withPass bytes.Buffer
	pw, err := openpgp.EncryptWithParams(&withPass, []*openpgp.Entity{edSigner(t).entity}, nil, &openpgp.EncryptParams{Passwords: [][]byte{[]byte("swordfish")}, Config: Config(now0)})
	if err != nil {
		t.Fatal(err)
	}
	pw.Write(sealedText)
	pw.Close()

	v2 := unarmor(t, mustEncrypt(t, sealedText, ed6))
	v2pkesk := v2[:firstPacketLen(t, v2)]
	v2aes128 := bytes.Clone(v2)
	v2aes128[len(v2pkesk)+2+1] = byte(packet.CipherAES128) // header, length octet, version, then the cipher
	if pkts, _ := splitMessage(v2); pkts[1].tag != tagSEIPD || pkts[1].body[1] != cipherAES256 {
		t.Fatalf("test setup: the v2 message is not laid out as expected")
	}

	// An X25519 v3 recipient packet that sends AES-128 in the clear.
	x25519 := []byte{3, 1, 2, 3, 4, 5, 6, 7, 8, pkAlgoX25519}
	x25519 = append(x25519, bytes.Repeat([]byte{7}, 32)...)
	x25519 = append(x25519, 41, byte(packet.CipherAES128))
	x25519 = append(x25519, bytes.Repeat([]byte{9}, 40)...)

	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrMessage},
		{"binary", bin, ErrMessage},
		{"signed-only", rearmor(messageType, signed.Bytes()), ErrNotEncrypted},
		{"clear-signed", []byte("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\ntitle\n"), ErrNotEncrypted},
		{"literal-only", rearmor(messageType, packetBytes(tagLiteral, append([]byte{'b', 0, 0, 0, 0, 0}, sealedText...))), ErrNotEncrypted},
		{"compressed-only", rearmor(messageType, packetBytes(tagCompressed, []byte{0, 1, 2, 3})), ErrNotEncrypted},
		{"sed-no-integrity", rearmor(messageType, append(bytes.Clone(pkesk), packetBytes(tagSED, bytes.Repeat([]byte{1}, 64))...)), ErrUnprotected},
		{"gnupg-ocb", rearmor(messageType, append(bytes.Clone(pkesk), packetBytes(tagOCBGnuPG, bytes.Repeat([]byte{1}, 64))...)), ErrMessage},
		{"passphrase", rearmor(messageType, withPass.Bytes()), ErrPassphrase},
		{"no-recipient", rearmor(messageType, seipd), ErrMessage},
		{"no-data", rearmor(messageType, pkesk), ErrMessage},
		{"trailing-packet", rearmor(messageType, append(bytes.Clone(bin), packetBytes(21, []byte{0, 0, 0})...)), ErrMessage},
		{"trailing-garbage", rearmor(messageType, append(bytes.Clone(bin), 0x41)), ErrMessage},
		{"two-blocks", append(bytes.Clone(good), good...), ErrMessage},
		{"text-after", append(bytes.Clone(good), "title: plain\n"...), ErrMessage},
		{"comment-header", bytes.Replace(good, []byte("-----\n\n"), []byte("-----\nComment: Heap overflow in frobnicate\n\n"), 1), ErrMessage},
		{"truncated", rearmor(messageType, bin[:len(bin)-30]), ErrMessage},
		{"v2-aes128", rearmor(messageType, v2aes128), ErrWeakCipher},
		{"v3-recipient-v2-data", rearmor(messageType, append(bytes.Clone(pkesk), v2[len(v2pkesk):]...)), ErrMessage},
		{"x25519-aes128", rearmor(messageType, append(packetBytes(tagPKESK, x25519), seipd...)), ErrWeakCipher},
		{"elgamal-recipient", rearmor(messageType, append(packetBytes(tagPKESK, []byte{3, 1, 2, 3, 4, 5, 6, 7, 8, 16, 0, 8, 1}), seipd...)), ErrWeakCipher},
		{"pkesk-version-5", rearmor(messageType, append(packetBytes(tagPKESK, []byte{5, 1, 2, 3}), seipd...)), ErrMessage},
		{"private-key-block", mustArmored(t, edSigner(t).PrivateArmored), ErrMessage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ReadMessage(tc.data)
			if err == nil || m != nil {
				t.Fatalf("ReadMessage = %+v, %v; want %v", m, err, tc.want)
			}
			if !errors.Is(err, tc.want) || countMessageSentinels(err) != 1 {
				t.Fatalf("ReadMessage error %q, want exactly %v", err, tc.want)
			}
			if strings.Contains(err.Error(), "frobnicate") {
				t.Errorf("the error quotes the message: %v", err)
			}
		})
	}
}

// TestReadMessageAnonymousRecipient: a hidden recipient reads as such, for
// the recipients rule to refuse.
func TestReadMessageAnonymousRecipient(t *testing.T) {
	ed := edSigner(t).entity
	var buf bytes.Buffer
	w, err := openpgp.EncryptWithParams(&buf, nil, []*openpgp.Entity{ed}, &openpgp.EncryptParams{Config: Config(now0)})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(sealedText)
	w.Close()
	m, err := ReadMessage(rearmor(messageType, buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Recipients) != 1 || !m.Recipients[0].Anonymous() {
		t.Fatalf("recipients %+v, want one anonymous", m.Recipients)
	}
}

// TestReadMessagePartialLengths reads a message whose encrypted packet is cut
// into partial bodies, as streaming writers make it.
func TestReadMessagePartialLengths(t *testing.T) {
	big := bytes.Repeat([]byte("summary line of a long record\n"), 200)
	msg := mustEncrypt(t, big, signerKey(t, edSigner(t)))
	bin := unarmor(t, msg)
	if pkts, err := splitMessage(bin); err != nil || len(pkts) != 2 {
		t.Fatalf("split: %v, %d packets", err, len(pkts))
	}
	if !bytes.Contains(bin, []byte{0xD2}) || bin[firstPacketLen(t, bin)+1] < 224 {
		t.Fatalf("test setup: expected a partial body length on the encrypted packet")
	}
	if _, err := ReadMessage(msg); err != nil {
		t.Fatal(err)
	}
	if plain, err := edSigner(t).Decrypt(msg, now0); err != nil || !bytes.Equal(plain, big) {
		t.Fatalf("Decrypt: %v", err)
	}
}
