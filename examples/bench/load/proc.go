package main

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// selfCPU returns the CPU time this process used (user + system).
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// clkTck is USER_HZ, 100 on every Linux this runs on.
const clkTck = 100

// procCPU returns the CPU time of pid (user + system, its threads
// included) from /proc/<pid>/stat, or 0 when pid is 0 or unreadable.
func procCPU(pid int) time.Duration {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	// After the command: state is field 3; utime and stime are 14 and 15.
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+s) * time.Second / clkTck
}

// procRSS returns VmRSS of pid in bytes, or 0.
func procRSS(pid int) int64 {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(v)
			if len(f) > 0 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// meter samples wall, own and server CPU over a measurement window.
type meter struct {
	pid          int
	wall         time.Time
	self, server time.Duration
}

func startMeter(pid int) meter {
	return meter{pid: pid, wall: time.Now(), self: selfCPU(), server: procCPU(pid)}
}

// stop returns the window's wall time and the CPU used, in cores
// (1 = one core busy all the time), by the generator and the server.
func (m meter) stop() (wall time.Duration, genCores, srvCores float64, srvCPU time.Duration) {
	wall = time.Since(m.wall)
	srvCPU = procCPU(m.pid) - m.server
	genCores = float64(selfCPU()-m.self) / float64(wall)
	srvCores = float64(srvCPU) / float64(wall)
	return wall, genCores, srvCores, srvCPU
}
