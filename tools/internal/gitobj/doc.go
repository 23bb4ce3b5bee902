// Package gitobj parses raw git commit objects strictly and extracts the
// exact bytes a commit signature covers.
//
// The verifier must judge the same bytes git judges. ParseCommit accepts only
// commits laid out as git writes them:
//
//	tree <40 lower-case hex>
//	parent <40 lower-case hex>            (zero or more, all distinct)
//	author Name <email> <seconds> <+hhmm|-hhmm>
//	committer Name <email> <seconds> <+hhmm|-hhmm>
//	encoding <name>                       (optional)
//	mergetag <tag object>                 (zero or more, continued by " " lines)
//	gpgsig <armored signature>            (optional, continued by " " lines)
//	<blank line>
//	<message>
//
// It refuses duplicate headers, unknown or misordered headers, CR or NUL in
// headers, NUL in the message, more than one armored signature block, and a
// gpgsig-sha256 header (this is a SHA-1 repository format: git would not read
// it as the signature). It re-hashes the object against its expected id with
// SHA-1 collision detection (sha1cd, as git does) and returns the signed
// payload: the raw object with the gpgsig header and its continuation lines
// removed, byte for byte. The real git binary and go-git extract the same
// payload for every commit ParseCommit accepts (see the tests).
//
// This package does no cryptography; another package checks the returned
// Signature over the returned Payload, and must refuse any SigType other than
// SigOpenPGP as unsupported.
package gitobj
