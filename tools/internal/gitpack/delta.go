package gitpack

import "errors"

// errDelta is wrapped into ErrCorrupt by the caller, which knows the offset.
var errDelta = errors.New("bad delta")

// applyDelta rebuilds an object from its base and a git delta: two sizes, then
// instructions that either copy a range of the base or insert literal bytes.
// Every range is checked against the base, and the result must come out at
// exactly the size the delta declares, which may not exceed limit.
func applyDelta(base, delta []byte, limit uint64) ([]byte, error) {
	srcSize, delta, ok := deltaSize(delta)
	if !ok || srcSize != uint64(len(base)) {
		return nil, errDelta
	}
	dstSize, delta, ok := deltaSize(delta)
	if !ok {
		return nil, errDelta
	}
	if dstSize > limit {
		return nil, ErrTooLarge
	}
	out := make([]byte, 0, dstSize)
	for len(delta) > 0 {
		op := delta[0]
		delta = delta[1:]
		switch {
		case op&0x80 != 0: // copy: offset and size bytes present per flag bit
			var off, n uint64
			for i := uint(0); i < 7; i++ {
				if op&(1<<i) == 0 {
					continue
				}
				if len(delta) == 0 {
					return nil, errDelta
				}
				if i < 4 {
					off |= uint64(delta[0]) << (8 * i)
				} else {
					n |= uint64(delta[0]) << (8 * (i - 4))
				}
				delta = delta[1:]
			}
			if n == 0 {
				n = 0x10000
			}
			if off+n > uint64(len(base)) || uint64(len(out))+n > dstSize {
				return nil, errDelta
			}
			out = append(out, base[off:off+n]...)
		case op != 0: // insert op literal bytes
			n := int(op)
			if n > len(delta) || uint64(len(out)+n) > dstSize {
				return nil, errDelta
			}
			out = append(out, delta[:n]...)
			delta = delta[n:]
		default: // opcode 0 is reserved
			return nil, errDelta
		}
	}
	if uint64(len(out)) != dstSize {
		return nil, errDelta
	}
	return out, nil
}

// deltaSize reads one little-endian base-128 size from the front of a delta.
func deltaSize(b []byte) (uint64, []byte, bool) {
	var v uint64
	for i, shift := 0, uint(0); i < len(b) && shift < 64; i, shift = i+1, shift+7 {
		v |= uint64(b[i]&0x7f) << shift
		if b[i]&0x80 == 0 {
			return v, b[i+1:], true
		}
	}
	return 0, nil, false
}
