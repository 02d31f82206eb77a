package alerts

import (
	"slices"
	"sort"
	"time"
)

// A rule's window is counted, not kept: each group (rule and operation)
// holds its hits as counts in time buckets, so what the engine remembers
// does not grow with the number of hits, only with the span the rule looks
// back over. A bucket counts in the window (from, now] when it starts after
// from, so a hit may leave the window up to one bucket's width early; the
// widths are round durations, so hits at whole seconds or minutes are
// counted exactly.

// maxBuckets caps the buckets a group keeps over its span.
const maxBuckets = 360

// authorBuckets is how finely a group's distinct authors are timed: a
// sixtieth of its window.
const authorBuckets = 60

// maxAuthors caps the distinct authors a group counts in its window; past
// it the summary says "at least".
const maxAuthors = 10000

// widths are the bucket widths, round so that bucket edges fall on whole
// seconds and minutes.
var widths = []time.Duration{time.Millisecond, 10 * time.Millisecond, 100 * time.Millisecond, 250 * time.Millisecond,
	500 * time.Millisecond, time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second,
	30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute,
	30 * time.Minute, time.Hour, 2 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour}

// bucketWidth is the narrowest round width that cuts span into at most n
// buckets.
func bucketWidth(span time.Duration, n int) int64 {
	for _, w := range widths {
		if span/w <= time.Duration(n) {
			return int64(w)
		}
	}
	return int64(span) / int64(n)
}

// floorDiv is a/b rounded down (times before 1970 are negative).
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// tally is hits counted by severity (routine, high, critical).
type tally struct {
	n   int
	sev [3]int
}

func (t *tally) add(sev, n int) { t.n += n; t.sev[sev] += n }

func (t *tally) addAll(o tally) {
	t.n += o.n
	for i := range t.sev {
		t.sev[i] += o.sev[i]
	}
}

func (t *tally) sub(o tally) {
	t.n -= o.n
	for i := range t.sev {
		t.sev[i] -= o.sev[i]
	}
}

// top is the highest severity counted.
func (t tally) top() string {
	for r := len(t.sev) - 1; r > 0; r-- {
		if t.sev[r] > 0 {
			return rankName[r]
		}
	}
	return rankName[0]
}

var rankName = [3]string{"routine", "high", "critical"}

// sevIndex is a severity's place in a tally.
func sevIndex(s string) int { return SeverityRank(s) - 1 }

type bucket struct {
	key int64 // start / width
	tally
}

type evidence struct {
	id int64
	at int64 // unix nanoseconds
}

// series is one group's hits: buckets over the window and, for a spike
// rule, the baseline before it; the distinct authors of the window; the
// newest hit ids for the alert's evidence.
type series struct {
	fp       string
	window   int64 // ns
	baseline int64 // ns, 0 but for spike rules
	width    int64
	buckets  []bucket // oldest first
	split    int      // buckets[:split] are in the baseline, the rest in the window
	fk, bk   int64    // window: keys > fk; baseline: keys in (bk, fk]
	cur      tally
	base     tally
	authors  authorSet
	recent   [maxEvidence]evidence // a ring, newest at (head-1)
	head     int
	held     int
}

func newSeries(fp string, window, baseline time.Duration) *series {
	s := &series{fp: fp, window: int64(window), baseline: int64(baseline)}
	s.width = bucketWidth(window+baseline, maxBuckets)
	// every bucket the span can hold, at once: the group's memory is
	// fixed when it is made, not grown as its span fills (a bucket more
	// for each end, which may be partly outside the span)
	s.buckets = make([]bucket, 0, int64(window+baseline)/s.width+2)
	s.authors = authorSet{width: bucketWidth(window, authorBuckets), m: map[uint64]int64{}}
	s.fk, s.bk = -1<<62, -1<<62
	s.authors.fk = -1 << 62
	return s
}

// add counts a hit.
func (s *series) add(at time.Time, id int64, sev int, author uint64) {
	ns := at.UnixNano()
	key := floorDiv(ns, s.width)
	if key <= s.bk {
		return // before anything the rule looks at
	}
	i := len(s.buckets)
	if i > 0 && s.buckets[i-1].key >= key {
		i = sort.Search(len(s.buckets), func(j int) bool { return s.buckets[j].key >= key })
	}
	if i == len(s.buckets) || s.buckets[i].key != key {
		s.buckets = slices.Insert(s.buckets, i, bucket{key: key})
		if key <= s.fk {
			s.split++ // a new baseline bucket: every bucket before it is one too
		}
	}
	s.buckets[i].add(sev, 1)
	if key <= s.fk {
		s.base.add(sev, 1)
		return
	}
	s.cur.add(sev, 1)
	if author != 0 {
		s.authors.add(ns, author)
	}
	s.recent[s.head] = evidence{id: id, at: ns}
	s.head = (s.head + 1) % maxEvidence
	s.held = min(s.held+1, maxEvidence)
}

