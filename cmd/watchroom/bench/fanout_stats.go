//go:build linux

package bench

import (
	"fmt"
	"math/bits"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// fanHist is a latency histogram safe for concurrent adds: log-linear
// buckets of microseconds, 64 per power of two (about 1.5% resolution),
// so millions of samples cost a few kilobytes.
type fanHist struct {
	b [64 * 48]atomic.Int64
	n atomic.Int64
}

const fanSubBits = 6

func fanBucket(us int64) int {
	if us < 0 {
		us = 0
	}
	if us < 1<<(fanSubBits+1) {
		return int(us)
	}
	e := bits.Len64(uint64(us)) - fanSubBits - 1
	i := (e+1)<<fanSubBits + int(us>>uint(e)) - 1<<fanSubBits
	return min(i, 64*48-1)
}

// fanBucketMid is the middle of bucket i, in microseconds.
func fanBucketMid(i int) float64 {
	if i < 1<<(fanSubBits+1) {
		return float64(i)
	}
	e := i>>fanSubBits - 1
	m := int64(i&(1<<fanSubBits-1) + 1<<fanSubBits)
	return float64(m<<uint(e)) + float64(int64(1)<<uint(e))/2
}

func (h *fanHist) add(d time.Duration) {
	h.b[fanBucket(d.Microseconds())].Add(1)
	h.n.Add(1)
}

func (h *fanHist) count() int64 { return h.n.Load() }

// quantileMs returns the q-quantile in milliseconds (0 when empty).
func (h *fanHist) quantileMs(q float64) float64 {
	n := h.n.Load()
	if n == 0 {
		return 0
	}
	want := int64(q*float64(n) + 0.5)
	if want < 1 {
		want = 1
	}
	var seen int64
	for i := range h.b {
		if seen += h.b[i].Load(); seen >= want {
			return fanBucketMid(i) / 1000
		}
	}
	return fanBucketMid(len(h.b)-1) / 1000
}

// merge adds o's counts to h.
func (h *fanHist) merge(o *fanHist) {
	for i := range o.b {
		if v := o.b[i].Load(); v != 0 {
			h.b[i].Add(v)
		}
	}
	h.n.Add(o.n.Load())
}

// sparse lists the histogram's non-empty buckets and their counts.
func (h *fanHist) sparse() [][2]int64 {
	var s [][2]int64
	for i := range h.b {
		if v := h.b[i].Load(); v != 0 {
			s = append(s, [2]int64{int64(i), v})
		}
	}
	return s
}

// addSparse adds counts listed by sparse.
func (h *fanHist) addSparse(s [][2]int64) {
	for _, b := range s {
		if b[0] >= 0 && int(b[0]) < len(h.b) {
			h.b[b[0]].Add(b[1])
			h.n.Add(b[1])
		}
	}
}

// fanMem is the process's Go memory after a full collection.
type fanMem struct {
	heapInuse, heapAlloc, stack uint64
}

// fanMemory collects garbage twice (the second pass frees what the first
// one's finalizers released) and reads the heap and goroutine stacks. The
// bench runs the server in this process, so these figures include it.
func fanMemory() fanMem {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return fanMem{heapInuse: m.HeapInuse, heapAlloc: m.HeapAlloc, stack: m.StackInuse}
}

// perConnKB is the growth from a to b of heap in use plus goroutine
// stacks, per connection, in KB.
func perConnKB(a, b fanMem, n int) float64 {
	if n == 0 {
		return 0
	}
	grow := float64(b.heapInuse+b.stack) - float64(a.heapInuse+a.stack)
	return grow / float64(n) / 1024
}

// fanCPU is CPU time used so far: by this process, and by the whole
// machine (from /proc/stat), to tell a slow run from a busy machine.
type fanCPU struct {
	at             time.Time
	self           time.Duration
	busy, all      uint64 // machine jiffies
	machineCounted bool
}

func fanCPUNow() fanCPU {
	c := fanCPU{at: time.Now()}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		c.self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return c
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "cpu" {
		return c
	}
	for i, v := range f[1:] {
		n, _ := strconv.ParseUint(v, 10, 64)
		c.all += n
		if i != 3 && i != 4 { // idle, iowait
			c.busy += n
		}
	}
	c.machineCounted = true
	return c
}

// fanCores is how many cores this process, and the whole machine, kept
// busy between a and b (machine -1 when /proc/stat is not there).
func fanCores(a, b fanCPU) (self, machine float64) {
	wall := b.at.Sub(a.at).Seconds()
	self, machine = (b.self-a.self).Seconds()/wall, -1
	if a.machineCounted && b.machineCounted && b.all > a.all {
		machine = float64(b.busy-a.busy) / float64(b.all-a.all) * float64(runtime.NumCPU())
	}
	return self, machine
}

// fanCPUUse says how many cores this process and the machine kept busy
// between a and b.
func fanCPUUse(a, b fanCPU) string {
	wall := b.at.Sub(a.at).Seconds()
	s := fmt.Sprintf("this process used %.2f cores", (b.self-a.self).Seconds()/wall)
	if a.machineCounted && b.machineCounted && b.all > a.all {
		share := float64(b.busy-a.busy) / float64(b.all-a.all)
		s += fmt.Sprintf(", the machine %.0f%% of its %d", share*100, runtime.NumCPU())
	}
	return s
}
