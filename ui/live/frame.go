package live

import "encoding/binary"

// textFrame is payload as one unmasked, unfragmented websocket text frame
// from the server (RFC 6455 5.2), the bytes every connection gets. The
// hub upgrades without compression, so a frame built once serves every
// client, and a writer can put several in one system call.
func textFrame(payload []byte) []byte {
	n := len(payload)
	var f []byte
	switch {
	case n < 126:
		f = append(make([]byte, 0, 2+n), 0x81, byte(n))
	case n <= 0xffff:
		f = append(make([]byte, 0, 4+n), 0x81, 126, 0, 0)
		binary.BigEndian.PutUint16(f[2:], uint16(n))
	default:
		f = append(make([]byte, 0, 10+n), 0x81, 127, 0, 0, 0, 0, 0, 0, 0, 0)
		binary.BigEndian.PutUint64(f[2:], uint64(n))
	}
	return append(f, payload...)
}
