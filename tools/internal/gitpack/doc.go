// Package gitpack reads objects straight from a repository's pack files,
// touching only the parts of the pack and its index that an object needs.
//
// go-git decodes every pack index completely when a repository is opened and
// builds a map from every pack offset to its object id on the first read, so
// reading ten objects costs time in proportion to the whole history. This
// reader maps the files instead (as git does) and binary-searches the index on
// demand, so checking a short pull request costs the same on any history.
//
// It trusts nothing in the files: every offset, length and count is checked
// against the file it points into, delta chains are bounded in depth, an
// object may not inflate past the size its header declares, zlib checksums are
// checked, and each object it returns is re-hashed against the id it was asked
// for. Anything unexpected is an error (ErrCorrupt); nothing panics, even if a
// pack file is truncated while it is mapped.
package gitpack