// advance slides the window to end at now.
func (s *series) advance(now time.Time) {
	from := now.UnixNano() - s.window
	fk := floorDiv(from, s.width)
	bk := floorDiv(from-s.baseline, s.width)
	if s.baseline == 0 {
		bk = fk
	}
	if fk < s.fk || bk < s.bk {
		// the clock went back: count again from the buckets kept
		s.fk, s.bk = fk, bk
		s.recount()
	} else {
		s.fk, s.bk = fk, bk
		for s.split < len(s.buckets) && s.buckets[s.split].key <= fk {
			s.cur.sub(s.buckets[s.split].tally)
			s.base.addAll(s.buckets[s.split].tally)
			s.split++
		}
		drop := 0
		for drop < len(s.buckets) && s.buckets[drop].key <= bk {
			if drop < s.split {
				s.base.sub(s.buckets[drop].tally)
			}
			drop++
		}
		if drop > 0 {
			s.buckets = append(s.buckets[:0], s.buckets[drop:]...)
			s.split -= drop
		}
	}
	s.authors.advance(from)
}

func (s *series) recount() {
	s.cur, s.base, s.split = tally{}, tally{}, 0
	kept := s.buckets[:0]
	for _, b := range s.buckets {
		if b.key <= s.bk {
			continue
		}
		kept = append(kept, b)
		if b.key <= s.fk {
			s.base.addAll(b.tally)
			s.split++
		} else {
			s.cur.addAll(b.tally)
		}
	}
	s.buckets = kept
}

// evidence is the ids of the newest hits still in the window, oldest first.
func (s *series) evidence(now time.Time) []int64 {
	from := (s.fk + 1) * s.width
	var ids []int64
	for i := s.held; i > 0; i-- {
		ev := s.recent[(s.head-i+maxEvidence)%maxEvidence]
		if ev.at >= from && ev.at <= now.UnixNano() {
			ids = append(ids, ev.id)
		}
	}
	return ids
}

// reset forgets every hit (the alert was resolved by hand).
func (s *series) reset() {
	w, b, fk, bk, afk, fp := s.window, s.baseline, s.fk, s.bk, s.authors.fk, s.fp
	*s = *newSeries(fp, time.Duration(w), time.Duration(b))
	s.fk, s.bk, s.authors.fk = fk, bk, afk
}

// authorSet counts the distinct authors of a window: each author's newest
// bucket, and per bucket the authors whose newest it is, so that a bucket
// leaving the window forgets exactly those.
type authorSet struct {
	width   int64
	m       map[uint64]int64 // author hash -> newest bucket key
	buckets []authorBucket   // oldest first
	fk      int64
	full    int // authors refused in the window because the set was full
}

type authorBucket struct {
	key     int64
	authors []uint64
	refused int
}

func (a *authorSet) add(ns int64, author uint64) {
	key := floorDiv(ns, a.width)
	if key <= a.fk {
		return
	}
	prev, ok := a.m[author]
	if ok && prev >= key {
		return
	}
	i := len(a.buckets)
	if i > 0 && a.buckets[i-1].key >= key {
		i = sort.Search(len(a.buckets), func(j int) bool { return a.buckets[j].key >= key })
	}
	if i == len(a.buckets) || a.buckets[i].key != key {
		a.buckets = slices.Insert(a.buckets, i, authorBucket{key: key})
	}
	if !ok && len(a.m) >= maxAuthors {
		a.buckets[i].refused++
		a.full++
		return
	}
	a.m[author] = key
	a.buckets[i].authors = append(a.buckets[i].authors, author)
}

func (a *authorSet) advance(from int64) {
	fk := floorDiv(from, a.width)
	if fk <= a.fk {
		return
	}
	a.fk = fk
	drop := 0
	for drop < len(a.buckets) && a.buckets[drop].key <= fk {
		b := a.buckets[drop]
		for _, h := range b.authors {
			if a.m[h] == b.key {
				delete(a.m, h)
			}
		}
		a.full -= b.refused
		drop++
	}
	if drop > 0 {
		a.buckets = append(a.buckets[:0], a.buckets[drop:]...)
	}
}

// count is the distinct authors in the window, and whether there were
// more than it could keep.
func (a *authorSet) count() (int, bool) { return len(a.m), a.full > 0 }
