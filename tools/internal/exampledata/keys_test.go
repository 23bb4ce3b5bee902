package exampledata_test

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
)

var addSubkeys = flag.Bool("add-encryption-subkeys", false, "give every example TEST key without one an encryption subkey (examples/testkeys and examples/group/members/keys)")

// subkeysCreated is when the example keys' encryption subkeys were made: the
// keys' own creation time, so GnuPG at any later clock takes them.
var subkeysCreated = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// TestExampleKeysEncrypt checks that every TEST key of the example can
// encrypt at the demo clock — sealed records are encrypted to them
// (docs/formats.md, "Sealed records") — and that each members/keys/<FPR>.asc
// is the public part of examples/testkeys/<FPR>.key: the same fingerprint and
// the same subkeys. With
//
//	go test ./tools/internal/exampledata -run TestExampleKeysEncrypt -add-encryption-subkeys
//
// a key without an encryption subkey gets one (pgp.WithEncryptionSubkey),
// written to both files; the packets already there stay byte for byte, so
// the statements the keys signed stay valid.
func TestExampleKeysEncrypt(t *testing.T) {
	root := exampledata.Root(t)
	privs, err := filepath.Glob(filepath.Join(root, "examples", "testkeys", "*.key"))
	if err != nil || len(privs) < 10 {
		t.Fatalf("example test keys: %v, %d found", err, len(privs))
	}
	for _, privPath := range privs {
		fpr := strings.TrimSuffix(filepath.Base(privPath), ".key")
		pubPath := filepath.Join(exampledata.Dir(t), "members", "keys", fpr+".asc")
		priv, err := os.ReadFile(privPath)
		if err != nil {
			t.Fatal(err)
		}
		pub, err := os.ReadFile(pubPath)
		if err != nil {
			t.Fatal(err)
		}
		k, err := pgp.ParseKeyFile(pub)
		if err != nil {
			t.Fatalf("%s: %v", pubPath, err)
		}
		if !pgp.CanEncrypt(k, demoNow) {
			if !*addSubkeys {
				t.Errorf("%s cannot encrypt; add an encryption subkey with: go test ./tools/internal/exampledata -run TestExampleKeysEncrypt -add-encryption-subkeys", fpr)
				continue
			}
			if priv, pub, err = pgp.WithEncryptionSubkey(priv, pub, subkeysCreated); err != nil {
				t.Fatalf("%s: %v", fpr, err)
			}
			if err := os.WriteFile(privPath, priv, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(pubPath, pub, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("added an encryption subkey to %s", fpr)
			if k, err = pgp.ParseKeyFile(pub); err != nil || !pgp.CanEncrypt(k, demoNow) {
				t.Fatalf("%s still cannot encrypt: %v", fpr, err)
			}
		}
		s, err := pgp.ReadSigner(priv)
		if err != nil {
			t.Fatalf("%s: %v", privPath, err)
		}
		if s.Fingerprint() != fpr || k.Fingerprint != fpr {
			t.Errorf("%s: private key %s, public key %s", fpr, s.Fingerprint(), k.Fingerprint)
		}
		fromPriv, err := s.PublicArmored()
		if err != nil {
			t.Fatal(err)
		}
		pk, err := pgp.ParseKeyFile(fromPriv)
		if err != nil {
			t.Fatal(err)
		}
		if a, _ := pgp.KeyIDs(pk); !slices.Equal(a, first(pgp.KeyIDs(k))) {
			t.Errorf("%s: the public key file's subkeys %x differ from the private key's %x", fpr, first(pgp.KeyIDs(k)), a)
		}
		if !s.CanEncrypt(demoNow) {
			t.Errorf("%s: the private key has no encryption subkey", fpr)
		}
		for _, p := range pgp.CheckKey(k, demoNow) {
			t.Errorf("%s: %+v", fpr, p)
		}
	}
}

func first[A, B any](a A, _ B) A { return a }
