package pgp

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// oneSigner returns a parsed Ed25519 key and n payloads it signed.
func oneSigner(t testing.TB, n int) (*Key, [][]byte, [][]byte) {
	t.Helper()
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s, err := NewSigner("ed25519", "Copy Test", "copy@example.org", created)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := s.PublicArmored()
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParseKeyFile(pub)
	if err != nil {
		t.Fatal(err)
	}
	var payloads, sigs [][]byte
	for i := 0; i < n; i++ {
		p := []byte(fmt.Sprintf("payload %d\n", i))
		sig, err := s.SignDetached(p, created.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		payloads, sigs = append(payloads, p), append(sigs, sig)
	}
	return k, payloads, sigs
}

func TestKeyCopiesVerifyAsTheKeysDo(t *testing.T) {
	k, payloads, sigs := oneSigner(t, 2)
	c := k.Copy()
	if c.Entity == k.Entity || c.Fingerprint != k.Fingerprint || c.Created != k.Created {
		t.Fatalf("copy shares the entity or differs: %+v", c)
	}
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	kc := NewKeyCopies()
	cases := []struct {
		name    string
		keys    []*Key
		payload []byte
		sig     []byte
		want    error
	}{
		{"good", []*Key{k}, payloads[0], sigs[0], nil},
		{"other payload", []*Key{k}, payloads[1], sigs[0], ErrBadSignature},
		{"unknown key", nil, payloads[0], sigs[0], ErrUnknownKey},
		{"not a signature", []*Key{k}, payloads[0], []byte("junk"), ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s1, err1 := VerifyDetached(tc.keys, tc.payload, tc.sig, now)
			s2, err2 := kc.VerifyDetached(tc.keys, tc.payload, tc.sig, now)
			if !errors.Is(err1, tc.want) || !errors.Is(err2, tc.want) || (tc.want == nil) != (err1 == nil) || (tc.want == nil) != (err2 == nil) {
				t.Fatalf("VerifyDetached: %v; with copies: %v; want %v", err1, err2, tc.want)
			}
			if tc.want == nil && (s1.Fingerprint != s2.Fingerprint || s1.Created != s2.Created) {
				t.Fatalf("results differ: %+v and %+v", s1, s2)
			}
		})
	}
	if got := kc.of(k); got == k || got != kc.of(k) {
		t.Fatal("KeyCopies must copy a key once and reuse the copy")
	}
}

// BenchmarkOneSigner checks 200 signatures by one key on two goroutines,
// sharing the key and with a KeyCopies each: sharing serializes them on the
// key's lock.
func BenchmarkOneSigner(b *testing.B) {
	k, payloads, sigs := oneSigner(b, 200)
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	run := func(b *testing.B, verify func(w int) func([]*Key, []byte, []byte, time.Time) (*Signature, error)) {
		for range b.N {
			var wg sync.WaitGroup
			for w := 0; w < 2; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					v := verify(w)
					for i := w; i < len(sigs); i += 2 {
						if _, err := v([]*Key{k}, payloads[i], sigs[i], now); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
		}
	}
	b.Run("shared", func(b *testing.B) {
		run(b, func(int) func([]*Key, []byte, []byte, time.Time) (*Signature, error) { return VerifyDetached })
	})
	b.Run("copies", func(b *testing.B) {
		run(b, func(int) func([]*Key, []byte, []byte, time.Time) (*Signature, error) {
			return NewKeyCopies().VerifyDetached
		})
	})
}
