// Package gitobj parses raw git commit objects strictly and extracts the
// exact bytes a commit signature covers.
//
// The verifier must judge the same bytes git judges. ParseCommit therefore
// accepts only commits laid out exactly as git writes them (header order,
// header names, identity lines, hash syntax), refuses duplicate headers and
// multiple signatures, re-hashes the object against its expected id with
// SHA-1 collision detection, and returns the signed payload: the raw object
// with the gpgsig header and its continuation lines removed, byte for byte.
//
// This package does no cryptography; another package checks the returned
// Signature over the returned Payload.
package gitobj
