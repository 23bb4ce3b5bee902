package pgp

import (
	"runtime"
	"sync"
	"weak"

	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
)

// The openpgp/v2 library caches the outcome of self-signature checks inside
// the entity (VerifiableSignature.Valid) the first time it needs them, so two
// goroutines checking the same key would race. Every use of an entity in this
// package holds that entity's mutex. The table is keyed by weak pointers so
// that it never keeps a key alive.
var entityLocks sync.Map // weak.Pointer[openpgp.Entity] -> *sync.Mutex

// lockEntity locks e and returns the function that unlocks it.
func lockEntity(e *openpgp.Entity) (unlock func()) {
	wp := weak.Make(e)
	m, loaded := entityLocks.LoadOrStore(wp, new(sync.Mutex))
	if !loaded {
		runtime.AddCleanup(e, func(wp weak.Pointer[openpgp.Entity]) { entityLocks.Delete(wp) }, wp)
	}
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}
