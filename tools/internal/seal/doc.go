// Package seal keeps the private fields of embargo records encrypted to the
// record's team inside the repository (docs/formats.md, "Sealed records"): it
// splits a record into its plain part and the plaintext of its sealed
// message and merges them back, says who a record must be sealed to, runs
// the rules sealed.required, sealed.format and sealed.recipients on a state
// and on every commit of a range, and decrypts through the user's own gpg.
// It never reads a private key: CI judges a sealed message by its packets
// alone, and a person decrypts with their own gpg or hardware key.
package seal
