//go:build unix

package engineio

import "syscall"

// nonBlockingWrites tells that writeFD is available.
const nonBlockingWrites = true

// writeFD writes b to the non-blocking socket fd once. A full socket
// buffer is reported as errWouldBlock.
func writeFD(fd uintptr, b []byte) (int, error) {
	for {
		n, err := syscall.Write(int(fd), b)
		switch err {
		case nil:
			return n, nil
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return 0, errWouldBlock
		}
		return 0, err
	}
}
