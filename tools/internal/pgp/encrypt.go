package pgp

import "time"

// CanEncrypt reports whether k has a key valid for encryption at now (the
// primary key or a subkey with the encrypt flags and a valid binding), as a
// list server re-encrypting mail to the key's owner needs.
func CanEncrypt(k *Key, now time.Time) (ok bool) {
	if k == nil || k.Entity == nil || k.Entity.PrimaryKey == nil {
		return false
	}
	defer lockEntity(k.Entity)()
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	_, ok = k.Entity.EncryptionKey(now, Config(now))
	return ok
}
